/**
 * Manual time, the main thread's side: it alone moves the virtual clock, and only when the whole system is
 * quiescent. `advanceTo(t)` is a protocol (Akka's ExplicitlyTriggeredScheduler loop, with its "give dispatchers
 * time to clear" sleep replaced by a real quiescence check):
 *
 * 1. settle: wait until the system is quiescent;
 * 2. step: set `now` to the earliest timer due by `t` on any thread (each thread publishes its own), bump the
 *    epoch and ring every thread's doorbell: each fires its timers due by then, in due order; back to 1. Timers
 *    that handlers set meanwhile and that fall due by `t` fire in the same call;
 * 3. once no timer is due by `t`: `now = t`.
 *
 * Quiescent means: no record in any ring, and every thread has fired its timers for the current epoch, is not in
 * a pump, and ended its last pump with no work left (no ready actor, no outbox record, no handler awaiting
 * something other than the system: see Runtime.workLeft). All of it is read from shared memory (the
 * virtual-time block and the rings' heads and tails), never by a message. A thread's status is only as fresh as
 * its last pump, so one look is not enough: a record taken from a ring by a thread whose status was read just
 * before would be in neither place. So the statuses are read, then the rings, then the statuses again, and the
 * pump counters must not have moved: then no thread pumped while the rings were read, and at that moment
 * nothing was in flight anywhere. The main thread's own state is read directly (this code runs on it).
 *
 * If the system does not settle within `settleTimeoutMs` of real time, the call rejects with NotQuiescentError
 * naming what is busy (actors awaiting real I/O, most often): a clear failure instead of a test that hangs.
 *
 * Contract: main thread only, one call at a time (the TestKit refuses a second one while one runs).
 */
import { NotQuiescentError, type BusyPart } from '../errors.js';
import {
  RING_HEAD,
  RING_TAIL,
  VT_ACTIVITY,
  VT_BUSY,
  VT_EPOCH,
  VT_NOW,
  VT_PUMPING,
  VT_SEEN,
  vtLine,
  vtNextDue,
} from '../transport/layout.js';
import { wake } from '../transport/wait.js';

/** What the main thread's side needs of the system. */
export interface VirtualTimeHost {
  /** Worker threads (0 inline). */
  readonly workers: number;
  /** Ring buffers of the mesh, `from * threads + to` (empty inline). */
  readonly rings: readonly (SharedArrayBuffer | null)[];
  /** Control blocks by thread (empty inline), to ring the doorbells of parked threads. */
  readonly controls: readonly Int32Array[];
  isUp(thread: number): boolean;
  /** The main thread's runtime, read directly. */
  mainWorkLeft(): number;
  mainPending(): boolean;
  mainAwaitingOutside(): string[];
  /** Asks a worker which of its actors await outside the system; undefined if it does not answer. */
  workerAwaitingOutside(thread: number): Promise<string[] | undefined>;
  /** Makes the main thread pump soon (to fire its own timers). */
  kickMain(): void;
}

export class VirtualTime {
  readonly #host: VirtualTimeHost;
  readonly #i32: Int32Array;
  readonly #f64: Float64Array;
  readonly #threads: number;
  /** Head and tail words of every ring, as [ring view, label]. */
  readonly #rings: { view: Int32Array; from: number; to: number }[] = [];
  readonly #before: number[];
  readonly #after: number[];

  constructor(block: SharedArrayBuffer, host: VirtualTimeHost) {
    this.#host = host;
    this.#i32 = new Int32Array(block);
    this.#f64 = new Float64Array(block);
    this.#threads = host.workers + 1;
    const n = this.#threads;
    host.rings.forEach((sab, i) => {
      if (sab !== null) this.#rings.push({ view: new Int32Array(sab, 0, RING_HEAD + 1), from: Math.floor(i / n), to: i % n });
    });
    this.#before = new Array<number>(n).fill(0);
    this.#after = new Array<number>(n).fill(0);
  }

  /** Virtual milliseconds since the system started. */
  get now(): number {
    return this.#f64[VT_NOW]!;
  }

  /** The earliest due time of any timer on any thread (Infinity: none). */
  nextDue(): number {
    let next = Number.POSITIVE_INFINITY;
    for (let t = 0; t < this.#threads; t++) next = Math.min(next, this.#f64[vtNextDue(t)]!);
    return next;
  }

  /** Waits until the system is quiescent (step 1). */
  async settle(settleTimeoutMs: number, operation = 'settle'): Promise<void> {
    if (this.#quiescent()) return;
    const end = performance.now() + settleTimeoutMs;
    for (;;) {
      // An event-loop turn: the main thread's own driver pumps (replies, the probes' messages) in between.
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (this.#quiescent()) return;
      if (performance.now() > end) throw new NotQuiescentError(operation, settleTimeoutMs, await this.#busyParts());
    }
  }

  /** Settles, fires every timer due by `target` in due order (settling after each step), then sets now = target. */
  async advanceTo(target: number, settleTimeoutMs: number, operation = 'advance'): Promise<void> {
    for (;;) {
      await this.settle(settleTimeoutMs, operation);
      const next = this.nextDue();
      if (next > target) break;
      this.#step(Math.max(next, this.now));
    }
    // No timer is due by the target: threads read the new time when they next look, no epoch needed.
    if (target > this.now) this.#f64[VT_NOW] = target;
  }

  #step(at: number): void {
    this.#f64[VT_NOW] = at;
    // After `now`: a thread that sees the new epoch (an atomic load) sees the new time with it.
    Atomics.add(this.#i32, VT_EPOCH, 1);
    for (let t = 1; t < this.#threads; t++) {
      const control = this.#host.controls[t];
      if (control !== undefined) wake(control);
    }
    this.#host.kickMain();
  }

  #quiescent(): boolean {
    if (!this.#workersIdle(this.#before)) return false;
    for (const r of this.#rings) if (Atomics.load(r.view, RING_TAIL) !== Atomics.load(r.view, RING_HEAD)) return false;
    const host = this.#host;
    if (host.mainPending() || host.mainWorkLeft() > 0) return false;
    if (!this.#workersIdle(this.#after)) return false;
    for (let t = 1; t < this.#threads; t++) if (this.#before[t] !== this.#after[t]) return false;
    return true;
  }

  /** Whether every worker is up, saw the current epoch, is outside a pump and had no work left; records counters. */
  #workersIdle(activity: number[]): boolean {
    const i32 = this.#i32;
    const epoch = Atomics.load(i32, VT_EPOCH);
    for (let t = 1; t < this.#threads; t++) {
      const line = vtLine(t);
      activity[t] = Atomics.load(i32, line + VT_ACTIVITY);
      if (Atomics.load(i32, line + VT_PUMPING) !== 0) return false;
      if (Atomics.load(i32, line + VT_BUSY) !== 0) return false;
      if (Atomics.load(i32, line + VT_SEEN) !== epoch) return false;
      if (!this.#host.isUp(t)) return false;
    }
    return true;
  }

  /** What is busy, for NotQuiescentError. */
  async #busyParts(): Promise<BusyPart[]> {
    const host = this.#host;
    const i32 = this.#i32;
    const epoch = Atomics.load(i32, VT_EPOCH);
    const parts: BusyPart[] = [];
    const actors = (thread: number, names: string[]): void => {
      for (const actor of names) {
        parts.push(
          actor.includes('postStop hook')
            ? { thread, what: `${where(thread)}: ${actor}` }
            : { actor, thread, what: `actor '${actor}' (${where(thread)}) awaits something outside the system` },
        );
      }
    };
    const mainNames = host.mainAwaitingOutside();
    actors(0, mainNames);
    if (mainNames.length === 0 && host.mainWorkLeft() > 0) parts.push({ thread: 0, what: 'the main thread still has work queued' });
    for (let t = 1; t < this.#threads; t++) {
      const line = vtLine(t);
      if (!host.isUp(t)) {
        parts.push({ thread: t, what: `worker ${t} is not running (it is being restarted, or was given up on)` });
        continue;
      }
      const busy = Atomics.load(i32, line + VT_BUSY) !== 0;
      const behind = Atomics.load(i32, line + VT_SEEN) !== epoch;
      const pumping = Atomics.load(i32, line + VT_PUMPING) !== 0;
      if (!busy && !behind && !pumping) continue;
      const names = await host.workerAwaitingOutside(t);
      if (names === undefined) {
        parts.push({ thread: t, what: `worker ${t} did not answer (a handler in a long synchronous loop?)` });
      } else if (names.length > 0) {
        actors(t, names);
      } else {
        parts.push({ thread: t, what: `worker ${t} kept working${behind ? ' (it has not fired its timers yet)' : ''}` });
      }
    }
    for (const r of this.#rings) {
      if (Atomics.load(r.view, RING_TAIL) !== Atomics.load(r.view, RING_HEAD)) {
        parts.push({ thread: r.to, what: `records wait in the ring from ${where(r.from)} to ${where(r.to)}` });
      }
    }
    return parts;
  }
}

function where(thread: number): string {
  return thread === 0 ? 'main thread' : `worker ${thread}`;
}
