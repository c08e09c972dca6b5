/**
 * A handler that throws something that is not an Error (an object without a prototype, one whose toString throws,
 * undefined, a symbol, a string) fails like any other: the ask rejects with ActorFailedError, an 'actor-failed'
 * event is published, the actor is restarted, and neither its worker nor the process goes down.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ActorFailedError, ActorSystem } from '../../src/index.js';
import { toError } from '../../src/errors.js';
import { recordEvents } from '../fixtures/events.js';
import { OddThrower, oddThing, type OddThrow } from '../fixtures/odd-throwers.js';

const ACTORS = [new URL('../fixtures/odd-throwers.ts', import.meta.url)];
const ODD: OddThrow[] = ['null-prototype', 'throwing-toString', 'undefined', 'symbol', 'string'];

for (const [where, options, worker] of [
  ['on a worker', { workers: 1 }, 1],
  ['on the main thread', { workers: 1 }, 0],
  ['inline', { mode: 'inline' as const }, 0],
] as const) {
  describe(`a handler that throws a non-Error, ${where}`, () => {
    let system: ActorSystem;
    beforeAll(async () => {
      system = await ActorSystem.start({ ...options, actors: ACTORS });
    });
    afterAll(async () => {
      await system?.shutdown();
    });

    it.each(ODD)('rejects the ask with ActorFailedError, publishes actor-failed and keeps the actor answering (%s)', async (what) => {
      const actor = await system.spawn(OddThrower, worker === 0 ? {} : { placement: { worker } });
      const failed = recordEvents(system, 'actor-failed', (e) => e.actor === actor.name);
      const err = await actor.ask({ type: 'throw', what }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect((err as ActorFailedError).code).toBe('ERR_ACTOR_FAILED');
      const [event] = await failed.until(1);
      failed.stop();
      expect(event!.directive).toBe('restart');
      expect(typeof event!.error.message).toBe('string');
      expect(await actor.ask({ type: 'ping' })).toBe('pong');
    });
  });
}

describe('toError', () => {
  it.each(ODD)('turns a thrown %s into an Error with a message, without throwing', (what) => {
    const thing = oddThing(what);
    const err = toError(thing);
    expect(err).toBeInstanceOf(Error);
    expect(typeof err.message).toBe('string');
    expect(err.cause).toBe(thing);
  });

  it('returns an Error as it is', () => {
    const e = new TypeError('x');
    expect(toError(e)).toBe(e);
  });
});
