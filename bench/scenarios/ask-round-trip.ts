/**
 * ringmaster ask round trip: the main thread asks an actor on worker 1 `{type:'get'}` and awaits the
 * number it replies, one ask at a time: the same exchange as the postMessage baseline's round trip
 * (`compare: 'round-trip'`), through the rings instead of a MessagePort.
 */
import { BenchCounter, GET } from '../actors/bench-actors.js';
import { engineConfig } from '../lib/engine.js';
import { sampleLatencyAsync } from '../lib/measure.js';
import type { Scenario, ScenarioOptions, ScenarioResult } from '../lib/scenario.js';
import { withSystem } from './system.js';

export const askRoundTrip: Scenario = {
  name: 'ask-round-trip',
  description: "ringmaster ref.ask({type:'get'}) from the main thread to an actor on a worker: round trip",
  needs: ['post-message'],
  // The target is "while requests keep coming": this scenario asks back to back, so it applies.
  targets: [
    {
      // The engine core's first target (issue 2), looser than the suite's below.
      label: 'ask round-trip p50 <= 1/3 of postMessage ping-pong p50 (engine core)',
      compare: 'round-trip',
      against: { scenario: 'post-message', compare: 'round-trip' },
      factor: 1 / 3,
    },
    {
      label: 'ask round-trip p50 <= 1/10 of postMessage ping-pong p50',
      compare: 'round-trip',
      against: { scenario: 'post-message', compare: 'round-trip' },
      factor: 1 / 10,
    },
    {
      label: 'ask round-trip p99 <= 1/4 of postMessage ping-pong p99',
      compare: 'round-trip',
      against: { scenario: 'post-message', compare: 'round-trip' },
      factor: 1 / 4,
      statistic: 'p99',
    },
  ],

  run(options: ScenarioOptions): Promise<ScenarioResult> {
    options.progress('starting the actor system');
    return withSystem(options.engine, async (system) => {
      const counter = await system.spawn(BenchCounter, { name: 'counter', placement: { worker: 1 } });

      options.progress('round trip main -> worker 1 -> main');
      const latency = await sampleLatencyAsync(options, () => counter.ask(GET));
      return {
        measurements: [
          {
            kind: 'latency',
            what: "ask {type:'get'} -> number, main <-> worker",
            compare: 'round-trip',
            latency,
            config: { ...engineConfig(system.config), actor: 'worker 1' },
          },
        ],
      };
    });
  },
};
