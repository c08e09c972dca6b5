/**
 * Stop: where actors end on a thread. A stop stops the children first, then runs postStop, then turns what is
 * still queued into dead letters (asks answered with ActorStoppedError), releases the actor's journal records, and
 * tells the main thread, supervision, death watch, the parent, and whoever asked for the stop, in that order.
 *
 * Contract: one Stopping per Runtime, used only by its thread.
 */
import type { Credits } from './credits.js';
import { BOUNDED_ID_MIN, creditSlotOf } from './ids.js';
import { ENTRY_ASK, ENTRY_POISON } from '../dispatch/mailbox.js';
import { serializeError } from '../errors.js';
import type { ActorRef } from '../ref.js';
import type { ActorTable } from './actors.js';
import { RUNNING, STOPPED, STOPPING, type Cell } from './cell.js';
import type { Delivery } from './delivery.js';
import { NO_SLOT, type Journaling } from './journaling.js';
import type { Outbound } from './outbound.js';
import { isThenable, type Turns } from './turns.js';

/** What stopping needs from the rest of its runtime (supervision and death watch). */
export interface StoppingHost {
  /** The thread's actor count, for least-loaded placement, and the live count of the cell's definition. */
  countActors(delta: number, cell: Cell): void;
  /** `from` stops `ref`: a restart in preRestart waits for the children it stops. */
  noteStop(from: Cell, ref: ActorRef): void;
  /**
   * The actor is being removed: its timers and receive timeout are cancelled, its stashed messages become dead
   * letters (before what is still queued: they are older).
   */
  beforeRemove(cell: Cell): void;
  /** A local actor is being removed: supervision and death watch forget it (and notify watchers). */
  stopped(cell: Cell): void;
}

export class Stopping {
  readonly #actors: ActorTable;
  readonly #out: Outbound;
  readonly #journal: Journaling;
  readonly #turns: Turns;
  readonly #delivery: Delivery;
  readonly #host: StoppingHost;
  readonly #credits: Credits | undefined;

  constructor(parts: { actors: ActorTable; out: Outbound; journal: Journaling; turns: Turns; delivery: Delivery; credits?: Credits }, host: StoppingHost) {
    this.#credits = parts.credits;
    this.#actors = parts.actors;
    this.#out = parts.out;
    this.#journal = parts.journal;
    this.#turns = parts.turns;
    this.#delivery = parts.delivery;
    this.#host = host;
  }

  /** Stops an actor: its children first, then postStop, then its queued messages become dead letters. */
  stop(cell: Cell): void {
    if (cell.status !== RUNNING) return;
    cell.status = STOPPING;
    if (cell.children !== undefined) for (const child of cell.children.values()) this.#out.sendSystem(child.thread, child, { type: 'stop' });
    this.finishStop(cell);
  }

  /** `ctx.stop(ref)` from actor `from`. */
  stopRef(from: Cell, ref: ActorRef): void {
    if (ref.id === from.id) return this.stop(from);
    this.#host.noteStop(from, ref);
    this.#out.sendSystem(ref.thread, ref, { type: 'stop' });
  }

  /** A stop request for a local actor; `corr` is answered once it has stopped (at once when it already has). */
  onStopRequest(id: number, fromThread: number, corr: number, slot: number): void {
    const cell = this.#stopTarget(id, fromThread, corr, slot);
    if (cell === undefined) return;
    // Journaled until the actor has stopped: a replacement worker finishes a stop the dead one began.
    if (slot !== NO_SLOT) (cell.stopSlots ??= []).push(slot);
    this.stop(cell);
  }

  /** A poison pill: a stop processed in order, after the messages queued before it. */
  onPoison(id: number, fromThread: number, corr: number, slot: number): void {
    const cell = this.#stopTarget(id, fromThread, corr, slot);
    if (cell === undefined) return;
    if (cell.status !== RUNNING) {
      this.#journal.release(slot);
      return;
    }
    this.#turns.enqueue(cell, ENTRY_POISON, undefined, 0, fromThread, 0, slot);
  }

  /** The actor a stop or poison pill is for, with `corr` noted for the stop's answer; undefined when already gone. */
  #stopTarget(id: number, fromThread: number, corr: number, slot: number): Cell | undefined {
    const cell = this.#actors.get(id);
    if (cell === undefined || cell.status === STOPPED) {
      if (corr !== 0) this.#out.reply(fromThread, corr, null, false);
      this.#journal.release(slot);
      return undefined;
    }
    if (corr !== 0) (cell.stopAcks ??= []).push(fromThread, corr);
    return cell;
  }

  /** Finishes a stop once the children have terminated and no handler is running. */
  finishStop(cell: Cell): void {
    if (cell.status !== STOPPING || (cell.children?.size ?? 0) > 0 || cell.busy) return;
    cell.status = STOPPED;
    const reportStopFailure = (err: unknown): void => {
      this.#out.report({ type: 'actor-failed', actor: cell.ref.name, definition: cell.def.name, error: serializeError(err), directive: 'stop' });
    };
    try {
      const r = cell.def.behavior.postStop?.(cell.state, cell.ctx);
      if (isThenable(r)) {
        this.#turns.await(r, (err, failed) => {
          if (failed) reportStopFailure(err);
          this.#remove(cell);
        });
        return;
      }
    } catch (err) {
      reportStopFailure(err);
    }
    this.#remove(cell);
  }

  #remove(cell: Cell): void {
    this.#actors.remove(cell);
    this.#host.countActors(-1, cell);
    this.#host.beforeRemove(cell);
    const mb = cell.mailboxIfAny;
    while (mb !== undefined && mb.size > 0) {
      const kind = mb.headKind;
      // Poison pills, timer ticks and receive timeouts are the actor's own: cancelled with it, nobody to tell.
      if (kind < ENTRY_POISON) {
        this.#delivery.undeliverable(kind === ENTRY_ASK, cell.ref.name, mb.headMsg, mb.headSenderId, mb.headSenderThread, mb.headCorr);
      }
      const slot = mb.headSlot;
      this.#journal.release(slot);
      mb.shift();
      this.#turns.dropped(cell, kind, slot);
    }
    // Its credit slot serves a later bounded spawn of this thread; messages still in rings give their credits back.
    if (cell.id >= BOUNDED_ID_MIN) this.#credits?.free(creditSlotOf(cell.id));
    this.#journal.release(cell.spawnSlot);
    if (cell.stopSlots !== undefined) for (const slot of cell.stopSlots) this.#journal.release(slot);
    if (cell.watchSlots !== undefined) for (const slot of cell.watchSlots.values()) this.#journal.release(slot);
    // The main thread hears of this stop before the parent does: a parent on this thread may finish its own stop
    // inside the child-terminated handling, and its report must come after ours.
    this.#out.report({ type: 'unregistered', ref: cell.ref });
    this.#host.stopped(cell);
    if (cell.parent) this.#out.sendSystem(cell.parent.thread, cell.parent, { type: 'child-terminated', child: cell.ref });
    const acks = cell.stopAcks ?? [];
    for (let i = 0; i < acks.length; i += 2) this.#out.reply(acks[i]!, acks[i + 1]!, null, false);
  }
}
