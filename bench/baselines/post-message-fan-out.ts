/**
 * Baseline for fan-out / fan-in: the scatter-gather of the `fan-out` scenario done with plain
 * postMessage. The same number of worker threads as ringmaster's (`--workers`, default 2), each sent its
 * share of the FAN_OUT `{type:'get'}` requests (request i goes to worker i mod W, as the actors are
 * placed), and the round ends when all FAN_OUT numbers are back.
 */
import { DEFAULT_BENCH_WORKERS } from '../lib/engine.js';
import { sampleLatencyAsync } from '../lib/measure.js';
import type { Scenario, ScenarioOptions, ScenarioResult } from '../lib/scenario.js';
import { WorkerGroup } from '../lib/workers.js';
import { baselineWorker } from './worker-file.js';

/** Requests per scatter: actors (or messages) spread over the workers. */
export const FAN_OUT = 8;

const GET = { type: 'get' } as const;

export const postMessageFanOutBaseline: Scenario = {
  name: 'post-message-fan-out',
  description: `worker.postMessage scatter of ${FAN_OUT} requests over the workers, gather all replies`,

  async run(options: ScenarioOptions): Promise<ScenarioResult> {
    const group = new WorkerGroup();
    const threads = options.engine.workers ?? DEFAULT_BENCH_WORKERS;
    try {
      const workers = Array.from({ length: threads }, () => group.spawn(baselineWorker('post-message.mjs')));
      // One gather at a time: a count of replies still missing and the resolver of the current round.
      let missing = 0;
      let done: (() => void) | undefined;
      let failure: Error | undefined;
      let fail: ((error: Error) => void) | undefined;
      for (const worker of workers) {
        worker.on('message', () => {
          if (--missing === 0) done?.();
        });
      }
      group.onFailure((error) => {
        failure = error;
        fail?.(error);
      });
      const scatter = (): Promise<void> =>
        new Promise<void>((resolve, reject) => {
          if (failure !== undefined) return reject(failure);
          missing = FAN_OUT;
          done = resolve;
          fail = reject;
          for (let i = 0; i < FAN_OUT; i++) workers[i % threads]!.postMessage(GET);
        });

      options.progress(`scatter ${FAN_OUT} over ${threads} workers, gather`);
      const latency = await sampleLatencyAsync(options, scatter);
      return {
        measurements: [
          {
            kind: 'latency',
            what: `scatter ${FAN_OUT} {type:'get'} over ${threads} workers, gather`,
            compare: 'fan-out',
            latency,
            config: { workers: threads, requests: FAN_OUT },
          },
        ],
      };
    } finally {
      await group.terminate();
    }
  },
};
