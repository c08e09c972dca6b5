/**
 * Drivers decide when a thread's Runtime pumps: how long it spins when idle, when it parks, and how it lets its own
 * event loop run (promises of async handlers, timers, I/O).
 *
 * - WorkerDriver (inside a worker): pumps synchronously while there is work, yielding to the event loop every
 *   ~1 ms of work, and at once while async handlers are pending (their continuations are microtasks). Idle, it
 *   spins up to `spinIterations` checks of its rings ('hybrid'), then parks with `Atomics.waitAsync` so timers and
 *   promises keep running while it sleeps (a blocking `Atomics.wait` would freeze them: piscina #331).
 * - MainDriver (on the main thread): never blocks the event loop for long. An ask from the application's code to a
 *   worker that is awake waits up to ~10 µs for the reply synchronously (`awaitReply`; records that arrive meanwhile
 *   are handled at once, as a pump would); otherwise, while
 *   asks are pending it polls with `setImmediate` for a bounded window after the last activity, then parks with
 *   `Atomics.waitAsync`; idle, it parks.
 * Every park has a timeout: a producer that died never notifies.
 */
import type { WaitStrategy } from '../config.js';
import type { Runtime } from '../runtime/runtime.js';
import { Parker } from '../transport/wait.js';
import { CTL_DOORBELL, CTL_HEARTBEAT } from '../transport/layout.js';

const PARK_TIMEOUT_MS = 1000;
/** Longest synchronous stretch of work before a worker yields to its event loop. */
const SLICE_MS = 2;

type State = 'idle' | 'scheduled' | 'running' | 'parked' | 'stopped';

abstract class Driver {
  protected readonly rt: Runtime;
  protected readonly strategy: WaitStrategy;
  protected readonly spinIterations: number;
  protected readonly parker: Parker | undefined;
  protected state: State = 'idle';
  readonly #run = (): void => this.run();

  constructor(rt: Runtime, strategy: WaitStrategy, spinIterations: number) {
    this.rt = rt;
    this.strategy = strategy;
    this.spinIterations = strategy === 'park' ? 0 : spinIterations;
    const control = rt.mesh?.controls[rt.thread];
    this.parker = control ? new Parker(control) : undefined;
    rt.kick = () => this.kick();
  }

  /**
   * New work may exist: make sure a pump is coming. A parked thread leaves its park through setImmediate rather
   * than by ringing its own doorbell: a waitAsync wake-up goes through the platform's task queue, which measured
   * ~80 µs p50 on the main thread against a few µs for an immediate. The pending wait stays valid (see `park`).
   */
  kick(): void {
    if (this.state === 'idle') this.schedule();
    else if (this.state === 'parked') {
      this.parker!.endPark();
      this.schedule();
    }
  }

  stop(): void {
    const wasParked = this.state === 'parked';
    this.state = 'stopped';
    // Settle the pending wait now rather than at its timeout.
    if (this.#waiting) this.selfWake();
    if (wasParked) this.parker!.endPark();
  }

  get stopped(): boolean {
    return this.state === 'stopped';
  }

  protected schedule(): void {
    this.state = 'scheduled';
    setImmediate(this.#run);
  }

  protected abstract run(): void;

  /**
   * Whether a waitAsync on the doorbell is pending. At most one is pending at a
   * time: a park that finds one pending reuses it instead of adding another
   * (kicks leave parks without settling their wait; one new wait per kick would pile up thousands of waiters).
   */
  #waiting = false;
  readonly #woken = (): void => {
    this.#waiting = false;
    if (this.state !== 'parked') return; // left by a kick meanwhile: nothing to do
    this.parker!.endPark();
    this.run();
  };

  /** Parks until a producer rings or the timeout passes; returns false when work showed up meanwhile. */
  protected park(): boolean {
    const parker = this.parker;
    if (parker === undefined) {
      this.state = 'idle';
      return true;
    }
    const seen = parker.beginPark();
    // Re-check after announcing the park: a record published before our flag was visible is seen here.
    if (this.rt.mesh!.hasData() || this.rt.hasLocalWork()) {
      parker.endPark();
      return false;
    }
    if (this.#waiting) {
      // Reuse the pending wait. If the doorbell still reads as when it began, it is still waiting; if it moved, a
      // notify came (or is coming) with it and the wait is settling: its callback runs us either way. (Returning
      // "not parked" here instead would loop setting and clearing the flag until that callback can run, which it
      // cannot while we loop, and every producer would ring at each set: 100k rings/s measured.)
      this.state = 'parked';
      return true;
    }
    const p = parker.parkAsync(seen, PARK_TIMEOUT_MS);
    if (p === undefined) {
      parker.endPark();
      return false;
    }
    this.#waiting = true;
    this.state = 'parked';
    p.then(this.#woken);
    return true;
  }

  protected selfWake(): void {
    const control = this.parker!.control;
    Atomics.add(control, CTL_DOORBELL, 1);
    Atomics.notify(control, CTL_DOORBELL);
  }
}

/** The least a hybrid worker spins before parking, however sparse its traffic has been. */
const MIN_SPIN = 256;
/** A park shorter than this means the work came back quickly: the spin budget grows (see WorkerDriver.run). */
const SHORT_PARK_MS = 0.2;

export class WorkerDriver extends Driver {
  /**
   * Adaptive spin budget (hybrid): doubled when work arrived while spinning (spinning paid off), halved when the
   * spin ran out and the worker parked (it burnt a core for nothing). Sparse traffic thus parks almost at once, and
   * a steady stream keeps the full `spinIterations`. PLATFORM.md: a fixed spin-then-park can lose badly on 2 cores.
   */
  #budget = this.spinIterations;
  /** How often this worker parked, and its spin budget now: for `system.stats()` and tuning. */
  parks = 0;
  get spinBudget(): number {
    return this.#budget;
  }

  /** When the current park began (0: not parked since the last run). */
  #parkedAt = 0;

  protected run(): void {
    if (this.state === 'stopped') return;
    this.state = 'running';
    // The main thread's watchdog reads this: a loop that stops coming back here is hung (a stuck handler).
    Atomics.add(this.parker!.control, CTL_HEARTBEAT, 1);
    const rt = this.rt;
    const now = performance.now();
    const sliceEnd = now + SLICE_MS;
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
        // Async handlers resume in microtasks, which run only once we return to the event loop.
        // The clock every 8 rounds: a round can be a whole turn of `throughput` heavy messages per actor, and
        // checking only every 64 let a CPU-bound worker keep its timers and I/O waiting for hundreds of ms.
        if (rt.asyncInFlight > 0 || ((++rounds & 7) === 0 && performance.now() > sliceEnd)) {
          this.schedule();
          return;
        }
        continue;
      }
      if (spinForever || spins < this.#budget) {
        spins++;
        if (rt.asyncInFlight > 0 || (spinForever && (spins & 4095) === 0)) {
          // Spinning here would starve the pending handlers (or timers): poll through the event loop.
          this.schedule();
          return;
        }
        continue;
      }
      if (this.spinIterations > 0) this.#budget = Math.max(Math.min(MIN_SPIN, this.spinIterations), this.#budget >> 1);
      if (this.park()) {
        this.parks++;
        this.#parkedAt = performance.now();
        return;
      }
    }
  }
}

/**
 * While asks wait, how long after the last activity the main thread keeps polling through setImmediate before it
 * parks (and lets a worker's notify wake it, ~30–80 µs later). Polling burns the main thread's core, so it is kept
 * to the time a quick actor takes to answer; with no ask pending there is nothing to poll for.
 */
const MAIN_HOT_WINDOW_MS = 0.5;
/**
 * While an ask waits, the main thread spins this long after a pump before going back to its event loop: a reply
 * from a spinning worker takes ~1 µs, a trip through the event loop several (PLATFORM.md measured p50 0.9 µs with
 * a ~5 µs bounded spin against 3.3–4.5 µs with setImmediate polling alone).
 */
const MAIN_SPIN_MS = 0.005;

/**
 * How long an ask from the main thread's own code waits synchronously for the reply of a worker that was awake
 * when the ask reached it. A spinning worker answers a trivial ask in ~2 µs; going back to the event loop and
 * catching the reply there costs ~10 µs more (setImmediate, or a waitAsync wake-up of a parked main thread).
 */
const REPLY_SPIN_MS = 0.01;
/** After this many consecutive replies missed by the synchronous wait, it is skipped for a while (slow actors). */
const REPLY_MISSES = 4;
/** The most asks in a row for which the synchronous wait is skipped after repeated misses (it doubles up to this). */
const REPLY_SKIP_MAX = 1024;
/**
 * Asks answered synchronously never return to the event loop: a loop of back-to-back asks would starve timers
 * and I/O. Once this long has passed since the event loop last ran the driver, the next ask takes the event-loop
 * path once.
 */
const LOOP_STARVE_MS = 2;

export class MainDriver extends Driver {
  #lastActivity = 0;
  /** When the event loop last ran this driver (a setImmediate, a wake-up): the starvation guard of awaitReply. */
  #loopAt = 0;
  #misses = 0;
  #skip = 0;
  #skipFor = REPLY_MISSES;

  constructor(rt: Runtime, strategy: WaitStrategy, spinIterations: number) {
    super(rt, strategy, spinIterations);
    if (this.parker !== undefined && this.spinIterations > 0) rt.awaitReply = (woke) => this.awaitReply(woke);
  }

  protected run(): void {
    if (this.state === 'stopped') return;
    this.state = 'running';
    const rt = this.rt;
    let worked = false;
    // A few rounds in one go: replies often arrive while we are still here.
    for (let i = 0; i < 8 && rt.pump(); i++) worked = true;
    let now = performance.now();
    this.#loopAt = now;
    if (worked) this.#lastActivity = now;
    if (this.state !== 'running') return;
    if (rt.hasLocalWork()) return this.schedule();
    const hot = this.strategy === 'spin' || now - this.#lastActivity < MAIN_HOT_WINDOW_MS;
    if (rt.asks.size > 0 && hot && this.strategy !== 'park') {
      const mesh = rt.mesh;
      if (mesh !== undefined && this.spinIterations > 0) {
        const until = now + MAIN_SPIN_MS;
        while (now < until && !mesh.hasData()) now = performance.now();
      }
      return this.schedule();
    }
    if (!this.park()) this.schedule();
  }

  override kick(): void {
    this.#lastActivity = performance.now();
    super.kick();
  }

  /**
   * An ask from the application's code has just been written to a worker's ring. When it is the only ask waiting
   * and the worker was awake (spinning), wait here, synchronously and briefly, for the reply and take it at once:
   * the caller's `await` then resumes in a microtask. Otherwise, or when the reply is late, the event loop path
   * takes over (`kick`). Never re-entrant: inside a pump (an event subscriber asking) it only kicks.
   */
  awaitReply(woke: boolean): void {
    const rt = this.rt;
    const prev = this.state;
    let now = performance.now();
    if (this.#skip > 0) {
      this.#skip--;
      this.kick();
      return;
    }
    if (woke || prev === 'running' || prev === 'stopped' || rt.asks.size !== 1 || now - this.#loopAt > LOOP_STARVE_MS) {
      this.kick();
      return;
    }
    const mesh = rt.mesh!;
    const parker = this.parker!;
    // While we poll ourselves, producers need not ring: only this (sleeping) side clears or sets its own flag.
    // A wait left pending by the park stays valid while the doorbell does not move.
    if (prev === 'parked') parker.endPark();
    this.state = 'running';
    const until = now + REPLY_SPIN_MS;
    for (;;) {
      if (mesh.hasData()) {
        rt.pump();
        if (rt.asks.size < 1) break; // (not `=== 0`: TypeScript narrowed size to 1 above)
      } else if ((now = performance.now()) > until) break;
    }
    this.#lastActivity = performance.now();
    this.state = prev;
    if (prev === 'parked') {
      parker.beginPark();
      // What arrived after the flag was cleared rang no doorbell: ring our own, the pending wait then runs us.
      if (mesh.hasData() || rt.hasLocalWork()) this.selfWake();
    }
    if (rt.asks.size < 1) {
      this.#misses = 0;
      this.#skipFor = REPLY_MISSES;
      return;
    }
    if (++this.#misses >= REPLY_MISSES) {
      // The actor is slower than the spin: stop paying for it for a while, longer each time it keeps missing.
      this.#skip = this.#skipFor;
      this.#skipFor = Math.min(REPLY_SKIP_MAX, this.#skipFor * 2);
      this.#misses = 0;
    }
    this.kick();
  }
}
