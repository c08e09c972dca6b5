/**
 * ringmaster idle cost: CPU used by a started system that has nothing to do (just after start, and steady: from
 * STEADY_AFTER_MS after start, once start-up work has ended), with the CLI's engine
 * settings (the defaults unless flags say otherwise). One counter per worker is spawned and asked once, so
 * every thread has been active; after a settle period (long enough for hybrid spinning to give up and
 * park, and for the main thread to stop polling), `process.cpuUsage()` (every thread of the process,
 * workers included) is read over the measuring time and reported as a percentage of one core.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { ActorRef } from '../../src/index.js';
import { BenchCounter, GET, type CounterMsg } from '../actors/bench-actors.js';
import { engineConfig } from '../lib/engine.js';
import type { Measurement, Scenario, ScenarioOptions, ScenarioResult } from '../lib/scenario.js';
import { withSystem } from './system.js';

/** At least this long measured, whatever `--duration` says: the figure is a few ticks of CPU time. */
const MIN_MEASURE_MS = 3000;
const MIN_MEASURE_MS_QUICK = 2000;
/**
 * After the last message, before measuring the start-up window (the only one `--quick` measures): hybrid waits
 * spin for a bounded time, then park, and the main thread stops polling.
 */
const SETTLE_MS = 1500;
/**
 * From the system's start to the steady window, which the target is about. Start-up leaves work behind that is not
 * idle cost: the spare worker boots after `start` resolves, and V8's memory reducer compacts every isolate's heap
 * (three rounds each, with concurrent marking on the platform's threads) ~16-18 s after start-up. Measured on the
 * 2-core VM, 5 s windows: 1.6-3.5% of a core from 1.5 s after start, 7.7-10.7% from 13.5 s (the reducer's GCs),
 * 0.5% from 25 s (docs/platform.md, "What an idle system costs").
 */
const STEADY_AFTER_MS = 20_000;
export const idleCost: Scenario = {
  name: 'idle-cost',
  description: 'ringmaster started and idle (one actor per worker, no messages): CPU used, % of one core',
  targets: [{ label: 'idle system CPU <= 1% of one core', compare: 'idle-cpu', limit: 1 }],

  run(options: ScenarioOptions): Promise<ScenarioResult> {
    options.progress('starting the actor system');
    const startedAt = performance.now();
    return withSystem(options.engine, async (system) => {
      const refs: ActorRef<CounterMsg, number>[] = [];
      for (let worker = 1; worker <= system.config.workers; worker++) {
        refs.push(await system.spawn(BenchCounter, { name: `idle-${worker}`, placement: { worker } }));
      }
      await Promise.all(refs.map((ref) => ref.ask(GET)));
      await sleep(SETTLE_MS);

      const measureMs = Math.max(options.measureMs, options.quick ? MIN_MEASURE_MS_QUICK : MIN_MEASURE_MS);
      const window = async (label: string): Promise<{ percent: number; wallMs: number; used: NodeJS.CpuUsage }> => {
        options.progress(`idle for ${measureMs} ms (${label}), reading process.cpuUsage()`);
        const before = process.cpuUsage();
        const started = performance.now();
        await sleep(measureMs);
        const used = process.cpuUsage(before);
        const wallMs = performance.now() - started;
        return { percent: ((used.user + used.system) / 1000 / wallMs) * 100, wallMs, used };
      };
      const startup = await window('start-up');
      const config = { ...engineConfig(system.config), measuredMs: Math.round(startup.wallMs), settleMs: SETTLE_MS };
      const measurements: Measurement[] = [
        {
          kind: 'value',
          what: `idle system just after start, ${system.config.workers} worker(s) + main thread (start-up work included)`,
          compare: 'idle-cpu-startup',
          value: startup.percent,
          unit: '% of one core',
          better: 'lower',
          config,
        },
      ];
      const cpu = (w: { wallMs: number; used: NodeJS.CpuUsage }): string =>
        `over ${Math.round(w.wallMs)} ms: user ${(w.used.user / 1000).toFixed(1)} ms, system ${(w.used.system / 1000).toFixed(1)} ms`;
      const notes = [`process.cpuUsage() (all threads; includes this benchmark's own timers) just after start ${cpu(startup)}`];
      if (!options.quick) {
        const wait = STEADY_AFTER_MS - (performance.now() - startedAt);
        if (wait > 0) {
          options.progress(`waiting ${Math.round(wait)} ms for start-up work to end (spare worker, V8's memory reducer)`);
          await sleep(wait);
        }
        const steady = await window('steady');
        measurements.push({
          kind: 'value',
          what: `idle system, ${system.config.workers} worker(s) + main thread, from ${STEADY_AFTER_MS / 1000} s after start`,
          compare: 'idle-cpu',
          value: steady.percent,
          unit: '% of one core',
          better: 'lower',
          config: { ...config, measuredMs: Math.round(steady.wallMs), steadyAfterMs: STEADY_AFTER_MS },
        });
        notes.push(`steady, from ${STEADY_AFTER_MS / 1000} s after start, ${cpu(steady)}`);
      } else {
        notes.push(`--quick measures only the window just after start; the target is about the steady window (${STEADY_AFTER_MS / 1000} s after start), measured without --quick`);
      }
      return { measurements, notes };
    });
  },
};
