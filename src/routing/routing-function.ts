/**
 * Named hash-key functions for consistent-hashing routers. A router routes on the sending thread, and a function
 * cannot travel between threads, so (like an actor definition) it is known by name: a pool's `key` names a
 * function of its definition's `routing` option; a group's is made by `defineRouting(name, fn)`, called at the top
 * level of a module that every thread loads (an actor module), so the name means the same function everywhere.
 */
import { InvalidArgumentError } from '../errors.js';

export interface RoutingFunction<M = any> {
  readonly name: string;
  readonly keyOf: (message: M) => unknown;
}

// On globalThis under a registered symbol, like the definitions registry (actor.ts): a loader may evaluate this
// module twice in one thread.
const KEY = Symbol.for('ringmaster.routing-functions');
function registry(): Map<string, RoutingFunction> {
  const g = globalThis as { [KEY]?: Map<string, RoutingFunction> };
  return (g[KEY] ??= new Map());
}

/** Defines the hash-key function `name`: `keyOf(msg)` is what a consistent-hashing router hashes. */
export function defineRouting<M>(name: string, keyOf: (message: M) => unknown): RoutingFunction<M> {
  if (typeof name !== 'string' || name.length === 0) {
    throw new InvalidArgumentError(`defineRouting: the name must be a non-empty string, got ${JSON.stringify(name)}`);
  }
  if (typeof keyOf !== 'function') throw new InvalidArgumentError(`defineRouting('${name}'): keyOf must be a function (message) => key, got ${typeof keyOf}`);
  const fn: RoutingFunction<M> = { name, keyOf };
  registry().set(name, fn);
  return fn;
}

export function findRouting(name: string): RoutingFunction | undefined {
  return registry().get(name);
}
