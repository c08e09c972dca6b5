/**
 * ringmaster as a CPU-bound service under load: one `BenchHasher` actor per worker (spawned with
 * `placement: 'round-robin'`), each request (~0.1 ms of SHA-256, `bench/lib/cpu-work.mjs`) asked of the
 * actor with the fewest requests outstanding (ties in turn), as a front end would route them. Saturation,
 * then open-loop rates that are fractions of piscina's saturation in the same run (`bench/lib/service.ts`),
 * beside `piscina-service` doing the same work on the same number of threads.
 */
import type { ActorRef, ActorSystem } from '../../src/index.js';
import { BenchHasher, type HasherMsg } from '../actors/bench-actors.js';
import { engineConfig } from '../lib/engine.js';
import type { Scenario, ScenarioOptions, ScenarioResult } from '../lib/scenario.js';
import { WORK_ROUNDS } from '../lib/cpu-work.mjs';
import { leastOutstanding, measureService, serviceTargets } from '../lib/service.js';
import { withSystem } from './system.js';

const BASELINE = 'piscina-service';
/** Far above any latency a sane run sees: an overloaded rate must show as latency, not as AskTimeoutError. */
const ASK_TIMEOUT_MS = 60_000;

export const cpuService: Scenario = {
  name: 'cpu-service',
  description: 'ringmaster pool of hashing actors (one per worker): saturation, then open-loop rates, vs piscina',
  needs: [BASELINE],
  targets: serviceTargets(BASELINE),

  run(options: ScenarioOptions): Promise<ScenarioResult> {
    options.progress('starting the actor system');
    return withSystem(options.engine, async (system) => {
      const workers = system.config.workers;
      const { request, notes: placement } = await hasherPool(system);
      const result = await measureService(options, options.progress, workers, 'ask(hash)', request, {
        config: engineConfig(system.config),
      });
      return { measurements: result.measurements, notes: [...result.notes, ...placement] };
    });
  },
};

/**
 * One hasher per worker and the front end's routing: each request goes to the actor with the fewest requests
 * outstanding (among equals, in turn). Also used by the `contended` scenario.
 */
export async function hasherPool(
  system: ActorSystem,
): Promise<{ request: (seed: number) => Promise<number>; notes: string[] }> {
  const workers = system.config.workers;
  const pool: ActorRef<HasherMsg, number>[] = [];
  for (let i = 0; i < workers; i++) {
    pool.push(await system.spawn(BenchHasher, { name: `hasher-${i}`, placement: 'round-robin' }));
  }
  const threads = new Set(pool.map((ref) => ref.thread));
  const request = leastOutstanding(pool, (ref, seed: number) =>
    ref.ask({ type: 'hash', rounds: WORK_ROUNDS, seed }, { timeoutMs: ASK_TIMEOUT_MS }),
  );
  const notes =
    threads.size < pool.length
      ? [`WARNING: round-robin placement put ${pool.length} actors on only ${threads.size} thread(s)`]
      : [];
  return { request, notes };
}
