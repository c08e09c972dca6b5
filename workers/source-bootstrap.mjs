// Starts a worker from TypeScript sources (tests, `tsx` runs). Node 20 ignores loader flags in workers
// (nodejs/node#47747), and the type stripping of Node 22.18+ and 24 does not map the sources' `./x.js` imports to
// `x.ts`, so the worker registers tsx itself, then imports the real entry named in workerData. The published
// package never runs this: from dist/ a worker starts compiled JavaScript.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
globalThis[Symbol.for('ringmaster.tsx-registered')] = true;
await import(workerData.entry);
