// The core guarantees of inline streams: demand, order, termination, failures naming their stage, the kill switch.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DefinitionTakenError, InvalidArgumentError } from '../../src/errors.js';
import { Flow, Keep, Sink, Source, StreamFailedError, defineStage } from '../../src/streams/index.js';
import { Interpreter } from '../../src/streams/interpreter.js';
import { FoldSinkLogic } from '../../src/streams/sinks.js';
import { IterableSourceLogic } from '../../src/streams/sources.js';
import { shout } from '../fixtures/stages.js';

/** A source that counts how many elements it was asked for. */
function counted(limit = Number.POSITIVE_INFINITY): { source: Source<number>; pulls: () => number } {
  let n = 0;
  const ai: AsyncIterable<number> = {
    [Symbol.asyncIterator]: () => ({
      next: async (): Promise<IteratorResult<number>> => (n < limit ? { done: false, value: n++ } : { done: true, value: undefined }),
    }),
  };
  const source = Source.fromAsyncIterable(ai);
  return { source, pulls: () => n };
}

describe('demand', () => {
  it('a source never produces an element without demand: a slow sink that took k elements has been offered at most k + 1', async () => {
    const { source, pulls } = counted();
    let release: () => void = () => {};
    let taken = 0;
    const { completion, stop } = source
      .map((x) => x + 1)
      .to(
        Sink.forEach(async () => {
          taken++;
          await new Promise<void>((r) => {
            release = r;
          });
        }),
      )
      .run();
    for (let k = 1; k <= 20; k++) {
      await new Promise((r) => setImmediate(r));
      expect(taken).toBe(k);
      expect(pulls()).toBeLessThanOrEqual(k + 1);
      release();
    }
    stop();
    await expect(completion).resolves.toBeUndefined();
  });

  it('a synchronous source of 200000 elements runs to the end without overflowing the stack, in order', async () => {
    const n = 200_000;
    const xs = await Source.unfold(0, (s) => (s < n ? ([s + 1, s] as const) : undefined)).runWith(
      Sink.fold(0, (acc: number, x: number) => (x === acc ? acc + 1 : -1e9)),
    );
    expect(xs).toBe(n);
  });
});

describe('order and the array equivalents', () => {
  it('map, filter and grouped give what the same operations on an array give', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer()), fc.integer({ min: 1, max: 7 }), async (xs, n) => {
        const got = await Source.from(xs)
          .map((x) => x * 3)
          .filter((x) => x % 2 === 0)
          .grouped(n)
          .runCollect();
        const ys = xs.map((x) => x * 3).filter((x) => x % 2 === 0);
        const want: number[][] = [];
        for (let i = 0; i < ys.length; i += n) want.push(ys.slice(i, i + n));
        expect(got).toEqual(want);
      }),
      { numRuns: 60 },
    );
  });

  it('take and takeWhile give the array prefix', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 0, max: 9 })), fc.integer({ min: 0, max: 12 }), async (xs, n) => {
        expect(await Source.from(xs).take(n).runCollect()).toEqual(xs.slice(0, n));
        const stop = xs.findIndex((x) => x >= 7);
        expect(await Source.from(xs).takeWhile((x) => x < 7).runCollect()).toEqual(stop < 0 ? xs : xs.slice(0, stop));
      }),
      { numRuns: 60 },
    );
  });
});

describe('graphs are plain values', () => {
  it('a graph runs any number of times, each run from the start', async () => {
    const graph = Source.from([1, 2, 3]).map((x) => x * 2);
    expect(await graph.runCollect()).toEqual([2, 4, 6]);
    expect(await graph.runCollect()).toEqual([2, 4, 6]);
  });

  it('is made of frozen stage descriptors', () => {
    const g = Source.from([1]).map((x) => x).take(1);
    expect(g.stages.map((s) => s.kind)).toEqual(['from', 'map', 'take']);
    expect(Object.isFrozen(g)).toBe(true);
    expect(g.stages.every((s) => Object.isFrozen(s))).toBe(true);
  });

  it('via, to and toMat compose a source, a flow and a sink; Keep chooses the materialized value', async () => {
    const double = Flow.of<number>().map((x) => x * 2);
    const sum = Flow.of<number>().to(Sink.fold(0, (a: number, x: number) => a + x));
    expect(await Source.from([1, 2, 3]).via(double).runWith(sum)).toBe(12);
    const { value } = Source.queue<number>(4, 'backpressure').toMat(Sink.collect<number>(), Keep.both).run();
    const [queue, all] = value;
    await queue.offer(1);
    queue.complete();
    expect(await all).toEqual([1]);
    const spread = Source.queue<number>(4, 'backpressure')
      .toMat(Sink.collect<number>(), (queue, all) => ({ queue, all }))
      .run();
    spread.queue.complete();
    expect(await spread.all).toEqual([]);
    await expect(spread.completion).resolves.toBeUndefined();
    expect(Source.from([1]).to(Sink.ignore()).run().value).toBeUndefined();
  });

  it('a defined stage is usable where a closure is, with arguments bound by .with(args)', async () => {
    const scale = defineStage('test.scale', (x: number, args: { by: number } | undefined) => x * (args?.by ?? 1));
    expect(await Source.from([1, 2]).map(scale).runCollect()).toEqual([1, 2]);
    expect(await Source.from([1, 2]).map(scale.with({ by: 10 })).runCollect()).toEqual([10, 20]);
  });

  it('refuses a stage name another module defined, with DefinitionTakenError, as defineActor does', async () => {
    expect(await Source.from(['a']).map(shout).runCollect()).toEqual(['A']);
    expect(() => defineStage('fixture.shout', (s: string) => s)).toThrow(DefinitionTakenError);
  });

  it('refuses bad arguments at graph-build time with InvalidArgumentError saying what to do', () => {
    expect(() => Source.from([1]).take(-1)).toThrow(InvalidArgumentError);
    expect(() => Source.from([1]).grouped(0)).toThrow(/whole number >= 1/);
    expect(() => Source.from([1]).mapAsync(Number.NaN, async (x) => x)).toThrow(InvalidArgumentError);
    expect(() => Source.from([1]).map(42 as never)).toThrow(/expected a function or a defined stage/);
    expect(() => Source.from([1]).buffer(4, 'sideways' as never)).toThrow(/one of backpressure/);
    expect(() => Source.from([1]).throttle({ elements: 1, perMs: 0 })).toThrow(InvalidArgumentError);
    expect(() => Source.tick(Number.NaN, 1)).toThrow(InvalidArgumentError);
    expect(() => Source.queue(-1, 'backpressure')).toThrow(InvalidArgumentError);
  });
});

describe('termination', () => {
  it('fails completion and the sink promise with StreamFailedError naming the stage, with the error as cause', async () => {
    const boom = new Error('boom');
    const { value, completion } = Source.from([1, 2, 3])
      .map((x) => x)
      .map((x) => {
        if (x === 2) throw boom;
        return x;
      })
      .toMat(Sink.collect<number>(), Keep.right)
      .run();
    const err = await completion.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StreamFailedError);
    expect(err).toMatchObject({ code: 'ERR_STREAM_FAILED', stage: 'map#2', island: 0, cause: boom });
    await expect(value).rejects.toBe(err);
  });

  it('names a defined stage by its name, or a stage by named()', async () => {
    const bad = defineStage('test.bad', (_x: number) => {
      throw new Error('no');
    });
    await expect(Source.from([1]).map(bad).runCollect()).rejects.toMatchObject({ stage: 'test.bad' });
    await expect(
      Source.from([1])
        .map(() => {
          throw new Error('no');
        })
        .named('parse')
        .runCollect(),
    ).rejects.toMatchObject({ stage: 'parse' });
  });

  it('fails with a failed source, naming it', async () => {
    await expect(Source.failed(new Error('x')).runCollect()).rejects.toMatchObject({ stage: 'failed#0' });
  });

  it('stop() cancels upstream (the source runs its cleanup), completes the sink and resolves completion', async () => {
    let returned = 0;
    const forever: AsyncIterable<number> = {
      [Symbol.asyncIterator]: () => ({
        next: async () => ({ done: false, value: 1 }),
        return: async () => {
          returned++;
          return { done: true, value: undefined };
        },
      }),
    };
    const { value, completion, stop } = Source.fromAsyncIterable(forever).toMat(Sink.fold(0, (n: number) => n + 1), Keep.right).run();
    await new Promise((r) => setTimeout(r, 5));
    stop();
    await expect(completion).resolves.toBeUndefined();
    expect(await value).toBeGreaterThan(0);
    expect(returned).toBe(1);
  });

  it('stats() lists no boundaries and the elements each stage emitted', async () => {
    const { completion, stats } = Source.from([1, 2, 3, 4]).filter((x) => x % 2 === 0).to(Sink.ignore()).run();
    await completion;
    expect(stats()).toEqual({
      boundaries: [],
      stages: [
        { stage: 'from#0', emitted: 4 },
        { stage: 'filter#1', emitted: 2 },
        { stage: 'ignore#2', emitted: 0 },
      ],
    });
  });
});

describe('the interpreter of a long-running stream', () => {
  it('keeps its event queue bounded however many elements pass (it does not grow with the stream)', async () => {
    const N = 200_000;
    let most = 0;
    const sink = new FoldSinkLogic(
      () => 0,
      (sum, x) => {
        most = Math.max(most, interp.queueEntries);
        return (sum as number) + (x as number);
      },
    );
    const interp: Interpreter = new Interpreter([new IterableSourceLogic(Array.from({ length: N }, (_, i) => i)), sink]);
    interp.start();
    expect(await sink.result).toBe((N * (N - 1)) / 2);
    // Two events per element (a pull, a push); the queue is compacted at the end of every burst of 10,000.
    expect(most).toBeLessThan(25_000);
  });
});
