/**
 * The one clock of a thread: what actor timers, receive timeouts, ask deadlines and supervision backoff read and
 * schedule on, and what `ctx.now()` returns. Real by default (`performance.now()` and Node timers: the same calls
 * as before there was a Clock, so the hot path pays nothing for manual time); a VirtualClock (virtual-clock.ts)
 * under the TestKit's `manualTime`, where every thread reads one clock word in shared memory and timers fire only
 * when the test advances it. Everything time-based must go through the same clock, or code that measures elapsed
 * time disagrees with the scheduler (akka.net#2870).
 *
 * Not on this clock, on purpose: parking, the stall watchdog, worker restart backoff, the TestKit's own
 * expectation timeouts, and the hold of messages that arrive before their spawn (real time bounds a real wait).
 */

/** What a timer returns: a Node Timeout, or a virtual timer (whose ref/unref do nothing). */
export interface TimerHandle {
  ref(): unknown;
  unref(): unknown;
}

export interface Clock {
  /** True under manual time. */
  readonly virtual: boolean;
  /** Milliseconds: `performance.now()` (per-thread origin) or virtual ms since the system started. */
  now(): number;
  setTimer(fn: () => void, delayMs: number): TimerHandle;
  clearTimer(handle: TimerHandle): void;
}

export class RealClock implements Clock {
  readonly virtual = false;
  now(): number {
    return performance.now();
  }
  setTimer(fn: () => void, delayMs: number): TimerHandle {
    return setTimeout(fn, delayMs);
  }
  clearTimer(handle: TimerHandle): void {
    clearTimeout(handle as ReturnType<typeof setTimeout>);
  }
}

export const REAL_CLOCK: Clock = new RealClock();
