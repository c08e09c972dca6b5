/**
 * ringmaster one-way throughput, one message per call, counted at the receiver:
 *
 * (a) main -> actor on worker 1: `ref.tell({type:'inc', by:1})` in a loop (when the ring is full `tell`
 *     returns false and the loop waits for room with `await ref.send(...)`), then `ask({type:'take'})`:
 *     the round ends once the actor has processed every message, and must have counted all of them.
 *     Compared with postMessage one message per call (`compare: 'one-way'`), which also sends rounds
 *     of the same size and waits for the worker's acknowledgement.
 * (b) actor -> actor across two workers: a producer on worker 1 does the same loop with `ctx.tell` to a
 *     counter on worker 2, then asks it `take` and replies; the main thread starts each round with one ask.
 */
import { BenchCounter, BenchProducer, INC, TAKE, type ProducerMsg } from '../actors/bench-actors.js';
import { engineConfig } from '../lib/engine.js';
import { measureThroughput } from '../lib/measure.js';
import type { Measurement, Scenario, ScenarioOptions, ScenarioResult } from '../lib/scenario.js';
import { twoWorkers, withSystem } from './system.js';

/** Messages per round: as many as the postMessage baseline sends per round, so both pay the same end-of-round wait. */
const PER_ROUND = 10_000;

export const oneWay: Scenario = {
  name: 'one-way',
  description: "ringmaster tell({type:'inc',by:1}), one message per call: main -> actor, actor -> actor across workers",
  needs: ['post-message'],
  targets: [
    {
      label: 'one-way throughput >= 10x postMessage one message per call',
      compare: 'one-way',
      against: { scenario: 'post-message', compare: 'one-way' },
      factor: 10,
    },
    {
      label: 'one-way throughput >= postMessage in batches of 256',
      compare: 'one-way',
      against: { scenario: 'post-message', compare: 'one-way-batched' },
      factor: 1,
    },
  ],

  run(options: ScenarioOptions): Promise<ScenarioResult> {
    options.progress('starting the actor system');
    return withSystem(options.engine, async (system) => {
      const config = engineConfig(system.config);
      const placement = twoWorkers(system.config);
      const measurements: Measurement[] = [];
      const notes: string[] = [];

      const counter = await system.spawn(BenchCounter, { name: 'counter', placement: { worker: placement.first } });
      const checkRound = (got: number, what: string): number => {
        if (got !== PER_ROUND) throw new Error(`${what}: the counter took ${got} messages, expected ${PER_ROUND}`);
        return got;
      };

      let waitedForRoom = 0;
      options.progress(`one-way main -> worker ${placement.first}, ${PER_ROUND} tells per round`);
      const mainToActor = await measureThroughput(options, async () => {
        for (let i = 0; i < PER_ROUND; i++) {
          if (!counter.tell(INC)) {
            waitedForRoom++;
            await counter.send(INC);
          }
        }
        return checkRound(await counter.ask(TAKE), 'main -> actor');
      });
      measurements.push({
        kind: 'throughput',
        what: "tell {type:'inc',by:1}, main -> actor",
        compare: 'one-way',
        ...mainToActor,
        config: { ...config, perRound: PER_ROUND, actor: `worker ${placement.first}` },
      });
      notes.push(
        `main -> actor: tell found the ring full ${waitedForRoom} time(s) (warm-up included) and waited with send`,
      );

      const sink = await system.spawn(BenchCounter, { name: 'sink', placement: { worker: placement.second } });
      const producer = await system.spawn(BenchProducer, { name: 'producer', placement: { worker: placement.first } });
      const blast: ProducerMsg = { type: 'blast', target: sink, count: PER_ROUND };
      options.progress(`one-way worker ${placement.first} -> worker ${placement.second}, ${PER_ROUND} tells per round`);
      const actorToActor = await measureThroughput(options, async () =>
        checkRound(await producer.ask(blast), 'actor -> actor'),
      );
      measurements.push({
        kind: 'throughput',
        what: `tell {type:'inc',by:1}, actor -> actor ${placement.crossing ? 'across workers' : '(same worker)'}`,
        compare: 'one-way',
        ...actorToActor,
        config: {
          ...config,
          perRound: PER_ROUND,
          producer: `worker ${placement.first}`,
          counter: `worker ${placement.second}`,
        },
      });
      if (!placement.crossing) notes.push('--workers 1: the actor -> actor figure is two actors on the same worker');

      return { measurements, notes };
    });
  },
};
