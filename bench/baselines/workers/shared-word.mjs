// Worker side of the shared-word floor (bench/baselines/shared-word.ts). Spins on Int32 word 0 of
// workerData.buffer: an odd value is a ping, answered by storing value + 1; STOP (-1) ends the loop so
// the worker exits by itself. The spin blocks this worker's event loop, on purpose: nothing else runs
// here, and terminate() still stops it.
import { parentPort, workerData } from 'node:worker_threads';

const STOP = -1;
const word = new Int32Array(workerData.buffer);

parentPort.postMessage('ready');
for (;;) {
  const value = Atomics.load(word, 0);
  if (value === STOP) break;
  if ((value & 1) === 1) Atomics.store(word, 0, value + 1);
}
