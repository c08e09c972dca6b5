/**
 * The main thread's driver: it never blocks the event loop for long. An ask from the application's code to a
 * worker that is awake waits up to ~10 µs for the reply synchronously (reply-wait.ts; records that arrive
 * meanwhile are handled at once, as a pump would); otherwise, while asks are pending, it polls with `setImmediate`
 * for a bounded window after the last activity, then parks with `Atomics.waitAsync` (driver.ts); idle, it parks.
 *
 * Contract: main thread only.
 */
import type { WaitStrategy } from '../config.js';
import { Driver } from './driver.js';
import type { AskPath, Pumpable } from './pumpable.js';
import { REPLY_SPIN_MS, ReplyWaitPolicy, pollForReply } from './reply-wait.js';
import { STEP, TRACING, mark } from '../transport/trace.js';

/**
 * While asks wait, how long after the last activity the main thread keeps polling through setImmediate before it
 * parks (and lets a worker's notify wake it, ~30–80 µs later). Polling burns the main thread's core, so it is kept
 * to the time a quick actor takes to answer; with no ask pending there is nothing to poll for.
 */
const MAIN_HOT_WINDOW_MS = 0.5;
/**
 * While an ask waits, the main thread spins this long after a pump before going back to its event loop: a reply
 * from a spinning worker takes ~1 µs, a trip through the event loop several (measured p50 0.9 µs with a ~5 µs
 * bounded spin against 3.3–4.5 µs with setImmediate polling alone: docs/platform.md#waiting-for-a-reply-on-the-main-thread).
 */
const MAIN_SPIN_MS = 0.005;
/**
 * Asks answered synchronously never return to the event loop: a loop of back-to-back asks would starve timers
 * and I/O. Once this long has passed since the event loop last ran the driver, the next ask takes the event-loop
 * path once.
 */
const LOOP_STARVE_MS = 2;

export class MainDriver extends Driver {
  #lastActivity = 0;
  /** When the event loop last ran this driver (a setImmediate, a wake-up): the starvation guard of afterAsk. */
  #loopAt = 0;
  readonly #replyWait = new ReplyWaitPolicy();
  /**
   * The last ask from the application's code had to wake its target thread. Its reply then takes a wake-up's
   * time (tens of µs at best), and polling for it meanwhile is worse than useless on a small machine: the woken
   * worker is often scheduled on the CPU the waker runs on (the kernel's wake-affine placement), so every µs the
   * main thread polls is a µs the worker waits for its CPU. Measured on the 2-core VM, bursty asks after 10 ms
   * idle: p50 640 µs polling (the worker ran only once the 0.5 ms hot window ended) against 180 µs parking.
   * So after such an ask the main thread parks at once, and the worker's reply wakes it.
   */
  #targetWoken = false;
  /** Whether the synchronous reply wait is possible at all: it needs shared memory and a strategy that spins. */
  readonly #canWait: boolean;

  constructor(rt: Pumpable, strategy: WaitStrategy, spinIterations: number) {
    super(rt, strategy, spinIterations);
    this.#canWait = this.parker !== undefined && this.spinIterations > 0;
  }

  protected run(): void {
    if (this.state === 'stopped') return;
    this.state = 'running';
    if (TRACING) mark(STEP.loop);
    const rt = this.rt;
    let worked = false;
    // A few rounds in one go: replies often arrive while we are still here.
    for (let i = 0; i < 8 && rt.pump(); i++) worked = true;
    let now = performance.now();
    this.#loopAt = now;
    if (worked) this.#lastActivity = now;
    if (this.state !== 'running') return;
    if (rt.hasLocalWork()) return this.schedule();
    const hot = this.strategy === 'spin' || (!this.#targetWoken && now - this.#lastActivity < MAIN_HOT_WINDOW_MS);
    // Polling takes a CPU: not when more threads want one than there are, nor on a machine found contended
    // (spin-gate.ts); the reply's wake-up then comes through the park.
    if (rt.pendingAsks > 0 && hot && this.strategy !== 'park' && (this.gate === undefined || this.gate.begin(now))) {
      if (this.parker !== undefined && this.spinIterations > 0) {
        const until = now + MAIN_SPIN_MS;
        while (now < until && !rt.hasIncoming()) now = performance.now();
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
   * An ask from the application's code has just gone to a worker (`to`: how, see DriverLink.afterAsk).
   * - The worker was parked and this ask woke it: its reply takes a wake-up's time, and this thread, parked,
   *   will be woken by it. Stay parked (no event-loop turn in between, which would compete for the CPU the
   *   woken worker was likely placed on); when not parked, make sure the loop comes round and parks.
   * - The worker was awake (spinning) and this is the only ask waiting: wait here, synchronously and briefly, for
   *   the reply and take it at once. Otherwise, or when the reply is late, the event loop path takes over.
   * Never re-entrant: inside a pump (an event subscriber asking) it only kicks.
   */
  afterAsk(to: AskPath): void {
    const rt = this.rt;
    const prev = this.state;
    this.#targetWoken = to === 'woken';
    if (to === 'woken' && prev === 'parked') return;
    if (to !== 'awake' || !this.#canWait || !this.#replyWait.admit()) return this.kick();
    if (this.gate !== undefined && !this.gate.begin(performance.now())) return this.kick();
    if (prev === 'running' || prev === 'stopped' || rt.pendingAsks !== 1 || performance.now() - this.#loopAt > LOOP_STARVE_MS) {
      return this.kick();
    }
    const parker = this.parker!;
    // While we poll ourselves, producers need not ring: only this (sleeping) side clears or sets its own flag.
    // A wait left pending by the park stays valid while the doorbell does not move.
    if (prev === 'parked') parker.endPark();
    this.state = 'running';
    const settled = pollForReply(rt, performance.now() + REPLY_SPIN_MS);
    this.#lastActivity = performance.now();
    this.state = prev;
    if (prev === 'parked') {
      parker.beginPark();
      // What arrived after the flag was cleared rang no doorbell: ring our own, the pending wait then runs us.
      if (rt.hasIncoming() || rt.hasLocalWork()) this.selfWake();
    }
    this.#replyWait.record(settled);
    if (!settled) this.kick();
  }
}
