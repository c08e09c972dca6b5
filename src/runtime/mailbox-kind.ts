/**
 * Mailbox kinds, per actor definition (Akka's mailbox types): the definition's `mailbox` option, checked where it
 * is written (defineActor), and the rank a ranked mailbox sorts its entries by (mailbox.ts).
 *
 * - 'unbounded' (the default): first in, first out.
 * - 'priority': `priority(msg)` ranks each message, lower first, stable (first in, first out among equal ranks):
 *   Akka's UnboundedStablePriorityMailbox.
 * - 'control-aware': messages for which `isControl(msg)` is true overtake the queued others, first in, first out
 *   among themselves: Akka's UnboundedControlAwareMailbox.
 * - 'bounded': first in, first out, at most `capacity` messages queued, counted in shared memory across threads
 *   (runtime/credits.ts); `overflow` says what a `tell` beyond it does. Akka's BoundedMailbox, without its blocking
 *   push timeout: `send` and `ask` wait for room without blocking a thread.
 *
 * What every ranked kind shares (docs/semantics.md, "Mailbox kinds"): the functions run on the thread hosting the
 * actor as each message enters its mailbox (so across a worker crash the recovered messages are ranked again, by
 * the same rules, as they are delivered to the new incarnation). They see what the actor will receive: a timer's
 * message, the receive-timeout message. A PoisonPill ranks after every message. Messages put back by
 * `ctx.unstashAll()` go first, ahead of everything queued, as in any mailbox. A function that throws, or a
 * priority that is not a number (NaN included), ranks the message last, as `Infinity`; a throwing isControl counts
 * as false, as a throwing notInfluenceReceiveTimeout counts as influencing.
 *
 * Contract: pure; runs on any thread.
 */
import { ENTRY_POISON, ENTRY_RECEIVE_TIMEOUT, ENTRY_TIMER, type Rank } from '../dispatch/mailbox.js';
import { InvalidArgumentError } from '../errors.js';
import { BOUNDED_OVERFLOWS, type BoundedOverflow } from './credits.js';
import type { TimerEntry } from './timers.js';
import { RECEIVE_TIMEOUT } from './receive-timeout.js';

export type MailboxKind<M = unknown> =
  | { readonly kind: 'unbounded' }
  | { readonly kind: 'priority'; readonly priority: (message: M) => number }
  | { readonly kind: 'control-aware'; readonly isControl: (message: M) => boolean }
  | { readonly kind: 'bounded'; readonly capacity: number; readonly overflow?: BoundedOverflow };

export const MAILBOX_KINDS = ['unbounded', 'priority', 'control-aware', 'bounded'] as const;
/** The largest `capacity` of a bounded mailbox (the credit count is an Int32). */
export const MAX_BOUNDED_CAPACITY = 2 ** 30;
/** `overflow` of a bounded mailbox when the definition gives none. */
export const DEFAULT_BOUNDED_OVERFLOW: BoundedOverflow = 'backpressure';

const LAST = Number.POSITIVE_INFINITY;
const RECEIVE_TIMEOUT_MESSAGE = Object.freeze({ type: RECEIVE_TIMEOUT });

/** Throws InvalidArgumentError naming what is wrong with a definition's `mailbox` option. */
export function validateMailboxKind(at: string, mailbox: unknown): void {
  if (mailbox === undefined) return;
  if (mailbox === null || typeof mailbox !== 'object') {
    throw new InvalidArgumentError(`${at}: mailbox must be an object such as { kind: 'priority', priority: (msg) => number }, got ${mailbox === null ? 'null' : typeof mailbox}`);
  }
  const m = mailbox as { kind?: unknown; priority?: unknown; isControl?: unknown; capacity?: unknown; overflow?: unknown };
  switch (m.kind) {
    case 'unbounded':
      return;
    case 'priority':
      if (typeof m.priority !== 'function') {
        throw new InvalidArgumentError(`${at}: mailbox kind 'priority' needs priority: (message) => number (lower first), got ${typeof m.priority}`);
      }
      return;
    case 'control-aware':
      if (typeof m.isControl !== 'function') {
        throw new InvalidArgumentError(`${at}: mailbox kind 'control-aware' needs isControl: (message) => boolean, got ${typeof m.isControl}`);
      }
      return;
    case 'bounded': {
      const problems: string[] = [];
      const c = m.capacity;
      if (typeof c !== 'number' || !Number.isInteger(c) || c < 1 || c > MAX_BOUNDED_CAPACITY) {
        problems.push(`capacity must be an integer from 1 to ${MAX_BOUNDED_CAPACITY}, got ${typeof c === 'number' ? String(c) : typeof c}`);
      }
      if (m.overflow !== undefined && !BOUNDED_OVERFLOWS.includes(m.overflow as BoundedOverflow)) {
        problems.push(`overflow must be one of ${BOUNDED_OVERFLOWS.map((k) => `'${k}'`).join(', ')}, got ${JSON.stringify(m.overflow)}`);
      }
      if (problems.length > 0) throw new InvalidArgumentError(`${at}: mailbox kind 'bounded': ${problems.join('; ')}`);
      return;
    }
    default:
      throw new InvalidArgumentError(`${at}: mailbox.kind must be one of ${MAILBOX_KINDS.map((k) => `'${k}'`).join(', ')}, got ${JSON.stringify(m.kind)}`);
  }
}

// One rank function per mailbox option (per definition), not one per actor.
const ranks = new WeakMap<object, Rank>();

/** The rank a mailbox of this kind sorts by, or undefined for first in, first out. */
export function rankFor(mailbox: MailboxKind<any> | undefined): Rank | undefined {
  if (mailbox === undefined || mailbox.kind === 'unbounded' || mailbox.kind === 'bounded') return undefined;
  let rank = ranks.get(mailbox);
  if (rank === undefined) ranks.set(mailbox, (rank = makeRank(mailbox)));
  return rank;
}

function makeRank(mailbox: Extract<MailboxKind<any>, { kind: 'priority' | 'control-aware' }>): Rank {
  const score: (message: unknown) => number =
    mailbox.kind === 'priority' ? priorityScore(mailbox.priority) : controlScore(mailbox.isControl);
  return (kind, msg) => {
    if (kind === ENTRY_POISON) return LAST;
    if (kind === ENTRY_TIMER) return score((msg as TimerEntry).message());
    if (kind === ENTRY_RECEIVE_TIMEOUT) return score(RECEIVE_TIMEOUT_MESSAGE);
    return score(msg);
  };
}

function priorityScore(priority: (message: unknown) => number): (message: unknown) => number {
  return (message) => {
    try {
      const r = priority(message);
      return typeof r === 'number' && !Number.isNaN(r) ? r : LAST;
    } catch {
      return LAST;
    }
  };
}

function controlScore(isControl: (message: unknown) => boolean): (message: unknown) => number {
  return (message) => {
    try {
      return isControl(message) === true ? 0 : 1;
    } catch {
      return 1;
    }
  };
}
