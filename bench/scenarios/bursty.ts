/**
 * ringmaster under bursty traffic: the ask round trip of `ask-round-trip` (main -> counter on worker 1
 * -> main), with idle gaps of 10 µs to 10 ms before each request, so that whether threads spin, park,
 * and how fast they wake decides the latency. Compared gap by gap with postMessage under the same gaps.
 */
import { BenchCounter, GET } from '../actors/bench-actors.js';
import { burstyTargets, measureBursty, wakeFloorTargets } from '../lib/bursty.js';
import { engineConfig } from '../lib/engine.js';
import type { Scenario, ScenarioOptions, ScenarioResult } from '../lib/scenario.js';
import { withSystem } from './system.js';

const BASELINE = 'post-message-bursty';
const FLOOR = 'wake-floor';

export const bursty: Scenario = {
  name: 'bursty',
  description: "ringmaster ask({type:'get'}) main <-> worker with idle gaps (10 µs to 10 ms) before each request",
  needs: [BASELINE, FLOOR],
  targets: [...burstyTargets(BASELINE), ...wakeFloorTargets(FLOOR)],

  run(options: ScenarioOptions): Promise<ScenarioResult> {
    options.progress('starting the actor system');
    return withSystem(options.engine, async (system) => {
      const counter = await system.spawn(BenchCounter, { name: 'counter', placement: { worker: 1 } });
      return measureBursty(options, options.progress, "ask {type:'get'} -> number", () => counter.ask(GET), {
        ...engineConfig(system.config),
        actor: 'worker 1',
      });
    });
  },
};
