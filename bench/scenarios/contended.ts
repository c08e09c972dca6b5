/**
 * A busy machine: while a CPU hog (another process spinning on one core, `bench/lib/hog.ts`) runs, the ask round
 * trip beside postMessage's, and the CPU-bound service beside piscina's (saturation, then the open loop at 70% of
 * piscina's saturation under the same hog). Every figure of this scenario is taken under the hog, so its ratios
 * compare like with like: how each design degrades when it does not have the machine to itself. Spinning threads
 * are what this punishes: on two cores with a hog, a thread that spins takes the only core its partner could run
 * on.
 *
 * The hog's own CPU is reported as load imposed on purpose (`imposedCpu`), not as a disturbed run.
 */
import { BenchCounter, GET } from '../actors/bench-actors.js';
import { hashPool } from '../baselines/piscina-service.js';
import { postMessageRoundTrip } from '../baselines/post-message.js';
import { DEFAULT_BENCH_WORKERS, engineConfig } from '../lib/engine.js';
import { withHog } from '../lib/hog.js';
import { sampleLatencyAsync } from '../lib/measure.js';
import type { Measurement, Scenario, ScenarioOptions, ScenarioResult, Target } from '../lib/scenario.js';
import { WORK_ROUNDS } from '../lib/cpu-work.mjs';
import { measureService, rateKey, SATURATION_KEY } from '../lib/service.js';
import { hasherPool } from './cpu-service.js';
import { withSystem } from './system.js';

const NAME = 'contended';
/** Under the hog the service runs at one rate only: the target rate. */
const RATE = 0.7;
const PM = 'post-message-';
const PISCINA = 'piscina-';

const versus = (label: string, compare: string, against: string, statistic?: 'p99'): Target => ({
  label,
  compare,
  against: { scenario: NAME, compare: against },
  factor: 1,
  ...(statistic !== undefined && { statistic }),
});

export const contended: Scenario = {
  name: NAME,
  description: 'under a CPU hog in another process: ask round trip vs postMessage, CPU-bound service vs piscina',
  targets: [
    versus('contended: ask round-trip p99 <= postMessage p99 under the same hog', 'round-trip', `${PM}round-trip`, 'p99'),
    versus(
      'contended: CPU-bound service p99 at 70% <= piscina p99 under the same hog',
      rateKey(RATE),
      `${PISCINA}${rateKey(RATE)}`,
      'p99',
    ),
    versus('contended: CPU-bound service saturation >= piscina under the same hog', SATURATION_KEY, `${PISCINA}${SATURATION_KEY}`),
  ],

  async run(options: ScenarioOptions): Promise<ScenarioResult> {
    options.progress('starting the CPU hog');
    const { value, cpu } = await withHog(async () => {
      const measurements: Measurement[] = [];
      const notes: string[] = [];

      options.progress('postMessage round trip');
      measurements.push({
        kind: 'latency',
        what: "postMessage round trip {type:'get'} -> number, under the hog",
        compare: `${PM}round-trip`,
        latency: await postMessageRoundTrip(options),
      });

      const threads = options.engine.workers ?? DEFAULT_BENCH_WORKERS;
      options.progress('piscina service');
      const pool = hashPool(threads);
      let reference: { perSecond: number; note: string };
      try {
        const piscina = await measureService(
          options,
          options.progress,
          threads,
          'piscina pool.run(hash task), under the hog',
          (seed) => pool.run({ rounds: WORK_ROUNDS, seed }),
          { ladder: [RATE], reference: 'own', config: { atomics: pool.options.atomics ?? 'sync' } },
        );
        reference = { perSecond: piscina.saturation, note: 'rates are fractions of piscina saturation under the same hog' };
        for (const m of piscina.measurements) measurements.push({ ...m, compare: `${PISCINA}${m.compare}` });
      } finally {
        await pool.destroy();
      }

      options.progress('starting the actor system');
      const ours = await withSystem(options.engine, async (system) => {
        const config = engineConfig(system.config);
        const counter = await system.spawn(BenchCounter, { name: 'counter', placement: { worker: 1 } });
        options.progress('ask round trip main -> worker 1 -> main');
        const roundTrip: Measurement = {
          kind: 'latency',
          what: "ask {type:'get'} -> number, main <-> worker, under the hog",
          compare: 'round-trip',
          latency: await sampleLatencyAsync(options, () => counter.ask(GET)),
          config,
        };
        const { request, notes: placement } = await hasherPool(system);
        const service = await measureService(options, options.progress, threads, 'ask(hash), under the hog', request, {
          ladder: [RATE],
          reference,
          config,
        });
        return { measurements: [roundTrip, ...service.measurements], notes: [...service.notes, ...placement] };
      });
      measurements.push(...ours.measurements);
      notes.push(...(ours.notes ?? []));
      return { measurements, notes, leftRunning: ours.leftRunning };
    });
    const notes = [...value.notes, `the hog took ${cpu === null ? 'an unknown share of' : cpu.toFixed(2)} CPU(s) meanwhile`];
    return {
      measurements: value.measurements,
      notes,
      ...(value.leftRunning !== undefined && { leftRunning: value.leftRunning }),
      ...(cpu !== null && { imposedCpu: cpu }),
    };
  },
};
