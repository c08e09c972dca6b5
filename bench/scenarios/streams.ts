/**
 * Streams across worker threads (`ringmaster/streams` islands, issue 14):
 *
 * (a) Elements per second across one async boundary, worker 1 → worker 2: a source island on worker 1
 *     (`Source.unfold`), a sink island on worker 2 (`Sink.ignore`), with `inputBuffer` 1, 16, 64 and 1024 (the
 *     most elements in flight; a message carries at most 1024, so it is also the largest batch), for
 *     16-byte and 1-KiB elements. The target is on 1024 (the setting for throughput: the README says so). Compared
 *     in the same run with the same elements sent one `ctx.tell` each from an actor on worker 1 to one on worker
 *     2 (`ElementProducer` → `ElementCounter`), and with `stream.pipeline` moving them in one thread
 *     (Readable.from → a Writable in object mode).
 * (b) A CPU-bound pipeline: `Source.from` on the main thread → an island on worker 1 hashing half of each request's
 *     rounds → an island on worker 2 hashing the other half → `Sink.ignore` on the main thread; elements per
 *     second against piscina's saturation on the same work (`piscina-service`, same run, same threads).
 *
 * Runs only when named (`--scenario streams`), like `routing`.
 */
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Sink, Source } from '../../src/streams/index.js';
import { ElementCounter, ElementProducer, element, hashStage, nextElement } from '../actors/stream-stages.js';
import { WORK_ROUNDS } from '../lib/cpu-work.mjs';
import { engineConfig } from '../lib/engine.js';
import { measureThroughput } from '../lib/measure.js';
import type { Measurement, Scenario, ScenarioOptions, ScenarioResult } from '../lib/scenario.js';
import { SATURATION_KEY } from '../lib/service.js';
import { BENCH_ACTORS, withSystem } from './system.js';

const STREAM_STAGES = new URL('../actors/stream-stages.ts', import.meta.url);
const BASELINE = 'piscina-service';
const BUFFERS = [1, 16, 64, 1024] as const;
const SIZES = [16, 1024] as const;
/**
 * Elements per round (one stream run, or one producer's burst): long enough that starting a stream is noise, and
 * fewer for a small inputBuffer (at 1 every element waits for its own demand: a round trip between the workers).
 */
const perRound = (bytes: number, quick: boolean, inputBuffer = 64): number =>
  Math.max(1_000, Math.round(((bytes <= 16 ? 200_000 : 40_000) / (quick ? 4 : 1)) * Math.min(1, inputBuffer / 64)));
const PIPELINE_ELEMENTS = 4_000;

const key = (what: string, bytes: number, buffer?: number): string => `streams-${what}-${bytes}b${buffer === undefined ? '' : `-buffer-${buffer}`}`;

export const streams: Scenario = {
  name: 'streams',
  description: 'elements/s across an async boundary (worker 1 -> worker 2) vs ctx.tell per element and stream.pipeline; a CPU-bound pipeline over both workers vs piscina',
  needs: [BASELINE],
  figures: SIZES.length * (BUFFERS.length + 2) + 1,
  targets: [
    ...SIZES.map((bytes) => ({
      label: `a boundary moves >= 5x the elements/s of ctx.tell per element (${bytes} B, inputBuffer 1024)`,
      compare: key('boundary', bytes, 1024),
      against: { scenario: 'streams', compare: key('tell', bytes) },
      factor: 5,
    })),
    {
      label: 'CPU-bound pipeline over islands on both workers: elements/s >= piscina saturation',
      compare: 'streams-cpu-pipeline',
      against: { scenario: BASELINE, compare: SATURATION_KEY },
      factor: 1,
    },
  ],

  run(options: ScenarioOptions): Promise<ScenarioResult> {
    options.progress('starting the actor system');
    return withSystem(
      options.engine,
      async (system) => {
        const config = engineConfig(system.config);
        const measurements: Measurement[] = [];
        const record = (what: string, compare: string, f: { messages: number; seconds: number; perSecond: number }, extra: Record<string, number | string>) =>
          measurements.push({ kind: 'throughput', what, compare, messages: f.messages, seconds: f.seconds, perSecond: f.perSecond, config: { ...config, ...extra } });

        const counter = await system.spawn(ElementCounter, { name: 'stream-counter', placement: { worker: 2 } });
        const producer = await system.spawn(ElementProducer, { name: 'stream-producer', placement: { worker: 1 } });
        for (const bytes of SIZES) {
          const count = perRound(bytes, options.quick);
          for (const inputBuffer of BUFFERS) {
            const count = perRound(bytes, options.quick, inputBuffer);
            options.progress(`boundary worker 1 -> worker 2, ${bytes} B elements, inputBuffer ${inputBuffer}, ${count} per run`);
            const f = await measureThroughput(options, async () => {
              const { completion } = Source.unfold(0, nextElement.with({ count, bytes }))
                .on({ worker: 1 })
                .async({ placement: { worker: 2 }, inputBuffer })
                .to(Sink.ignore())
                .run(system);
              await completion;
              return count;
            });
            record(`Source.unfold (worker 1) .async() Sink.ignore (worker 2), ${bytes} B, inputBuffer ${inputBuffer}`, key('boundary', bytes, inputBuffer), f, { bytes, inputBuffer, perRun: count });
          }
          options.progress(`ctx.tell per element worker 1 -> worker 2, ${bytes} B elements, ${count} per round`);
          const t = await measureThroughput(options, async () => {
            const got = (await producer.ask({ target: counter, count, bytes }, { timeoutMs: 60_000 })) as number;
            if (got !== count) throw new Error(`the counter took ${got}, expected ${count}`);
            return got;
          });
          record(`ctx.tell per element (worker 1 -> worker 2), ${bytes} B`, key('tell', bytes), t, { bytes, perRound: count });
          options.progress(`stream.pipeline in one thread, ${bytes} B elements`);
          const p = await measureThroughput(options, async () => {
            let seen = 0;
            await pipeline(
              Readable.from(
                (function* () {
                  for (let i = 0; i < count; i++) yield element(i, bytes);
                })(),
              ),
              new Writable({
                objectMode: true,
                write(_x, _enc, done) {
                  seen++;
                  done();
                },
              }),
            );
            return seen;
          });
          record(`stream.pipeline in one thread, ${bytes} B`, key('pipeline', bytes), p, { bytes, perRound: count });
        }

        const half = WORK_ROUNDS / 2;
        const n = PIPELINE_ELEMENTS / (options.quick ? 4 : 1);
        options.progress(`CPU-bound pipeline: main -> worker 1 (${half} rounds) -> worker 2 (${WORK_ROUNDS - half} rounds) -> main, ${n} per run`);
        const cpu = await measureThroughput(options, async () => {
          const { completion } = Source.from(Array.from({ length: n }, (_, i) => i))
            .async({ placement: { worker: 1 }, inputBuffer: 64 })
            .map(hashStage.with(half))
            .async({ placement: { worker: 2 }, inputBuffer: 64 })
            .map(hashStage.with(WORK_ROUNDS - half))
            .async({ placement: { worker: 0 }, inputBuffer: 64 })
            .to(Sink.ignore())
            .run(system);
          await completion;
          return n;
        });
        record(`CPU-bound pipeline, ${WORK_ROUNDS} SHA-256 rounds per element over islands on workers 1 and 2`, 'streams-cpu-pipeline', cpu, { perRun: n, rounds: WORK_ROUNDS });

        const per = (compare: string): number => (measurements.find((m) => m.compare === compare) as { perSecond: number } | undefined)?.perSecond ?? Number.NaN;
        return {
          measurements,
          notes: SIZES.map(
            (bytes) =>
              `${bytes} B: boundary (inputBuffer 1024) ${(per(key('boundary', bytes, 1024)) / per(key('tell', bytes))).toFixed(2)}x ctx.tell per element, ${(per(key('boundary', bytes, 1024)) / per(key('pipeline', bytes))).toFixed(2)}x stream.pipeline in one thread`,
          ),
        };
      },
      [BENCH_ACTORS, STREAM_STAGES],
    );
  },
};
