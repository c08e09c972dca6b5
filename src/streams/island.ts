/**
 * The actors that run a graph's islands (materialize.ts splits a graph at its `.async()` boundaries):
 *
 * - an Island runs one island's stages in an interpreter of its own, on the thread it was placed on, between a
 *   BoundaryIn (unless it is the first) and a BoundaryOut (unless it is the last); the boundary protocol
 *   (boundary.ts) travels between neighbouring islands as messages, so elements cross threads as ring records;
 * - a StreamCoordinator, on the main thread, hears each island's end, the values of its materialized promises, and
 *   watches every island, so that an island lost with its worker fails the stream and stops the others.
 *
 * Both are defined when `ringmaster/streams` is imported: a worker can host islands once one of the modules in
 * `actors` imports it (the module of the graph's defined stages does).
 */
import { defineActor, isTerminated, type ActorContext } from '../actor.js';
import { StreamFailedError, deserializeError, serializeError, type SerializedError } from '../errors.js';
import { boundRuntime, type ActorRef } from '../ref.js';
import { BoundaryInLogic, BoundaryOutLogic, type BoundaryMsg } from './boundary.js';
import { buildLogics } from './build.js';
import { Interpreter, type Logic } from './interpreter.js';
import { fromWire, type WireDesc } from './wire.js';

/** What the main thread's materializer hands to an island placed on the main thread itself (no copy, closures kept). */
export interface LocalIsland {
  readonly logics: Logic[];
}

/** What a coordinator reports to, on the main thread. */
export interface CoordinatorHooks {
  ended(island: number, error: SerializedError | undefined): void;
  mat(at: number, ok: boolean, value: unknown): void;
  lost(island: number, error: SerializedError): void;
  terminated(ref: ActorRef): void;
  /** The coordinator stopped: the stream ended, or the system is shutting down under it. */
  stopped(): void;
}

// Objects of the main thread, by key: what a local island or a coordinator finds in its spawn arguments.
const locals = new Map<number, LocalIsland | CoordinatorHooks>();
let nextKey = 0;
export function keep(o: LocalIsland | CoordinatorHooks): number {
  locals.set(++nextKey, o);
  return nextKey;
}
export function drop(key: number): void {
  locals.delete(key);
}

export interface IslandArgs {
  readonly island: number;
  /** A local island's key (main thread), or the descriptors of a remote one. */
  readonly local?: number;
  readonly wire?: WireDesc[];
  readonly coordinator: ActorRef<CoordinatorMsg>;
  /** Its input boundary (every island but the first): the boundary-table slot and the bound on what is in flight. */
  readonly in?: { readonly slot: number; readonly inputBuffer: number };
  /** Its output boundary (every island but the last). */
  readonly out?: { readonly slot: number; readonly batch: number };
  /** Global indexes (in the graph) of this island's stages, by position: where its materialized values go. */
  readonly at: readonly number[];
}

export type IslandMsg =
  | { readonly t: 'wire'; readonly up: ActorRef<IslandMsg> | null; readonly down: ActorRef<IslandMsg> | null }
  | { readonly t: 'start' }
  | { readonly t: 'kill'; readonly reason?: unknown }
  | { readonly t: 'abort' }
  | { readonly t: 'req'; readonly n: number }
  | { readonly t: 'el'; readonly items: unknown[] }
  | { readonly t: 'done' }
  | { readonly t: 'fail'; readonly error: SerializedError }
  | { readonly t: 'cancel' };

export type CoordinatorMsg =
  | { readonly t: 'watch'; readonly refs: ActorRef[] }
  | { readonly t: 'ended'; readonly island: number; readonly error?: SerializedError }
  | { readonly t: 'mat'; readonly at: number; readonly ok: boolean; readonly value: unknown }
  | { readonly t: 'lost'; readonly island: number; readonly error: SerializedError };

interface IslandState {
  readonly args: IslandArgs;
  readonly interp: Interpreter;
  readonly in: BoundaryInLogic | undefined;
  readonly out: BoundaryOutLogic | undefined;
  up: ActorRef<IslandMsg> | null;
  down: ActorRef<IslandMsg> | null;
  started: boolean;
  /** Protocol messages that came before 'start'. */
  early: IslandMsg[];
}

/** An error that crossed a boundary, as a StreamFailedError again (it names the stage and island it came from). */
export function revive(s: SerializedError): Error {
  const e = deserializeError(s);
  if (s.code !== 'ERR_STREAM_FAILED') return e;
  return new StreamFailedError(String(s.fields?.stage ?? '?'), Number(s.fields?.island ?? 0), e.cause);
}

interface SendingRuntime {
  sendOrThrow(ref: ActorRef, message: unknown): Promise<void>;
}

/**
 * Sends a protocol message to a neighbour: as `send`, not `tell`, so a full ring makes it wait in order and never
 * drops it (demand bounds how much can wait), whatever the system's `overflow`. A message that cannot be encoded
 * (too large, or an element that is not data) throws here, synchronously: the boundary splits or fails on it.
 */
function send(rt: SendingRuntime, to: ActorRef<IslandMsg> | null, msg: IslandMsg): void {
  if (to !== null) rt.sendOrThrow(to, msg).catch(() => {}); // later: only the system stopping, which stops the islands too
}

function init(args: IslandArgs, ctx: ActorContext<IslandMsg>): IslandState {
  const rt = boundRuntime(ctx.self) as unknown as SendingRuntime & { boundaries: Float64Array };
  const table = rt.boundaries;
  let logics: Logic[];
  let mats: unknown[] = [];
  if (args.local !== undefined) {
    logics = (locals.get(args.local) as LocalIsland).logics;
    drop(args.local);
  } else {
    const thread = ctx.self.thread;
    ({ logics, mats } = buildLogics(fromWire(args.wire ?? [], thread)));
  }
  // The links read the neighbours' refs when they send: 'wire' comes before 'start', and nothing is sent before.
  const state = { args, up: null, down: null, started: false, early: [] } as unknown as IslandState;
  const inL = args.in === undefined ? undefined : new BoundaryInLogic({ send: (m) => send(rt, state.up, toWire(m)) }, args.in.inputBuffer, table, args.in.slot);
  const outL = args.out === undefined ? undefined : new BoundaryOutLogic({ send: (m) => send(rt, state.down, toWire(m)) }, args.out.batch, table, args.out.slot);
  if (inL) inL.name = `(boundary in, island ${args.island})`;
  if (outL) outL.name = `(boundary out, island ${args.island})`;
  const interp = new Interpreter([...(inL ? [inL] : []), ...logics, ...(outL ? [outL] : [])]);
  interp.island = args.island;
  if (outL !== undefined) interp.onDrained = () => outL.flush();
  Object.assign(state, { interp, in: inL, out: outL });
  // A remote island's materialized promises (a fold's, a collect's) settle on its thread: their values go home,
  // each before the island's end (the coordinator stops once every island ended).
  const reported: Promise<void>[] = [];
  mats.forEach((m, i) => {
    if (m instanceof Promise) {
      const at = args.at[i] as number;
      reported.push(
        m.then(
          (value) => void args.coordinator.tell({ t: 'mat', at, ok: true, value }),
          (err) => void args.coordinator.tell({ t: 'mat', at, ok: false, value: serializeError(err) }),
        ),
      );
    }
  });
  interp.onTerminated = () => {
    const f = interp.failure;
    void Promise.all(reported).then(() => {
      args.coordinator.tell(f === undefined ? { t: 'ended', island: args.island } : { t: 'ended', island: args.island, error: serializeError(f) });
      ctx.stop();
    });
  };
  return state;
}

function toWire(m: BoundaryMsg): IslandMsg {
  return m.t === 'fail' ? { t: 'fail', error: serializeError(m.error) } : m;
}

function protocol(s: IslandState, msg: IslandMsg): void {
  s.interp.newBurst();
  switch (msg.t) {
    case 'req':
      s.interp.invoke(() => s.out?.request(msg.n));
      return;
    case 'cancel':
      s.interp.invoke(() => s.out?.cancelled());
      return;
    case 'el':
      s.interp.invoke(() => s.in?.elements(msg.items));
      return;
    case 'done':
      s.interp.invoke(() => s.in?.upstreamDone(undefined));
      return;
    case 'fail':
      s.interp.invoke(() => s.in?.upstreamDone(revive(msg.error)));
      return;
  }
}

export const Island = defineActor('ringmaster.streams.Island', {
  init: (args: IslandArgs) => args,
  preStart(args: IslandArgs, ctx: ActorContext<IslandMsg>) {
    islands.set(ctx.self.id, init(args, ctx));
  },
  receive(args: IslandArgs, msg: IslandMsg, ctx: ActorContext<IslandMsg>) {
    const s = islands.get(ctx.self.id);
    if (s === undefined) return;
    switch (msg.t) {
      case 'wire':
        s.up = msg.up;
        s.down = msg.down;
        return;
      case 'start':
        s.started = true;
        s.interp.start();
        for (const m of s.early.splice(0)) protocol(s, m);
        return;
      case 'kill':
        s.interp.killSwitch(msg.reason);
        return;
      case 'abort':
        s.interp.killSwitch(new StreamFailedError(`(island ${args.island})`, args.island, 'another island of the stream failed'));
        ctx.stop();
        return;
      default:
        if (s.started) protocol(s, msg);
        else s.early.push(msg);
    }
  },
  postStop(_args: IslandArgs, ctx: ActorContext<IslandMsg>) {
    const s = islands.get(ctx.self.id);
    islands.delete(ctx.self.id);
    // Stopped from outside (the system shut down): the sources still run their cleanup.
    if (s !== undefined && s.started) s.interp.killSwitch(undefined);
  },
  postRestart(args: IslandArgs, _err: unknown, ctx: ActorContext<IslandMsg>) {
    // Re-created by a replacement worker after a crash: its elements and demand died with the worker.
    args.coordinator.tell({
      t: 'lost',
      island: args.island,
      error: serializeError(new StreamFailedError(`(island ${args.island})`, args.island, `its worker (${ctx.self.thread}) crashed`)),
    });
    ctx.stop();
  },
});

// The interpreters of the islands this thread hosts, by actor id (an actor's state is its arguments, which are data).
const islands = new Map<number, IslandState>();

export const StreamCoordinator = defineActor('ringmaster.streams.Coordinator', {
  init: (args: { key: number }) => args,
  receive(args: { key: number }, msg: CoordinatorMsg | { type: string }, ctx: ActorContext<CoordinatorMsg>) {
    const hooks = locals.get(args.key) as CoordinatorHooks | undefined;
    if (hooks === undefined) return;
    if (isTerminated(msg)) return hooks.terminated(msg.actor);
    const m = msg as CoordinatorMsg;
    switch (m.t) {
      case 'watch':
        for (const r of m.refs) ctx.watch(r);
        return;
      case 'ended':
        return hooks.ended(m.island, m.error);
      case 'mat':
        return hooks.mat(m.at, m.ok, m.value);
      case 'lost':
        return hooks.lost(m.island, m.error);
    }
  },
  postStop(args: { key: number }) {
    (locals.get(args.key) as CoordinatorHooks | undefined)?.stopped();
    drop(args.key);
  },
});
