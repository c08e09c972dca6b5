/**
 * Baseline: piscina, the common worker pool: `await pool.run()` of a trivial task on one thread, one
 * task at a time. piscina 5 defaults to `atomics: 'sync'` (the worker waits with Atomics.wait).
 */
import { Piscina } from 'piscina';
import { sampleLatencyAsync } from '../lib/measure.js';
import type { Scenario, ScenarioOptions, ScenarioResult } from '../lib/scenario.js';
import { baselineWorker } from './worker-file.js';

export const piscinaBaseline: Scenario = {
  name: 'piscina',
  description: 'piscina 5 pool.run() of a trivial task, 1 thread: round trip',

  async run(options: ScenarioOptions): Promise<ScenarioResult> {
    const pool = new Piscina({
      filename: baselineWorker('piscina.mjs').href,
      minThreads: 1,
      maxThreads: 1,
    });
    try {
      options.progress('round trip');
      const latency = await sampleLatencyAsync(options, () => pool.run(null));
      return {
        measurements: [
          {
            kind: 'latency',
            what: 'round trip pool.run(null) -> number',
            compare: 'round-trip',
            latency,
            config: { threads: 1, atomics: pool.options.atomics ?? 'sync' },
          },
        ],
      };
    } finally {
      await pool.destroy();
    }
  },
};
