/**
 * Death watch (Akka's `context.watch`): an actor asks to hear when another stops, wherever each lives.
 *
 * Contract: one DeathWatch per Runtime, used only by that runtime's thread. The state is split by side:
 * - the watcher's thread keeps whom each of its actors watches (`#watching`): a `Terminated` is delivered only while
 *   the watch is still there, which makes `unwatch` final even for a notification already on its way;
 * - the watched actor's thread keeps who watches each of its actors (`#watchers`), and notifies them when it stops.
 * Messages: 'watch' / 'unwatch' go to the watched actor's thread, 'terminated' to the watcher's. A 'terminated'
 * from X travels on the same ring as X's earlier messages to the watcher, so it is delivered after them.
 */
import { TERMINATED, type Terminated } from '../actor.js';
import type { SystemMessage } from '../protocol.js';
import type { ActorRef } from '../ref.js';
import { RUNNING, type Cell } from './cell.js';
import { isRemoteId } from './ids.js';
import type { RemoteWatch } from './remote-host.js';

/** What death watch needs from its runtime. */
export interface WatchHost {
  /** The cell of a local actor (running, stopping, or stopped but not yet removed). */
  cell(id: number): Cell | undefined;
  /** An id spawned by another thread whose spawn request has not arrived yet. */
  notSpawnedYet(id: number): boolean;
  sendSystem(thread: number, target: ActorRef, m: SystemMessage): void;
  /** Puts a message in a running actor's mailbox, as a tell with no sender. */
  deliver(cell: Cell, message: Terminated): void;
}

/**
 * Terminated messages delivered to a mailbox whose watcher unwatched before handling them: skipped when their turn
 * comes (Akka: after unwatch, no Terminated for that actor is received, even one already queued).
 */
const discarded = new WeakSet<object>();
export function isDiscardedTerminated(msg: unknown): boolean {
  return typeof msg === 'object' && msg !== null && discarded.has(msg);
}

export class DeathWatch {
  /** Per watcher: the Terminated messages queued in its mailbox and not handled yet, by watched id. */
  readonly #queued = new WeakMap<Cell, Map<number, object>>();
  readonly #host: WatchHost;
  /** Per watched actor: its watchers by id. */
  readonly #watchers = new WeakMap<Cell, Map<number, ActorRef>>();
  /** Per watcher: the actors it watches, by id. */
  readonly #watching = new WeakMap<Cell, Map<number, ActorRef>>();
  /** Watch requests that arrived before the watched actor's spawn request (it travels on another ring). */
  readonly #pending = new Map<number, { watcher: ActorRef; target: ActorRef }[]>();

  /** On the main thread of a node in a cluster: watches of and by actors of other nodes (proxy ids). */
  remote: RemoteWatch | undefined;

  constructor(host: WatchHost) {
    this.#host = host;
  }

  /** `watcher` (a local actor) watches `target`. */
  watch(watcher: Cell, target: ActorRef): void {
    if (target.id === watcher.id) return;
    let watching = this.#watching.get(watcher);
    if (watching === undefined) this.#watching.set(watcher, (watching = new Map()));
    if (watching.has(target.id)) return;
    watching.set(target.id, target);
    this.#host.sendSystem(target.thread, target, { type: 'watch', watcher: watcher.ref, target });
  }

  unwatch(watcher: Cell, target: ActorRef): void {
    const queued = this.#queued.get(watcher)?.get(target.id);
    if (queued !== undefined) {
      discarded.add(queued);
      this.#queued.get(watcher)!.delete(target.id);
    }
    if (this.#watching.get(watcher)?.delete(target.id) === true) {
      this.#host.sendSystem(target.thread, target, { type: 'unwatch', watcher: watcher.ref });
    }
  }

  /** On the watched actor's thread: add the watcher, or answer at once when the actor is gone. */
  onWatch(watcher: ActorRef, target: ActorRef): void {
    if (this.remote !== undefined && isRemoteId(target.id)) return this.remote.watch(watcher, target);
    const cell = this.#host.cell(target.id);
    if (cell !== undefined) {
      // A stopping (or stopped, postStop still running) actor still notifies its watchers when it is removed.
      let watchers = this.#watchers.get(cell);
      if (watchers === undefined) this.#watchers.set(cell, (watchers = new Map()));
      watchers.set(watcher.id, watcher);
      return;
    }
    if (this.#host.notSpawnedYet(target.id)) {
      let list = this.#pending.get(target.id);
      if (list === undefined) this.#pending.set(target.id, (list = []));
      list.push({ watcher, target });
      return;
    }
    this.#host.sendSystem(watcher.thread, watcher, { type: 'terminated', actor: target });
  }

  onUnwatch(targetId: number, watcher: ActorRef): void {
    if (this.remote !== undefined && isRemoteId(targetId)) return this.remote.unwatch(watcher, targetId);
    const cell = this.#host.cell(targetId);
    if (cell !== undefined) this.#watchers.get(cell)?.delete(watcher.id);
    const list = this.#pending.get(targetId);
    if (list !== undefined) {
      const rest = list.filter((p) => p.watcher.id !== watcher.id);
      if (rest.length > 0) this.#pending.set(targetId, rest);
      else this.#pending.delete(targetId);
    }
  }

  /** On the watcher's thread: `actor` stopped; deliver `Terminated` if the watch still stands. */
  onTerminated(watcherId: number, actor: ActorRef): void {
    if (this.remote !== undefined && isRemoteId(watcherId)) return this.remote.terminated(watcherId, actor);
    const cell = this.#host.cell(watcherId);
    if (cell === undefined || cell.status !== RUNNING) return;
    if (this.#watching.get(cell)?.delete(actor.id) !== true) return; // unwatched meanwhile
    const message: Terminated = { type: TERMINATED, actor };
    let queued = this.#queued.get(cell);
    if (queued === undefined) this.#queued.set(cell, (queued = new Map()));
    queued.set(actor.id, message);
    this.#host.deliver(cell, message);
  }

  /** The spawn request of `id` arrived (or failed): answer the watch requests that waited for it. */
  flushPending(id: number): void {
    const list = this.#pending.get(id);
    if (list === undefined) return;
    this.#pending.delete(id);
    for (const { watcher, target } of list) this.onWatch(watcher, target);
  }

  /**
   * Thread `thread` was given up on: every actor it hosted is gone, and their watchers here hear of it now (the
   * watch lists died with that thread).
   */
  onThreadDead(thread: number, cells: Iterable<Cell>): void {
    for (const cell of cells) {
      const watching = this.#watching.get(cell);
      if (watching === undefined) continue;
      for (const target of [...watching.values()]) if (target.thread === thread) this.onTerminated(cell.id, target);
    }
  }

  /** A local actor is being removed: notify its watchers, and drop it from the lists of those it watched. */
  onStopped(cell: Cell): void {
    const watchers = this.#watchers.get(cell);
    if (watchers !== undefined) {
      this.#watchers.delete(cell);
      for (const w of watchers.values()) this.#host.sendSystem(w.thread, w, { type: 'terminated', actor: cell.ref });
    }
    const watching = this.#watching.get(cell);
    if (watching !== undefined) {
      this.#watching.delete(cell);
      for (const t of watching.values()) this.#host.sendSystem(t.thread, t, { type: 'unwatch', watcher: cell.ref });
    }
  }
}
