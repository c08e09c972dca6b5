/**
 * A worker thread's entry point: load the actor modules, attach this thread's rings and journal, recover what a
 * dead predecessor left (nothing on a first boot), run the dispatcher loop, and answer the main thread's control
 * calls. A spare (booted ahead of a crash) loads the modules and waits for `assume` to say which thread it is.
 * Everything it runs lives in src/.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { knownDefinitions } from '../src/actor.js';
import { exposeControl } from '../src/control.js';
import { WorkerDriver } from '../src/dispatch/worker-driver.js';
import { WorkerCrashedError, deserializeError } from '../src/errors.js';
import { importModule } from '../src/loader.js';
import { Runtime } from '../src/runtime/runtime.js';
import type { WorkerAssignment, WorkerBoot } from '../src/control.js';
import { Journal, recoverJournal } from '../src/transport/journal.js';
import { Mesh } from '../src/transport/mesh.js';
import { CTL_HEARTBEAT } from '../src/transport/layout.js';

const boot = workerData as WorkerBoot;
const config = boot.config;
for (const url of config.actors) await importModule(url, true);

let thread = 0;
let rt: Runtime | undefined;
let driver: WorkerDriver | undefined;

/**
 * Attaches thread `a.thread` and recovers; the loop starts with `run` (or at the next kick). A worker booted for a
 * thread waits for the main thread's `ready` call: until its answer arrives the main thread holds the slot as
 * booting and its watchdog does not look, so a loop that hung on a message left queued by a dead predecessor
 * before answering would never be caught (seen on Node 22, which loads the modules fast enough for the first pump
 * to come before the `ready` message).
 */
function start(a: WorkerAssignment, run: boolean): void {
  if (rt !== undefined) throw new Error(`this worker already is thread ${thread}`);
  thread = a.thread;
  // Read back before attaching a Journal: recovery empties it for this worker's own records.
  const recovered = recoverJournal(a.journal, a.mesh.threads);
  rt = new Runtime(config, a.thread, new Mesh(a.mesh, a.thread), new Journal(a.journal));
  driver = new WorkerDriver(rt, config.waitStrategy, config.spinIterations);
  const cause = new WorkerCrashedError(a.thread, a.restart === undefined ? undefined : deserializeError(a.restart.cause));
  rt.recover(recovered, cause);
  if (run) driver.kick();
}

exposeControl(
  {
    ready: () => {
      // The answer is posted before the loop's first turn (comlink replies after a microtask, the loop runs in an
      // immediate), so the slot is 'up', and watched, before any actor code runs.
      driver?.kick();
      return { thread, definitions: knownDefinitions() };
    },
    assume: (a) => {
      start(a, true);
      return { thread, definitions: knownDefinitions() };
    },
    stats: () => ({
      thread,
      actors: rt?.actorCount ?? 0,
      asyncInFlight: rt?.asyncInFlight ?? 0,
      parks: driver?.parks ?? 0,
      spinBudget: driver?.spinBudget ?? 0,
      spinStops: driver?.spinStops ?? { crowded: 0, contended: 0, preempted: 0 },
      journal: rt?.journalBytes ?? { liveBytes: 0, limitBytes: 0 },
    }),
    awaitingOutside: () => rt?.awaitingOutside() ?? [],
    exit: () => {
      driver?.stop();
      // A last round so records already produced (replies, reports) reach their rings.
      for (let i = 0; rt !== undefined && i < 4 && rt.pump(); i++);
    },
  },
  parentPort!,
);
if (!('spare' in boot)) {
  // One beat once the modules are loaded, before recovery runs any actor code: the main thread's boot deadline
  // (worker-supervisor.ts, #boot) then allows this recovery stallTimeoutMs, as it would a turn.
  Atomics.add(new Int32Array(boot.mesh.controls[boot.thread]!), CTL_HEARTBEAT, 1);
  start(boot, false);
}
