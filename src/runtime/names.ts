/**
 * Actor names: a top-level actor is `name`, a child `parent/child`. The one place that says what a name may be.
 */
import { InvalidArgumentError } from '../errors.js';
import type { ActorRef } from '../ref.js';

/** An actor's short name (the part after its parent's path). */
export function childName(parent: ActorRef, child: ActorRef): string {
  return child.name.slice(parent.name.length + 1);
}

/** Throws InvalidArgumentError unless `name` can name an actor (the system checks top-level names with it too). */
export function validateActorName(name: unknown): asserts name is string {
  if (typeof name !== 'string' || name.length === 0 || name.includes('/')) {
    throw new InvalidArgumentError(`an actor name must be a non-empty string without '/', got ${JSON.stringify(name)}`);
  }
}
