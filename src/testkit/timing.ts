/**
 * Time in the TestKit: default timeouts (scaled by a time factor for slow CI machines), `within` blocks (whose
 * deadline the expectations inside inherit, Akka-style), and `awaitAssert`.
 *
 * There is no sleep here used as synchronisation: every wait ends on what it waits for, or at a deadline that
 * fails the test. The one poll is `awaitAssert`, whose whole point is to re-run an assertion until it passes.
 *
 * Contract: main thread only.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { InvalidArgumentError } from '../errors.js';
import { describeError, expectationFailed } from './format.js';

/** Default timeout of an expectation: generous, for a loaded 2-core CI machine. */
export const DEFAULT_TIMEOUT_MS = 3000;
/** Default "nothing arrives" window of expectNoMsg: short and explicit (it is waited out in full when it passes). */
export const DEFAULT_NO_MSG_MS = 100;
/** Environment variable that multiplies the default timeouts and windows (Akka's `akka.test.timefactor`). */
export const TIME_FACTOR_ENV = 'RINGMASTER_TEST_TIME_FACTOR';

/** The time factor from the environment, or 1. */
export function envTimeFactor(): number {
  const raw = process.env[TIME_FACTOR_ENV];
  if (raw === undefined || raw === '') return 1;
  const f = Number(raw);
  if (!Number.isFinite(f) || f <= 0) {
    throw new InvalidArgumentError(`${TIME_FACTOR_ENV} must be a positive number (for example 2 or 1.5), got '${raw}'`);
  }
  return f;
}

export function checkMs(what: string, ms: unknown, allowZero = false): number {
  if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0 || (!allowZero && ms === 0)) {
    throw new InvalidArgumentError(`${what} must be a finite number of milliseconds ${allowZero ? '>= 0' : '> 0'}, got ${String(ms)}`);
  }
  return ms;
}

interface WithinFrame {
  deadline: number;
}
const withinStore = new AsyncLocalStorage<WithinFrame>();

/**
 * The timeout an expectation uses: the explicit one, else what is left of the innermost enclosing `within`, else
 * the default. Rounded down, so an expectation inside `within` fails before the `within` itself does (its error
 * says more).
 */
export function effectiveTimeout(explicit: number | undefined, defaultMs: number): number {
  if (explicit !== undefined) return checkMs('timeoutMs', explicit);
  const frame = withinStore.getStore();
  if (frame !== undefined) return Math.max(0, Math.floor(frame.deadline - performance.now()));
  return defaultMs;
}

/** What is left of the enclosing `within` block in ms, or undefined outside one. */
export function remaining(): number | undefined {
  const frame = withinStore.getStore();
  return frame === undefined ? undefined : Math.max(0, frame.deadline - performance.now());
}

/** A promise that resolves after `ms`, and the function that cancels it: used as a deadline, never as a sleep. */
export function deadline(ms: number): { promise: Promise<void>; cancel: () => void } {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const promise = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms);
  });
  return { promise, cancel: () => clearTimeout(timer) };
}

/**
 * Runs `block`, which must complete within `maxMs` (and take at least `minMs`). Expectations inside it that are
 * given no timeout use what is left of the block's time, so the first one that waits too long fails at the
 * block's deadline with its own message. A block still running at the deadline fails the `within`.
 */
export function within<T>(maxMs: number, block: () => T | Promise<T>, options?: { hint?: string }): Promise<T>;
export function within<T>(minMs: number, maxMs: number, block: () => T | Promise<T>, options?: { hint?: string }): Promise<T>;
export async function within<T>(...args: unknown[]): Promise<T> {
  const [minMs, maxMs, block, options] = (typeof args[1] === 'number' ? args : [0, ...args]) as [
    number,
    number,
    () => T | Promise<T>,
    { hint?: string } | undefined,
  ];
  checkMs('within: minMs', minMs, true);
  checkMs('within: maxMs', maxMs);
  if (minMs > maxMs) throw new InvalidArgumentError(`within: minMs (${minMs}) must not exceed maxMs (${maxMs})`);
  if (typeof block !== 'function') throw new InvalidArgumentError('within: the block must be a function');
  const hint = options?.hint;
  const start = performance.now();
  const frame: WithinFrame = { deadline: start + maxMs };
  const run = withinStore.run(frame, () => Promise.resolve().then(block));
  let timedOut = false;
  let settled = false;
  const limit = new Promise<never>((_, reject) => {
    const timer = setTimeout(() => {
      // One more turn of the event loop: an expectation inside the block whose own deadline is this one fails
      // first, and its message (what it waited for) is the more useful one.
      setImmediate(() => {
        if (settled) return; // the block won the race meanwhile: nobody listens to this promise any more
        timedOut = true;
        reject(
          expectationFailed({
            what: 'within',
            why: `the block did not complete within ${maxMs} ms`,
            expected: `the block to complete in ${minMs > 0 ? `${minMs}..` : 'at most '}${maxMs} ms`,
            received: `still running after ${Math.round(performance.now() - start)} ms`,
            receivedValues: [],
            hint,
          }),
        );
      });
    }, Math.ceil(maxMs));
    const done = (): void => {
      settled = true;
      clearTimeout(timer);
    };
    void run.then(done, done);
  });
  // A block abandoned at the deadline may still reject later: that must not become an unhandled rejection.
  run.catch(() => {});
  const value = await Promise.race([run, limit]);
  const took = performance.now() - start;
  if (!timedOut && took < minMs) {
    throw expectationFailed({
      what: 'within',
      why: `the block completed too early`,
      expected: `the block to take at least ${minMs} ms (and at most ${maxMs} ms)`,
      received: `completed after ${took.toFixed(1)} ms`,
      receivedValues: [],
      hint,
    });
  }
  return value;
}

/** Options of `awaitAssert`. */
export interface AwaitAssertOptions {
  timeoutMs?: number;
  /** The longest pause between two attempts, in ms (attempts start back-to-back and back off up to it). */
  intervalMs?: number;
  hint?: string;
}

/**
 * Runs `assertion` (sync or async) until it stops throwing, and returns its value; fails with the last error
 * as the cause once the timeout has passed (default 3000 ms × the time factor, or what is left of an enclosing
 * `within`). For state that is only observable by asking (an actor's counter, a registry), where no message or
 * event says "now". A test system's `awaitAssert` defaults to its own `timeoutMs`.
 */
export function awaitAssert<T>(assertion: () => T | Promise<T>, options?: AwaitAssertOptions): Promise<T> {
  return runAwaitAssert(assertion, options, DEFAULT_TIMEOUT_MS * envTimeFactor());
}

/** awaitAssert with the caller's default timeout. */
export async function runAwaitAssert<T>(
  assertion: () => T | Promise<T>,
  options: AwaitAssertOptions | undefined,
  defaultTimeoutMs: number,
): Promise<T> {
  if (typeof assertion !== 'function') throw new InvalidArgumentError('awaitAssert: the assertion must be a function');
  const timeoutMs = effectiveTimeout(options?.timeoutMs, defaultTimeoutMs);
  const maxInterval = options?.intervalMs === undefined ? 100 : checkMs('awaitAssert: intervalMs', options.intervalMs);
  const start = performance.now();
  const end = start + timeoutMs;
  let pause = 1;
  let attempts = 0;
  for (;;) {
    attempts++;
    try {
      return await settleBy(assertion, end, attempts, start, options?.hint);
    } catch (err) {
      if (err instanceof StillPending) throw err.error;
      const now = performance.now();
      if (now >= end) {
        throw expectationFailed({
          what: 'awaitAssert',
          why: `the assertion still failed after ${Math.round(now - start)} ms (${attempts} attempts)`,
          expected: 'the assertion to pass',
          received: `its last error: ${describeError(err)}`,
          receivedValues: [err],
          hint: options?.hint,
          cause: err,
        });
      }
      const wait = deadline(Math.min(pause, end - now, maxInterval));
      await wait.promise;
      pause *= 2;
    }
  }
}

/** An attempt of awaitAssert that did not settle by the deadline: the failure to report as is. */
class StillPending {
  constructor(readonly error: Error) {}
}

/** Runs one attempt, failing it (with StillPending) if it is still pending at `end`: a hung assertion must not hang the test. */
async function settleBy<T>(assertion: () => T | Promise<T>, end: number, attempts: number, start: number, hint: string | undefined): Promise<T> {
  const result = assertion();
  if (!(result instanceof Promise)) return result;
  const limit = deadline(Math.max(0, end - performance.now()));
  try {
    const outcome = await Promise.race([result.then((value) => ({ value })), limit.promise.then(() => undefined)]);
    if (outcome !== undefined) return outcome.value;
  } finally {
    limit.cancel();
  }
  result.catch(() => {}); // abandoned: a later rejection must not be unhandled
  throw new StillPending(
    expectationFailed({
      what: 'awaitAssert',
      why: `attempt ${attempts} was still pending after ${Math.round(performance.now() - start)} ms`,
      expected: 'the assertion to pass',
      received: 'an attempt that neither passed nor failed before the timeout',
      receivedValues: [],
      hint,
    }),
  );
}

/**
 * Waits for a condition that event subscribers make true: `until(done, end)` resolves once `done()` holds, checked
 * again each time a subscriber calls `notify()`, or once `end` (performance.now()) has passed. No polling.
 */
export class Waiter {
  #wake: (() => void) | undefined;

  notify(): void {
    this.#wake?.();
  }

  async until(done: () => boolean, end: number): Promise<void> {
    while (!done()) {
      const left = end - performance.now();
      if (left <= 0) return;
      const limit = deadline(left);
      await Promise.race([limit.promise, new Promise<void>((resolve) => (this.#wake = resolve))]);
      limit.cancel();
      this.#wake = undefined;
    }
  }
}
