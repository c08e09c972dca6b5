// The main thread's synchronous reply wait (src/dispatch/reply-wait.ts): when it is skipped, and the poll itself.
import { describe, expect, it } from 'vitest';
import type { DriverLink, Pumpable } from '../../src/dispatch/pumpable.js';
import { REPLY_MISSES, REPLY_SKIP_MAX, ReplyWaitPolicy, pollForReply } from '../../src/dispatch/reply-wait.js';

describe('ReplyWaitPolicy', () => {
  it('admits every ask while the waits keep hitting', () => {
    const p = new ReplyWaitPolicy();
    for (let i = 0; i < 100; i++) {
      expect(p.admit()).toBe(true);
      p.record(true);
    }
  });

  it(`skips the next ${REPLY_MISSES} asks after ${REPLY_MISSES} misses in a row, then twice as many after the next run of misses`, () => {
    const p = new ReplyWaitPolicy();
    const missRun = (): void => {
      for (let i = 0; i < REPLY_MISSES; i++) {
        expect(p.admit()).toBe(true);
        p.record(false);
      }
    };
    missRun();
    for (let i = 0; i < REPLY_MISSES; i++) expect(p.admit()).toBe(false);
    missRun();
    for (let i = 0; i < REPLY_MISSES * 2; i++) expect(p.admit()).toBe(false);
    expect(p.admit()).toBe(true);
  });

  it(`never skips more than ${REPLY_SKIP_MAX} asks in a row, and a hit resets the window`, () => {
    const p = new ReplyWaitPolicy();
    for (let run = 0; run < 20; run++) {
      for (let i = 0; i < REPLY_MISSES; i++) {
        while (!p.admit());
        p.record(false);
      }
      expect(p.skipping).toBeLessThanOrEqual(REPLY_SKIP_MAX);
    }
    expect(p.skipping).toBe(REPLY_SKIP_MAX);
    while (!p.admit());
    p.record(true);
    for (let i = 0; i < REPLY_MISSES; i++) {
      expect(p.admit()).toBe(true);
      p.record(false);
    }
    expect(p.skipping).toBe(REPLY_MISSES);
  });
});

function fakeRuntime(replyAfterPolls: number): Pumpable & { pumps: number } {
  let polls = 0;
  const rt = {
    pumps: 0,
    pendingAsks: 1,
    asyncInFlight: 0,
    control: undefined,
    controls: [],
    pump(): boolean {
      rt.pumps++;
      rt.pendingAsks = 0;
      return true;
    },
    hasIncoming: () => ++polls > replyAfterPolls,
    hasLocalWork: () => false,
    metricsPage: new Float64Array(8),
    attach: (_d: DriverLink) => {},
  };
  return rt;
}

describe('pollForReply', () => {
  it('pumps as soon as a record arrives and returns once no ask is pending', () => {
    const rt = fakeRuntime(3);
    expect(pollForReply(rt, performance.now() + 1000)).toBe(true);
    expect(rt.pumps).toBe(1);
  });

  it('gives up at its deadline when nothing arrives, without pumping', () => {
    const rt = fakeRuntime(Infinity);
    const t0 = performance.now();
    expect(pollForReply(rt, t0 + 0.05)).toBe(false);
    expect(rt.pumps).toBe(0);
  });
});
