/**
 * The bound on what one actor can be sent while it cannot take it: backpressure that holds against an actor busy in
 * an async handler (its thread keeps running, so the thread-wide backlog check alone never bites).
 *
 * - A `tell` to an actor on the same thread is refused (the `overflow` policy decides) once its mailbox holds
 *   MAILBOX_LIMIT messages; `send`, `ask` and system messages are still delivered.
 * - A record from a ring for a busy actor whose mailbox holds MAILBOX_LIMIT messages is left in the ring: the ring
 *   fills, and the sender meets its `overflow` policy. Records behind it on that ring wait too, so the hold is
 *   lifted whenever it could be what the busy actor itself waits for: while this thread has asks pending (a reply
 *   may be behind it) or records waiting in its outbox (an `await ctx.send` in a cycle of busy actors).
 *
 * Contract: pure functions of one thread's state, called by that thread.
 */
import type { Cell } from './cell.js';
import { RUNNING } from './cell.js';

/** Messages an actor's mailbox may hold before tells to it meet the `overflow` policy. */
export const MAILBOX_LIMIT = 8192;

/** Whether a tell from this thread to `cell` (on this thread) must be refused for room. */
export function mailboxFull(cell: Cell | undefined): boolean {
  return cell !== undefined && cell.status === RUNNING && cell.mailbox.size >= MAILBOX_LIMIT;
}

/**
 * Whether a user record for `cell` must stay in its ring for now: the actor is busy (in an async handler, not
 * suspended: a supervisor's directive may be behind the record), its mailbox is at the limit, and nothing this
 * thread waits for could be behind it.
 */
export function holdInRing(cell: Cell | undefined, pendingAsks: number, outboxed: number): boolean {
  return (
    cell !== undefined &&
    cell.busy &&
    !cell.suspended &&
    cell.status === RUNNING &&
    cell.mailbox.size >= MAILBOX_LIMIT &&
    pendingAsks === 0 &&
    outboxed === 0
  );
}
