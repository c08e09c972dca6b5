/**
 * Baseline for the CPU-bound service: piscina 5 running the same request (`bench/lib/cpu-work.mjs`) on
 * the same number of threads as ringmaster's `--workers` (default 2), at saturation and at the same
 * open-loop rates (`bench/lib/service.ts`). Its saturation sets the rates for both.
 */
import { Piscina } from 'piscina';
import { DEFAULT_BENCH_WORKERS } from '../lib/engine.js';
import type { Scenario, ScenarioOptions, ScenarioResult } from '../lib/scenario.js';
import { WORK_ROUNDS } from '../lib/cpu-work.mjs';
import { measureService, setReferenceSaturation } from '../lib/service.js';
import { baselineWorker } from './worker-file.js';

export const piscinaServiceBaseline: Scenario = {
  name: 'piscina-service',
  description: 'piscina 5 pool.run() of a ~0.1 ms SHA-256 task: saturation, then open-loop rates',

  async run(options: ScenarioOptions): Promise<ScenarioResult> {
    const threads = options.engine.workers ?? DEFAULT_BENCH_WORKERS;
    const pool = hashPool(threads);
    try {
      return await measureService(
        options,
        options.progress,
        threads,
        'pool.run(hash task)',
        (seed) => pool.run({ rounds: WORK_ROUNDS, seed }),
        { config: { atomics: pool.options.atomics ?? 'sync' }, onSaturation: setReferenceSaturation },
      );
    } finally {
      await pool.destroy();
    }
  },
};

/** piscina with `threads` threads running the service's request (`bench/lib/cpu-work.mjs`); also used by `contended`. */
export function hashPool(threads: number): Piscina {
  return new Piscina({
    filename: baselineWorker('piscina-service.mjs').href,
    minThreads: threads,
    maxThreads: threads,
  });
}
