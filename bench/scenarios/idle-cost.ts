/**
 * ringmaster idle cost: CPU used by a started system that has nothing to do, with the CLI's engine
 * settings (the defaults unless flags say otherwise). One counter per worker is spawned and asked once, so
 * every thread has been active; after a settle period (long enough for hybrid spinning to give up and
 * park, and for the main thread to stop polling), `process.cpuUsage()` (every thread of the process,
 * workers included) is read over the measuring time and reported as a percentage of one core.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { ActorRef } from '../../src/index.js';
import { BenchCounter, GET, type CounterMsg } from '../actors/bench-actors.js';
import { engineConfig } from '../lib/engine.js';
import type { Scenario, ScenarioOptions, ScenarioResult } from '../lib/scenario.js';
import { withSystem } from './system.js';

/** At least this long measured, whatever `--duration` says: the figure is a few ticks of CPU time. */
const MIN_MEASURE_MS = 3000;
const MIN_MEASURE_MS_QUICK = 2000;
/**
 * After the last message, before measuring: hybrid waits spin for a bounded time, then park, and V8 finishes
 * the compilation and GC work the start-up left (its threads count in process.cpuUsage()): with 0.5 s the first
 * seconds measured ~1.4% against ~0.6% later.
 */
const SETTLE_MS = 1500;

export const idleCost: Scenario = {
  name: 'idle-cost',
  description: 'ringmaster started and idle (one actor per worker, no messages): CPU used, % of one core',
  targets: [{ label: 'idle system CPU <= 1% of one core', compare: 'idle-cpu', limit: 1 }],

  run(options: ScenarioOptions): Promise<ScenarioResult> {
    options.progress('starting the actor system');
    return withSystem(options.engine, async (system) => {
      const refs: ActorRef<CounterMsg, number>[] = [];
      for (let worker = 1; worker <= system.config.workers; worker++) {
        refs.push(await system.spawn(BenchCounter, { name: `idle-${worker}`, placement: { worker } }));
      }
      await Promise.all(refs.map((ref) => ref.ask(GET)));
      await sleep(SETTLE_MS);

      const measureMs = Math.max(options.measureMs, options.quick ? MIN_MEASURE_MS_QUICK : MIN_MEASURE_MS);
      options.progress(`idle for ${measureMs} ms, reading process.cpuUsage()`);
      const before = process.cpuUsage();
      const started = performance.now();
      await sleep(measureMs);
      const used = process.cpuUsage(before);
      const wallMs = performance.now() - started;
      const percent = ((used.user + used.system) / 1000 / wallMs) * 100;
      return {
        measurements: [
          {
            kind: 'value',
            what: `idle system, ${system.config.workers} worker(s) + main thread`,
            compare: 'idle-cpu',
            value: percent,
            unit: '% of one core',
            better: 'lower',
            config: { ...engineConfig(system.config), measuredMs: Math.round(wallMs), settleMs: SETTLE_MS },
          },
        ],
        notes: [
          `process.cpuUsage() over ${Math.round(wallMs)} ms: user ${(used.user / 1000).toFixed(1)} ms, ` +
            `system ${(used.system / 1000).toFixed(1)} ms (all threads; includes this benchmark's own timers)`,
        ],
      };
    });
  },
};
