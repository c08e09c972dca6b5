// The operators with timers, on vitest's fake timers: no assertion depends on how busy the machine is.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { RateExceededError } from '../../src/errors.js';
import { Sink, Source } from '../../src/streams/index.js';

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('throttle', () => {
  it("'shaping' emits exactly 1000 elements per virtual second", async () => {
    const got: number[] = [];
    const { completion } = Source.from(Array.from({ length: 3000 }, (_, i) => i))
      .throttle({ elements: 1000, perMs: 1000, mode: 'shaping' })
      .to(Sink.forEach((x: number) => void got.push(x)))
      .run();
    await vi.advanceTimersByTimeAsync(1000);
    expect(got.length).toBeGreaterThanOrEqual(1000);
    expect(got.length).toBeLessThanOrEqual(1001);
    await vi.advanceTimersByTimeAsync(1000);
    expect(got.length).toBeGreaterThanOrEqual(2000);
    expect(got.length).toBeLessThanOrEqual(2001);
    await vi.advanceTimersByTimeAsync(1100);
    await completion;
    expect(got).toEqual(Array.from({ length: 3000 }, (_, i) => i));
  });

  it('lets a burst through at once after a quiet period', async () => {
    const got: number[] = [];
    Source.from([1, 2, 3, 4, 5, 6])
      .throttle({ elements: 1, perMs: 100, burst: 3 })
      .to(Sink.forEach((x: number) => void got.push(x)))
      .run();
    await vi.advanceTimersByTimeAsync(0);
    expect(got).toEqual([1, 2, 3]);
    await vi.advanceTimersByTimeAsync(100);
    expect(got).toEqual([1, 2, 3, 4]);
  });

  it("'enforcing' fails the stream with RateExceededError when elements come too fast", async () => {
    const { completion } = Source.from([1, 2, 3]).throttle({ elements: 1, perMs: 1000, mode: 'enforcing' }).to(Sink.ignore()).run();
    const err = await completion.catch((e) => e);
    expect(err.cause).toBeInstanceOf(RateExceededError);
  });
});

describe('groupedWithin', () => {
  it('emits a group when it is full, or ms after its first element, whichever comes first', async () => {
    const run = Source.queue<number>(10, 'backpressure')
      .groupedWithin(3, 100)
      .toMat(Sink.collect<number[]>(), (queue, groups) => ({ queue, groups }))
      .run();
    for (const x of [1, 2, 3, 4]) await run.queue.offer(x);
    await vi.advanceTimersByTimeAsync(99);
    const early = run.stats().stages[1]?.emitted;
    await vi.advanceTimersByTimeAsync(1);
    const late = run.stats().stages[1]?.emitted;
    await run.queue.offer(5);
    run.queue.complete();
    expect(await run.groups).toEqual([[1, 2, 3], [4], [5]]);
    expect([early, late]).toEqual([1, 2]);
  });
});

describe('Source.tick', () => {
  it('emits its value every ms while there is demand, and stops its timer when the stream ends', async () => {
    const got: string[] = [];
    const { completion } = Source.tick(50, 'tick')
      .take(3)
      .to(Sink.forEach((x: string) => void got.push(x)))
      .run();
    await vi.advanceTimersByTimeAsync(149);
    expect(got).toEqual(['tick', 'tick']);
    await vi.advanceTimersByTimeAsync(1);
    await completion;
    expect(got).toEqual(['tick', 'tick', 'tick']);
    expect(vi.getTimerCount()).toBe(0);
  });
});
