// Islands: a graph split by .async() into islands, each run by an actor on the thread it is placed on, elements
// crossing as batched ring records and demand flowing back as cumulative requests. The systems list
// test/fixtures/island-stages.ts in `actors`, so every worker knows the defined stages (and the island actor).
import { threadId } from 'node:worker_threads';
import { afterAll, describe, expect, it } from 'vitest';
import { InvalidArgumentError, StreamFailedError } from '../../src/index.js';
import { Flow, Keep, Sink, Source } from '../../src/streams/index.js';
import { createTestSystem } from '../../src/testkit/index.js';
import { Flooder, HeapGauge, SlowConsumer, addOne, count, double, exitOn, failOn, kib, resume, slow, sum, tagThread } from '../fixtures/island-stages.js';

const actors = [new URL('../fixtures/island-stages.ts', import.meta.url)];
const tk = await createTestSystem({ workers: 2, actors });
const inline = await createTestSystem({ mode: 'inline', actors });
afterAll(async () => {
  await tk.shutdown();
  await inline.shutdown();
});

const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

describe('islands', () => {
  it('runs each island on the thread it is placed on, in order, and brings a worker sink’s value home', async () => {
    const graph = Source.from(range(1000))
      .map(double)
      .on({ worker: 1 })
      .async({ placement: { worker: 2 } })
      .map(addOne)
      .map(tagThread)
      .toMat(Sink.collect<{ x: number; thread: number }>(), Keep.right);
    const { value, completion } = graph.run(tk.system);
    const got = await value;
    await completion;
    expect(got.map((e) => e.x)).toEqual(range(1000).map((x) => x * 2 + 1));
    const threads = new Set(got.map((e) => e.thread));
    expect(threads.size).toBe(1);
    expect(threads.has(threadId)).toBe(false); // the second island ran on a worker, not here
  });

  it('keeps closures and local objects in an island on the main thread, and crosses to and from a worker', async () => {
    const seen: number[] = [];
    const { completion, stats } = Source.from(range(100))
      .map((x) => x + 1000) // a closure: fine, this island is the main thread's
      .async({ placement: { worker: 1 } })
      .map(double)
      .async({ placement: { worker: 0 } })
      .to(Sink.forEach((x: number) => void seen.push(x)))
      .run(tk.system);
    await completion;
    expect(seen).toEqual(range(100).map((x) => (x + 1000) * 2));
    expect(stats().boundaries.map((b) => [b.emitted, b.consumed, b.inFlight])).toEqual([
      [100, 100, 0],
      [100, 100, 0],
    ]);
  });

  it('refuses at run() a closure placed on a worker, naming the stage and saying what to do', () => {
    const graph = Source.from([1, 2])
      .async({ placement: { worker: 1 } })
      .map((x: number) => x + 1)
      .named('plus-one')
      .to(Sink.ignore());
    expect(() => graph.run(tk.system)).toThrow(InvalidArgumentError);
    expect(() => graph.run(tk.system)).toThrow(/stage 'plus-one': its function is a closure, and closures cannot cross threads to worker 1; define it with defineStage/);
  });

  it('refuses at run() a source of this thread placed on a worker', () => {
    const graph = Source.fromAsyncIterable((async function* () {})()).on({ worker: 1 }).to(Sink.ignore());
    expect(() => graph.run(tk.system)).toThrow(/Source.fromAsyncIterable .* cannot run on worker 1; keep it in the first island/);
  });

  it('fails completion with a StreamFailedError naming the stage and island where a worker stage threw', async () => {
    const { completion } = Source.from(range(10))
      .async({ placement: { worker: 1 } })
      .map(failOn.with(5))
      .async({ placement: { worker: 0 } })
      .to(Sink.ignore())
      .run(tk.system);
    const err = await completion.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StreamFailedError);
    expect(err).toMatchObject({ code: 'ERR_STREAM_FAILED', stage: 'islands.failOn', island: 1 });
    expect(String((err as Error).cause)).toMatch(/no 5 here/);
  });

  it('honours a defined supervision decider on a worker stage', async () => {
    const { value } = Source.from(range(6))
      .async({ placement: { worker: 2 } })
      .map(failOn.with(3))
      .withSupervision(resume)
      .async({ placement: { worker: 0 } })
      .toMat(Sink.collect<number>(), Keep.right)
      .run(tk.system);
    expect(await value).toEqual([0, 1, 2, 4, 5]);
  });

  it('folds on a worker with a defined stage and brings the result home', async () => {
    const { value } = Source.from(range(101)).async({ placement: { worker: 1 } }).toMat(Sink.fold(0, sum), Keep.right).run(tk.system);
    expect(await value).toBe(5050);
  });

  it('take(n) downstream cancels a never-ending source on another worker, and the stream completes', async () => {
    const { value, completion } = Source.unfold(0, count)
      .on({ worker: 1 })
      .async({ placement: { worker: 2 } })
      .take(50)
      .toMat(Sink.collect<number>(), Keep.right)
      .run(tk.system);
    expect(await value).toEqual(range(50));
    await completion;
  });

  it('splits a batch larger than maxMessageBytes (64 KiB) across messages, in order, none lost', async () => {
    const big = range(300).map((i) => `${i}`.padEnd(2048, '#')); // 64 of them are twice maxMessageBytes
    const { value } = Source.from(big)
      .async({ placement: { worker: 1 }, inputBuffer: 128 })
      .map(addOne.with(undefined) as never) // a defined stage that strings go through unchanged in shape ('…#1')
      .async({ placement: { worker: 0 }, inputBuffer: 128 })
      .toMat(Sink.collect<string>(), Keep.right)
      .run(tk.system);
    expect(await value).toEqual(big.map((x) => `${x}1`));
  });

  it('fails the stream, naming the boundary, on an element too large for one message', async () => {
    const { completion } = Source.from(['small', 'x'.repeat(70_000)])
      .async({ placement: { worker: 1 } })
      .to(Sink.ignore())
      .run(tk.system);
    const err = await completion.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StreamFailedError);
    expect(err).toMatchObject({ stage: '(boundary out, island 0)', island: 0 });
    expect(((err as Error).cause as { code?: string }).code).toBe('ERR_MESSAGE_TOO_LARGE');
  });

  it("take(n) on a worker cancels a source on the main thread: its iterator's return() runs once", async () => {
    let returned = 0;
    const iterable = {
      [Symbol.asyncIterator]() {
        let i = 0;
        return {
          next: async () => ({ done: false, value: i++ }),
          return: async () => {
            returned++;
            return { done: true as const, value: undefined };
          },
        };
      },
    };
    const { value, completion } = Source.fromAsyncIterable(iterable)
      .async({ placement: { worker: 1 } })
      .take(5)
      .toMat(Sink.collect<number>(), Keep.right)
      .run(tk.system);
    expect(await value).toEqual(range(5));
    await completion;
    expect(returned).toBe(1);
  });

  it('names a stage no worker knows when its island is spawned', async () => {
    const ghost = Object.freeze({ kind: 'defined-stage', name: 'islands.ghost', args: undefined, fn: (x: number) => x, with: () => ghost });
    const { completion } = Source.from([1])
      .async({ placement: { worker: 1 } })
      .map(ghost as never)
      .to(Sink.ignore())
      .run(tk.system);
    const err = await completion.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StreamFailedError);
    expect(String(err)).toMatch(/the stage 'islands.ghost' is not defined on worker 1: the module that calls defineStage\('islands.ghost', \.\.\.\) must be listed in the system's 'actors' option/);
  });

  it('gives the same results in inline mode (the graph runs fused) and without a system', async () => {
    const graph = Source.from(range(20))
      .async({ placement: { worker: 1 } })
      .map(double)
      .via(Flow.of<number>().async().map(addOne))
      .toMat(Sink.collect<number>(), Keep.right);
    const expected = range(20).map((x) => x * 2 + 1);
    expect(await graph.run(inline.system).value).toEqual(expected);
    expect(await graph.run().value).toEqual(expected);
    expect(await graph.run(tk.system).value).toEqual(expected);
  });
});

describe('islands: backpressure across threads', () => {
  it('emits at most k + 1 + inputBuffer elements of a never-ending source on worker 1 after k acknowledgements by a sink on worker 2', async () => {
    const probe = await tk.probe<number>();
    const inputBuffer = 8;
    const { stats, stop, completion } = Source.unfold(0, count)
      .on({ worker: 1 })
      .async({ placement: { worker: 2 }, inputBuffer })
      .to(Sink.actorRef(probe.ref, { ack: true }))
      .run(tk.system);
    const k = 40;
    for (let i = 0; i < k; i++) {
      await probe.expectMsg(i);
      probe.reply('ack');
    }
    await probe.expectMsg(k); // the (k + 1)th, waiting for its acknowledgement
    // Give the source every chance to run ahead if it could: its worker is idle, demand is all that holds it.
    await new Promise((r) => setTimeout(r, 200));
    const [b] = stats().boundaries;
    expect(b!.emitted).toBeGreaterThanOrEqual(k + 1);
    expect(b!.emitted).toBeLessThanOrEqual(k + 1 + inputBuffer);
    expect(b!.inFlight).toBeLessThanOrEqual(inputBuffer);
    // The kill switch stops the source; what is already across the boundary still reaches the sink, acknowledged.
    stop();
    let finished = false;
    void completion.then(() => (finished = true));
    probe.reply('ack');
    while (!finished) {
      try {
        await probe.receiveN(1, { timeoutMs: 100 });
        probe.reply('ack');
      } catch {
        // nothing more came meanwhile
      }
    }
    await completion;
  });
});

describe('islands: memory under a slow sink', () => {
  it("keeps the workers' heaps flat while a fast source on worker 1 feeds a slow sink on worker 2; the same producer without backpressure grows them", async () => {
    // A short shutdown: the control leaves thousands of sends behind, which need not be waited for.
    const sys = await createTestSystem({ workers: 2, actors, shutdownTimeoutMs: 500 });
    try {
      // Both workers' heaps: elements held back anywhere (worker 1's outbox, worker 2's input buffer) show.
      const gauges = await Promise.all([1, 2].map((w) => sys.system.spawn(HeapGauge, { name: `gauge-${w}`, placement: { worker: w } })));
      const heap = async () => (await Promise.all(gauges.map((g) => g.ask({ type: 'heap' }) as Promise<number>))).reduce((a, b) => a + b);
      const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
      // The stream: ~1 KiB elements as fast as demand allows, consumed one per 2 ms on worker 2.
      const { stats, stop, completion } = Source.unfold(0, kib)
        .on({ worker: 1 })
        .async({ placement: { worker: 2 }, inputBuffer: 16 })
        .mapAsync(1, slow.with(2))
        .to(Sink.ignore())
        .run(sys.system);
      await sleep(300);
      const before = await heap();
      await sleep(1000);
      const after = await heap();
      const crossed = stats().boundaries[0]!.emitted;
      stop();
      await completion;
      expect(crossed).toBeGreaterThan(100); // it did run meanwhile
      expect(after - before).toBeLessThan(2 * 1024 * 1024);
      // The control: the same elements sent from worker 1 to a slow actor on worker 2, without waiting for any.
      const consumer = await sys.system.spawn(SlowConsumer, { name: 'consumer', placement: { worker: 2 } });
      const flooder = await sys.system.spawn(Flooder, { name: 'flooder', placement: { worker: 1 } });
      const base = await heap();
      await flooder.ask({ type: 'flood', to: consumer, count: 20_000 });
      const flooded = await heap();
      expect(flooded - base).toBeGreaterThan(5 * 1024 * 1024);
    } finally {
      await sys.shutdown();
    }
  });
});

describe('islands: the system shutting down', () => {
  it('settles completion of a never-ending stream when the system shuts down under it (a StreamFailedError, no hang)', async () => {
    const sys = await createTestSystem({ workers: 2, actors });
    const { completion, stats } = Source.unfold(0, count)
      .on({ worker: 1 })
      .async({ placement: { worker: 2 } })
      .mapAsync(1, slow.with(1))
      .to(Sink.ignore())
      .run(sys.system);
    while ((stats().boundaries[0]?.consumed ?? 0) < 10) await new Promise((r) => setTimeout(r, 10));
    await sys.shutdown();
    const err = await completion.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StreamFailedError);
  });
});

describe('islands: a worker crash', () => {
  it('fails the stream with a StreamFailedError naming the island and stops the others', async () => {
    const sys = await createTestSystem({ workers: 2, actors });
    try {
      const { completion } = Source.unfold(0, count)
        .on({ worker: 1 })
        .async({ placement: { worker: 2 } })
        .map(exitOn.with(100))
        .async({ placement: { worker: 0 } })
        .to(Sink.ignore())
        .run(sys.system);
      const err = await completion.catch((e: unknown) => e);
      expect(err).toBeInstanceOf(StreamFailedError);
      expect(err).toMatchObject({ island: 1 });
      expect(String(err)).toMatch(/its worker \(2\) crashed|stopped before the stream ended/);
      // And every island stops: none is left alive on any thread (the metrics count live actors per definition).
      const islandsAlive = () =>
        sys.system
          .metrics()
          .definitions.filter((d) => d.definition === 'ringmaster.streams.Island')
          .reduce((n, d) => n + d.actors, 0);
      for (let i = 0; i < 100 && islandsAlive() > 0; i++) await new Promise((r) => setTimeout(r, 50));
      expect(islandsAlive()).toBe(0);
    } finally {
      await sys.shutdown();
    }
  });
});
