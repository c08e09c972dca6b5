// Worker side of the comlink baseline (bench/baselines/comlink.ts): one trivial exposed method.
// The ESM build is imported by path: the package's "main" is a UMD bundle.
import { parentPort } from 'node:worker_threads';
import { expose } from 'comlink/dist/esm/comlink.mjs';
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';

let calls = 0;
expose(
  {
    get() {
      calls += 1;
      return calls;
    },
  },
  nodeEndpoint(parentPort),
);
