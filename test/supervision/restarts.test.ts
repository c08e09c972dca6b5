import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../src/errors.js';
import { backoffDelay, RestartTracker, type RestartPolicy } from '../../src/supervision/restarts.js';

/** The simplest model: every restart time ever recorded, filtered on each question. */
interface Model {
  now: number;
  restarts: number[];
}
interface Real {
  tracker: RestartTracker;
  /** The value the tracker's jitter source returns next. */
  nextRandom: { value: number };
}

const inWindow = (m: Model, policy: RestartPolicy) => m.restarts.filter((t) => m.now - t < policy.withinMs).length;

function modelDelay(policy: RestartPolicy, attempt: number, r: number): number {
  const b = policy.backoff;
  if (b === undefined) return 0;
  let base = b.minMs;
  for (let i = 0; i < attempt && base < b.maxMs; i++) base *= 2;
  base = Math.min(base, b.maxMs);
  return Math.min(b.maxMs, base * (1 + (b.jitter ?? 0) * r));
}

class Advance implements fc.Command<Model, Real> {
  constructor(readonly ms: number) {}
  check = () => true;
  run(m: Model): void {
    m.now += this.ms;
  }
  toString = () => `advance(${this.ms})`;
}

class Fail implements fc.Command<Model, Real> {
  constructor(
    readonly policy: RestartPolicy,
    readonly r: number,
  ) {}
  check = () => true;
  run(m: Model, real: Real): void {
    real.nextRandom.value = this.r;
    const got = real.tracker.onFailure(m.now);
    const attempt = inWindow(m, this.policy);
    if (attempt < this.policy.maxRetries) {
      expect(got).toEqual({ restart: true, attempt, delayMs: modelDelay(this.policy, attempt, this.r) });
      m.restarts.push(m.now);
    } else {
      expect(got).toEqual({ restart: false, restartsInWindow: attempt });
    }
    expect(real.tracker.restartsInWindow(m.now)).toBe(inWindow(m, this.policy));
  }
  toString = () => `fail(r=${this.r})`;
}

class Ask implements fc.Command<Model, Real> {
  constructor(readonly policy: RestartPolicy) {}
  check = () => true;
  run(m: Model, real: Real): void {
    expect(real.tracker.canRestart(m.now)).toBe(inWindow(m, this.policy) < this.policy.maxRetries);
  }
  toString = () => 'canRestart';
}

class Reset implements fc.Command<Model, Real> {
  check = () => true;
  run(m: Model, real: Real): void {
    real.tracker.reset();
    m.restarts = [];
    expect(real.tracker.restartsInWindow(m.now)).toBe(0);
  }
  toString = () => 'reset';
}

const policyArb = fc
  .record({
    maxRetries: fc.oneof(fc.integer({ min: 0, max: 6 }), fc.constant(Infinity)),
    withinMs: fc.oneof(fc.integer({ min: 1, max: 2000 }), fc.constant(Infinity)),
    backoff: fc.option(
      fc.record({
        minMs: fc.integer({ min: 0, max: 100 }),
        extra: fc.integer({ min: 0, max: 5000 }),
        jitter: fc.double({ min: 0, max: 1, noNaN: true }),
      }),
      { nil: undefined },
    ),
  })
  .map(({ maxRetries, withinMs, backoff }): RestartPolicy => {
    const p: RestartPolicy = { maxRetries, withinMs };
    if (backoff) p.backoff = { minMs: backoff.minMs, maxMs: backoff.minMs + backoff.extra, jitter: backoff.jitter };
    return p;
  });

describe('RestartTracker', () => {
  it('agrees with a model that keeps every restart time, for any sequence of failures, waits and resets', () => {
    fc.assert(
      fc.property(
        policyArb.chain((policy) =>
          fc.tuple(
            fc.constant(policy),
            fc.commands(
              [
                fc.integer({ min: 0, max: 1500 }).map((ms) => new Advance(ms)),
                fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }).map((r) => new Fail(policy, r)),
                fc.constant(new Ask(policy)),
                fc.constant(new Reset()),
              ],
              { maxCommands: 80 },
            ),
          ),
        ),
        ([policy, cmds]) => {
          const nextRandom = { value: 0 };
          const withRandom: RestartPolicy = policy.backoff
            ? { ...policy, backoff: { ...policy.backoff, random: () => nextRandom.value } }
            : policy;
          fc.modelRun(() => ({ model: { now: 0, restarts: [] }, real: { tracker: new RestartTracker(withRandom), nextRandom } }), cmds);
        },
      ),
      { seed: 0x5eed, numRuns: 300 },
    );
  });

  it('allows maxRetries restarts in a window, refuses the next, and allows again once the oldest leaves the window', () => {
    const t = new RestartTracker({ maxRetries: 2, withinMs: 1000 });
    expect(t.onFailure(0).restart).toBe(true);
    expect(t.onFailure(400).restart).toBe(true);
    expect(t.onFailure(900)).toEqual({ restart: false, restartsInWindow: 2 });
    expect(t.onFailure(1000).restart).toBe(true);
  });

  it('never restarts with maxRetries 0', () => {
    expect(new RestartTracker({ maxRetries: 0, withinMs: 1000 }).onFailure(0).restart).toBe(false);
  });

  it('doubles the backoff from minMs up to maxMs and starts over after reset', () => {
    const t = new RestartTracker({ maxRetries: Infinity, withinMs: Infinity, backoff: { minMs: 10, maxMs: 50 } });
    const delays = [0, 1, 2, 3, 4].map((i) => {
      const d = t.onFailure(i);
      return d.restart ? d.delayMs : -1;
    });
    expect(delays).toEqual([10, 20, 40, 50, 50]);
    t.reset();
    expect(t.onFailure(5)).toMatchObject({ restart: true, attempt: 0, delayMs: 10 });
  });

  it('adds jitter as a fraction of the delay and never exceeds maxMs', () => {
    expect(backoffDelay({ minMs: 100, maxMs: 1000, jitter: 0.5 }, 0, 0.5)).toBe(125);
    expect(backoffDelay({ minMs: 100, maxMs: 1000, jitter: 1 }, 3, 0.99)).toBe(1000);
    expect(backoffDelay({ minMs: 100, maxMs: 1000, jitter: 1 }, 5000, 0)).toBe(1000);
    expect(backoffDelay(undefined, 3)).toBe(0);
  });

  it.each([
    [{ maxRetries: -1, withinMs: 1000 }, /maxRetries must be a non-negative integer or Infinity, got -1/],
    [{ maxRetries: 1.5, withinMs: 1000 }, /maxRetries/],
    [{ maxRetries: 3, withinMs: 0 }, /withinMs must be a positive number/],
    [{ maxRetries: 3, withinMs: 10, backoff: { minMs: 50, maxMs: 10 } }, /backoff.maxMs must be .* >= backoff.minMs \(50\), got 10/],
    [{ maxRetries: 3, withinMs: 10, backoff: { minMs: 1, maxMs: 10, jitter: 2 } }, /backoff.jitter must be a number from 0 to 1, got 2/],
  ])('refuses the invalid policy %j with an InvalidArgumentError naming the field', (policy, message) => {
    expect(() => new RestartTracker(policy as RestartPolicy)).toThrow(InvalidArgumentError);
    expect(() => new RestartTracker(policy as RestartPolicy)).toThrow(message);
  });
});
