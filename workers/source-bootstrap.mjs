// Starts a worker from TypeScript sources (tests, `tsx` runs). Node 20 ignores loader flags in workers
// (nodejs/node#47747), so the worker registers tsx itself, then imports the real entry named in workerData.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
globalThis[Symbol.for('ringmaster.tsx-registered')] = true;
await import(workerData.entry);
