/**
 * ringmaster same-worker tell throughput: a producer and a counter on the same worker; the producer is
 * asked to `blast` (tell the counter `{type:'inc', by:1}` PER_ROUND times, then ask it `take`), so every
 * message stays inside one thread and the figure is the dispatcher's own cost per message (mailbox,
 * turn scheduling, encoding), without any wake-up. Compared with the `in-thread-floor`: the same
 * exchange with plain arrays and a plain loop.
 */
import { BenchCounter, BenchProducer, type ProducerMsg } from '../actors/bench-actors.js';
import { SAME_WORKER_PER_ROUND } from '../baselines/in-thread-floor.js';
import { engineConfig } from '../lib/engine.js';
import { measureThroughput } from '../lib/measure.js';
import type { Scenario, ScenarioOptions, ScenarioResult } from '../lib/scenario.js';
import { withSystem } from './system.js';

export const sameWorker: Scenario = {
  name: 'same-worker',
  description: "ringmaster ctx.tell({type:'inc',by:1}) between two actors on the same worker: messages/s",
  needs: ['in-thread-floor'],
  targets: [
    {
      label: 'same-worker tell throughput >= 30% of the in-thread floor',
      compare: 'same-worker',
      against: { scenario: 'in-thread-floor', compare: 'same-worker' },
      factor: 0.3,
    },
  ],

  run(options: ScenarioOptions): Promise<ScenarioResult> {
    options.progress('starting the actor system');
    return withSystem(options.engine, async (system) => {
      const sink = await system.spawn(BenchCounter, { name: 'sink', placement: { worker: 1 } });
      const producer = await system.spawn(BenchProducer, { name: 'producer', placement: { worker: 1 } });
      const blast: ProducerMsg = { type: 'blast', target: sink, count: SAME_WORKER_PER_ROUND };
      options.progress(`producer -> counter on worker 1, ${SAME_WORKER_PER_ROUND} tells per round`);
      const figure = await measureThroughput(options, async () => {
        const got = await producer.ask(blast);
        if (got !== SAME_WORKER_PER_ROUND) throw new Error(`the counter took ${got}, expected ${SAME_WORKER_PER_ROUND}`);
        return got;
      });
      return {
        measurements: [
          {
            kind: 'throughput',
            what: "ctx.tell {type:'inc',by:1}, actor -> actor on one worker",
            compare: 'same-worker',
            ...figure,
            config: { ...engineConfig(system.config), perRound: SAME_WORKER_PER_ROUND, actors: 'worker 1' },
          },
        ],
        notes: ['each round also costs one ask from the main thread (start) and one same-worker ask (take)'],
      };
    });
  },
};
