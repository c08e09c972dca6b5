// Sources and sinks at the edges: async iterables, Node streams, web streams, Source.queue, actors.
import { Readable, Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { BufferOverflowError, InvalidOperationError } from '../../src/errors.js';
import { Keep, Sink, Source, StreamFailedError } from '../../src/streams/index.js';

const tick = () => new Promise((r) => setImmediate(r));

describe('Source.fromAsyncIterable', () => {
  it('calls next() only on demand, one at a time, and return() exactly once when take(n) cancels it', async () => {
    let nexts = 0;
    let pendingAtOnce = 0;
    let most = 0;
    let returns = 0;
    const ai: AsyncIterable<number> = {
      [Symbol.asyncIterator]: () => ({
        next: async () => {
          most = Math.max(most, ++pendingAtOnce);
          await tick();
          pendingAtOnce--;
          return { done: false, value: nexts++ };
        },
        return: async () => {
          returns++;
          return { done: true, value: undefined };
        },
      }),
    };
    expect(await Source.fromAsyncIterable(ai).take(5).runCollect()).toEqual([0, 1, 2, 3, 4]);
    await tick();
    expect(nexts).toBe(5);
    expect(most).toBe(1);
    expect(returns).toBe(1);
  });

  it('does not call return() on an iterator that ended by itself, and fails with an iterator that throws', async () => {
    let returns = 0;
    async function* gen() {
      try {
        yield 1;
        yield 2;
      } finally {
        returns++;
      }
    }
    expect(await Source.fromAsyncIterable(gen()).runCollect()).toEqual([1, 2]);
    expect(returns).toBe(1);
    async function* bad() {
      yield 1;
      throw new Error('bad');
    }
    await expect(Source.fromAsyncIterable(bad()).runCollect()).rejects.toMatchObject({ stage: 'fromAsyncIterable#0' });
  });
});

describe('Sink.asyncIterable', () => {
  it('each next() is demand for one element, and break cancels upstream', async () => {
    let produced = 0;
    let returned = false;
    async function* src() {
      try {
        for (;;) yield produced++;
      } finally {
        returned = true;
      }
    }
    const seen: number[] = [];
    for await (const x of Source.fromAsyncIterable(src()).runAsyncIterable()) {
      seen.push(x);
      if (x === 2) break;
    }
    await tick();
    expect(seen).toEqual([0, 1, 2]);
    expect(produced).toBeLessThanOrEqual(4);
    expect(returned).toBe(true);
  });

  it('rejects next() with the stream failure', async () => {
    const it = Source.failed<number>(new Error('x')).runAsyncIterable()[Symbol.asyncIterator]();
    await expect(it.next()).rejects.toBeInstanceOf(StreamFailedError);
  });
});

describe('Node streams', () => {
  it('reads a Readable as it is pulled, and destroys it on cancel', async () => {
    const r = Readable.from(['a', 'b', 'c', 'd'], { objectMode: true });
    expect(await Source.fromReadable<string>(r).take(2).runCollect()).toEqual(['a', 'b']);
    await tick();
    expect(r.destroyed).toBe(true);
  });

  it('reads a Readable no further ahead than its highWaterMark while the sink is stopped', async () => {
    let produced = 0;
    const r = new Readable({
      objectMode: true,
      highWaterMark: 2,
      read() {
        this.push(produced++);
      },
    });
    let open: () => void = () => {};
    const gate = new Promise<void>((res) => {
      open = res;
    });
    const { completion } = Source.fromReadable<number>(r)
      .take(10)
      .to(Sink.forEach(() => gate))
      .run();
    for (let i = 0; i < 20; i++) await tick();
    // One element at the sink, one asked for by the stream, the Readable's buffer of 2, one being read.
    expect(produced).toBeLessThanOrEqual(6);
    open();
    await completion;
    expect(r.destroyed).toBe(true);
  });

  it('writes to a Writable with highWaterMark 4 and a slow _write, never more than a few elements outstanding', async () => {
    let outstanding = 0;
    let most = 0;
    const written: number[] = [];
    const w = new Writable({
      objectMode: true,
      highWaterMark: 4,
      write(x: number, _enc, cb) {
        written.push(x);
        setTimeout(() => {
          outstanding--;
          cb();
        }, 1);
      },
    });
    const counting = Source.from(Array.from({ length: 40 }, (_, i) => i)).map((x) => {
      most = Math.max(most, ++outstanding);
      return x;
    });
    const { value, completion } = counting.toMat(Sink.toWritable(w), Keep.right).run();
    await value;
    await completion;
    expect(written).toEqual(Array.from({ length: 40 }, (_, i) => i));
    // write() returns false once 4 are buffered: the stream waits for 'drain' (4 buffered + the one being written).
    expect(most).toBeLessThanOrEqual(5);
    expect(w.writableFinished).toBe(true);
  });

  it("destroys the Writable when the stream fails, and fails the stream on the Writable's 'error'", async () => {
    const w = new Writable({ objectMode: true, write: (_x, _e, cb) => cb() });
    await expect(Source.failed(new Error('up')).toMat(Sink.toWritable(w), Keep.right).run().value).rejects.toBeInstanceOf(StreamFailedError);
    expect(w.destroyed).toBe(true);
    const bad = new Writable({ objectMode: true, write: (_x, _e, cb) => cb(new Error('disk')) });
    const err = await Source.from([1, 2, 3]).to(Sink.toWritable(bad)).run().completion.catch((e) => e);
    expect(err).toBeInstanceOf(StreamFailedError);
    expect(err.cause.message).toBe('disk');
  });

  it('toReadable gives a Readable that pulls from the stream', async () => {
    const out: number[] = [];
    for await (const x of Source.from([1, 2, 3]).toReadable({ highWaterMark: 1 })) out.push(x as number);
    expect(out).toEqual([1, 2, 3]);
  });
});

describe('web streams', () => {
  it('reads a ReadableStream on demand and cancels its reader on cancel', async () => {
    let cancelled = 0;
    let pulled = 0;
    const rs = new ReadableStream<number>(
      {
        pull(c) {
          c.enqueue(pulled++);
        },
        cancel() {
          cancelled++;
        },
      },
      { highWaterMark: 0 },
    );
    expect(await Source.fromReadableStream(rs).take(3).runCollect()).toEqual([0, 1, 2]);
    await tick();
    expect(cancelled).toBe(1);
    expect(pulled).toBeLessThanOrEqual(4);
  });

  it('toReadableStream gives a ReadableStream of the elements', async () => {
    const out: number[] = [];
    const reader = Source.from([1, 2]).toReadableStream().getReader();
    for (let r = await reader.read(); !r.done; r = await reader.read()) out.push(r.value);
    expect(out).toEqual([1, 2]);
  });
});

describe('Source.queue', () => {
  it("resolves an offer 'enqueued', and refuses offers after complete() with InvalidOperationError", async () => {
    const { value: q, completion } = Source.queue<number>(2, 'backpressure').to(Sink.ignore()).run();
    // The sink pulled at start: the first offer goes straight through.
    expect(await q.offer(1)).toBe('enqueued');
    q.complete();
    await completion;
    await expect(q.offer(2)).rejects.toBeInstanceOf(InvalidOperationError);
  });

  it('withdraws an aborted offer, which is never emitted, and allows at most maxConcurrentOffers waiting offers', async () => {
    let open: () => void = () => {};
    const gate = new Promise<void>((r) => {
      open = r;
    });
    const got: number[] = [];
    const { value: q, completion } = Source.queue<number>(1, 'backpressure', { maxConcurrentOffers: 2 })
      .to(
        Sink.forEach(async (x: number) => {
          await gate;
          got.push(x);
        }),
      )
      .run();
    expect(await q.offer(1)).toBe('enqueued'); // to the sink, which waits at the gate
    expect(await q.offer(2)).toBe('enqueued'); // into the buffer of 1
    const ac = new AbortController();
    const third = q.offer(3, { signal: ac.signal });
    const fourth = q.offer(4);
    await expect(q.offer(5)).rejects.toThrow(/maxConcurrentOffers/);
    ac.abort(new Error('changed my mind'));
    await expect(third).rejects.toThrow('changed my mind');
    open();
    expect(await fourth).toBe('enqueued');
    q.complete();
    await completion;
    expect(got).toEqual([1, 2, 4]);
  });

  it("drops with 'drop-new' and fails the stream with 'fail' when full", async () => {
    const dropping = Source.queue<number>(1, 'drop-new').to(Sink.forEach(() => new Promise(() => {}))).run().value;
    expect(await dropping.offer(1)).toBe('enqueued');
    expect(await dropping.offer(2)).toBe('enqueued');
    expect(await dropping.offer(3)).toBe('dropped');
    const { value: failing, completion } = Source.queue<number>(1, 'fail').to(Sink.forEach(() => new Promise(() => {}))).run();
    await failing.offer(1);
    await failing.offer(2);
    await expect(failing.offer(3)).rejects.toBeInstanceOf(BufferOverflowError);
    await expect(completion).rejects.toBeInstanceOf(StreamFailedError);
  });

  it('fail(err) fails the stream with err as the cause', async () => {
    const { value: q, completion } = Source.queue<number>(1, 'backpressure').to(Sink.ignore()).run();
    const err = new Error('producer gave up');
    q.fail(err);
    await expect(completion).rejects.toMatchObject({ cause: err });
  });
});

describe('Sink.actorRef', () => {
  it('with ack, sends the next element only after the reply to the previous ask', async () => {
    const asked: number[] = [];
    const replies: (() => void)[] = [];
    const ref = {
      tell: () => true,
      ask: (x: number) => {
        asked.push(x);
        return new Promise<void>((r) => replies.push(r));
      },
    };
    const { completion } = Source.from([1, 2, 3]).to(Sink.actorRef(ref, { ack: true })).run();
    await tick();
    expect(asked).toEqual([1]);
    replies.shift()?.();
    await tick();
    expect(asked).toEqual([1, 2]);
    replies.shift()?.();
    await tick();
    replies.shift()?.();
    await completion;
    expect(asked).toEqual([1, 2, 3]);
  });

  it('without ack, tells every element', async () => {
    const told: number[] = [];
    const ref = { tell: (x: number) => told.push(x), ask: () => Promise.reject(new Error('no asks')) };
    await Source.from([1, 2, 3]).to(Sink.actorRef(ref)).run().completion;
    expect(told).toEqual([1, 2, 3]);
  });
});
