// Worker side of the wake floor (bench/baselines/wake-floor.ts): no engine, only the wake primitive. It awaits
// Atomics.waitAsync on word 0 (the request counter); each time it moves, it bumps word 16 (the reply counter, on
// its own cache line) and notifies the main thread, then waits again. STOP in word 0 ends it. An interval timer
// keeps this worker's event loop alive, as an engine's worker would be (a pending waitAsync alone does not).
// FLOOR_TIMEOUT=<ms> in the environment gives the worker's wait a timeout: what that costs every later wake-up
// is measured in docs/platform.md#waking-a-thread.
import { parentPort, workerData } from 'node:worker_threads';

const STOP = -1;
const REQ = 0;
const REP = 16;
const words = new Int32Array(workerData.buffer);
// The same safety net as the engine's drivers (src/dispatch/driver.ts): the wait has no timeout, and an interval
// notifies it once a second, so a wake-up lost for any reason costs at most a second, never the run.
const keepAlive = setInterval(() => Atomics.notify(words, REQ), 1000);

// Read the counter before saying ready: read after, a first request could already have moved it, and the worker
// would wait for a change that has already happened.
let seen = Atomics.load(words, REQ);
parentPort.postMessage('ready');
for (;;) {
  const r = process.env.FLOOR_TIMEOUT ? Atomics.waitAsync(words, REQ, seen, Number(process.env.FLOOR_TIMEOUT)) : Atomics.waitAsync(words, REQ, seen);
  if (r.async) await r.value;
  const now = Atomics.load(words, REQ);
  if (now === STOP) break;
  if (now === seen) continue; // a timeout or a spurious wake
  seen = now;
  Atomics.add(words, REP, 1);
  Atomics.notify(words, REP);
}
clearInterval(keepAlive);
