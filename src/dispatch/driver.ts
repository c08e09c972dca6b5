/**
 * Drivers decide when a thread's runtime pumps: how long it spins when idle, when it parks, and how it lets its own
 * event loop run (promises of async handlers, timers, I/O). This file holds what both drivers share, the park
 * protocol; worker-driver.ts is the loop inside a worker, main-driver.ts the main thread's, and reply-wait.ts the
 * main thread's synchronous wait for a reply.
 *
 * Parking uses `Atomics.waitAsync`, so timers and promises keep running while the thread sleeps (a blocking
 * `Atomics.wait` would freeze them: piscina #331, docs/platform.md#parking-a-worker). Every park has a timeout: a producer that died never notifies.
 *
 * Contract: one Driver per thread, used only by that thread.
 */
import { availableParallelism } from 'node:os';
import type { WaitStrategy } from '../config.js';
import { Parker } from '../transport/wait.js';
import { CTL_DOORBELL } from '../transport/layout.js';
import { MH_PARKS, MH_WAKES } from '../transport/metrics-layout.js';
import type { DriverLink, Pumpable } from './pumpable.js';
import { SpinGate } from './spin-gate.js';
import { STEP, TRACING, mark } from '../transport/trace.js';

/**
 * How often a parked thread is woken anyway (a producer that died never notifies), and a parked worker beats its
 * heartbeat. One interval timer per thread does this, not a timeout on every park: a waitAsync with a timeout
 * leaves a delayed platform task behind each park, and at thousands of parks per second those cost the wake-up
 * path tens of µs (the wake floor's round trip after 100 µs idle: p50 20 µs without a timeout, 113 µs with one).
 */
export const PARK_TIMEOUT_MS = 1000;

export type DriverState = 'idle' | 'scheduled' | 'running' | 'parked' | 'stopped';

export abstract class Driver implements DriverLink {
  protected readonly rt: Pumpable;
  protected readonly strategy: WaitStrategy;
  protected readonly spinIterations: number;
  protected readonly parker: Parker | undefined;
  /** Whether spinning now would take a CPU another thread needs ('hybrid' only: 'spin' spins as it was told). */
  protected readonly gate: SpinGate | undefined;
  protected state: DriverState = 'idle';
  /** The thread's metrics page: parks and wake-ups are counted there (plain writes: this thread is its writer). */
  readonly #page: Float64Array;
  readonly #run = (): void => this.run();

  constructor(rt: Pumpable, strategy: WaitStrategy, spinIterations: number) {
    this.rt = rt;
    this.strategy = strategy;
    this.spinIterations = strategy === 'park' ? 0 : spinIterations;
    this.#page = rt.metricsPage;
    const control = rt.control;
    this.parker = control ? new Parker(control) : undefined;
    this.gate =
      control !== undefined && strategy === 'hybrid' ? new SpinGate(rt.controls, control, availableParallelism()) : undefined;
    rt.attach(this);
    if (this.parker !== undefined) {
      // Unreferenced: it must not keep a process alive that has nothing else to do.
      this.#sweeper = setInterval(this.#sweep, PARK_TIMEOUT_MS);
      this.#sweeper.unref();
    }
  }

  #sweeper: ReturnType<typeof setInterval> | undefined;
  readonly #sweep = (): void => {
    if (this.state === 'parked') this.selfWake();
  };

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
    if (this.#sweeper !== undefined) clearInterval(this.#sweeper);
    // Settle the pending wait now rather than at the next sweep.
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
   * Whether a waitAsync on the doorbell is pending. At most one is pending at a time: a park that finds one
   * pending reuses it instead of adding another (kicks leave parks without settling their wait; one new wait per
   * kick would pile up thousands of waiters).
   */
  #waiting = false;
  readonly #woken = (): void => {
    this.#waiting = false;
    if (TRACING) mark(STEP.woken);
    if (this.state !== 'parked') return; // left by a kick meanwhile: nothing to do
    this.#page[MH_WAKES]!++; // a ring on the doorbell (a producer's, or the sweeper's) ended the park
    this.parker!.endPark();
    this.run();
  };

  /** Parks until a producer rings (or the sweeper does); returns false when work showed up meanwhile. */
  protected park(): boolean {
    const parker = this.parker;
    if (parker === undefined) {
      this.state = 'idle';
      return true;
    }
    const seen = parker.beginPark();
    // Re-check after announcing the park: a record published before our flag was visible is seen here.
    if (this.rt.hasIncoming() || this.rt.hasLocalWork()) {
      parker.endPark();
      return false;
    }
    if (this.#waiting) {
      if (TRACING) mark(STEP.parked);
      // Reuse the pending wait. If the doorbell still reads as when it began, it is still waiting; if it moved, a
      // notify came (or is coming) with it and the wait is settling: its callback runs us either way. (Returning
      // "not parked" here instead would loop setting and clearing the flag until that callback can run, which it
      // cannot while we loop, and every producer would ring at each set: 100k rings/s measured.)
      this.state = 'parked';
      this.#page[MH_PARKS]!++;
      return true;
    }
    const p = parker.parkAsync(seen);
    if (p === undefined) {
      parker.endPark();
      return false;
    }
    this.#waiting = true;
    if (TRACING) mark(STEP.parked);
    this.state = 'parked';
    this.#page[MH_PARKS]!++;
    p.then(this.#woken);
    return true;
  }

  /** Rings this thread's own doorbell, so that its pending wait settles and runs the loop. */
  protected selfWake(): void {
    const control = this.parker!.control;
    Atomics.add(control, CTL_DOORBELL, 1);
    Atomics.notify(control, CTL_DOORBELL);
  }
}
