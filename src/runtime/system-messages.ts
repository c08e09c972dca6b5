/**
 * Where system messages are handled: the records of kind K_SYSTEM addressed to this thread (spawn, stop, poison,
 * names, supervision, death watch, thread deaths), whether they came through a ring or from this thread itself.
 * Reports meant for the main thread's registry and event stream are passed on to it.
 *
 * Contract: one SystemMessages per Runtime, used only by its thread. `slot` is the journal slot of a journaled
 * system message (spawn, stop, poison, watch): each branch either keeps it for as long as what it records stands
 * (an actor's life, a stop in progress, a watch) or releases it.
 */
import { deserializeError } from '../errors.js';
import type { SystemMessage } from '../protocol.js';
import type { ActorTable } from './actors.js';
import { STOPPED } from './cell.js';
import { NO_SLOT, type Journaling } from './journaling.js';
import type { Lifecycle } from './lifecycle.js';
import { childName } from './names.js';
import type { Stopping } from './stopping.js';
import type { Outbound } from './outbound.js';
import type { Supervision } from './supervision.js';
import type { DeathWatch } from './watch.js';

export interface SystemMessagesHost {
  /** Thread `thread` died for good (the main thread gave up on it). */
  threadDead(thread: number, cause: Error): void;
}

export class SystemMessages {
  readonly #actors: ActorTable;
  readonly #lifecycle: Lifecycle;
  readonly #stopping: Stopping;
  readonly #sup: Supervision;
  readonly #watch: DeathWatch;
  readonly #out: Outbound;
  readonly #journal: Journaling;
  readonly #host: SystemMessagesHost;

  constructor(
    parts: { actors: ActorTable; lifecycle: Lifecycle; stopping: Stopping; sup: Supervision; watch: DeathWatch; out: Outbound; journal: Journaling },
    host: SystemMessagesHost,
  ) {
    this.#actors = parts.actors;
    this.#lifecycle = parts.lifecycle;
    this.#stopping = parts.stopping;
    this.#sup = parts.sup;
    this.#watch = parts.watch;
    this.#out = parts.out;
    this.#journal = parts.journal;
    this.#host = host;
  }

  /**
   * One system message for this thread. `recovered` is set when a replacement worker replays a spawn whose actor
   * had already started before the crash.
   */
  handle(m: SystemMessage, fromThread: number, targetId: number, corr: number, slot: number, recovered?: Error): void {
    switch (m.type) {
      case 'spawn':
        this.#lifecycle.onSpawnRequest(m, fromThread, targetId, corr, slot, recovered);
        return;
      case 'stop':
        this.#stopping.onStopRequest(targetId, fromThread, corr, slot);
        return;
      case 'poison':
        this.#stopping.onPoison(targetId, fromThread, corr, slot);
        return;
      case 'name':
        this.#actors.rememberName(m.id, m.name);
        return;
      case 'thread-dead':
        this.#host.threadDead(m.thread, deserializeError(m.error));
        return;
      case 'thread-restarted':
        // The replacement knows no names: announce them again before the next message there.
        for (const cell of this.#actors.values()) if (cell.announced !== undefined) cell.announced[m.thread] = 0;
        return;
      case 'adopt': {
        const cell = this.#actors.get(m.parent.id);
        if (cell === undefined || cell.status === STOPPED) return;
        const children = (cell.children ??= new Map());
        for (const child of m.children) children.set(childName(cell.ref, child), child);
        return;
      }
      case 'child-terminated': {
        const cell = this.#actors.get(targetId);
        if (cell === undefined) return;
        const short = childName(cell.ref, m.child);
        if (cell.children?.get(short)?.id === m.child.id) cell.children.delete(short);
        this.#sup.onChildTerminated(cell, m.child);
        this.#stopping.finishStop(cell);
        return;
      }
      // ---- actor supervision (supervision.ts) and death watch (watch.ts) ----
      case 'child-failed':
        this.#sup.onChildFailed(targetId, m.child, deserializeError(m.error), m.definition);
        return;
      case 'supervise':
        this.#sup.onSupervise(targetId, m.directive, deserializeError(m.error), m.delayMs);
        return;
      case 'watch': {
        this.#watch.onWatch(m.watcher, m.target);
        // Journaled while it stands, so that a replacement of this worker still notifies the watcher.
        const cell = this.#actors.get(m.target.id);
        if (slot !== NO_SLOT && cell !== undefined && cell.status !== STOPPED) {
          const slots = (cell.watchSlots ??= new Map());
          const old = slots.get(m.watcher.id);
          if (old !== undefined) this.#journal.release(old);
          slots.set(m.watcher.id, slot);
        } else {
          this.#journal.release(slot);
        }
        return;
      }
      case 'unwatch': {
        this.#watch.onUnwatch(targetId, m.watcher);
        const cell = this.#actors.get(targetId);
        const watchSlot = cell?.watchSlots?.get(m.watcher.id);
        if (watchSlot !== undefined) {
          cell!.watchSlots!.delete(m.watcher.id);
          this.#journal.release(watchSlot);
        }
        return;
      }
      case 'terminated':
        this.#watch.onTerminated(targetId, m.actor);
        return;
      default:
        // Reports for the main thread's registry and event stream.
        this.#out.report(m, fromThread);
    }
  }
}
