/**
 * Pool.<kind>(n, Def, options): the description of a pool router, a plain object. `system.spawnRouter(pool)`
 * spawns its head on the main thread, which spawns and supervises the `n` routees (children of the head) placed
 * over the workers.
 */
import type { ActorDefinition, Placement } from '../actor.js';
import { InvalidArgumentError } from '../errors.js';
import { validateStrategy, type SupervisorStrategy } from '../supervision/strategy.js';
import { checkSize, checkTiming, checkVirtualNodes, type RouterKind } from './kinds.js';

export interface PoolOptions<A> {
  /** The spawn args of every routee. */
  args?: A;
  /** Where the routees go; default 'round-robin' (spread over the workers in turn). Any Placement. */
  placement?: Placement;
  /** How the head supervises the routees. Default: `defaultStrategy` (restart, at most 10 times within 60 s). */
  supervisorStrategy?: SupervisorStrategy;
}

export interface ConsistentHashingPoolOptions<A> extends PoolOptions<A> {
  /** The name of a function in the definition's `routing` option: `(msg) => key`. */
  key: string;
  /** Points on the hash ring per routee; default 10. */
  virtualNodesFactor?: number;
}

export interface ScatterGatherPoolOptions<A> extends PoolOptions<A> {
  /** How long an ask waits for the first reply. */
  withinMs: number;
}

export interface TailChoppingPoolOptions<A> extends PoolOptions<A> {
  withinMs: number;
  /** The delay before the next untried routee is asked; below withinMs. */
  intervalMs: number;
}

/** A pool router's description (`Pool.<kind>(...)`); give it to `system.spawnRouter`. */
export interface PoolRouter<M = unknown, R = unknown> {
  readonly router: 'pool';
  readonly kind: RouterKind;
  readonly size: number;
  readonly definition: ActorDefinition<any, M, any, R>;
  readonly args: unknown;
  readonly placement: Placement;
  readonly supervisorStrategy: SupervisorStrategy | undefined;
  readonly withinMs?: number;
  readonly intervalMs?: number;
  readonly virtualNodesFactor?: number;
  /** consistent hashing: the name of the key function in the definition's `routing`. */
  readonly key?: string;
}

type Def<M, R, A> = ActorDefinition<any, M, A, R>;

function pool<M, R, A>(
  kind: RouterKind,
  n: number,
  definition: Def<M, R, A>,
  options: (PoolOptions<A> & { key?: unknown; virtualNodesFactor?: unknown; withinMs?: unknown; intervalMs?: unknown }) | undefined,
): PoolRouter<M, R> {
  const what = `Pool.${camel(kind)}`;
  checkSize(n, what);
  if (definition === null || typeof definition !== 'object' || typeof definition.name !== 'string' || definition.behavior === undefined) {
    throw new InvalidArgumentError(`${what}: the routees' definition must be one returned by defineActor(...), got ${String(definition)}`);
  }
  if (options !== undefined && (options === null || typeof options !== 'object')) {
    throw new InvalidArgumentError(`${what}: options must be an object, got ${String(options)}`);
  }
  if (options?.supervisorStrategy !== undefined) validateStrategy(options.supervisorStrategy, `${what}: supervisorStrategy`);
  const timing = checkTiming(kind, options, what);
  const out: PoolRouter<M, R> = {
    router: 'pool',
    kind,
    size: n,
    definition,
    args: options?.args,
    placement: options?.placement ?? 'round-robin',
    supervisorStrategy: options?.supervisorStrategy,
    ...timing,
  };
  if (kind !== 'consistent-hashing') return out;
  const key = options?.key;
  const fns = (definition.behavior as { routing?: Record<string, unknown> }).routing;
  if (typeof key !== 'string' || typeof fns?.[key] !== 'function') {
    const known = Object.keys(fns ?? {});
    throw new InvalidArgumentError(
      `${what}: key must name a function of the routing option of '${definition.name}' (defineActor('${definition.name}', { routing: { ${typeof key === 'string' ? key : 'hashKey'}: (msg) => msg.id } })), got ${JSON.stringify(key)}; it has ${known.length ? known.map((k) => `'${k}'`).join(', ') : 'none'}`,
    );
  }
  return { ...out, key, virtualNodesFactor: checkVirtualNodes(options?.virtualNodesFactor, what) };
}

export const camel = (kind: string): string => kind.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

export const Pool = {
  roundRobin: <M, R, A>(n: number, definition: Def<M, R, A>, options?: PoolOptions<A>): PoolRouter<M, R> => pool('round-robin', n, definition, options),
  random: <M, R, A>(n: number, definition: Def<M, R, A>, options?: PoolOptions<A>): PoolRouter<M, R> => pool('random', n, definition, options),
  consistentHashing: <M, R, A>(n: number, definition: Def<M, R, A>, options: ConsistentHashingPoolOptions<A>): PoolRouter<M, R> =>
    pool('consistent-hashing', n, definition, options),
  /** Each message to the routee with the fewest messages routed to it and not yet handled (ties: round-robin). */
  smallestMailbox: <M, R, A>(n: number, definition: Def<M, R, A>, options?: PoolOptions<A>): PoolRouter<M, R> =>
    pool('smallest-mailbox', n, definition, options),
  broadcast: <M, R, A>(n: number, definition: Def<M, R, A>, options?: PoolOptions<A>): PoolRouter<M, R> => pool('broadcast', n, definition, options),
  scatterGatherFirstCompleted: <M, R, A>(n: number, definition: Def<M, R, A>, options: ScatterGatherPoolOptions<A>): PoolRouter<M, R> =>
    pool('scatter-gather-first-completed', n, definition, options),
  tailChopping: <M, R, A>(n: number, definition: Def<M, R, A>, options: TailChoppingPoolOptions<A>): PoolRouter<M, R> =>
    pool('tail-chopping', n, definition, options),
};
