/**
 * Actor timers (Akka's TimerScheduler, typed Akka's names): keyed timers whose message goes into the actor's own
 * mailbox on its own thread, never through a ring. They belong to one incarnation of the actor: a restart, a stop
 * and a worker crash cancel them all (`postRestart`, by default `preStart`, re-arms them).
 *
 * - Same key replaces, and a cancelled or replaced timer's message is never delivered, even one already queued:
 *   the mailbox entry holds the timer's entry, and a dequeued tick whose entry is no longer live is skipped.
 * - Fixed delay: the next tick is due `delayMs` after the previous one was handled (an async handler counts
 *   until it settles), so a slow handler never accumulates ticks.
 * - Fixed rate: ticks are due at start + k × interval, and at most one tick per key waits in the mailbox: a busy
 *   actor gets one late tick, not a burst; `missedTicks(key)` counts the coalesced ones.
 *
 * Contract: one Timers per cell (created on first use of `ctx.timers`), used only by the hosting thread. Ticks are
 * not journaled: a queued tick dies with its worker, like the timer itself.
 */
import { MAX_TIMER_MS } from '../config.js';
import { InvalidArgumentError } from '../errors.js';
import type { Cell } from './cell.js';

export interface TimerOptions {
  /** Delay before the first tick of a periodic timer; default: the delay (or interval) itself. */
  initialDelayMs?: number;
}

/** `ctx.timers`. */
export interface TimerScheduler<M = unknown> {
  /** One `message` after `delayMs`. Replaces a timer with the same key. */
  startSingleTimer(key: string, message: M, delayMs: number): void;
  /** `message` every `delayMs`, measured from when the previous tick was handled. */
  startTimerWithFixedDelay(key: string, message: M, delayMs: number, options?: TimerOptions): void;
  /** `message` at start + k × `intervalMs`; at most one tick of this key waits in the mailbox. */
  startTimerAtFixedRate(key: string, message: M, intervalMs: number, options?: TimerOptions): void;
  isTimerActive(key: string): boolean;
  readonly activeTimers: readonly string[];
  /** Ticks of a fixed-rate timer that were due while its previous tick still waited (coalesced into it). */
  missedTicks(key: string): number;
  /** A no-op for an unknown key. */
  cancel(key: string): void;
  cancelAll(): void;
}

/** What timers need from their runtime: the clock, a copy of the message, and the way into the mailbox. */
export interface TimersHost {
  now(): number;
  setTimer(fn: () => void, delayMs: number): unknown;
  clearTimer(handle: unknown): void;
  /** Encodes `message` once (bad input throws here) and returns a function that gives a fresh copy. */
  freeze(message: unknown): () => unknown;
  /** Puts a tick (kind ENTRY_TIMER, the entry as its message) at the end of the actor's mailbox. */
  enqueueTick(cell: Cell, tick: TimerEntry): void;
}

const SINGLE = 0;
const FIXED_DELAY = 1;
const FIXED_RATE = 2;

/** One started timer. A mailbox entry of kind ENTRY_TIMER carries it; `live` false means its ticks are void. */
export class TimerEntry {
  live = true;
  /** A tick of this timer waits in the mailbox. */
  queued = false;
  missed = 0;
  handle: unknown = undefined;
  nextDue = 0;
  constructor(
    readonly key: string,
    readonly mode: number,
    readonly periodMs: number,
    readonly message: () => unknown,
  ) {}
}

export class Timers implements TimerScheduler {
  readonly #cell: Cell;
  readonly #host: TimersHost;
  readonly #map = new Map<string, TimerEntry>();

  constructor(cell: Cell, host: TimersHost) {
    this.#cell = cell;
    this.#host = host;
  }

  startSingleTimer(key: string, message: unknown, delayMs: number): void {
    this.#start(key, message, SINGLE, check('startSingleTimer', 'delayMs', delayMs, true), undefined);
  }
  startTimerWithFixedDelay(key: string, message: unknown, delayMs: number, options?: TimerOptions): void {
    this.#start(key, message, FIXED_DELAY, check('startTimerWithFixedDelay', 'delayMs', delayMs, false), options);
  }
  startTimerAtFixedRate(key: string, message: unknown, intervalMs: number, options?: TimerOptions): void {
    this.#start(key, message, FIXED_RATE, check('startTimerAtFixedRate', 'intervalMs', intervalMs, false), options);
  }
  isTimerActive(key: string): boolean {
    return this.#map.has(key);
  }
  get activeTimers(): readonly string[] {
    return [...this.#map.keys()];
  }
  missedTicks(key: string): number {
    return this.#map.get(key)?.missed ?? 0;
  }
  cancel(key: string): void {
    const e = this.#map.get(key);
    if (e === undefined) return;
    this.#map.delete(key);
    this.#void(e);
  }
  cancelAll(): void {
    for (const e of this.#map.values()) this.#void(e);
    this.#map.clear();
  }

  /** A tick reached the head of the mailbox: true when it is to be delivered (its timer is still live). */
  take(e: TimerEntry): boolean {
    e.queued = false;
    if (!e.live) return false;
    if (e.mode === SINGLE) {
      this.#map.delete(e.key);
      e.live = false;
    }
    return true;
  }

  /** The handler of a tick settled: a fixed-delay timer's next tick is due `delayMs` from now. */
  handled(e: TimerEntry): void {
    if (e.live && e.mode === FIXED_DELAY) this.#arm(e, e.periodMs);
  }

  #start(key: string, message: unknown, mode: number, periodMs: number, options: TimerOptions | undefined): void {
    if (typeof key !== 'string') throw new InvalidArgumentError(`timers: the key must be a string, got ${typeof key}`);
    const initial = options?.initialDelayMs === undefined ? periodMs : check('timers', 'initialDelayMs', options.initialDelayMs, true);
    const e = new TimerEntry(key, mode, periodMs, this.#host.freeze(message));
    this.cancel(key);
    this.#map.set(key, e);
    e.nextDue = this.#host.now() + initial;
    this.#arm(e, initial);
  }

  #arm(e: TimerEntry, delayMs: number): void {
    e.handle = this.#host.setTimer(() => this.#fire(e), delayMs);
  }

  #fire(e: TimerEntry): void {
    e.handle = undefined;
    if (!e.live) return;
    if (e.mode === FIXED_RATE) {
      // The next tick stays on the grid start + k × interval, whatever this one meets.
      const now = this.#host.now();
      do e.nextDue += e.periodMs;
      while (e.nextDue <= now);
      this.#arm(e, e.nextDue - now);
      if (e.queued) {
        e.missed++;
        return;
      }
    }
    e.queued = true;
    this.#host.enqueueTick(this.#cell, e);
  }

  #void(e: TimerEntry): void {
    e.live = false;
    if (e.handle !== undefined) this.#host.clearTimer(e.handle);
    e.handle = undefined;
  }
}

function check(op: string, what: string, ms: unknown, zeroOk: boolean): number {
  // Past MAX_TIMER_MS Node's setTimeout fires after 1 ms instead (a TimeoutOverflowWarning): refused, not clamped.
  if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0 || (!zeroOk && ms === 0) || ms > MAX_TIMER_MS) {
    throw new InvalidArgumentError(
      `timers.${op}: ${what} must be a finite number of milliseconds ${zeroOk ? '>= 0' : '> 0'} and at most ${MAX_TIMER_MS} (2^31 - 1), got ${String(ms)}`,
    );
  }
  return ms;
}
