/**
 * Spawn and start: where actors begin on a thread. A spawn places the actor (dispatch/placement.ts), then creates
 * its cell here or sends the spawn request to its thread (on the same ring as this thread's later messages to it,
 * so they arrive after it); the start runs init and preStart, or postRestart for an actor re-created after its
 * worker crashed. Where they end: stopping.ts.
 *
 * Contract: one Lifecycle per Runtime, used only by its thread.
 */
import { findDefinition, knownDefinitions, type ActorDefinition, type SpawnOptions } from '../actor.js';
import type { Placer } from '../dispatch/placement.js';
import {
  ActorFailedError,
  ActorStoppedError,
  InvalidArgumentError,
  NameTakenError,
  SystemStoppedError,
  UnknownDefinitionError,
  JournalFullError,
  serializeError,
} from '../errors.js';
import { K_SYSTEM, type SystemMessage } from '../protocol.js';
import { ActorRef, type RefRuntime } from '../ref.js';
import type { Codec } from '../transport/codec.js';
import type { ActorTable } from './actors.js';
import { Cell, RUNNING, type CellHost } from './cell.js';
import { childName, validateActorName, validateActorPath } from './names.js';
import type { Stopping } from './stopping.js';
import type { Delivery } from './delivery.js';
import { counterOf, idHi, idLo, makeId, originOf } from './ids.js';
import { NO_SLOT, UNJOURNALED, type Journaling } from './journaling.js';
import { BOUNDED_OVERFLOWS, type Credits } from './credits.js';
import { DEFAULT_BOUNDED_OVERFLOW } from './mailbox-kind.js';
import type { Outbound } from './outbound.js';
import { isThenable, type Turns } from './turns.js';

/**
 * @internal A spawn option only pool heads set (src/routing/): the routee's slot in the routee table. It
 * travels in the spawn request, so the spawn record in the journal keeps it across a worker crash.
 */
export const DEPTH_SLOT = Symbol.for('ringmaster.depthSlot');

/** What spawn and stop need from the rest of their runtime (supervision and death watch). */
export interface LifecycleHost {
  /** True once shutdown began: no more spawns. */
  isClosed(): boolean;
  /** Refs this runtime makes are bound to it. */
  readonly refRuntime: RefRuntime;
  readonly cellHost: CellHost;
  /** The thread's actor count, for least-loaded placement, and the live count of the cell's definition. */
  countActors(delta: number, cell: Cell): void;
  /** Where actors of `definition` count in this thread's metrics page (runtime/metrics.ts). */
  metricsRow(definition: string): number;
  /** The spawn request for `id` was handled: watch requests that overtook it apply now. */
  spawnHandled(id: number): void;
}

export class Lifecycle {
  readonly #thread: number;
  readonly #defaultPlacement: SpawnOptions<unknown>['placement'];
  readonly #placer: Placer;
  readonly #codec: Codec;
  readonly #systemLimit: number;
  readonly #actors: ActorTable;
  readonly #out: Outbound;
  readonly #journal: Journaling;
  readonly #turns: Turns;
  readonly #delivery: Delivery;
  readonly #stopping: Stopping;
  readonly #credits: Credits;
  readonly #host: LifecycleHost;
  #nextLocal = 0;

  constructor(
    thread: number,
    defaultPlacement: SpawnOptions<unknown>['placement'],
    placer: Placer,
    codec: Codec,
    systemLimit: number,
    parts: { actors: ActorTable; out: Outbound; journal: Journaling; turns: Turns; delivery: Delivery; stopping: Stopping; credits: Credits },
    host: LifecycleHost,
  ) {
    this.#thread = thread;
    this.#defaultPlacement = defaultPlacement;
    this.#placer = placer;
    this.#codec = codec;
    this.#systemLimit = systemLimit;
    this.#actors = parts.actors;
    this.#out = parts.out;
    this.#journal = parts.journal;
    this.#turns = parts.turns;
    this.#delivery = parts.delivery;
    this.#stopping = parts.stopping;
    this.#credits = parts.credits;
    this.#host = host;
  }

  /** This thread's spawn counter: ids are never reused, across a worker's replacement too (recovery raises it). */
  get nextLocal(): number {
    return this.#nextLocal;
  }
  raiseNextLocal(n: number): void {
    if (n > this.#nextLocal) this.#nextLocal = this.#journal.nextLocal = n;
  }

  /**
   * Spawns an actor (a child of `parent` when given) and returns its ref at once. When `ackCorr` is set, that ask
   * is answered once the actor has started (or failed to), wherever it lives.
   */
  spawn(parent: Cell | undefined, def: ActorDefinition<any, any, any, any>, options: SpawnOptions<unknown> | undefined, ackCorr = 0): ActorRef {
    if (this.#host.isClosed()) throw new SystemStoppedError(`spawn of '${def?.name}'`);
    if (def === null || typeof def !== 'object' || typeof def.name !== 'string') {
      throw new InvalidArgumentError('spawn needs an actor definition returned by defineActor(...)');
    }
    const known = findDefinition(def.name);
    if (known === undefined) throw new UnknownDefinitionError(def.name, knownDefinitions());
    if (options?.name !== undefined) validateActorName(options.name);
    const short = options?.name ?? `$${parent ? ++parent.childSeq : this.#nextLocal + 1}`;
    const name = parent ? `${parent.ref.name}/${short}` : short;
    validateActorPath(name);
    if (parent?.children?.has(short)) throw new NameTakenError(name);
    const placement = options?.placement ?? (parent ? 'local' : this.#defaultPlacement);
    const thread = this.#placer.place(placement!, name, this.#thread);
    // A copy, so the caller's later changes cannot reach the actor; undefined needs none (the common case).
    const args = options?.args === undefined ? undefined : this.#codec.copy(options.args);
    // A bounded mailbox: a credit slot, its capacity and overflow in shared memory before the ref exists (ids.ts).
    const mailbox = known.behavior.mailbox;
    const creditSlot =
      mailbox?.kind === 'bounded'
        ? this.#credits.allocate(mailbox.capacity, BOUNDED_OVERFLOWS.indexOf(mailbox.overflow ?? DEFAULT_BOUNDED_OVERFLOW), name)
        : 0;
    const id = makeId(this.#thread, ++this.#nextLocal, creditSlot);
    this.#journal.nextLocal = this.#nextLocal;
    const ref = new ActorRef(id, thread, name, this.#host.refRuntime);
    const depthSlot = (options as { [DEPTH_SLOT]?: number } | undefined)?.[DEPTH_SLOT];
    const request: Extract<SystemMessage, { type: 'spawn' }> = { type: 'spawn', definition: def.name, name };
    if (args !== undefined) request.args = args;
    if (parent !== undefined) request.parent = parent.ref;
    if (depthSlot !== undefined) request.depthSlot = depthSlot;
    if (thread === this.#thread) {
      let slot = NO_SLOT;
      if (this.#journal.enabled) {
        // A worker journals the actors it spawns for itself, so a replacement can re-create them.
        const p = this.#codec.encode(request, this.#systemLimit);
        const h = { kind: K_SYSTEM, targetHi: idHi(id), targetLo: idLo(id), senderHi: 0, senderLo: 0, senderThread: this.#thread, corr: ackCorr };
        slot = this.#journal.append(h, -1, 0, p.bytes, p.start, p.end);
        if (slot === UNJOURNALED) {
          this.#journal.release(slot);
          if (creditSlot !== 0) this.#credits.free(creditSlot);
          throw new JournalFullError(this.#thread, name);
        }
      }
      this.create(ref, known, args, parent?.ref, this.#thread, ackCorr, slot, undefined, depthSlot);
    } else {
      this.#out.sendSystem(thread, ref, request, ackCorr);
    }
    if (parent) (parent.children ??= new Map()).set(short, ref);
    return ref;
  }

  spawnChild(parent: Cell, def: ActorDefinition<any, any, any, any>, options: SpawnOptions<unknown> | undefined): ActorRef {
    if (parent.status !== RUNNING) throw new ActorStoppedError(parent.ref.name, 'it is stopping and cannot spawn children');
    return this.spawn(parent, def, options);
  }

  /** A spawn request for this thread (from another thread, or replayed by recovery). */
  onSpawnRequest(m: Extract<SystemMessage, { type: 'spawn' }>, fromThread: number, id: number, corr: number, slot: number, recovered?: Error): void {
    if (this.#actors.noteSpawn(id)) this.#journal.setSpawnSeen(originOf(id), counterOf(id));
    const def = findDefinition(m.definition);
    if (slot === UNJOURNALED) {
      // Not in the journal: a replacement after a crash could not re-create it. Refused, never silently at risk.
      this.#acknowledge(m.name, m.definition, new JournalFullError(this.#thread, m.name), fromThread, corr);
      this.#journal.release(slot);
    } else if (def === undefined) {
      this.#acknowledge(m.name, m.definition, new UnknownDefinitionError(m.definition, knownDefinitions()), fromThread, corr);
      this.#journal.release(slot);
    } else {
      const ref = new ActorRef(id, this.#thread, m.name, this.#host.refRuntime);
      this.create(ref, def, m.args, m.parent ?? undefined, fromThread, corr, slot, recovered, m.depthSlot);
    }
    this.#delivery.releaseEarly(id);
    this.#host.spawnHandled(id);
  }

  /** The spawn's outcome: an 'actor-failed' report when it failed, and the answer to its acknowledgement ask. */
  #acknowledge(name: string, definition: string, err: Error | undefined, thread: number, corr: number): void {
    if (err !== undefined) this.#out.report({ type: 'actor-failed', actor: name, definition, error: serializeError(err), directive: 'stop' });
    if (corr !== 0) this.#out.reply(thread, corr, err ?? null, err !== undefined);
  }

  /**
   * Creates the cell of an actor hosted here and starts it: init, then preStart (or, for an actor re-created after
   * its worker crashed, `recovered` set: postRestart when defined, since preStart, which may have spawned its
   * children, must not run again). Its start is acknowledged to `ackCorr` on `ackThread` (no closure per actor:
   * a spawn in bulk makes 100,000 of them).
   */
  create(
    ref: ActorRef,
    def: ActorDefinition<any, any, any, any>,
    args: unknown,
    parent: ActorRef | undefined,
    ackThread: number,
    ackCorr: number,
    spawnSlot: number = NO_SLOT,
    recovered?: Error,
    depthSlot?: number,
  ): void {
    const cell = new Cell(this.#host.cellHost, ref, def, args, parent);
    cell.spawnSlot = spawnSlot;
    if (depthSlot !== undefined) cell.depthSlot = depthSlot;
    cell.metricsAt = this.#host.metricsRow(def.name);
    this.#actors.add(cell);
    this.#host.countActors(1, cell);
    if (parent !== undefined && parent.thread === this.#thread && recovered !== undefined) {
      // Re-created after a crash: the parent (re-created just before, from an earlier record) gets its child back.
      const p = this.#actors.get(parent.id);
      if (p !== undefined) (p.children ??= new Map()).set(childName(parent, ref), ref);
    }
    this.#out.report({ type: 'registered', ref, definition: def.name, parent: parent ?? null, recovered: recovered !== undefined });
    try {
      cell.state = def.behavior.init ? def.behavior.init(args) : undefined;
      if (recovered !== undefined) {
        // A worker crash is nobody's failure: the actor comes back with fresh state and the children it had.
        this.#journal.start(spawnSlot);
        const r = def.behavior.postRestart?.(cell.state, recovered, cell.ctx);
        if (isThenable(r)) {
          this.#turns.track(cell, r, (err, failed) => {
            if (failed) this.#out.report({ type: 'actor-failed', actor: ref.name, definition: def.name, error: serializeError(err), directive: 'restart' });
          });
        }
        return;
      }
      const r = def.behavior.preStart?.(cell.state, cell.ctx);
      if (isThenable(r)) {
        this.#turns.track(cell, r, (err, failed) => {
          if (failed) return this.#failStart(cell, err, ackThread, ackCorr);
          this.#journal.start(spawnSlot);
          this.#acknowledge(ref.name, def.name, undefined, ackThread, ackCorr);
        });
        return;
      }
      this.#journal.start(spawnSlot);
      this.#acknowledge(ref.name, def.name, undefined, ackThread, ackCorr);
    } catch (err) {
      this.#failStart(cell, err, ackThread, ackCorr);
    }
  }

  /** init or preStart failed: the spawn fails with ActorFailedError, and the actor stops. */
  #failStart(cell: Cell, err: unknown, ackThread: number, ackCorr: number): void {
    this.#acknowledge(cell.ref.name, cell.def.name, new ActorFailedError(cell.ref.name, err), ackThread, ackCorr);
    cell.busy = false;
    this.#stopping.stop(cell);
  }

  /** Refs of every actor this thread hosts without a parent (top-level actors). */
  topLevel(): ActorRef[] {
    const out: ActorRef[] = [];
    for (const c of this.#actors.values()) if (c.parent === undefined) out.push(c.ref);
    return out;
  }
}
