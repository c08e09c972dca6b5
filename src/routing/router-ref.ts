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
import { addExtension } from 'msgpackr';
import { findDefinition } from '../actor.js';
import { ActorStoppedError, AskTimeoutError, InvalidArgumentError } from '../errors.js';
import { ActorRef, boundRuntime, type AskOptions } from '../ref.js';
import type { Clock, TimerHandle } from '../runtime/clock.js';
import { addPending, handledOne, pendingOf, tagOf } from '../transport/depth.js';
import { type Broadcast, isBroadcast } from './broadcast.js';
import { checkMs, type LogicOptions, type RouterKind } from './kinds.js';
import { Routees } from './routees.js';
import { findRouting } from './routing-function.js';

/** What a router needs of the runtime of its thread (Runtime has all of it). */
export interface RouterHost {
  readonly clock: Clock;
  readonly depth: Int32Array;
  deadLetter(reason: 'superseded' | 'no-routees', target: string, message: unknown): void;
}

/** Errors that mean the message was never sent (so a counted pending message must be taken back). */
const NOT_SENT: ReadonlySet<unknown> = new Set(['ERR_MESSAGE_ENCODE', 'ERR_MESSAGE_TOO_LARGE', 'ERR_INVALID_ARGUMENT', 'ERR_SYSTEM_STOPPED']);
const isTimeout = (e: unknown): boolean => (e as { code?: unknown } | null)?.code === 'ERR_ASK_TIMEOUT';

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

/** Set by RouterRef's static block: what a message carries for a router. */
let wire: (router: RouterRef<any, any>) => unknown[];

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
      if (this.kind === 'scatter-gather-first-completed') return this.#scatter(message, options) as Promise<T>;
      if (this.kind === 'tail-chopping') return this.#chop(message, options) as Promise<T>;
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
      return [WIRE_VERSION, router.name, router.kind, timing, l.keySource ?? null, [...routees.refs], slots, pool ? [pool.tag, pool.slot, pool.head] : null];
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
  #counted<T>(i: number, op: (ref: ActorRef) => Promise<T>): Promise<T> {
    const ref = this.#routees.at(i);
    const slot = this.#routees.slotAt(i);
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

  /** Scatter-gather: every routee is asked; the first reply settles; the rest are 'superseded' dead letters. */
  #scatter(message: unknown, options: AskOptions | undefined): Promise<unknown> {
    const timeoutMs = options?.timeoutMs ?? this.#logic.withinMs!;
    const n = this.#routees.size;
    return new Promise((resolve, reject) => {
      let settled = false;
      let failed = 0;
      let firstError: unknown;
      for (let i = 0; i < n; i++) {
        const ref = this.#routees.at(i);
        const ask = this.#counted(i, (r) => r.ask(message, { timeoutMs, ...(options?.signal ? { signal: options.signal } : {}) }));
        ask.then(
          (value) => {
            if (settled) return this.#host.deadLetter('superseded', ref.name, value);
            settled = true;
            resolve(value);
          },
          (err: unknown) => {
            if (firstError === undefined && !isTimeout(err)) firstError = err;
            if (++failed === n && !settled) {
              settled = true;
              reject(firstError ?? new AskTimeoutError(this.name, timeoutMs));
            }
          },
        );
      }
    });
  }

  /**
   * Tail chopping: a random routee first, then another untried one every `intervalMs` (at once when one fails: a
   * hedged request), until the first reply, `withinMs`, or every routee failed.
   */
  #chop(message: unknown, options: AskOptions | undefined): Promise<unknown> {
    const clock = this.#host.clock;
    const withinMs = options?.timeoutMs ?? this.#logic.withinMs!;
    const intervalMs = this.#logic.intervalMs!;
    const n = this.#routees.size;
    const order = shuffled(n);
    const deadline = clock.now() + withinMs;
    return new Promise((resolve, reject) => {
      let settled = false;
      let tried = 0;
      let outstanding = 0;
      let firstError: unknown;
      let interval: TimerHandle | undefined;
      const finish = (ok: boolean, v: unknown): void => {
        settled = true;
        if (interval !== undefined) clock.clearTimer(interval);
        clock.clearTimer(overall);
        if (ok) resolve(v);
        else reject(v);
      };
      const next = (): void => {
        if (settled || tried >= n) return;
        const i = order[tried++]!;
        const ref = this.#routees.at(i);
        outstanding++;
        const timeoutMs = Math.max(1, deadline - clock.now());
        const ask = this.#counted(i, (r) => r.ask(message, { timeoutMs, ...(options?.signal ? { signal: options.signal } : {}) }));
        ask.then(
          (value) => {
            outstanding--;
            if (settled) return this.#host.deadLetter('superseded', ref.name, value);
            finish(true, value);
          },
          (err: unknown) => {
            outstanding--;
            if (settled) return;
            if (firstError === undefined && !isTimeout(err)) firstError = err;
            if (tried < n) {
              arm(); // the next one now, and the interval counts from it
              next();
            } else if (outstanding === 0) finish(false, firstError ?? new AskTimeoutError(this.name, withinMs));
          },
        );
      };
      const arm = (): void => {
        if (interval !== undefined) clock.clearTimer(interval);
        interval = clock.setTimer(() => {
          interval = undefined;
          next();
          if (!settled && tried < n) arm();
        }, intervalMs);
      };
      const overall = clock.setTimer(() => {
        if (!settled) finish(false, firstError ?? new AskTimeoutError(this.name, withinMs));
      }, withinMs);
      next();
      if (!settled && tried < n) arm();
    });
  }
}

function shuffled(n: number): number[] {
  const a = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}

/**
 * How a RouterRef travels inside a message (Akka allows it): a msgpack extension whose payload is versioned like a
 * ref's, `[1, name, kind, timing, keySource, routees, slots, pool]`. The routees are refs (bound, once decoded, to
 * the receiving thread's runtime); the key function travels by name and is looked up there (a definition's
 * `routing`, or defineRouting). A pool copy keeps its head's ref and the pool's slot in the routee table.
 */
const WIRE_VERSION = 1;
export const ROUTER_EXTENSION_TYPE = 0x54; // 'T'

function decodeRouter(data: unknown): RouterRef {
  if (!Array.isArray(data) || data[0] !== WIRE_VERSION) {
    throw new TypeError(`a router in a message has format ${JSON.stringify(Array.isArray(data) ? data[0] : data)}; this version reads format ${WIRE_VERSION}`);
  }
  const [, name, kind, timing, keySource, refs, slots, pool] = data as [number, unknown, unknown, Record<string, number>, unknown, unknown, unknown, unknown];
  if (typeof name !== 'string' || typeof kind !== 'string' || !Array.isArray(refs) || !Array.isArray(slots) || !refs.every((r) => r instanceof ActorRef)) {
    throw new TypeError('a router in a message is malformed (name, kind, routees or slots of the wrong type)');
  }
  let keyOf: ((m: unknown) => unknown) | undefined;
  if (keySource !== null) {
    const k = keySource as { definition?: string; key?: string; routing?: string };
    keyOf =
      k.routing !== undefined
        ? findRouting(k.routing)?.keyOf
        : (findDefinition(k.definition ?? '')?.behavior.routing as Record<string, (m: unknown) => unknown> | undefined)?.[k.key ?? ''];
    if (keyOf === undefined) {
      throw new TypeError(`router '${name}' hashes with ${JSON.stringify(keySource)}, which this thread does not define (define it in a module every thread loads)`);
    }
  }
  const link = pool === null ? undefined : { tag: (pool as [number])[0], slot: (pool as [number, number])[1], head: (pool as [number, number, ActorRef])[2] };
  const anchor = link?.head ?? (refs[0] as ActorRef | undefined);
  const host = anchor === undefined ? undefined : (boundRuntime(anchor) as unknown as RouterHost | undefined);
  if (host === undefined) throw new TypeError(`router '${name}' arrived with no routee and no head`);
  const logic: LogicOptions = { kind: kind as RouterKind, ...timing, ...(keyOf === undefined ? {} : { keyOf, keySource: keySource as NonNullable<LogicOptions['keySource']> }) };
  const routees = new Routees(refs as ActorRef[], slots as number[]);
  return new RouterRef(name, logic, routees, host, link === undefined ? {} : { pool: link, copy: true });
}

addExtension({
  Class: RouterRef as unknown as new () => RouterRef,
  type: ROUTER_EXTENSION_TYPE,
  write: (router: RouterRef) => wire(router),
  read: (data: unknown) => decodeRouter(data),
});
