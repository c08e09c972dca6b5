// Each operator's behaviour, and the supervision directives of every operator that runs user code.
import { describe, expect, it } from 'vitest';
import { BufferOverflowError, TooManySubstreamsError } from '../../src/errors.js';
import { Flow, Sink, Source, type StreamDecider, StreamFailedError } from '../../src/streams/index.js';

const tick = () => new Promise((r) => setImmediate(r));

/** A sink that takes nothing until released, then everything: lets a buffer fill first. */
function gatedCollect<T>(): { sink: Sink<T, Promise<void>>; got: T[]; open: () => void } {
  let open: () => void = () => {};
  const gate = new Promise<void>((r) => {
    open = r;
  });
  const got: T[] = [];
  return {
    sink: Sink.forEach(async (x: T) => {
      await gate;
      got.push(x);
    }),
    got,
    open,
  };
}

describe('mapAsync and mapAsyncUnordered', () => {
  // The promises settle in the order this test chooses (3, 5, 1, 4, 2, 0), not by any timer.
  const settleOrder = [3, 5, 1, 4, 2, 0];
  async function runWith(op: 'mapAsync' | 'mapAsyncUnordered', n: number): Promise<{ out: number[]; most: number }> {
    const resolvers = new Map<number, () => void>();
    let pending = 0;
    let most = 0;
    const f = (x: number) =>
      new Promise<number>((resolve) => {
        most = Math.max(most, ++pending);
        resolvers.set(x, () => {
          pending--;
          resolve(x);
        });
      });
    const result = Source.from([0, 1, 2, 3, 4, 5])[op](n, f).runCollect();
    for (let left = [...settleOrder]; left.length > 0; ) {
      await tick();
      const next = left.find((x) => resolvers.has(x));
      if (next === undefined) continue;
      resolvers.get(next)?.();
      resolvers.delete(next);
      left = left.filter((x) => x !== next);
    }
    return { out: await result, most };
  }

  it('mapAsync keeps the input order whatever the order the promises settle in, with at most n pending', async () => {
    const { out, most } = await runWith('mapAsync', 2);
    expect(out).toEqual([0, 1, 2, 3, 4, 5]);
    expect(most).toBe(2);
  });

  it('mapAsyncUnordered emits each result as it settles, with at most n pending', async () => {
    const { out, most } = await runWith('mapAsyncUnordered', 6);
    expect(out).toEqual(settleOrder);
    expect(most).toBe(6);
  });
});

describe('buffer', () => {
  const cases: [string, number[]][] = [
    ['drop-head', [1, 5, 6, 7]],
    ['drop-tail', [1, 2, 3, 7]],
    ['drop-buffer', [1, 5, 6, 7]],
    ['drop-new', [1, 2, 3, 4]],
  ];
  it.each(cases)("with '%s', a full buffer of 3 drops as Akka does", async (overflow, want) => {
    const { sink, got, open } = gatedCollect<number>();
    const { completion } = Source.from([1, 2, 3, 4, 5, 6, 7])
      .buffer(3, overflow as 'drop-head')
      .to(sink)
      .run();
    await tick();
    open();
    await completion;
    // Element 1 went to the gated sink; 2..7 met the buffer of 3 while the sink waited.
    expect(got).toEqual(want);
  });

  it("with 'backpressure', takes no more than its size ahead of a stopped sink, and loses nothing", async () => {
    let produced = 0;
    const { sink, got, open } = gatedCollect<number>();
    const { completion } = Source.unfold(0, (s) => (s < 50 ? ([s + 1, (produced++, s)] as const) : undefined))
      .buffer(5, 'backpressure')
      .to(sink)
      .run();
    await tick();
    expect(produced).toBeLessThanOrEqual(1 + 5 + 1);
    open();
    await completion;
    expect(got).toEqual(Array.from({ length: 50 }, (_, i) => i));
  });

  it("with 'fail', fails the stream with BufferOverflowError", async () => {
    const { sink } = gatedCollect<number>();
    const err = await Source.from([1, 2, 3, 4, 5, 6]).buffer(2, 'fail').to(sink).run().completion.catch((e) => e);
    expect(err).toBeInstanceOf(StreamFailedError);
    expect(err.cause).toBeInstanceOf(BufferOverflowError);
  });
});

describe('groupBy', () => {
  it('runs the substream flow per key and merges the substreams, each key in order', async () => {
    const out = await Source.from([1, 2, 3, 4, 5, 6, 7])
      .groupBy(3, (x) => x % 3, Flow.of<number>().map((x) => ({ k: x % 3, x })))
      .runCollect();
    for (const k of [0, 1, 2]) expect(out.filter((e) => e.k === k).map((e) => e.x)).toEqual([1, 2, 3, 4, 5, 6, 7].filter((x) => x % 3 === k));
    expect(out).toHaveLength(7);
  });

  it("fails past maxSubstreams with TooManySubstreamsError, or drops the new keys with 'drop-new'", async () => {
    const err = await Source.from([1, 2, 3]).groupBy(2, (x) => x, Flow.of<number>()).runCollect().catch((e) => e);
    expect(err.cause).toBeInstanceOf(TooManySubstreamsError);
    const kept = await Source.from([1, 2, 3, 1, 3]).groupBy(2, (x) => x, Flow.of<number>(), { onOverflow: 'drop-new' }).runCollect();
    expect(kept.sort()).toEqual([1, 1, 2]);
  });
});

describe('merge, alsoTo, recover', () => {
  it('merge emits every element of both sources, each source in its order', async () => {
    const out = await Source.from([1, 2, 3]).merge(Source.from([10, 20, 30])).runCollect();
    expect(out.filter((x) => x < 10)).toEqual([1, 2, 3]);
    expect(out.filter((x) => x >= 10)).toEqual([10, 20, 30]);
  });

  it('alsoTo gives every element to the side sink as well', async () => {
    const side: number[] = [];
    expect(await Source.from([1, 2, 3]).alsoTo(Sink.forEach((x: number) => void side.push(x))).runCollect()).toEqual([1, 2, 3]);
    expect(side).toEqual([1, 2, 3]);
  });

  it('alsoTo fails the stream when the side sink fails', async () => {
    const side = Sink.forEach((_x: number) => {
      throw new Error('side');
    });
    await expect(Source.from([1, 2]).alsoTo(side).runCollect()).rejects.toBeInstanceOf(StreamFailedError);
  });

  it('recover turns a failure into a last element, given the original error', async () => {
    const out = await Source.from([1, 2, 3])
      .map((x) => {
        if (x === 3) throw new Error('three');
        return x;
      })
      .recover((e) => (e as Error).message)
      .runCollect();
    expect(out).toEqual([1, 2, 'three']);
  });
});

// Every operator that runs user code, on [1, 2, 3, 4, 5] with a function that throws on 3.
type Op = (s: Source<number>, f: (x: number) => number) => Source<unknown>;
const boom = new Error('three');
const thrower = (x: number) => {
  if (x === 3) throw boom;
  return x;
};
const ops: [string, Op, { resume: unknown[]; restart: unknown[] }][] = [
  ['map', (s, f) => s.map(f), { resume: [1, 2, 4, 5], restart: [1, 2, 4, 5] }],
  ['filter', (s, f) => s.filter(f), { resume: [1, 2, 4, 5], restart: [1, 2, 4, 5] }],
  ['takeWhile', (s, f) => s.takeWhile(f), { resume: [1, 2, 4, 5], restart: [1, 2, 4, 5] }],
  ['mapAsync', (s, f) => s.mapAsync(2, async (x) => f(x)), { resume: [1, 2, 4, 5], restart: [1, 2, 4, 5] }],
  ['mapAsync (sync throw)', (s, f) => s.mapAsync(2, f), { resume: [1, 2, 4, 5], restart: [1, 2, 4, 5] }],
  ['mapAsyncUnordered', (s, f) => s.mapAsyncUnordered(1, async (x) => f(x)), { resume: [1, 2, 4, 5], restart: [1, 2, 4, 5] }],
  ['groupBy (key)', (s, f) => s.groupBy(10, f, Flow.of<number>()), { resume: [1, 2, 4, 5], restart: [1, 2, 4, 5] }],
];

describe('supervision of every operator that runs user code', () => {
  const run = (op: Op, decider?: StreamDecider) => {
    const s = op(Source.from([1, 2, 3, 4, 5]), thrower);
    return (decider ? s.withSupervision(decider) : s).runCollect();
  };
  it.each(ops)("%s: by default ('stop') fails the stream with the error as cause", async (_name, op) => {
    const err = await run(op).catch((e) => e);
    expect(err).toBeInstanceOf(StreamFailedError);
    expect(err.cause).toBe(boom);
  });
  it.each(ops)("%s: 'resume' drops exactly the failing element", async (_name, op, want) => {
    expect(await run(op, () => 'resume')).toEqual(want.resume);
  });
  it.each(ops)("%s: 'restart' drops the failing element and resets the stage", async (_name, op, want) => {
    expect(await run(op, () => 'restart')).toEqual(want.restart);
  });

  it("Sink.fold: 'restart' drops the element and starts again from zero; 'resume' keeps the sum", async () => {
    const sum = Sink.fold(0, (a: number, x: number) => a + thrower(x));
    expect(await Source.from([1, 2, 3, 4, 5]).runWith(sum.withSupervision(() => 'restart'))).toBe(9);
    expect(await Source.from([1, 2, 3, 4, 5]).runWith(sum.withSupervision(() => 'resume'))).toBe(12);
  });

  it("Sink.forEach: 'resume' goes on with the next element", async () => {
    const seen: number[] = [];
    await Source.from([1, 2, 3, 4]).runWith(Sink.forEach((x: number) => void seen.push(thrower(x))).withSupervision(() => 'resume'));
    expect(seen).toEqual([1, 2, 4]);
  });

  it("recover: a recovery function that throws fails the stream with its error ('stop'), or completes without the element ('resume')", async () => {
    const failing = Source.failed<number>(new Error('up')).recover(() => thrower(3));
    await expect(failing.runCollect()).rejects.toMatchObject({ stage: 'recover#1', cause: boom });
    expect(await failing.withSupervision(() => 'resume').runCollect()).toEqual([]);
  });

  it('a decider that throws stops the stream with its own error', async () => {
    const err = await run(ops[0]![1], () => {
      throw new Error('decider');
    }).catch((e) => e);
    expect(err.cause.message).toBe('decider');
  });
});
