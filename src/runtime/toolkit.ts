/**
 * What the toolkit's per-actor parts (stash.ts, timers.ts, receive-timeout.ts; behaviors.ts needs nothing) need of
 * their runtime, in one place: the clock, the actor's own mailbox, dead letters, the journal. And the two moments
 * they all follow: a new incarnation (a restart: behaviors back to `receive`, timers and receive timeout cancelled,
 * the stash in front of the mailbox) and the removal of a stopped actor (the stash becomes dead letters).
 *
 * Contract: one Toolkit per Runtime, used only by its thread.
 */
import { ENTRY_ASK, ENTRY_RECEIVE_TIMEOUT, ENTRY_TIMER, NO_SLOT } from '../dispatch/mailbox.js';
import type { Codec } from '../transport/codec.js';
import type { Clock, TimerHandle } from './clock.js';
import type { ActorTable } from './actors.js';
import { RUNNING, type Cell } from './cell.js';
import type { Delivery } from './delivery.js';
import type { Journaling } from './journaling.js';
import type { Outbound } from './outbound.js';
import type { ReceiveTimeoutHost } from './receive-timeout.js';
import type { Stashed, StashHost } from './stash.js';
import type { TimerEntry, TimersHost } from './timers.js';
import type { Turns } from './turns.js';

export interface ToolkitParts {
  thread: number;
  codec: Codec;
  actors: ActorTable;
  out: Outbound;
  journal: Journaling;
  turns: Turns;
  delivery: Delivery;
  clock: Clock;
  kick(): void;
}

export class Toolkit implements StashHost, TimersHost, ReceiveTimeoutHost {
  readonly #p: ToolkitParts;

  constructor(parts: ToolkitParts) {
    this.#p = parts;
  }

  /** Just before a restart builds the fresh state (Akka.NET's ClearActor and BeforeIncarnated). */
  reincarnate(cell: Cell): void {
    cell.behaviors = undefined;
    cell.timers?.cancelAll();
    cell.idle?.cancel();
    cell.stash?.unstashAll(cell, this);
  }

  /** A stopped actor is being removed: nothing of its own may fire again, and its stash becomes dead letters. */
  beforeRemove(cell: Cell): void {
    cell.timers?.cancelAll();
    cell.idle?.cancel();
    cell.stash?.drainOnStop(cell, this);
  }

  // ---- StashHost
  requeueFront(cell: Cell, e: Stashed): void {
    if (cell.status !== RUNNING) {
      this.discard(cell, e, 'actor-stopped', undefined);
      return;
    }
    this.#p.turns.requeueFront(cell, e.kind, e.msg, e.senderId, e.senderThread, e.corr, e.slot);
  }

  discard(cell: Cell, e: Stashed, reason: 'stash-discarded' | 'actor-stopped', err: Error | undefined): void {
    const p = this.#p;
    if (reason === 'actor-stopped' || err === undefined) {
      p.delivery.undeliverable(e.kind === ENTRY_ASK, cell.ref.name, e.msg, e.senderId, e.senderThread, e.corr);
    } else {
      p.out.deadLetter(reason, cell.ref.name, e.msg, e.senderId === 0 ? null : p.actors.nameOf(e.senderId, e.senderThread));
      if (e.kind === ENTRY_ASK && e.corr !== 0) p.out.reply(e.senderThread, e.corr, err, true);
    }
    p.journal.release(e.slot);
  }

  journalStash(slot: number, seq: number): void {
    this.#p.journal.stash(slot, seq);
  }

  // ---- TimersHost, ReceiveTimeoutHost: the clock, and the actor's own mailbox
  now(): number {
    return this.#p.clock.now();
  }

  setTimer(fn: () => void, delayMs: number): unknown {
    return this.#p.clock.setTimer(fn, delayMs);
  }

  clearTimer(handle: unknown): void {
    this.#p.clock.clearTimer(handle as TimerHandle);
  }

  freeze(message: unknown): () => unknown {
    const codec = this.#p.codec;
    const bytes = codec.copyOf(codec.encode(message));
    return () => codec.decode(bytes, 0, bytes.length);
  }

  enqueueTick(cell: Cell, tick: TimerEntry): void {
    this.#enqueueOwn(cell, ENTRY_TIMER, tick);
  }

  enqueueReceiveTimeout(cell: Cell): void {
    this.#enqueueOwn(cell, ENTRY_RECEIVE_TIMEOUT, this.now());
  }

  /** Not journaled: ticks and timeouts belong to this incarnation and die with the worker, like their timers. */
  #enqueueOwn(cell: Cell, kind: number, msg: unknown): void {
    if (cell.status !== RUNNING) return;
    this.#p.turns.enqueue(cell, kind, msg, 0, this.#p.thread, 0, NO_SLOT);
    this.#p.kick();
  }
}
