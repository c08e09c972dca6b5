/**
 * ringmaster fan-out / fan-in: FAN_OUT counters spread over the workers (actor i on worker i mod W + 1),
 * and the main thread asks all of them `{type:'get'}` at once and waits for every reply
 * (`Promise.all`): one sample per scatter-gather. Compared with the same scatter done with postMessage
 * to the same number of worker threads (`post-message-fan-out`).
 */
import type { ActorRef } from '../../src/index.js';
import { BenchCounter, GET, type CounterMsg } from '../actors/bench-actors.js';
import { FAN_OUT } from '../baselines/post-message-fan-out.js';
import { engineConfig } from '../lib/engine.js';
import { sampleLatencyAsync } from '../lib/measure.js';
import type { Scenario, ScenarioOptions, ScenarioResult } from '../lib/scenario.js';
import { withSystem } from './system.js';

const BASELINE = 'post-message-fan-out';

export const fanOut: Scenario = {
  name: 'fan-out',
  description: `ringmaster scatter of ${FAN_OUT} asks over actors on every worker, gather with Promise.all`,
  needs: [BASELINE],
  targets: [
    {
      label: `fan-out p50 <= postMessage fan-out p50 (${FAN_OUT} over the same workers)`,
      compare: 'fan-out',
      against: { scenario: BASELINE, compare: 'fan-out' },
      factor: 1,
    },
    {
      label: `fan-out p99 <= postMessage fan-out p99 (${FAN_OUT} over the same workers)`,
      compare: 'fan-out',
      against: { scenario: BASELINE, compare: 'fan-out' },
      factor: 1,
      statistic: 'p99',
    },
  ],

  run(options: ScenarioOptions): Promise<ScenarioResult> {
    options.progress('starting the actor system');
    return withSystem(options.engine, async (system) => {
      const workers = system.config.workers;
      const refs: ActorRef<CounterMsg, number>[] = [];
      for (let i = 0; i < FAN_OUT; i++) {
        refs.push(await system.spawn(BenchCounter, { name: `fan-${i}`, placement: { worker: (i % workers) + 1 } }));
      }
      options.progress(`scatter ${FAN_OUT} asks over ${workers} workers, gather`);
      const latency = await sampleLatencyAsync(options, () => Promise.all(refs.map((ref) => ref.ask(GET))));
      return {
        measurements: [
          {
            kind: 'latency',
            what: `scatter ${FAN_OUT} asks over ${workers} workers, gather (Promise.all)`,
            compare: 'fan-out',
            latency,
            config: { ...engineConfig(system.config), actors: FAN_OUT },
            references: [{ scenario: BASELINE, compare: 'fan-out' }],
          },
        ],
      };
    });
  },
};
