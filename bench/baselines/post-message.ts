/**
 * Baseline: plain `worker.postMessage`, the default every ringmaster figure is compared with.
 *
 * (a) round trip: `{type:'get'}` main -> worker, a number back, one at a time;
 * (b) one-way throughput, one small object per `postMessage` call;
 * (c) one-way throughput, arrays of 256 small objects per call.
 * The worker counts one-way messages and acknowledges each round once it has them all, so the
 * figure is what the receiver got, not what the sender queued.
 */
import type { Worker } from 'node:worker_threads';
import type { LatencySummary } from '../lib/histogram.js';
import { measureThroughput, sampleLatencyAsync } from '../lib/measure.js';
import type { Measurement, Scenario, ScenarioOptions, ScenarioResult } from '../lib/scenario.js';
import { ReplySlot, WorkerGroup } from '../lib/workers.js';
import { baselineWorker } from './worker-file.js';

const GET = { type: 'get' } as const;
const INC = { type: 'inc', by: 1 } as const;
const BATCH_SIZE = 256;
/** Messages per throughput round: a few tens of milliseconds of sending, so the backlog stays bounded. */
const SINGLES_PER_ROUND = 10_000;
const BATCHES_PER_ROUND = 100;

/** One round trip: `{type:'get'}` to `worker`, resolved by its reply (what the `'message'` listener settles). */
const roundTrip =
  (worker: Worker, replies: ReplySlot<unknown>) =>
  (): Promise<unknown> => {
    const reply = replies.wait();
    worker.postMessage(GET);
    return reply;
  };

/**
 * Runs `body` with a post-message worker whose replies settle `replies`, and terminates the worker after, also
 * when `body` throws. A worker's failure rejects the reply being waited for instead of hanging it.
 */
export async function withPostMessageWorker<T>(body: (worker: Worker, replies: ReplySlot<unknown>) => Promise<T>): Promise<T> {
  const group = new WorkerGroup();
  try {
    const worker = group.spawn(baselineWorker('post-message.mjs'));
    const replies = new ReplySlot<unknown>();
    worker.on('message', (message: unknown) => replies.settle(message));
    group.onFailure((error) => replies.fail(error));
    return await body(worker, replies);
  } finally {
    await group.terminate();
  }
}

/** The round trip alone, on a worker of its own: also measured by the `contended` scenario. */
export function postMessageRoundTrip(options: ScenarioOptions): Promise<LatencySummary> {
  return withPostMessageWorker((worker, replies) => sampleLatencyAsync(options, roundTrip(worker, replies)));
}

export const postMessageBaseline: Scenario = {
  name: 'post-message',
  description: 'worker.postMessage: round trip, and one-way throughput one per call and 256 per call',

  run(options: ScenarioOptions): Promise<ScenarioResult> {
    return withPostMessageWorker(async (worker, replies) => {
      const measurements: Measurement[] = [];

      options.progress('round trip');
      const latency = await sampleLatencyAsync(options, roundTrip(worker, replies));
      measurements.push({
        kind: 'latency',
        what: "round trip {type:'get'} -> number",
        compare: 'round-trip',
        latency,
      });

      const sendRound = async (count: number, send: () => void): Promise<number> => {
        worker.postMessage({ type: 'expect', count });
        const done = replies.wait();
        send();
        const ack = (await done) as { type: string; count: number };
        if (ack.type !== 'done' || ack.count !== count) {
          throw new Error(`post-message worker acknowledged ${JSON.stringify(ack)}, expected ${count}`);
        }
        return count;
      };

      options.progress('one-way, 1 message per postMessage');
      const singles = await measureThroughput(options, () =>
        sendRound(SINGLES_PER_ROUND, () => {
          for (let i = 0; i < SINGLES_PER_ROUND; i++) worker.postMessage(INC);
        }),
      );
      measurements.push({
        kind: 'throughput',
        what: "one-way {type:'inc',by:1}, 1 per call",
        compare: 'one-way',
        ...singles,
      });

      options.progress(`one-way, ${BATCH_SIZE} messages per postMessage`);
      // Distinct objects: the structured clone of one object repeated 256 times would serialize it once
      // and send 255 back-references, which is not what a batch of real messages costs.
      const batch = Array.from({ length: BATCH_SIZE }, () => ({ ...INC }));
      const batched = await measureThroughput(options, () =>
        sendRound(BATCHES_PER_ROUND * BATCH_SIZE, () => {
          for (let i = 0; i < BATCHES_PER_ROUND; i++) worker.postMessage(batch);
        }),
      );
      measurements.push({
        kind: 'throughput',
        what: `one-way {type:'inc',by:1}, ${BATCH_SIZE} per call`,
        compare: 'one-way-batched',
        ...batched,
        config: { batch: BATCH_SIZE },
      });

      return { measurements };
    });
  },
};
