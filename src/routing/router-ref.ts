/**
 * RouterRef: a router as a value on the sending thread (Akka's RoutedActorRef). `tell` picks a routee here and
 * hands the message to that routee's ref: one ring record to the routee's thread, no hop through a router actor.
 * The routing logic reads only what this thread has: the routee list (a pool head on the same thread keeps it
 * current), a per-RouterRef round-robin counter, and for smallest-mailbox the routees' pending counts in shared
 * memory (transport/depth.ts), which every thread sees.
 *
 * Contract: a RouterRef is used on one thread: the one that made it (a pool's: the main thread; a group's: the
 * thread its refs are bound to), or the one that decoded it from a message. A copy decoded on another thread
 * routes over the routees it was sent with, minus those the pool's head removed since: it reads the pool's
 * version in the routee table (transport/layout.ts) on each message, and the routees' tags when it moved.
 */
import { ActorStoppedError, InvalidArgumentError } from '../errors.js';
import type { ActorRef, AskOptions } from '../ref.js';
import type { Clock } from '../runtime/clock.js';
import { addPending, handledOne, pendingOf, tagOf } from '../transport/depth.js';
import { type Broadcast, isBroadcast } from './broadcast.js';
import { checkMs, type LogicOptions, type RouterKind } from './kinds.js';
import { Routees } from './routees.js';
import { scatterGather, tailChop, type RaceHost } from './races.js';

/** What a router needs of the runtime of its thread (Runtime has all of it). */
export interface RouterHost {
  readonly clock: Clock;
  readonly depth: Int32Array;
  deadLetter(reason: 'superseded' | 'no-routees', target: string, message: unknown): void;
}

/** Errors that mean the message was never sent (so a counted pending message must be taken back). */
const NOT_SENT: ReadonlySet<unknown> = new Set(['ERR_MESSAGE_ENCODE', 'ERR_MESSAGE_TOO_LARGE', 'ERR_INVALID_ARGUMENT', 'ERR_SYSTEM_STOPPED']);
/** The version of a router's payload in a message (wire.ts reads it). */
export const ROUTER_WIRE_VERSION = 1;

/** A pool's identity in the routee table: its routees' tag, its own slot (its version), and its head. */
export interface PoolLink {
  readonly tag: number;
  readonly slot: number;
  readonly head: ActorRef;
}

/** A copy on another thread: every routee it was sent with, and the pool version its current list is from. */
interface CopyState {
  readonly all: Routees;
  seen: number;
}

/** Set by RouterRef's static block: what a message carries for a router (wire.ts). */
let wire: (router: RouterRef<any, any>) => unknown[];

/** @internal The payload of a router in a message: `[version, name, kind, timing, keySource, routees, slots, pool]`. */
export function routerWire(router: RouterRef<any, any>): unknown[] {
  return wire(router);
}

export class RouterRef<M = unknown, R = unknown> {
  /** The router's name: its head's for a pool, `group` for a group. */
  readonly name: string;
  readonly kind: RouterKind;
  #routees: Routees;
  readonly #logic: LogicOptions;
  readonly #host: RouterHost;
  readonly #stop: (() => Promise<void>) | undefined;
  readonly #pool: PoolLink | undefined;
  readonly #copy: CopyState | undefined;
  /** smallest-mailbox: routed messages are counted in the routee table. */
  readonly #counts: boolean;
  /** Round-robin position, and where smallest-mailbox starts looking (its ties go round-robin). */
  #next = 0;
  /** Type-only: the messages and reply this router takes. */
  declare readonly __types?: { message: M; reply: R };

  /** @internal routers are made by system.spawnRouter (pools) and Group.* (groups). */
  constructor(
    name: string,
    logic: LogicOptions,
    routees: Routees,
    host: RouterHost,
    options: { stop?: () => Promise<void>; pool?: PoolLink; copy?: boolean } = {},
  ) {
    this.name = name;
    this.kind = logic.kind;
    this.#logic = logic;
    this.#routees = routees;
    this.#host = host;
    this.#stop = options.stop;
    this.#pool = options.pool;
    this.#copy = options.copy === true && options.pool !== undefined ? { all: routees, seen: Number.NaN } : undefined;
    this.#counts = logic.kind === 'smallest-mailbox';
  }

  /**
   * The routees to route over now. A copy of a pool on another thread drops those its head removed since it was
   * sent (all of them once the pool stopped): one Atomics.load of the pool's version per message, the routees'
   * tags only when the version moved.
   */
  #live(): Routees {
    const copy = this.#copy;
    if (copy === undefined) return this.#routees;
    const table = this.#host.depth;
    const pool = this.#pool!;
    // Versions and tags come from one growing sequence per system: a moved version means re-read the tags, which
    // name the pool (a stopped pool untagged its routees; a slot another pool took since carries other numbers).
    const version = tagOf(table, pool.slot);
    if (version !== copy.seen) {
      copy.seen = version;
      const refs: ActorRef[] = [];
      const slots: number[] = [];
      copy.all.refs.forEach((ref, i) => {
        const slot = copy.all.slotAt(i);
        if (tagOf(table, slot) === pool.tag) {
          refs.push(ref);
          slots.push(slot);
        }
      });
      this.#routees = new Routees(refs, slots);
    }
    return this.#routees;
  }

  /**
   * Routes `message` to one routee (to every routee for a `broadcast(msg)`, and for the broadcast and
   * scatter-gather kinds) on this thread. Returns what the routee's `tell` returned (every one's, for a
   * broadcast): false when a ring was full (the overflow policy applied to that copy). With no routees left it
   * returns false and publishes a 'no-routees' dead letter.
   */
  tell(message: M | Broadcast<M>): boolean {
    this.#live();
    const kind = this.kind;
    if (isBroadcast(message)) return this.#tellAll(message.message);
    if (kind === 'broadcast' || kind === 'scatter-gather-first-completed') return this.#tellAll(message);
    const i = this.#pick(message);
    if (i < 0) return this.#noRoutees(message);
    return this.#tellOne(i, message);
  }

  /** Like `tell`, waiting for ring room instead of refusing (never drops). With no routees: a 'no-routees' dead letter. */
  async send(message: M | Broadcast<M>): Promise<void> {
    this.#live();
    const kind = this.kind;
    const all = isBroadcast(message) || kind === 'broadcast' || kind === 'scatter-gather-first-completed';
    const msg = isBroadcast(message) ? message.message : message;
    const n = this.#routees.size;
    if (n === 0) {
      this.#noRoutees(msg);
      return;
    }
    if (all) {
      await Promise.all(this.#routees.refs.map((_, i) => this.#counted(i, (ref) => ref.send(msg))));
      return;
    }
    const i = this.#pick(msg);
    await this.#counted(i, (ref) => ref.send(msg));
  }

  /**
   * Asks one routee, chosen by the logic, and settles with its reply or error. Scatter-gather asks every routee
   * and settles with the first reply (later ones are 'superseded' dead letters); tail-chopping asks a random
   * routee, then another every `intervalMs`, and settles with the first reply. Both reject with AskTimeoutError
   * after `withinMs` without a reply, or with the first failure when every routee failed. A broadcast cannot be
   * asked (InvalidArgumentError). With no routees: ActorStoppedError at once, and a 'no-routees' dead letter.
   */
  ask<T = R>(message: M, options?: AskOptions): Promise<T> {
    try {
      this.#live();
      if (isBroadcast(message) || this.kind === 'broadcast') {
        throw new InvalidArgumentError(
          `ask through router '${this.name}': a broadcast goes to every routee and would get one reply from each; use a scatter-gather router (first reply wins) or tell`,
        );
      }
      if (options?.timeoutMs !== undefined) checkMs(options.timeoutMs, 'timeoutMs', `ask through router '${this.name}'`);
      if (this.#routees.size === 0) {
        this.#noRoutees(message);
        throw new ActorStoppedError(this.name, 'the router has no routees left');
      }
      if (this.kind === 'scatter-gather-first-completed') return scatterGather(this.#race(), message, options?.timeoutMs ?? this.#logic.withinMs!, options?.signal) as Promise<T>;
      if (this.kind === 'tail-chopping') {
        return tailChop(this.#race(), message, options?.timeoutMs ?? this.#logic.withinMs!, this.#logic.intervalMs!, options?.signal) as Promise<T>;
      }
      const i = this.#pick(message);
      return this.#counted(i, (ref) => ref.ask(message, options)) as Promise<T>;
    } catch (err) {
      return Promise.reject(err);
    }
  }

  /** The current routees (Akka's GetRoutees): a pool's live ones, in spawn order; a group's refs. */
  routees(): Promise<ActorRef<M, R>[]> {
    return Promise.resolve([...this.#live().refs] as ActorRef<M, R>[]);
  }

  /**
   * Stops a pool: its head, and with it every routee (children first). A group stops nothing. A copy of a pool
   * received in a message cannot stop it (InvalidArgumentError): the pool is stopped where it was spawned.
   */
  stop(): Promise<void> {
    if (this.#copy !== undefined) {
      return Promise.reject(new InvalidArgumentError(`router '${this.name}' is a copy received in a message; stop the pool with the RouterRef spawnRouter returned`));
    }
    return this.#stop?.() ?? Promise.resolve();
  }

  static {
    // What a message carries for a router (the extension at the end of this file), kept off the public surface.
    wire = (router: RouterRef<any, any>): unknown[] => {
      const l = router.#logic;
      const routees = router.#live();
      const timing = {
        ...(l.withinMs === undefined ? {} : { withinMs: l.withinMs }),
        ...(l.intervalMs === undefined ? {} : { intervalMs: l.intervalMs }),
        ...(l.virtualNodesFactor === undefined ? {} : { virtualNodesFactor: l.virtualNodesFactor }),
      };
      const pool = router.#pool;
      const slots = routees.refs.map((_, i) => routees.slotAt(i));
      return [ROUTER_WIRE_VERSION, router.name, router.kind, timing, l.keySource ?? null, [...routees.refs], slots, pool ? [pool.tag, pool.slot, pool.head] : null];
    };
  }

  toString(): string {
    return `RouterRef(${this.name}, ${this.kind}, ${this.#routees.size} routee(s))`;
  }

  // ------------------------------------------------------------------ routing

  /** The routee for `message`, or -1 when there is none. */
  #pick(message: unknown): number {
    const routees = this.#routees;
    const n = routees.size;
    if (n === 0) return -1;
    switch (this.kind) {
      case 'round-robin': {
        const i = this.#next % n;
        this.#next = i + 1;
        return i;
      }
      case 'consistent-hashing':
        return routees.ring(this.#logic.virtualNodesFactor!).ownerOf(this.#logic.keyOf!(message));
      case 'smallest-mailbox': {
        // Lowest pending count wins; scanning from a rotating start makes ties go round-robin.
        const start = this.#next % n;
        this.#next = start + 1;
        let best = start;
        let bestScore = Number.POSITIVE_INFINITY;
        for (let k = 0; k < n; k++) {
          const i = (start + k) % n;
          const slot = routees.slotAt(i);
          const score = slot < 0 ? 0 : pendingOf(this.#host.depth, slot);
          if (score < bestScore) {
            best = i;
            bestScore = score;
            if (score === 0) break;
          }
        }
        return best;
      }
      default: // random, and a tail-chopping tell (no reply to chop for)
        return Math.floor(Math.random() * n);
    }
  }

  #tellOne(i: number, message: unknown): boolean {
    const ref = this.#routees.at(i);
    const slot = this.#routees.slotAt(i);
    if (slot < 0 || !this.#counts) return ref.tell(message);
    // Counted before the record is written: the routee's thread may handle it before this line would run after.
    const depth = this.#host.depth;
    addPending(depth, slot);
    let ok = false;
    try {
      ok = ref.tell(message);
    } finally {
      if (!ok) handledOne(depth, slot);
    }
    return ok;
  }

  #tellAll(message: unknown): boolean {
    const n = this.#routees.size;
    if (n === 0) return this.#noRoutees(message);
    let all = true;
    for (let i = 0; i < n; i++) if (!this.#tellOne(i, message)) all = false;
    return all;
  }

  /** Runs `op` on routee `i`, counting it pending first (smallest-mailbox) and taking it back if it was not sent. */
  #counted<T>(i: number, op: (ref: ActorRef) => Promise<T>, routees: Routees = this.#routees): Promise<T> {
    const ref = routees.at(i);
    const slot = routees.slotAt(i);
    if (slot < 0 || !this.#counts) return op(ref);
    const depth = this.#host.depth;
    addPending(depth, slot);
    const p = op(ref);
    p.catch((err: unknown) => {
      if (NOT_SENT.has((err as { code?: unknown } | null)?.code)) handledOne(depth, slot);
    });
    return p;
  }

  #noRoutees(message: unknown): false {
    this.#host.deadLetter('no-routees', this.name, message);
    return false;
  }

  /** What the two racing asks (races.ts) need of this router: its routees now, and one counted ask to routee i. */
  #race(): RaceHost {
    // A snapshot: the head may remove a routee while the race runs, and indexes must keep meaning the same routee.
    const routees = this.#routees.snapshot();
    return {
      name: this.name,
      clock: this.#host.clock,
      size: routees.size,
      nameAt: (i) => routees.at(i).name,
      ask: (i, message, options) => this.#counted(i, (r) => r.ask(message, options), routees),
      superseded: (routee, value) => this.#host.deadLetter('superseded', routee, value),
    };
  }
}
