/**
 * The toolkit's options of an actor definition (behaviors, maxBehaviorDepth, stashCapacity,
 * notInfluenceReceiveTimeout, routing, mailbox): their defaults, and the checks defineActor runs so that a bad option fails where it
 * is written, not at the first message.
 */
import { InvalidArgumentError } from './errors.js';
import { validateMailboxKind } from './runtime/mailbox-kind.js';

export const DEFAULT_MAX_BEHAVIOR_DEPTH = 64;
export const DEFAULT_STASH_CAPACITY = 1000;
/** The name of the initial behavior: the definition's own `receive`. */
export const INITIAL_BEHAVIOR = 'receive';

export function validateDefinitionOptions(
  name: string,
  o: { behaviors?: unknown; maxBehaviorDepth?: unknown; stashCapacity?: unknown; notInfluenceReceiveTimeout?: unknown; routing?: unknown; mailbox?: unknown },
): void {
  const at = `defineActor('${name}')`;
  validateMailboxKind(at, o.mailbox);
  if (o.behaviors !== undefined) {
    if (o.behaviors === null || typeof o.behaviors !== 'object') {
      throw new InvalidArgumentError(`${at}: behaviors must be an object of functions, got ${o.behaviors === null ? 'null' : typeof o.behaviors}`);
    }
    for (const [k, fn] of Object.entries(o.behaviors)) {
      if (k === INITIAL_BEHAVIOR) {
        throw new InvalidArgumentError(`${at}: behaviors.receive is reserved for the definition's own receive; give the behavior another name`);
      }
      if (typeof fn !== 'function') throw new InvalidArgumentError(`${at}: behaviors.${k} must be a function, got ${typeof fn}`);
    }
  }
  const depth = o.maxBehaviorDepth;
  if (depth !== undefined && (typeof depth !== 'number' || !Number.isInteger(depth) || depth < 1)) {
    throw new InvalidArgumentError(`${at}: maxBehaviorDepth must be an integer >= 1, got ${String(depth)}`);
  }
  const cap = o.stashCapacity;
  if (cap !== undefined && (typeof cap !== 'number' || !(cap === Number.POSITIVE_INFINITY || (Number.isInteger(cap) && cap >= 1)))) {
    throw new InvalidArgumentError(`${at}: stashCapacity must be an integer >= 1 or Infinity, got ${String(cap)}`);
  }
  const f = o.notInfluenceReceiveTimeout;
  if (f !== undefined && typeof f !== 'function') {
    throw new InvalidArgumentError(`${at}: notInfluenceReceiveTimeout must be a function (message) => boolean, got ${typeof f}`);
  }
  const r = o.routing;
  if (r !== undefined) {
    if (r === null || typeof r !== 'object') throw new InvalidArgumentError(`${at}: routing must be an object of functions (message) => key, got ${r === null ? 'null' : typeof r}`);
    for (const [k, fn] of Object.entries(r)) {
      if (typeof fn !== 'function') throw new InvalidArgumentError(`${at}: routing.${k} must be a function (message) => key, got ${typeof fn}`);
    }
  }
}
