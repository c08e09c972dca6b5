/**
 * Routers (`ringmaster/routing`): what routing on the sender's thread costs, and what a pool over the workers buys.
 *
 * (a) Tell throughput main -> one counter on worker 1, straight (`ref.tell`) and through a round-robin pool of
 *     that one routee (`router.tell`): the same ring record either way, so the pool's figure is the routing
 *     logic's cost per message. Both warmed up before either is measured (the JIT would favour the second).
 * (b) The CPU-bound service (~0.1 ms of SHA-256 per request, as `cpu-service`) through a smallest-mailbox pool
 *     of one hasher per worker (exact pending counts from shared memory), against one hasher alone (saturation)
 *     and against piscina on the same threads (`piscina-service`, same run).
 *
 * Runs only when named (`--scenario routing`), like `toolkit-overhead`.
 */
import type { ActorRef } from '../../src/index.js';
import { Pool, type RouterRef } from '../../src/routing/index.js';
import { BenchCounter, BenchHasher, INC, TAKE, type CounterMsg, type HasherMsg } from '../actors/bench-actors.js';
import { engineConfig } from '../lib/engine.js';
import { measureThroughput } from '../lib/measure.js';
import type { Measurement, Scenario, ScenarioOptions, ScenarioResult } from '../lib/scenario.js';
import { WORK_ROUNDS } from '../lib/cpu-work.mjs';
import { SATURATION_KEY, measureService, rateKey } from '../lib/service.js';
import { withSystem } from './system.js';

const PER_ROUND = 10_000;
const ASK_TIMEOUT_MS = 60_000;
const BASELINE = 'piscina-service';

export const routing: Scenario = {
  name: 'routing',
  description: 'pool tell vs direct tell (one record either way); a smallest-mailbox pool of hashers vs one hasher and piscina',
  needs: [BASELINE],
  targets: [
    {
      label: 'pool tell throughput >= 95% of a direct tell',
      compare: 'routing-pool-tell',
      against: { scenario: 'routing', compare: 'routing-direct-tell' },
      factor: 0.95,
    },
    {
      label: 'CPU-bound service through a pool: saturation >= piscina',
      compare: SATURATION_KEY,
      against: { scenario: BASELINE, compare: SATURATION_KEY },
      factor: 1,
    },
    {
      label: 'CPU-bound service through a pool: p99 at 70% <= piscina',
      compare: rateKey(0.7),
      against: { scenario: BASELINE, compare: rateKey(0.7) },
      factor: 1,
      statistic: 'p99',
    },
  ],

  run(options: ScenarioOptions): Promise<ScenarioResult> {
    options.progress('starting the actor system');
    return withSystem(options.engine, async (system) => {
      const config = engineConfig(system.config);
      const measurements: Measurement[] = [];
      const counter = await system.spawn(BenchCounter, { name: 'direct', placement: { worker: 1 } });
      const pool: RouterRef<CounterMsg, number> = await system.spawnRouter(Pool.roundRobin(1, BenchCounter, { placement: { worker: 1 } }), {
        name: 'pool',
      });
      const [routee] = await pool.routees();
      const blast = (target: { tell(m: CounterMsg): boolean; send(m: CounterMsg): Promise<void> }, take: ActorRef<CounterMsg, number>) => async () => {
        for (let i = 0; i < PER_ROUND; i++) if (!target.tell(INC)) await target.send(INC);
        const got = await take.ask(TAKE);
        if (got !== PER_ROUND) throw new Error(`the counter took ${got}, expected ${PER_ROUND}`);
        return got;
      };
      const variants = [
        { label: 'direct ref.tell', compare: 'routing-direct-tell', round: blast(counter, counter) },
        { label: 'router.tell, round-robin pool of 1', compare: 'routing-pool-tell', round: blast(pool, routee!) },
      ];
      for (const v of variants) {
        options.progress(`warming up: ${v.label}`);
        await measureThroughput(options, v.round);
      }
      // A B B A: whatever drifts during the run (the JIT, a neighbour's load) weighs on both alike.
      const figures: Awaited<ReturnType<typeof measureThroughput>>[][] = [[], []];
      for (const i of [0, 1, 1, 0]) {
        options.progress(`main -> worker 1, ${variants[i]!.label}, ${PER_ROUND} per round`);
        figures[i]!.push(await measureThroughput(options, variants[i]!.round));
      }
      variants.forEach((v, i) => {
        const [a, b] = figures[i]! as [(typeof figures)[0][0], (typeof figures)[0][0]];
        const messages = a.messages + b.messages;
        const seconds = a.seconds + b.seconds;
        measurements.push({
          kind: 'throughput',
          what: `tell {type:'inc',by:1}, ${v.label} (two runs, A B B A)`,
          compare: v.compare,
          messages,
          seconds,
          perSecond: messages / seconds,
          config: { ...config, perRound: PER_ROUND },
        });
      });

      const workers = system.config.workers;
      const hashers = await system.spawnRouter(Pool.smallestMailbox(workers, BenchHasher), { name: 'hashers' });
      const request = (seed: number): Promise<number> => hashers.ask({ type: 'hash', rounds: WORK_ROUNDS, seed }, { timeoutMs: ASK_TIMEOUT_MS });
      options.progress(`CPU-bound service through Pool.smallestMailbox(${workers})`);
      const service = await measureService(options, options.progress, workers, 'pool.ask(hash)', request, { config, ladder: [0.7] });
      measurements.push(...service.measurements);

      const alone: ActorRef<HasherMsg, number> = await system.spawn(BenchHasher, { name: 'alone', placement: { worker: 1 } });
      options.progress('CPU-bound service, one hasher alone: saturation');
      const one = await measureService(options, options.progress, 1, 'ask(hash), one actor', (seed) => alone.ask({ type: 'hash', rounds: WORK_ROUNDS, seed }, { timeoutMs: ASK_TIMEOUT_MS }), {
        config,
        ladder: [],
      });
      for (const m of one.measurements) measurements.push({ ...m, compare: `routing-one-actor-${m.compare}` });
      const direct = measurements.find((m) => m.compare === 'routing-direct-tell') as { perSecond: number };
      const routed = measurements.find((m) => m.compare === 'routing-pool-tell') as { perSecond: number };
      return {
        measurements,
        notes: [
          `pool tell ${(routed.perSecond / direct.perSecond).toFixed(3)}x a direct tell (${(1e9 / routed.perSecond - 1e9 / direct.perSecond).toFixed(1)} ns/message)`,
          `pool of ${workers} saturation ${(service.saturation / one.saturation).toFixed(2)}x one hasher alone`,
          ...service.notes,
        ],
      };
    });
  },
};
