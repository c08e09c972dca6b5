/**
 * Where a message enters a mailbox on the thread hosting its actor: into the mailbox of a running actor (which
 * then gets a turn), held aside while the actor's spawn request is still on another ring, or reported as a dead
 * letter (and an ask answered with ActorStoppedError) when the actor is stopped or unknown.
 *
 * Contract: one Delivery per Runtime, used only by its thread. Every message that reaches `deliver` is, exactly
 * once, queued, held, or reported; its journal slot is released when it is reported.
 */
import { ENTRY_ASK, ENTRY_TELL } from '../dispatch/mailbox.js';
import { ActorStoppedError } from '../errors.js';
import type { ActorTable } from './actors.js';
import { RUNNING } from './cell.js';
import type { Credits } from './credits.js';
import { BOUNDED_ID_MIN, creditSlotOf, isRemoteId } from './ids.js';
import type { Journaling } from './journaling.js';
import type { Outbound } from './outbound.js';
import type { Turns } from './turns.js';

/**
 * How long messages are held for an id whose spawn request has not arrived, before they are reported as for an
 * actor that does not exist (a ref forged, or stale from another system): a real spawn request is at most one
 * ring (or one outbox) behind them.
 */
export const EARLY_HOLD_MS = 30_000;

/**
 * Where the main thread hands messages for actors of other nodes (src/cluster/remoting.ts): a proxy id
 * (ids.ts REMOTE_ORIGIN) has no cell here. `outgoing` takes the message synchronously (it encodes it at once).
 */
export interface RemoteGateway {
  outgoing(id: number, entry: number, msg: unknown, senderId: number, senderThread: number, corr: number): void;
}

export class Delivery {
  /** Set on the main thread of a node in a cluster. */
  remote: RemoteGateway | undefined;
  readonly #actors: ActorTable;
  readonly #turns: Turns;
  readonly #out: Outbound;
  readonly #journal: Journaling;
  readonly #holdMs: number;
  #sweep: ReturnType<typeof setTimeout> | undefined;
  readonly #credits: Credits | undefined;

  constructor(actors: ActorTable, turns: Turns, out: Outbound, journal: Journaling, holdMs = EARLY_HOLD_MS, credits?: Credits) {
    this.#credits = credits;
    this.#actors = actors;
    this.#turns = turns;
    this.#out = out;
    this.#journal = journal;
    this.#holdMs = holdMs;
  }

  deliver(id: number, entry: number, msg: unknown, senderId: number, senderThread: number, corr: number, slot: number): void {
    const cell = this.#actors.get(id);
    if (cell !== undefined && cell.status === RUNNING) {
      this.#turns.enqueue(cell, entry, msg, senderId, senderThread, corr, slot);
      return;
    }
    // Off the hot path: only a message with no cell here can be for another node (kept out of line, so that this
    // method stays as small as it was for the inliner).
    if (cell === undefined && this.remote !== undefined && isRemoteId(id)) return this.#toRemote(id, entry, msg, senderId, senderThread, corr, slot);
    if (cell === undefined && this.#actors.notSpawnedYet(id, senderThread)) {
      this.#actors.holdEarly(id, { entry, msg, senderId, senderThread, corr, slot }, performance.now());
      this.#armSweep();
      return;
    }
    const name = cell?.ref.name ?? this.#actors.tombstone(id) ?? `#${id}`;
    this.undeliverable(entry === ENTRY_ASK, name, msg, senderId, senderThread, corr);
    this.#journal.release(slot);
    this.#givenUp(id, entry);
  }

  /** A message for an actor of another node: remoting publishes it now (it encodes at once), then its slot goes. */
  #toRemote(id: number, entry: number, msg: unknown, senderId: number, senderThread: number, corr: number, slot: number): void {
    try {
      this.remote!.outgoing(id, entry, msg, senderId, senderThread, corr);
    } finally {
      this.#journal.release(slot);
    }
  }

  /** A message for a bounded actor that will never enter its mailbox: its credit goes back. */
  #givenUp(id: number, entry: number): void {
    if (id >= BOUNDED_ID_MIN && entry <= ENTRY_ASK && this.#credits !== undefined) this.#credits.giveBack(creditSlotOf(id));
  }

  /** A timer (not keeping the process alive) that reports what has been held too long. */
  #armSweep(): void {
    if (this.#sweep !== undefined) return;
    this.#sweep = setTimeout(() => {
      this.#sweep = undefined;
      this.expireEarly(performance.now());
    }, this.#holdMs);
    this.#sweep.unref();
  }

  /** Reports, as for an actor that does not exist, what has waited longer than the hold for a spawn. */
  expireEarly(now: number): void {
    for (const id of this.#actors.heldSince(now - this.#holdMs + 1)) {
      for (const m of this.#actors.takeEarly(id) ?? []) {
        this.undeliverable(m.entry === ENTRY_ASK, `#${id}`, m.msg, m.senderId, m.senderThread, m.corr);
        this.#journal.release(m.slot);
        this.#givenUp(id, m.entry);
      }
    }
    if (this.#actors.holdingEarly) this.#armSweep();
  }

  /** The spawn request for `id` was handled (the actor exists now, or failed to start): deliver what waited. */
  releaseEarly(id: number): void {
    const list = this.#actors.takeEarly(id);
    if (list === undefined) return;
    for (const m of list) this.deliver(id, m.entry, m.msg, m.senderId, m.senderThread, m.corr, m.slot);
  }

  /** A message whose bytes could not be decoded: an 'undecodable' dead letter, and its ask fails with `error`. */
  undecodable(id: number, isAsk: boolean, note: string, senderId: number, senderThread: number, corr: number, error: Error): void {
    const name = this.#actors.get(id)?.ref.name ?? this.#actors.tombstone(id) ?? `#${id}`;
    this.#out.deadLetter('undecodable', name, note, senderId === 0 ? null : this.#actors.nameOf(senderId, senderThread), error);
    if (isAsk && corr !== 0) this.#out.reply(senderThread, corr, error, true);
    this.#givenUp(id, isAsk ? ENTRY_ASK : ENTRY_TELL);
  }

  /** A message its actor will never handle: a dead letter, and an ask answered with ActorStoppedError. */
  undeliverable(isAsk: boolean, name: string, msg: unknown, senderId: number, senderThread: number, corr: number): void {
    this.#out.deadLetter('actor-stopped', name, msg, senderId === 0 ? null : this.#actors.nameOf(senderId, senderThread));
    if (isAsk && corr !== 0) this.#out.reply(senderThread, corr, new ActorStoppedError(name), true);
  }
}
