/**
 * Whether an idle thread may keep spinning (a worker polling its rings, the main thread polling for a reply), or
 * should park and give its CPU away. Spinning wins a few µs per message only while there is a CPU to spare; when
 * there is none, the spinner takes the CPU that the thread with the actual work needs, and a woken thread waits
 * for it (docs/platform.md#spinning-when-the-cpus-are-taken).
 *
 * Two signals, both measured rather than guessed, both read from shared memory and the clock, no system call:
 * - **Crowded**: the parked flags of every thread's control block (wait.ts) say how many of this system's threads
 *   want a CPU now (awake, or woken and not yet running). More than the machine has: stop spinning.
 * - **Contended**: a spin loop reads the clock every CHECK_MASK + 1 polls (well under a µs apart); a gap of
 *   PREEMPTED_MS between two reads means the scheduler took this thread off its CPU for someone else, which happens
 *   only when the machine is oversubscribed (another process, such as a CPU hog, or our own threads). The thread
 *   then marks its control block contended for COOLDOWN_MS, and while any thread's mark holds, no thread of the
 *   system spins: spinning would only delay whoever the scheduler shares the CPUs with.
 *
 * Contract: one gate per thread, used by its driver only.
 */
import { CTL_CONTENDED_UNTIL, CTL_PARKED } from '../transport/layout.js';

/**
 * A gap between two checks of a spin loop this long means the thread was descheduled (normal gaps: a few µs, tens
 * in code not yet optimised; a scheduler that shares a CPU takes it for a slice of 0.75 ms or more).
 */
export const PREEMPTED_MS = 0.5;
/**
 * After a preemption, how long no thread of the system spins: COOLDOWN_MS, doubled for each preemption that comes
 * soon after the previous cooldown ended (the machine is still busy), up to COOLDOWN_MAX_MS. The spin that probes
 * whether the machine is free again is what a neighbour preempts, stalling whatever arrives meanwhile for a
 * scheduler slice; under a neighbour that stays, probing once a second keeps that out of the p99.
 */
export const COOLDOWN_MS = 20;
export const COOLDOWN_MAX_MS = 1000;
/** A spin loop asks the gate every this many empty polls plus one (`(spins & CHECK_MASK) === 0`). */
export const CHECK_MASK = 63;

/** `Date.now()` as the Int32 the control blocks hold (the same on every thread; wraps every ~50 days). */
const nowMs32 = (): number => Date.now() | 0;

export class SpinGate {
  readonly #controls: readonly Int32Array[];
  readonly #self: Int32Array;
  readonly #cpus: number;
  #lastCheck = 0;
  #cooldownMs = COOLDOWN_MS;
  #lastPreemption = Number.NEGATIVE_INFINITY;
  /** How often a spin was refused or stopped, for each reason: for `system.stats()` and tuning. */
  crowded = 0;
  contended = 0;
  preempted = 0;

  constructor(controls: readonly Int32Array[], self: Int32Array, cpus: number) {
    this.#controls = controls;
    this.#self = self;
    this.#cpus = Math.max(1, cpus);
  }

  /** How long this thread's last preemption stops spinning (for stats and tests). */
  get cooldownMs(): number {
    return this.#cooldownMs;
  }

  /** A spin begins at `now` (performance.now()): whether it may start at all. */
  begin(now: number): boolean {
    this.#lastCheck = now;
    return this.#allowed();
  }

  /** A spin goes on at `now`: whether it may. Call every CHECK_MASK + 1 polls, without yielding in between. */
  check(now: number): boolean {
    const gap = now - this.#lastCheck;
    this.#lastCheck = now;
    if (gap > PREEMPTED_MS) {
      this.preempted++;
      // Soon after the last cooldown ended: still busy, back off longer. Long after: a passing neighbour.
      this.#cooldownMs =
        now - this.#lastPreemption < 2 * this.#cooldownMs ? Math.min(COOLDOWN_MAX_MS, this.#cooldownMs * 2) : COOLDOWN_MS;
      this.#lastPreemption = now;
      // 0 means "never": a deadline that lands on 0 is moved by a ms.
      Atomics.store(this.#self, CTL_CONTENDED_UNTIL, ((nowMs32() + this.#cooldownMs) | 0) || 1);
      return false;
    }
    return this.#allowed();
  }

  /** No thread saw the machine contended lately, and no more threads want a CPU than there are. */
  #allowed(): boolean {
    const controls = this.#controls;
    let wanting = 1; // this thread, which is spinning
    for (let i = 0; i < controls.length; i++) {
      const control = controls[i]!;
      const until = Atomics.load(control, CTL_CONTENDED_UNTIL);
      // The clock only when a mark is set: on a machine not found contended this path reads no clock.
      if (until !== 0) {
        if (((until - nowMs32()) | 0) > 0) {
          this.contended++;
          return false;
        }
        // Expired: its owner clears it (only the owner writes its mark), so the next checks read no clock.
        if (control === this.#self) Atomics.compareExchange(control, CTL_CONTENDED_UNTIL, until, 0);
      }
      if (control !== this.#self && Atomics.load(control, CTL_PARKED) !== 1) wanting++;
    }
    if (wanting <= this.#cpus) return true;
    this.crowded++;
    return false;
  }
}
