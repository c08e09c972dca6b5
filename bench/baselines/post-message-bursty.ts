/**
 * Baseline for the bursty scenario: the postMessage round trip of `post-message` (`{type:'get'}` to a
 * worker, a number back), with the same idle gaps before each request (`bench/lib/bursty.ts`).
 */
import { measureBursty } from '../lib/bursty.js';
import type { Scenario, ScenarioOptions, ScenarioResult } from '../lib/scenario.js';
import { withPostMessageWorker } from './post-message.js';

const GET = { type: 'get' } as const;

export const postMessageBurstyBaseline: Scenario = {
  name: 'post-message-bursty',
  description: 'worker.postMessage round trip with idle gaps (10 µs to 10 ms) before each request',

  run(options: ScenarioOptions): Promise<ScenarioResult> {
    return withPostMessageWorker((worker, replies) =>
      measureBursty(options, options.progress, "postMessage {type:'get'} -> number", () => {
        const reply = replies.wait();
        worker.postMessage(GET);
        return reply;
      }),
    );
  },
};
