/**
 * The loop inside a worker: pumps synchronously while there is work, yielding to the event loop every ~2 ms of
 * work. While async handlers are pending, their continuations are microtasks: the loop lets them run by queueing
 * itself as a microtask behind them (no event-loop turn, which costs µs), and returns to the event loop once ~2 ms
 * have passed since it last did, so timers and I/O keep their turn. Idle, it spins up to `spinIterations` checks
 * of its rings ('hybrid', with an adaptive budget and the spin gate), then parks (driver.ts). It also beats the
 * heartbeat the main thread's watchdog reads.
 *
 * Contract: used only inside its worker thread.
 */
import { CTL_HEARTBEAT } from '../transport/layout.js';
import { Driver } from './driver.js';
import { CHECK_MASK } from './spin-gate.js';
import { STEP, TRACING, mark } from '../transport/trace.js';

/** Longest synchronous stretch of work before a worker yields to its event loop. */
const SLICE_MS = 2;
/** The least a hybrid worker spins before parking, however sparse its traffic has been. */
const MIN_SPIN = 256;
/** A park shorter than this means the work came back quickly: the spin budget grows (see WorkerDriver.run). */
const SHORT_PARK_MS = 0.2;
/**
 * How long the worker polls with nothing arriving while handlers await, before it parks anyway (a settling
 * handler, or a message its continuation sends on this thread, kicks it out of the park). Long enough for the
 * reply of an actor on another worker (a few µs when it spins, tens when it must be woken), short enough that an
 * actor awaiting a timer or I/O costs no CPU.
 */
const AWAITING_POLL_MS = 0.25;

export class WorkerDriver extends Driver {
  /**
   * Adaptive spin budget (hybrid): doubled when work arrived while spinning (spinning paid off), halved when the
   * spin ran out and the worker parked (it burnt a core for nothing). Sparse traffic thus parks almost at once, and
   * a steady stream keeps the full `spinIterations`: a fixed spin-then-park can lose badly on 2 cores
   * (docs/platform.md#spin-then-park-on-two-cores).
   */
  #budget = this.spinIterations;
  /** How often this worker parked, and its spin budget now: for `system.stats()` and tuning. */
  parks = 0;
  get spinBudget(): number {
    return this.#budget;
  }
  get spinStops(): { crowded: number; contended: number; preempted: number } {
    const gate = this.gate;
    return gate === undefined
      ? { crowded: 0, contended: 0, preempted: 0 }
      : { crowded: gate.crowded, contended: gate.contended, preempted: gate.preempted };
  }

  /** When the last round with work ended, while handlers await (see AWAITING_POLL_MS). */
  #workAt = 0;
  /** When the event loop last ran this loop (not a microtask): the microtask path returns to it within SLICE_MS. */
  #loopAt = 0;
  /** The next run comes from a microtask, not from the event loop. */
  #viaMicrotask = false;
  readonly #runAsMicrotask = (): void => {
    this.#viaMicrotask = true;
    this.run();
  };

  /**
   * Lets pending handlers' continuations run, then runs the loop again: as a microtask behind them while this
   * slice lasts, through the event loop once it is over.
   */
  #yieldToHandlers(now: number): void {
    if (now - this.#loopAt < SLICE_MS) {
      this.state = 'scheduled';
      queueMicrotask(this.#runAsMicrotask);
    } else this.schedule();
  }

  /** When the current park began (0: not parked since the last run). */
  #parkedAt = 0;

  protected run(): void {
    if (this.state === 'stopped') return;
    this.state = 'running';
    if (TRACING) mark(STEP.loop);
    // The main thread's watchdog reads this: a loop that stops coming back here is hung (a stuck handler).
    Atomics.add(this.parker!.control, CTL_HEARTBEAT, 1);
    const rt = this.rt;
    const now = performance.now();
    if (this.#viaMicrotask) this.#viaMicrotask = false;
    else this.#loopAt = now;
    const sliceEnd = this.#loopAt + SLICE_MS;
    if (this.#parkedAt !== 0) {
      // Work that comes back soon after a park is traffic a longer spin would have caught (back-to-back asks,
      // a steady stream with small gaps): grow the budget again. Without this, a budget halved down to MIN_SPIN
      // never recovers, since after a park the loop starts with no spins to count (it parked on every ask).
      if (now - this.#parkedAt < SHORT_PARK_MS) this.#budget = Math.min(this.spinIterations, this.#budget * 4);
      this.#parkedAt = 0;
    }
    const spinForever = this.strategy === 'spin';
    let spins = 0;
    let rounds = 0;
    for (;;) {
      if (rt.pump()) {
        if (spins > 0 && this.#budget < this.spinIterations) this.#budget = Math.min(this.spinIterations, this.#budget * 2);
        spins = 0;
        // Async handlers resume in microtasks, which run only once this loop returns.
        if (rt.asyncInFlight > 0) {
          this.#workAt = performance.now();
          this.#yieldToHandlers(this.#workAt);
          return;
        }
        // The clock every 8 rounds: a round can be a whole turn of `throughput` heavy messages per actor, and
        // checking only every 64 let a CPU-bound worker keep its timers and I/O waiting for hundreds of ms.
        if ((++rounds & 7) === 0 && performance.now() > sliceEnd) {
          this.schedule();
          return;
        }
        continue;
      }
      let gated = false;
      if (spinForever || spins < this.#budget) {
        // The gate, every CHECK_MASK + 1 polls of a synchronous spin: stop when spinning would take a CPU that
        // another thread needs (spin-gate.ts). Polls through the event loop (handlers awaiting) are not timed:
        // their gaps are the event loop's, not a preemption.
        const gate = this.gate;
        if (gate !== undefined && (spins & CHECK_MASK) === 0 && rt.asyncInFlight === 0) {
          gated = !(spins === 0 ? gate.begin(performance.now()) : gate.check(performance.now()));
        }
      }
      if (!gated && (spinForever || spins < this.#budget)) {
        spins++;
        if (rt.asyncInFlight > 0) {
          const at = performance.now();
          // Handlers await something slow (a timer, I/O): park instead of polling, which cost a whole core for as
          // long as they waited. A settling handler kicks the driver out of its park.
          if (spinForever || at - this.#workAt < AWAITING_POLL_MS) {
            // Spinning here would starve the pending handlers: let them run, then poll again.
            this.#yieldToHandlers(at);
            return;
          }
        } else if (spinForever && (spins & 4095) === 0) {
          // Spinning forever would starve timers and I/O: poll through the event loop now and then.
          this.schedule();
          return;
        } else continue;
      }
      // A spin the gate stopped says nothing of the traffic: the budget stays.
      if (!gated && this.spinIterations > 0) this.#budget = Math.max(Math.min(MIN_SPIN, this.spinIterations), this.#budget >> 1);
      if (this.park()) {
        this.parks++;
        this.#parkedAt = performance.now();
        return;
      }
      // Not parked: records arrived, or records wait in a ring that this thread may not take yet (held for a busy
      // actor, intake.ts). With handlers pending, looping here would never let them settle: through the event loop.
      if (rt.asyncInFlight > 0) {
        this.schedule();
        return;
      }
    }
  }
}

