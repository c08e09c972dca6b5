/**
 * A thread's clock under manual time: `now` is the word the main thread writes in the virtual-time block
 * (transport/layout.ts), and timers wait in a local list, in due order, until the main thread moves the clock
 * and bumps the epoch. The thread notices the new epoch at the start of its next pump (the main thread rings its
 * doorbell) and fires, in due order, every timer due by `now`, including timers those callbacks set that fall due
 * by `now`. It publishes in its line of the block what the main thread needs to decide that the system is
 * quiescent (see virtual-time.ts): the epoch it has seen, whether it is inside a pump, the work it had left when
 * its last pump ended, a pump counter, and its earliest due time.
 *
 * Contract: one VirtualClock per thread, used only by that thread; only the main thread writes `now` and `epoch`.
 * `next due` and the status words are plain or atomic stores of this thread: the atomic store that ends a pump
 * publishes the plain ones before it (the main thread reads the status with atomic loads first).
 */
import { VT_ACTIVITY, VT_BUSY, VT_EPOCH, VT_NOW, VT_PUMPING, VT_SEEN, vtLine, vtNextDue } from '../transport/layout.js';
import type { Clock, TimerHandle } from './clock.js';

class VirtualTimer implements TimerHandle {
  live = true;
  constructor(
    readonly due: number,
    readonly seq: number,
    readonly fn: () => void,
  ) {}
  ref(): this {
    return this;
  }
  unref(): this {
    return this;
  }
}

export class VirtualClock implements Clock {
  readonly virtual = true;
  readonly #i32: Int32Array;
  readonly #f64: Float64Array;
  readonly #line: number;
  readonly #nextDueAt: number;
  /** Pending timers, sorted by (due, seq): ties fire in the order they were set. */
  readonly #timers: VirtualTimer[] = [];
  #seq = 0;
  #seen: number;

  constructor(block: SharedArrayBuffer, thread: number) {
    this.#i32 = new Int32Array(block);
    this.#f64 = new Float64Array(block);
    this.#line = vtLine(thread);
    this.#nextDueAt = vtNextDue(thread);
    // A replacement worker starts with no timers (they died with its predecessor) and nothing missed.
    this.#seen = Atomics.load(this.#i32, VT_EPOCH);
    Atomics.store(this.#i32, this.#line + VT_SEEN, this.#seen);
    this.#publishNext();
  }

  now(): number {
    return this.#f64[VT_NOW]!;
  }

  setTimer(fn: () => void, delayMs: number): TimerHandle {
    const t = new VirtualTimer(this.now() + Math.max(0, delayMs), ++this.#seq, fn);
    const list = this.#timers;
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (list[mid]!.due <= t.due) lo = mid + 1;
      else hi = mid;
    }
    list.splice(lo, 0, t);
    if (lo === 0) this.#publishNext();
    return t;
  }

  clearTimer(handle: TimerHandle): void {
    const t = handle as VirtualTimer;
    if (!t.live) return;
    t.live = false;
    const i = this.#timers.indexOf(t);
    if (i >= 0) this.#timers.splice(i, 1);
    if (i === 0) this.#publishNext();
  }

  /** The main thread moved the clock since this thread last fired its timers. */
  pending(): boolean {
    return Atomics.load(this.#i32, VT_EPOCH) !== this.#seen;
  }

  /** Start of a pump: from now until `endPump`, the main thread counts this thread as working. */
  beginPump(): void {
    Atomics.store(this.#i32, this.#line + VT_PUMPING, 1);
    Atomics.add(this.#i32, this.#line + VT_ACTIVITY, 1);
  }

  /** Fires the timers due by `now` if the clock moved; true if it did. Called inside a pump, after beginPump. */
  poll(): boolean {
    const epoch = Atomics.load(this.#i32, VT_EPOCH);
    if (epoch === this.#seen) return false;
    const now = this.now();
    const list = this.#timers;
    while (list.length > 0 && list[0]!.due <= now) {
      const t = list.shift()!;
      t.live = false;
      t.fn();
    }
    this.#seen = epoch;
    Atomics.store(this.#i32, this.#line + VT_SEEN, epoch);
    this.#publishNext();
    return true;
  }

  /** End of a pump: `busy` is the work this thread still has that no event from outside needs to start. */
  endPump(busy: number): void {
    Atomics.store(this.#i32, this.#line + VT_BUSY, busy);
    Atomics.store(this.#i32, this.#line + VT_PUMPING, 0);
  }

  #publishNext(): void {
    this.#f64[this.#nextDueAt] = this.#timers.length === 0 ? Number.POSITIVE_INFINITY : this.#timers[0]!.due;
  }
}

/**
 * On a definition (the TestKit's probe actor): a handler of this actor that is still pending waits for the test,
 * not for anything the system does, so it does not keep the system from being quiescent.
 */
export const AWAITS_THE_TEST = Symbol.for('ringmaster.awaitsTheTest');
