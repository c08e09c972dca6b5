/**
 * What the toolkit costs per message: the same-worker tell loop (a producer telling a counter on the same worker
 * SAME_WORKER_PER_ROUND `inc`s, then asking it `take`) against three counters: a plain one, one with a receive
 * timeout set (a timestamp per settled handler, no timer operation), and one calling ctx.become on every message.
 * The figures are messages/s; the notes give the extra nanoseconds per message against the plain counter.
 */
import { BenchBecomeCounter, BenchTimeoutCounter } from '../actors/toolkit-actors.js';
import type { ActorRef } from '../../src/index.js';
import { BenchCounter, BenchProducer, type CounterMsg, type ProducerMsg } from '../actors/bench-actors.js';
import { SAME_WORKER_PER_ROUND } from '../baselines/in-thread-floor.js';
import { engineConfig } from '../lib/engine.js';
import { measureThroughput } from '../lib/measure.js';
import type { Measurement, Scenario, ScenarioOptions, ScenarioResult } from '../lib/scenario.js';
import { withSystem } from './system.js';

const VARIANTS = [
  { label: 'plain counter', compare: 'toolkit-plain', def: BenchCounter },
  { label: 'with a receive timeout set', compare: 'toolkit-receive-timeout', def: BenchTimeoutCounter },
  { label: 'with ctx.become on every message', compare: 'toolkit-become', def: BenchBecomeCounter },
] as const;

export const toolkitOverhead: Scenario = {
  name: 'toolkit-overhead',
  description: 'same-worker tell throughput of a plain actor, one with a receive timeout set, one that becomes per message',

  run(options: ScenarioOptions): Promise<ScenarioResult> {
    options.progress('starting the actor system');
    return withSystem(options.engine, async (system) => {
      const producer = await system.spawn(BenchProducer, { name: 'producer', placement: { worker: 1 } });
      const sinks: ActorRef<CounterMsg, number>[] = [];
      for (const v of VARIANTS) sinks.push(await system.spawn(v.def, { name: `sink-${v.compare}`, placement: { worker: 1 } }));
      const measure = (i: number) => {
        const blast: ProducerMsg = { type: 'blast', target: sinks[i]!, count: SAME_WORKER_PER_ROUND };
        return measureThroughput(options, async () => {
          const got = await producer.ask(blast);
          if (got !== SAME_WORKER_PER_ROUND) throw new Error(`the counter took ${got}, expected ${SAME_WORKER_PER_ROUND}`);
          return got;
        });
      };
      // A first pass over every variant, not recorded: the producer's loop and the turn loop are compiled by the
      // JIT during whichever variant runs first, which would otherwise make that one look several times slower.
      for (let i = 0; i < VARIANTS.length; i++) {
        options.progress(`warming up: ${VARIANTS[i]!.label}`);
        await measure(i);
      }
      const measurements: Measurement[] = [];
      const perSecond: number[] = [];
      for (let i = 0; i < VARIANTS.length; i++) {
        const v = VARIANTS[i]!;
        options.progress(`producer -> ${v.label} on worker 1, ${SAME_WORKER_PER_ROUND} tells per round`);
        const figure = await measure(i);
        perSecond.push(figure.perSecond);
        measurements.push({
          kind: 'throughput',
          what: `ctx.tell {type:'inc',by:1} on one worker, ${v.label}`,
          compare: v.compare,
          ...figure,
          config: { ...engineConfig(system.config), perRound: SAME_WORKER_PER_ROUND, actors: 'worker 1' },
        });
      }
      const ns = (rate: number): number => 1e9 / rate;
      const extra = (i: number): string => `${(ns(perSecond[i]!) - ns(perSecond[0]!)).toFixed(1)} ns/message`;
      return {
        measurements,
        notes: [
          `per message against the plain counter: receive timeout ${extra(1)}, become ${extra(2)} (${ns(perSecond[0]!).toFixed(1)} ns/message plain)`,
          'each round also costs one ask from the main thread (start) and one same-worker ask (take)',
        ],
      };
    });
  },
};
