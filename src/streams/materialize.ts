/**
 * The island materializer: a graph with `.async()` boundaries (or an `.on()` placement) run with an actor system
 * becomes one Island actor per island (island.ts), placed where the graph says, joined by the boundary protocol
 * (boundary.ts), and a StreamCoordinator on the main thread that settles `completion`.
 *
 * - The first island runs on the main thread unless `.on()` places it; an island after `.async({ placement })` runs
 *   where `placement` says (the system's default placement when none). An island placed on the main thread keeps
 *   its closures and objects; one placed on a worker travels as data (wire.ts), checked here, at `run()`.
 * - Materialized values: those of stages on the main thread are what they are inline; a promise of a stage on a
 *   worker (a fold's, a collect's) settles with the value the island sends home.
 * - `completion` resolves once every island ended; the first failure (a stage's, an island's spawn, an island lost
 *   with its worker) rejects it with a StreamFailedError naming the stage and island, and aborts the other islands.
 * - Without a system, or in inline mode, the markers are ignored and the graph runs fused, inline: the same results.
 */
import type { ActorRef } from '../ref.js';
import { InvalidArgumentError, StreamFailedError, type SerializedError } from '../errors.js';
import { BOUNDARY_SLOTS, bdConsumed, bdEmitted } from '../transport/layout.js';
import { buildLogics } from './build.js';
import { type MatExpr, type StageDesc, evaluate, isMarker } from './descriptors.js';
import type { Placement } from '../actor.js';
import type { RunHandles } from './graph.js';
import { Island, StreamCoordinator, drop, keep, revive, type CoordinatorMsg, type IslandArgs, type IslandMsg } from './island.js';
import type { StageCount } from './interpreter.js';
import { toWire } from './wire.js';
import { STREAMS_HOST, type StreamsHost } from './host.js';

/** Elements at most in flight across a boundary when `.async()` gives no inputBuffer (Akka's default is 16). */
export const DEFAULT_INPUT_BUFFER = 16;
/**
 * Elements at most in one boundary message (fewer when the batch outgrows maxMessageBytes, and never more than the
 * demand: a batch goes at the end of each run of the upstream loop, so a large one costs a slow source no wait).
 * 1024 against 256 moved 16-byte elements between two workers at ~5.3-5.9 M/s against ~3.9-4.2 M/s here.
 */
export const BOUNDARY_BATCH = 1024;

interface IslandPlan {
  /** Global indexes of its stages. */
  readonly at: number[];
  readonly stages: StageDesc[];
  placement: Placement | undefined;
  /** Its input boundary's bound (every island but the first). */
  readonly inputBuffer: number;
}

/** Splits the stage list at its markers; undefined when it has none (a graph that runs inline as it is). */
export function planIslands(stages: readonly StageDesc[]): IslandPlan[] | undefined {
  if (!stages.some(isMarker)) return undefined;
  const plans: IslandPlan[] = [{ at: [], stages: [], placement: undefined, inputBuffer: 0 }];
  stages.forEach((d, i) => {
    const cur = plans[plans.length - 1] as IslandPlan;
    if (d.kind === 'async') plans.push({ at: [], stages: [], placement: d.placement, inputBuffer: d.inputBuffer });
    else if (d.kind === 'on') cur.placement = d.placement;
    else {
      cur.at.push(i);
      cur.stages.push(d);
    }
  });
  plans.forEach((p, i) => {
    if (p.stages.length === 0 && i > 0 && i < plans.length - 1) {
      throw new InvalidArgumentError(`island ${i} has no stages (two .async() in a row): remove one`);
    }
  });
  return plans;
}

/** The host of a system the graph runs with, or undefined (no system, or one in inline mode: the graph runs fused). */
export function hostOf(system: object | undefined): StreamsHost | undefined {
  if (system === undefined) return undefined;
  const host = (system as { [STREAMS_HOST]?: StreamsHost })[STREAMS_HOST];
  if (host === undefined) throw new InvalidArgumentError('run(system): expected an ActorSystem (or a TestSystem\'s system)');
  return host.inline ? undefined : host;
}

const onMain = (p: Placement | undefined, first: boolean): boolean =>
  (p === undefined && first) || p === 'local' || (typeof p === 'object' && p !== null && p.worker === 0);

const where = (p: Placement | undefined): string =>
  p === undefined ? 'a worker (the default placement)' : typeof p === 'object' ? `worker ${p.worker}` : `a worker (placement '${p}')`;

// Boundary-table slots this thread (the main thread) has free, per table.
const freeSlots = new WeakMap<Float64Array, number[]>();
function takeSlot(table: Float64Array): number {
  let free = freeSlots.get(table);
  if (free === undefined) freeSlots.set(table, (free = Array.from({ length: BOUNDARY_SLOTS }, (_, i) => BOUNDARY_SLOTS - 1 - i)));
  const slot = free.pop();
  if (slot === undefined) throw new InvalidArgumentError(`run(): ${BOUNDARY_SLOTS} async boundaries are running already (the most one system holds); let some streams end first`);
  table[bdEmitted(slot)] = 0;
  table[bdConsumed(slot)] = 0;
  return slot;
}
function giveSlot(table: Float64Array, slot: number): void {
  freeSlots.get(table)?.push(slot);
}

interface Deferred {
  promise: Promise<unknown>;
  resolve(v: unknown): void;
  reject(e: unknown): void;
}
function deferred(): Deferred {
  const d = {} as Deferred;
  d.promise = new Promise((resolve, reject) => Object.assign(d, { resolve, reject }));
  d.promise.catch(() => {});
  return d;
}

// Sinks whose materialized value is a promise of their result: on a worker, that promise settles here from a message.
const PROMISE_MATS = new Set(['forEach', 'fold', 'collect', 'ignore']);

let runs = 0;

/** Materializes `plans` (planIslands) with `host`: spawns the islands and returns the value and handles at once. */
export function materializeIslands(plans: IslandPlan[], mat: MatExpr, total: number, host: StreamsHost): { value: unknown; handles: RunHandles } {
  const run = ++runs;
  const mats: unknown[] = new Array(total).fill(undefined);
  const remoteMats = new Map<number, Deferred>();
  const localCounts: (() => StageCount[])[] = [];
  // Checked and prepared before anything is spawned: a closure on a worker fails here, synchronously.
  const prepared = plans.map((p, i) => {
    const local = onMain(p.placement, i === 0);
    if (local) {
      const { logics, mats: m } = buildLogics(p.stages);
      m.forEach((v, k) => {
        mats[p.at[k] as number] = v;
      });
      localCounts.push(() => logics.map((l) => ({ stage: l.name, emitted: l.interp?.emitted[l.index] ?? 0 })));
      return { local: true as const, logics };
    }
    const wire = toWire(p.stages, where(p.placement), p.at[0] ?? 0);
    p.stages.forEach((d, k) => {
      if (PROMISE_MATS.has(d.kind)) {
        const dd = deferred();
        remoteMats.set(p.at[k] as number, dd);
        mats[p.at[k] as number] = dd.promise;
      }
    });
    return { local: false as const, wire };
  });
  const slots = plans.slice(1).map(() => takeSlot(host.boundaries));
  const table = host.boundaries;

  let settled = false;
  let resolveCompletion!: () => void;
  let rejectCompletion!: (e: unknown) => void;
  const completion = new Promise<void>((res, rej) => {
    resolveCompletion = res;
    rejectCompletion = rej;
  });
  completion.catch(() => {});
  const refs: (ActorRef<IslandMsg> | undefined)[] = plans.map(() => undefined);
  const ended = new Set<number>();
  let coordinator: ActorRef<CoordinatorMsg> | undefined;
  let coordinatorKey = 0;
  let killed: { reason: unknown } | undefined;
  // Read live while the stream runs; kept once it ended (the slots serve other streams then).
  const boundaryStats = (s: number, b: number) => {
    const emitted = table[bdEmitted(s)] as number;
    const consumed = table[bdConsumed(s)] as number;
    return { boundary: b + 1, emitted, consumed, inFlight: emitted - consumed };
  };
  let final: ReturnType<typeof boundaryStats>[] | undefined;

  const finish = (err: unknown): void => {
    if (settled) return;
    settled = true;
    for (const s of slots) giveSlot(table, s);
    if (err === undefined) resolveCompletion();
    else {
      rejectCompletion(err);
      for (const d of remoteMats.values()) d.reject(err);
      for (let i = 0; i < refs.length; i++) if (!ended.has(i)) refs[i]?.tell({ t: 'abort' });
    }
    final = slots.map(boundaryStats);
    // Its postStop drops the hooks; one never spawned (a failure before) has only its key to drop.
    if (coordinator !== undefined) host.stop(coordinator).catch(() => {});
    else drop(coordinatorKey);
  };
  const fail = (island: number, error: unknown): void => {
    finish(error instanceof StreamFailedError ? error : new StreamFailedError(`(island ${island})`, island, error));
  };

  coordinatorKey = keep({
    ended: (island: number, error: SerializedError | undefined) => {
      ended.add(island);
      if (error !== undefined) return fail(island, revive(error));
      if (ended.size === plans.length) finish(undefined);
    },
    mat: (at: number, ok: boolean, value: unknown) => {
      const d = remoteMats.get(at);
      if (d === undefined) return;
      if (ok) d.resolve(value);
      else d.reject(revive(value as SerializedError));
    },
    lost: (island: number, error: SerializedError) => fail(island, revive(error)),
    stopped: () => fail(0, 'the actor system shut down while the stream ran'),
    terminated: (ref: ActorRef) => {
      const island = refs.findIndex((r) => r?.id === ref.id);
      if (island >= 0 && !ended.has(island)) fail(island, `the island's actor stopped before the stream ended (its worker was given up on, or it was stopped)`);
    },
  });

  const start = async (): Promise<void> => {
    coordinator = (await host.spawn(StreamCoordinator, { name: `ringmaster-stream-${run}`, placement: { worker: 0 }, args: { key: coordinatorKey } })) as ActorRef<CoordinatorMsg>;
    const spawned = await Promise.allSettled(
      plans.map((p, i) => {
        const pr = prepared[i]!;
        const args: IslandArgs = {
          island: i,
          coordinator: coordinator!,
          at: p.at,
          ...(pr.local ? { local: keep({ logics: pr.logics }) } : { wire: pr.wire }),
          ...(i > 0 ? { in: { slot: slots[i - 1] as number, inputBuffer: p.inputBuffer } } : {}),
          ...(i < plans.length - 1 ? { out: { slot: slots[i] as number, batch: BOUNDARY_BATCH } } : {}),
        };
        const placement = pr.local ? { worker: 0 } : p.placement;
        return host.spawn(Island, { name: `ringmaster-stream-${run}-island-${i}`, ...(placement === undefined ? {} : { placement }), args });
      }),
    );
    spawned.forEach((r, i) => {
      if (r.status === 'fulfilled') refs[i] = r.value as ActorRef<IslandMsg>;
    });
    const failedAt = spawned.findIndex((r) => r.status === 'rejected');
    if (failedAt >= 0) {
      const cause = (spawned[failedAt] as PromiseRejectedResult).reason as Error;
      const hint =
        (cause as { code?: string }).code === 'ERR_UNKNOWN_DEFINITION'
          ? `; ${where(plans[failedAt]!.placement)} does not know the island actor: list a module that imports 'ringmaster/streams' (the one that defines the stages) in the system's 'actors'`
          : '';
      fail(failedAt, hint === '' ? cause : new Error(`${cause.message}${hint}`, { cause }));
      return;
    }
    coordinator.tell({ t: 'watch', refs: refs as ActorRef[] });
    refs.forEach((r, i) => {
      r!.tell({ t: 'wire', up: refs[i - 1] ?? null, down: refs[i + 1] ?? null });
    });
    // Downstream first: each asks for its inputBuffer as it starts, and upstream only emits on demand anyway.
    for (let i = refs.length - 1; i >= 0; i--) refs[i]!.tell({ t: 'start' });
    if (killed !== undefined) refs[0]!.tell({ t: 'kill', reason: killed.reason });
  };
  start().catch((err) => fail(0, err));

  const handles: RunHandles = {
    completion,
    stop: (reason?: unknown) => {
      if (refs[0] !== undefined) refs[0].tell({ t: 'kill', reason });
      else killed = { reason };
    },
    stats: () => ({
      boundaries: final ?? slots.map(boundaryStats),
      stages: localCounts.flatMap((f) => f()),
    }),
  };
  return { value: evaluate(mat, mats), handles };
}
