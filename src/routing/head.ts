/**
 * The head of a pool: a small actor on the main thread whose children are the pool's routees. It spawns them
 * (placed by the pool's placement, default round-robin over the workers), supervises them with the pool's
 * strategy (default: restart, as Akka.NET's Pool.DefaultSupervisorStrategy), and watches them: a routee that stops
 * is removed from the routee list that the pool's RouterRefs on the main thread route over, and untagged in the
 * routee table (transport/layout.ts) that copies of the RouterRef on other threads read. A restarted routee keeps
 * its ref, so routing does not notice. No message is routed through the head.
 *
 * Contract: main thread only (spawnRouter places it on thread 0). The routee lists live in this thread's memory,
 * keyed by pool id; the head finds its own through its spawn args.
 */
import { defineActor, isTerminated, type ActorBehavior, type ActorDefinition, type SpawnOptions } from '../actor.js';
import { ActorFailedError, InvalidArgumentError, RingmasterError } from '../errors.js';
import type { ActorRef } from '../ref.js';
import { DEPTH_SLOT } from '../runtime/lifecycle.js';
import { INSTANCE_STRATEGY } from '../supervision/strategy.js';
import { setTag, setWord } from '../transport/depth.js';
import { DEPTH_SLOTS } from '../transport/layout.js';
import { checkKind, type LogicOptions } from './kinds.js';
import type { PoolRouter } from './pool.js';
import { RouterRef, type RouterHost } from './router-ref.js';
import { Routees } from './routees.js';

interface PoolEntry {
  readonly id: number;
  /** What the pool's routees carry as their tag in the routee table (see `numbers`). */
  readonly tag: number;
  readonly pool: PoolRouter;
  readonly routees: Routees;
  /** The pool's own slot in the routee table (its id and version), then one per routee in spawn order. */
  readonly poolSlot: number;
  readonly slots: number[];
  /** The slots still held (each goes back to the free list once: a removed routee's, or all at the end). */
  readonly held: Set<number>;
  readonly table: Int32Array;
}

const pools = new Map<number, PoolEntry>();
let nextPool = 0;

/** Free slots of each system's routee table (the table identifies the system). */
const freeSlots = new WeakMap<Int32Array, number[]>();
function slotsOf(table: Int32Array): number[] {
  let free = freeSlots.get(table);
  if (free === undefined) freeSlots.set(table, (free = Array.from({ length: DEPTH_SLOTS }, (_, i) => DEPTH_SLOTS - 1 - i)));
  return free;
}
/**
 * The numbers written into a system's routee table as pool tags and as versions: one strictly increasing sequence
 * per table, so that no number is ever written twice. A slot changes roles when another pool takes it (a routee's
 * slot may become a pool's, and back), and a copy of a router elsewhere compares what it reads with what it saw:
 * a version it saw, or its own pool's tag, can never reappear by coincidence.
 */
const numbers = new WeakMap<Int32Array, number>();
function nextNumber(table: Int32Array): number {
  const n = (numbers.get(table) ?? 0) + 1;
  numbers.set(table, n);
  return n;
}
function newVersion(entry: PoolEntry): void {
  setTag(entry.table, entry.poolSlot, nextNumber(entry.table));
}

function releaseSlot(entry: PoolEntry, slot: number): void {
  if (entry.held.delete(slot)) slotsOf(entry.table).push(slot);
}
/** The pool is gone: every routee untagged and a new version (copies elsewhere see no routees), slots freed. */
function releaseAll(entry: PoolEntry): void {
  entry.routees.clear();
  for (const slot of entry.slots) setTag(entry.table, slot, 0);
  newVersion(entry);
  for (const slot of [...entry.held]) releaseSlot(entry, slot);
}

type HeadState = { id: number; entry: PoolEntry | undefined };

const behavior: ActorBehavior<HeadState, unknown, { pool: number }, never> = {
  init: (args) => ({ id: args.pool, entry: pools.get(args.pool) }),
  preStart(state, ctx) {
    const e = state.entry;
    if (e === undefined) throw new Error(`pool ${state.id} is not registered on this thread (a pool head runs on the main thread only)`);
    const counted = e.pool.kind === 'smallest-mailbox';
    for (let i = 0; i < e.pool.size; i++) {
      const slot = e.slots[i]!;
      // Only a smallest-mailbox routee's thread counts its handled messages down (nobody else counts them up).
      const options = { name: `routee-${i + 1}`, placement: e.pool.placement, args: e.pool.args, ...(counted ? { [DEPTH_SLOT]: slot } : {}) };
      const ref = ctx.spawn(e.pool.definition as ActorDefinition<unknown, unknown, unknown, unknown>, options as SpawnOptions<unknown>);
      ctx.watch(ref);
      setTag(e.table, slot, e.tag);
      e.routees.add(ref, slot);
    }
  },
  receive(state, msg) {
    // A routee stopped (for good: a restart is no Terminated): route around it from the next message on, here at
    // once and on other threads at their next message (the version moved).
    const e = state.entry;
    if (!isTerminated(msg) || e === undefined) return;
    const { removed, slot } = e.routees.remove(msg.actor);
    if (!removed) return;
    setTag(e.table, slot, 0);
    newVersion(e);
    releaseSlot(e, slot);
  },
  // The routees are the pool: a restart of the head (it has no reason to fail) keeps them, unlike the default.
  preRestart() {},
  postRestart() {},
  postStop(state) {
    const e = state.entry;
    if (e === undefined) return;
    releaseAll(e);
    pools.delete(state.id);
  },
};
(behavior as { [INSTANCE_STRATEGY]?: (s: HeadState) => unknown })[INSTANCE_STRATEGY] = (s) => s.entry?.pool.supervisorStrategy;

export const RouterHead = defineActor('ringmaster.router-head', behavior);

/** What spawnRouter needs of the system (main thread). */
export interface PoolSystem {
  spawn(def: typeof RouterHead, options: SpawnOptions<{ pool: number }>): Promise<ActorRef>;
  stop(ref: ActorRef): Promise<void>;
}

/** system.spawnRouter: registers the pool, spawns its head on the main thread, returns the pool's RouterRef. */
export async function spawnPool<M, R>(system: PoolSystem, host: RouterHost, pool: PoolRouter<M, R>, options?: { name?: string }): Promise<RouterRef<M, R>> {
  if (pool === null || typeof pool !== 'object' || (pool as { router?: unknown }).router !== 'pool') {
    throw new InvalidArgumentError(`spawnRouter needs a pool built by Pool.<kind>(n, Def, options), got ${pool === null ? 'null' : typeof pool}; a Group.<kind>(refs) is a router already`);
  }
  checkKind(pool.kind, 'spawnRouter');
  const table = host.depth;
  const free = slotsOf(table);
  if (free.length < pool.size + 1) {
    throw new InvalidArgumentError(
      `spawnRouter: a pool of ${pool.size} needs ${pool.size + 1} routee-table slots (one per routee and one for the pool) and ${free.length} of ${DEPTH_SLOTS} are free; use fewer routees or stop another pool`,
    );
  }
  const id = ++nextPool;
  const taken = Array.from({ length: pool.size + 1 }, () => free.pop()!);
  for (const slot of taken) {
    setWord(table, slot, 0);
    setTag(table, slot, 0);
  }
  const poolSlot = taken[0]!;
  const slots = taken.slice(1);
  const entry: PoolEntry = { id, tag: nextNumber(table), pool: pool as PoolRouter, routees: new Routees([]), poolSlot, slots, held: new Set(taken), table };
  newVersion(entry);
  pools.set(id, entry);
  let head: ActorRef;
  try {
    head = await system.spawn(RouterHead, { ...(options?.name === undefined ? {} : { name: options.name }), args: { pool: id }, placement: { worker: 0 } });
  } catch (err) {
    pools.delete(id);
    releaseAll(entry);
    // A routee that could not be spawned (a bad placement, an unknown definition) is the pool's bad input.
    if (err instanceof ActorFailedError && err.cause instanceof RingmasterError) throw err.cause;
    throw err;
  }
  const logic: LogicOptions = {
    kind: pool.kind,
    ...(pool.withinMs === undefined ? {} : { withinMs: pool.withinMs }),
    ...(pool.intervalMs === undefined ? {} : { intervalMs: pool.intervalMs }),
    ...(pool.virtualNodesFactor === undefined ? {} : { virtualNodesFactor: pool.virtualNodesFactor }),
    ...(pool.key === undefined
      ? {}
      : {
          keyOf: (pool.definition.behavior.routing as Record<string, (m: unknown) => unknown>)[pool.key]!,
          keySource: { definition: pool.definition.name, key: pool.key },
        }),
  };
  return new RouterRef<M, R>(head.name, logic, entry.routees, host, { stop: () => system.stop(head), pool: { tag: entry.tag, slot: poolSlot, head } });
}
