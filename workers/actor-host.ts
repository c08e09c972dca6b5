/**
 * A worker thread's entry point: load the actor modules, attach this thread's rings, run the dispatcher loop,
 * and answer the main thread's control calls. Everything it runs lives in src/.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { knownDefinitions } from '../src/actor.js';
import { exposeControl } from '../src/control.js';
import { WorkerDriver } from '../src/dispatch/driver.js';
import { importModule } from '../src/loader.js';
import { setAmbientRuntime } from '../src/ref.js';
import { Runtime } from '../src/runtime/runtime.js';
import type { WorkerBoot } from '../src/system.js';
import { Mesh } from '../src/transport/mesh.js';

const boot = workerData as WorkerBoot;
for (const url of boot.config.actors) await importModule(url, true);

const rt = new Runtime(boot.config, boot.thread, new Mesh(boot.mesh, boot.thread));
setAmbientRuntime(rt);
const driver = new WorkerDriver(rt, boot.config.waitStrategy, boot.config.spinIterations);

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
