/**
 * Actor names: a top-level actor is `name`, a child `parent/child`. The one place that says what a name may be.
 */
import { InvalidArgumentError } from '../errors.js';
import type { ActorRef } from '../ref.js';

/** An actor's short name (the part after its parent's path). */
export function childName(parent: ActorRef, child: ActorRef): string {
  return child.name.slice(parent.name.length + 1);
}

/**
 * The longest actor path (`parent/child/...`), in UTF-8 bytes: the path travels in system messages (spawn,
 * registration, reports) that must fit one record of the smallest ring (4096 bytes) next to its parent's path.
 */
export const MAX_NAME_BYTES = 512;

/** A UTF-16 code unit that is half of a surrogate pair without its other half (it cannot be encoded as UTF-8). */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Throws InvalidArgumentError unless `name` can be a name given to an actor (the system checks top-level names
 * with it too). Names starting with '$' are the ones generated for actors spawned without a name.
 */
export function validateActorName(name: unknown): asserts name is string {
  if (typeof name !== 'string' || name.length === 0 || name.includes('/')) {
    throw new InvalidArgumentError(`an actor name must be a non-empty string without '/', got ${JSON.stringify(name)}`);
  }
  if (name.startsWith('$')) {
    throw new InvalidArgumentError(
      `an actor name must not start with '$' (reserved for the names generated for unnamed actors), got ${JSON.stringify(name)}`,
    );
  }
  if (LONE_SURROGATE.test(name)) {
    throw new InvalidArgumentError(
      `an actor name must be well-formed Unicode, got ${JSON.stringify(name)} with a lone surrogate (it would arrive as U+FFFD and lookup would not find it)`,
    );
  }
  validateActorPath(name);
}

/** Throws InvalidArgumentError when the full path of an actor is longer than MAX_NAME_BYTES. */
export function validateActorPath(path: string): void {
  const bytes = Buffer.byteLength(path, 'utf8');
  if (bytes > MAX_NAME_BYTES) {
    throw new InvalidArgumentError(
      `an actor path must be at most ${MAX_NAME_BYTES} bytes of UTF-8, got ${bytes} for '${path.slice(0, 64)}…'; choose a shorter name (children's paths include their parents')`,
    );
  }
}
