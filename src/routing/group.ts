/**
 * Group.<kind>(refs, options): a router over existing actors. It supervises nothing and has no head: it is a
 * RouterRef over a fixed list of refs, routing on the thread whose refs they are. A routee that stops stays in the
 * list (as in Akka, a group does not watch its routees): what is routed to it becomes 'actor-stopped' dead letters.
 */
import { InvalidArgumentError } from '../errors.js';
import { ActorRef, boundRuntime } from '../ref.js';
import { checkTiming, checkVirtualNodes, type LogicOptions, type RouterKind } from './kinds.js';
import { camel } from './pool.js';
import { RouterRef, type RouterHost } from './router-ref.js';
import { Routees } from './routees.js';
import type { RoutingFunction } from './routing-function.js';

export interface GroupOptions {
  /** The router's name, in dead letters and errors; default 'group'. */
  name?: string;
}

export interface ConsistentHashingGroupOptions<M> extends GroupOptions {
  /** The key of a message: a function made by `defineRouting(name, fn)` in a module every thread loads. */
  key: RoutingFunction<M>;
  virtualNodesFactor?: number;
}

type Refs<M, R> = readonly ActorRef<M, R>[];

function group<M, R>(
  kind: RouterKind,
  refs: Refs<M, R>,
  options: (GroupOptions & { key?: unknown; virtualNodesFactor?: unknown; withinMs?: unknown; intervalMs?: unknown }) | undefined,
): RouterRef<M, R> {
  const what = `Group.${camel(kind)}`;
  if (!Array.isArray(refs) || refs.length === 0) {
    throw new InvalidArgumentError(`${what}: routees must be a non-empty array of ActorRefs, got ${Array.isArray(refs) ? 'an empty array' : String(refs)}`);
  }
  let host: RouterHost | undefined;
  for (const ref of refs) {
    const rt = ref instanceof ActorRef ? boundRuntime(ref) : undefined;
    if (rt === undefined) throw new InvalidArgumentError(`${what}: every routee must be an ActorRef from spawn, lookup or a message, got ${String(ref)}`);
    host ??= rt as unknown as RouterHost;
  }
  if (options !== undefined && (options === null || typeof options !== 'object')) {
    throw new InvalidArgumentError(`${what}: options must be an object, got ${String(options)}`);
  }
  const name = options?.name ?? 'group';
  if (typeof name !== 'string' || name.length === 0) throw new InvalidArgumentError(`${what}: name must be a non-empty string, got ${JSON.stringify(name)}`);
  let logic: LogicOptions = { kind, ...checkTiming(kind, options, what) };
  if (kind === 'consistent-hashing') {
    const key = options?.key as RoutingFunction | undefined;
    if (key === null || typeof key !== 'object' || typeof key.keyOf !== 'function' || typeof key.name !== 'string') {
      throw new InvalidArgumentError(`${what}: key must be made by defineRouting('name', (msg) => key), got ${String(key)}`);
    }
    logic = { ...logic, keyOf: key.keyOf, keySource: { routing: key.name }, virtualNodesFactor: checkVirtualNodes(options?.virtualNodesFactor, what) };
  }
  return new RouterRef<M, R>(name, logic, new Routees(refs as readonly ActorRef[]), host!);
}

export const Group = {
  roundRobin: <M, R>(refs: Refs<M, R>, options?: GroupOptions): RouterRef<M, R> => group('round-robin', refs, options),
  random: <M, R>(refs: Refs<M, R>, options?: GroupOptions): RouterRef<M, R> => group('random', refs, options),
  consistentHashing: <M, R>(refs: Refs<M, R>, options: ConsistentHashingGroupOptions<M>): RouterRef<M, R> => group('consistent-hashing', refs, options),
  broadcast: <M, R>(refs: Refs<M, R>, options?: GroupOptions): RouterRef<M, R> => group('broadcast', refs, options),
  scatterGatherFirstCompleted: <M, R>(refs: Refs<M, R>, options: GroupOptions & { withinMs: number }): RouterRef<M, R> =>
    group('scatter-gather-first-completed', refs, options),
  tailChopping: <M, R>(refs: Refs<M, R>, options: GroupOptions & { withinMs: number; intervalMs: number }): RouterRef<M, R> =>
    group('tail-chopping', refs, options),
  /**
   * Refused: a group's routees are actors spawned elsewhere, which publish no pending count (only a pool's
   * routees have a slot in the routee table). Akka scores such routees blindly (akkadotnet/akka.net#5291);
   * ringmaster says so instead. Use Pool.smallestMailbox, or Group.roundRobin.
   */
  smallestMailbox: (_refs: Refs<unknown, unknown>, _options?: GroupOptions): never => {
    throw new InvalidArgumentError(
      'Group.smallestMailbox: a group routes over actors spawned elsewhere, which publish no queue depth (only pool routees have a slot in the shared routee table); use Pool.smallestMailbox(n, Def), or Group.roundRobin(refs)',
    );
  },
};
