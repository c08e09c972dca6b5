/**
 * The asks this thread is waiting on, by correlation id. Every entry settles exactly once: a reply, an error
 * reply, its timeout, or `rejectAll` at shutdown. Correlation ids are Int32 (they travel in a record header) and
 * never 0 (0 means "nobody waits").
 *
 * Timeouts share one timer instead of one `setTimeout` per ask (a timer per ask cost ~1 µs on the ask path): asks
 * with the same timeout expire in the order they were made, so each distinct timeout keeps a FIFO of correlation
 * ids, and the single timer is armed for the earliest head. Settled asks leave the FIFOs lazily (from the head).
 * The timer is referenced while any ask waits, so a pending ask keeps the process alive until it settles. When the
 * last ask settles the timer is only unreferenced, not cleared: back-to-back asks then cost no timer operation at
 * all (clearing and re-arming it on every ask measured ~1.8 µs of the 2 µs that create + resolve took). An early
 * firing finds nothing due and re-arms for the earliest deadline still pending, if any.
 *
 * Deadlines are on the thread's Clock (clock.ts): under manual time an ask times out when the test advances the
 * virtual clock past its deadline. The system's own waits (a spawn's acknowledgement, a stop, shutdown) are
 * `realTime`: a test that never advances the clock must still be able to shut down. Under manual time each
 * pending ask also counts on the actor that made it (`asksOut`), so that an actor awaiting an ask counts as
 * waiting on the system, not on real I/O (virtual-time.ts).
 */
import { AskTimeoutError } from '../errors.js';
import { Queue } from '../dispatch/queue.js';
import { STEP, TRACING, mark } from '../transport/trace.js';
import { REAL_CLOCK, type Clock, type TimerHandle } from './clock.js';

/** The actor that made an ask (a Cell): under manual time, the number of its asks still pending. */
export interface Asker {
  asksOut: number;
}

interface Entry {
  resolve(value: unknown): void;
  reject(err: Error): void;
  deadline: number;
  target: string;
  timeoutMs: number;
  /** The thread the ask went to (-1 when unknown), so a dead thread's asks can be failed at once. */
  thread: number;
  /** Under manual time: the actor that asked, and the real-time timer of a `realTime` ask. */
  asker: Asker | undefined;
  realTimer: ReturnType<typeof setTimeout> | undefined;
}

export class PendingAsks {
  readonly #map = new Map<number, Entry>();
  readonly #byTimeout = new Map<number, Queue<number>>();
  #next = 0;
  #timer: TimerHandle | undefined;
  #timerAt = Number.POSITIVE_INFINITY;
  readonly #sweep = (): void => this.#expire();
  readonly #clock: Clock;

  constructor(clock: Clock = REAL_CLOCK) {
    this.#clock = clock;
  }

  get size(): number {
    return this.#map.size;
  }

  /**
   * `asker`: the actor asking (counted under manual time only). `realTime`: the system's own wait, timed on real
   * time even under manual time.
   */
  create(target: string, timeoutMs: number, thread = -1, asker?: Asker, realTime = false): { corr: number; promise: Promise<unknown> } {
    let corr = (this.#next = (this.#next + 1) | 0);
    while (corr === 0 || this.#map.has(corr)) corr = this.#next = (this.#next + 1) | 0;
    const clock = this.#clock;
    const deadline = clock.now() + timeoutMs;
    let entry!: Entry;
    const promise = new Promise<unknown>((resolve, reject) => {
      entry = { resolve, reject, deadline, target, timeoutMs, thread, asker: undefined, realTimer: undefined };
    });
    if (this.#map.size === 0) this.#timer?.ref();
    this.#map.set(corr, entry);
    if (clock.virtual) {
      if (realTime) {
        entry.realTimer = setTimeout(() => {
          if (this.#take(corr) !== undefined) entry.reject(new AskTimeoutError(target, timeoutMs));
        }, timeoutMs);
        return { corr, promise };
      }
      if (asker !== undefined) {
        entry.asker = asker;
        asker.asksOut++;
      }
    }
    let fifo = this.#byTimeout.get(timeoutMs);
    if (fifo === undefined) this.#byTimeout.set(timeoutMs, (fifo = new Queue()));
    fifo.push(corr);
    if (deadline < this.#timerAt) this.#arm(deadline);
    return { corr, promise };
  }

  /** Returns false when nobody waits for `corr` any more (it timed out): the caller dead-letters the reply. */
  resolve(corr: number, value: unknown): boolean {
    const e = this.#take(corr);
    if (e === undefined) return false;
    if (TRACING) mark(STEP.settled);
    e.resolve(value);
    return true;
  }

  reject(corr: number, err: Error): boolean {
    const e = this.#take(corr);
    if (e === undefined) return false;
    e.reject(err);
    return true;
  }

  rejectAll(err: () => Error): void {
    for (const corr of [...this.#map.keys()]) this.reject(corr, err());
  }

  /** Continues correlation ids after `corr` (a replacement worker, after its predecessor's last ask). */
  continueAfter(corr: number): void {
    this.#next = (corr + 1024) | 0;
  }

  /** Records which thread an ask went to, when that is known only after it was created (spawn placement). */
  setThread(corr: number, thread: number): void {
    const e = this.#map.get(corr);
    if (e !== undefined) e.thread = thread;
  }

  /** Rejects the asks that went to `thread` (it died: their replies will never come). */
  rejectThread(thread: number, err: () => Error): void {
    for (const [corr, e] of [...this.#map]) if (e.thread === thread) this.reject(corr, err());
  }

  #take(corr: number): Entry | undefined {
    const e = this.#map.get(corr);
    if (e === undefined) return undefined;
    this.#map.delete(corr);
    if (e.asker !== undefined) e.asker.asksOut--;
    if (e.realTimer !== undefined) clearTimeout(e.realTimer);
    if (this.#map.size === 0) {
      // Kept armed but unreferenced: an idle system's process can exit, and the next ask needs no new timer.
      this.#timer?.unref();
      this.#byTimeout.clear();
      return e;
    }
    // Replies mostly come in order: drop settled ids from the head so the FIFOs stay short.
    const fifo = this.#byTimeout.get(e.timeoutMs);
    if (fifo !== undefined) {
      while (fifo.size > 0 && !this.#map.has(fifo.peek()!)) fifo.shift();
    }
    return e;
  }

  #arm(at: number): void {
    const clock = this.#clock;
    if (this.#timer !== undefined) clock.clearTimer(this.#timer);
    this.#timerAt = at;
    // A virtual deadline is exact; a real one is rounded up to the timer's whole milliseconds.
    this.#timer = clock.setTimer(this.#sweep, Math.max(0, clock.virtual ? at - clock.now() : Math.ceil(at - clock.now())));
    if (this.#map.size === 0) this.#timer.unref();
  }

  #expire(): void {
    this.#timer = undefined;
    this.#timerAt = Number.POSITIVE_INFINITY;
    // Timers may fire a little early or late; a deadline within 1 ms counts as reached (virtual ones are exact).
    const clock = this.#clock;
    const now = clock.now() + (clock.virtual ? 0 : 1);
    let nextAt = Number.POSITIVE_INFINITY;
    for (const [timeoutMs, fifo] of this.#byTimeout) {
      while (fifo.size > 0) {
        const corr = fifo.peek()!;
        const e = this.#map.get(corr);
        if (e === undefined) {
          fifo.shift();
          continue;
        }
        if (e.deadline > now) {
          nextAt = Math.min(nextAt, e.deadline);
          break;
        }
        fifo.shift();
        this.#map.delete(corr);
        if (e.asker !== undefined) e.asker.asksOut--;
        e.reject(new AskTimeoutError(e.target, e.timeoutMs));
      }
      if (fifo.size === 0) this.#byTimeout.delete(timeoutMs);
    }
    if (nextAt !== Number.POSITIVE_INFINITY) this.#arm(nextAt);
  }
}
