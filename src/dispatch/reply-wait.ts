/**
 * The main thread's synchronous wait for a reply: after an ask from the application's code reaches a worker that
 * was awake, `ask()` itself polls for the reply for up to REPLY_SPIN_MS and settles the promise before returning,
 * so the caller's `await` resumes in a microtask. A spinning worker answers a trivial ask in ~2 µs; going back to
 * the event loop and catching the reply there costs ~10 µs more (setImmediate, or a waitAsync wake-up of a parked
 * main thread): docs/platform.md#waiting-for-a-reply-on-the-main-thread.
 *
 * This file holds the wait itself and when to skip it (`ReplyWaitPolicy`); main-driver.ts decides when it may run
 * at all (not re-entrant, not when the target had to be woken, not when the event loop has starved).
 */
import type { Pumpable } from './pumpable.js';

/** How long an ask waits synchronously for the reply of a worker that was awake when the ask reached it. */
export const REPLY_SPIN_MS = 0.01;
/** After this many consecutive replies missed by the synchronous wait, it is skipped for a while (slow actors). */
export const REPLY_MISSES = 4;
/** The most asks in a row for which the synchronous wait is skipped after repeated misses (it doubles up to this). */
export const REPLY_SKIP_MAX = 1024;

/**
 * When the wait pays: a wait that keeps missing (the actor is slower than the spin) is skipped for the next asks,
 * for longer each time it keeps missing; a hit resets everything.
 */
export class ReplyWaitPolicy {
  #misses = 0;
  #skip = 0;
  #skipFor = REPLY_MISSES;

  /** Whether this ask may wait; an ask inside a skip window uses it up and may not. */
  admit(): boolean {
    if (this.#skip === 0) return true;
    this.#skip--;
    return false;
  }

  /** The outcome of a wait: the reply came in time, or not. */
  record(hit: boolean): void {
    if (hit) {
      this.#misses = 0;
      this.#skipFor = REPLY_MISSES;
      return;
    }
    if (++this.#misses >= REPLY_MISSES) {
      this.#skip = this.#skipFor;
      this.#skipFor = Math.min(REPLY_SKIP_MAX, this.#skipFor * 2);
      this.#misses = 0;
    }
  }

  /** Asks still to be skipped (for tests and stats). */
  get skipping(): number {
    return this.#skip;
  }
}

/**
 * Polls `rt` until no ask is pending or `untilMs` (performance.now()) passes, pumping whenever records arrive.
 * Returns whether every ask settled.
 */
export function pollForReply(rt: Pumpable, untilMs: number): boolean {
  for (;;) {
    if (rt.hasIncoming()) {
      rt.pump();
      if (rt.pendingAsks === 0) return true;
    } else if (performance.now() > untilMs) return false;
  }
}
