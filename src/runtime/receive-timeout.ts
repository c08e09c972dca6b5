/**
 * Receive timeout (Akka's SetReceiveTimeout): a `{ type: 'ringmaster/receive-timeout' }` message once the actor
 * has been idle for the timeout, counted from when the handler of its last influencing message **settled** (an
 * async handler is activity until it settles), never from when a message was dequeued.
 *
 * A lazy deadline, not a timer per message: a handler settling only stores a timestamp; the one timer per actor
 * fires at the deadline it knew, and when activity moved the deadline later it re-arms for the new one. After the
 * timeout was delivered no timer runs; the next influencing message re-arms it (so at most once per idle period).
 * Messages for which the definition's `notInfluenceReceiveTimeout` returns true, and the timeout message itself,
 * do not count as activity. Setting the timeout starts the clock at that moment, whatever message is handled.
 *
 * Contract: one ReceiveTimeout per cell (created by the first setReceiveTimeout), used only by the hosting thread.
 * It belongs to one incarnation: cleared on restart, stop and worker crash (set it again in postRestart/preStart).
 */
import { MAX_TIMER_MS } from '../config.js';
import { InvalidArgumentError } from '../errors.js';
import type { Cell } from './cell.js';
import type { TimersHost } from './timers.js';

export const RECEIVE_TIMEOUT = 'ringmaster/receive-timeout';

/** What an actor receives after it was idle for its receive timeout. */
export interface ReceiveTimeout {
  readonly type: 'ringmaster/receive-timeout';
}

/** True when `message` is the receive-timeout message. */
export function isReceiveTimeout(message: unknown): message is ReceiveTimeout {
  return message !== null && typeof message === 'object' && (message as { type?: unknown }).type === RECEIVE_TIMEOUT;
}

/** What the receive timeout needs: the clock, and the way into the mailbox (kind ENTRY_RECEIVE_TIMEOUT). */
export interface ReceiveTimeoutHost extends Pick<TimersHost, 'now' | 'setTimer' | 'clearTimer'> {
  enqueueReceiveTimeout(cell: Cell, rt: IdleClock): void;
}

export class IdleClock {
  readonly #cell: Cell;
  readonly #host: ReceiveTimeoutHost;
  ms: number | null = null;
  /** When the last influencing handler settled (or the timeout was set). */
  lastActivity = 0;
  #handle: unknown = undefined;
  /** The timeout message was queued or delivered for the current idle period. */
  #notified = false;

  constructor(cell: Cell, host: ReceiveTimeoutHost) {
    this.#cell = cell;
    this.#host = host;
  }

  set(ms: number | null): void {
    // Past MAX_TIMER_MS its timer would fire after 1 ms and re-arm in a loop (Node clamps the delay): refused.
    if (ms !== null && (typeof ms !== 'number' || !Number.isFinite(ms) || ms <= 0 || ms > MAX_TIMER_MS)) {
      throw new InvalidArgumentError(
        `ctx.setReceiveTimeout: give a finite number of milliseconds > 0 and at most ${MAX_TIMER_MS} (2^31 - 1), or null to turn it off; got ${String(ms)}`,
      );
    }
    this.#clear();
    this.ms = ms;
    this.#notified = false;
    if (ms === null) return;
    this.lastActivity = this.#host.now();
    this.#arm(ms);
  }

  /** An influencing message's handler settled: one timestamp, and a timer only after an idle period ended. */
  activity(): void {
    this.lastActivity = this.#host.now();
    if (this.#notified) {
      this.#notified = false;
      this.#arm(this.ms!);
    }
  }

  /** The queued timeout message reached the head of the mailbox: deliver it only if the actor is still idle. */
  take(queuedAt: number): boolean {
    return this.ms !== null && this.lastActivity <= queuedAt;
  }

  cancel(): void {
    this.#clear();
    this.ms = null;
  }

  #arm(delayMs: number): void {
    if (this.#handle !== undefined) this.#host.clearTimer(this.#handle);
    this.#handle = this.#host.setTimer(() => this.#fire(), delayMs);
  }

  #clear(): void {
    if (this.#handle !== undefined) this.#host.clearTimer(this.#handle);
    this.#handle = undefined;
  }

  #fire(): void {
    this.#handle = undefined;
    const ms = this.ms;
    if (ms === null) return;
    const cell = this.#cell;
    // Timers may fire up to a millisecond early; a deadline within that counts as reached.
    const left = this.lastActivity + ms - this.#host.now();
    if (left > 1) return this.#arm(left);
    // Not idle: a handler runs or messages wait. The settle of that work moves the deadline; look again later.
    if (cell.handling || cell.busy || cell.suspended || cell.mailbox.size > 0) return this.#arm(ms);
    this.#notified = true;
    this.#host.enqueueReceiveTimeout(cell, this);
  }
}
