/**
 * A worker thread's entry point: load the actor modules, attach this thread's rings and journal, recover what a
 * dead predecessor left (nothing on a first boot), run the dispatcher loop, and answer the main thread's control
 * calls. Everything it runs lives in src/.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { knownDefinitions } from '../src/actor.js';
import { exposeControl } from '../src/control.js';
import { WorkerDriver } from '../src/dispatch/driver.js';
import { WorkerCrashedError, deserializeError } from '../src/errors.js';
import { importModule } from '../src/loader.js';
import { setAmbientRuntime } from '../src/ref.js';
import { Runtime } from '../src/runtime/runtime.js';
import type { WorkerBoot } from '../src/supervision/worker-supervisor.js';
import { Journal, recoverJournal } from '../src/transport/journal.js';
import { Mesh } from '../src/transport/mesh.js';

const boot = workerData as WorkerBoot;
for (const url of boot.config.actors) await importModule(url, true);

// Read back before attaching a Journal: recovery empties it for this worker's own records.
const recovered = recoverJournal(boot.journal, boot.mesh.threads);
const rt = new Runtime(boot.config, boot.thread, new Mesh(boot.mesh, boot.thread), new Journal(boot.journal));
setAmbientRuntime(rt);
const driver = new WorkerDriver(rt, boot.config.waitStrategy, boot.config.spinIterations);
const cause = boot.restart === undefined ? undefined : new WorkerCrashedError(boot.thread, deserializeError(boot.restart.cause));
rt.recover(recovered, cause ?? new WorkerCrashedError(boot.thread));

exposeControl(
  {
    ready: () => ({ thread: boot.thread, definitions: knownDefinitions() }),
    stats: () => ({ thread: boot.thread, actors: rt.actorCount, asyncInFlight: rt.asyncInFlight }),
    exit: () => {
      driver.stop();
      // A last round so records already produced (replies, reports) reach their rings.
      for (let i = 0; i < 4 && rt.pump(); i++);
    },
  },
  parentPort!,
);
driver.kick();
