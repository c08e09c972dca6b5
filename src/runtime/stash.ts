/**
 * stash / unstash (Akka's IWithBoundedStash): an actor sets aside the message it is handling, with its sender and,
 * for an ask, its pending reply, and puts it back later in front of its mailbox. What can happen to a stashed
 * message, and who settles it:
 *
 *   unstash, unstashAll     back in front of the mailbox, in stash order: handled later like any message
 *   restart                 all of it back in front of the mailbox before the fresh state's first message
 *   stop                    'actor-stopped' dead letters (asks: ActorStoppedError), like what is still queued
 *   clearStash, a filter    'stash-discarded' dead letters (asks: MessageDiscardedError)
 *   worker crash            it survives: its journal record stays live (state STASHED, in stash order), and the
 *                           replacement queues it before everything else for the re-created actor
 *
 * Contract: one Stash per cell, created on first use, used only by the hosting thread. A stashed message keeps its
 * journal slot; the slot is released only when the message is finally handled or dead-lettered.
 */
import { MessageDiscardedError, NoContextError, InvalidArgumentError, StashOverflowError } from '../errors.js';
import { ENTRY_ASK, ENTRY_TELL } from '../dispatch/mailbox.js';
import type { Cell } from './cell.js';

/** One stashed message: what its mailbox entry held. */
export interface Stashed {
  kind: number;
  msg: unknown;
  senderId: number;
  senderThread: number;
  corr: number;
  slot: number;
}

/** What stashing needs from its runtime. */
export interface StashHost {
  /** Puts an entry back in front of the actor's mailbox (counted in the backlog) and schedules the actor. */
  requeueFront(cell: Cell, e: Stashed): void;
  /** A stashed message that will never be handled: a dead letter, an ask answered with `err`, its slot released. */
  discard(cell: Cell, e: Stashed, reason: 'stash-discarded' | 'actor-stopped', err: Error | undefined): void;
  /** Marks the journal record in `slot` stashed, as the `seq`th stash of this thread. */
  journalStash(slot: number, seq: number): void;
}

let stashSeq = 0;

export class Stash {
  readonly capacity: number;
  readonly #entries: Stashed[] = [];

  constructor(capacity: number) {
    this.capacity = capacity;
  }

  get size(): number {
    return this.#entries.length;
  }

  /** ctx.stash(): the message being handled goes into the stash; its handler no longer answers it. */
  stash(cell: Cell, host: StashHost): void {
    if (!cell.handling) throw new NoContextError('ctx.stash() outside a message handler (it stashes the message being handled)');
    if (cell.curStashed) throw new InvalidArgumentError(`ctx.stash() in '${cell.ref.name}': this message is stashed already`);
    if (this.#entries.length >= this.capacity) throw new StashOverflowError(cell.ref.name, this.capacity);
    // An ask answered already goes back as a tell: nobody may answer it twice.
    const asking = cell.awaitingReply;
    this.#entries.push({
      kind: asking ? ENTRY_ASK : ENTRY_TELL,
      msg: cell.curMsg,
      senderId: cell.curSenderId,
      senderThread: cell.curSenderThread,
      corr: asking ? cell.curCorr : 0,
      slot: cell.curSlot,
    });
    if (asking) cell.curReplied = true; // answered after unstash, by the handler that takes it then
    cell.curStashed = true;
    host.journalStash(cell.curSlot, ++stashSeq);
  }

  /** The oldest stashed message goes in front of the mailbox. False when the stash is empty. */
  unstash(cell: Cell, host: StashHost): boolean {
    const e = this.#entries.shift();
    if (e === undefined) return false;
    host.requeueFront(cell, e);
    return true;
  }

  /**
   * Every stashed message (or those `filter` accepts, asked oldest first) goes in front of the mailbox, in stash
   * order; the rest are discarded. Returns how many were put back.
   */
  unstashAll(cell: Cell, host: StashHost, filter?: (msg: unknown) => boolean): number {
    if (filter !== undefined && typeof filter !== 'function') {
      throw new InvalidArgumentError(`ctx.unstashAll(filter): filter must be a function (message) => boolean, got ${typeof filter}`);
    }
    const all = this.#entries.splice(0);
    const keep = all.map((e) => filter === undefined || filter(e.msg) === true);
    let n = 0;
    for (let i = all.length - 1; i >= 0; i--) {
      if (keep[i]) {
        host.requeueFront(cell, all[i]!);
        n++;
      }
    }
    for (let i = 0; i < all.length; i++) {
      if (!keep[i]) host.discard(cell, all[i]!, 'stash-discarded', new MessageDiscardedError(cell.ref.name, 'unstashAll filter'));
    }
    return n;
  }

  /** Discards every stashed message ('stash-discarded' dead letters) and returns them, oldest first. */
  clear(cell: Cell, host: StashHost): unknown[] {
    const all = this.#entries.splice(0);
    for (const e of all) host.discard(cell, e, 'stash-discarded', new MessageDiscardedError(cell.ref.name, 'clearStash'));
    return all.map((e) => e.msg);
  }

  /** The actor stops: every stashed message becomes an 'actor-stopped' dead letter. */
  drainOnStop(cell: Cell, host: StashHost): void {
    for (const e of this.#entries.splice(0)) host.discard(cell, e, 'actor-stopped', undefined);
  }
}
