/**
 * Baseline: a comlink call, the usual "RPC over postMessage" layer: `await remote.get()` on a proxy
 * wrapped around the worker with comlink's Node adapter, one call at a time.
 */
import { releaseProxy, wrap } from 'comlink/dist/esm/comlink.mjs';
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';
import { sampleLatencyAsync } from '../lib/measure.js';
import type { Scenario, ScenarioOptions, ScenarioResult } from '../lib/scenario.js';
import { WorkerGroup } from '../lib/workers.js';
import { baselineWorker } from './worker-file.js';

/** What `bench/baselines/workers/comlink.mjs` exposes. */
interface Api {
  get(): number;
}

export const comlinkBaseline: Scenario = {
  name: 'comlink',
  description: 'comlink 4 call through its Node adapter: round trip of a trivial method',

  async run(options: ScenarioOptions): Promise<ScenarioResult> {
    const group = new WorkerGroup();
    try {
      const worker = group.spawn(baselineWorker('comlink.mjs'));
      const remote = wrap<Api>(nodeEndpoint(worker));
      // A call to a dead worker never settles in comlink; the CLI's per-scenario timeout reports that
      // hang. Racing every call against a failure promise would add its cost to the figure.
      try {
        options.progress('round trip');
        const latency = await sampleLatencyAsync(options, () => remote.get());
        return {
          measurements: [
            { kind: 'latency', what: 'round trip remote.get() -> number', compare: 'round-trip', latency },
          ],
        };
      } finally {
        remote[releaseProxy]();
      }
    } finally {
      await group.terminate();
    }
  },
};
