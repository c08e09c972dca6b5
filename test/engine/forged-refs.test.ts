/**
 * A ref whose id nobody spawned (forged, or stale from another system) but that names a live thread: messages to
 * it must not wait forever for a spawn that never comes. From the id's own origin thread the spawn would have come
 * first (same ring, in order), so the message is reported at once; from a third thread it is held at most
 * EARLY_HOLD_MS (see test/runtime/delivery.test.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ActorRef, ActorSystem } from '../../src/index.js';
import { makeId } from '../../src/runtime/ids.js';
import { Relay, type CounterMsg } from '../fixtures/actors.js';
import { recordEvents } from '../fixtures/events.js';

describe('a ref to an actor nobody spawned, on a live worker', () => {
  let system: ActorSystem;
  beforeAll(async () => {
    // serializeMessages: the forged ref reaches the relay (on the main thread) through the codec, as a ref from a
    // message of another system would, and is bound to this system's runtime there.
    system = await ActorSystem.start({ workers: 1, actors: [new URL('../fixtures/actors.ts', import.meta.url)], serializeMessages: true });
  });
  afterAll(async () => {
    await system?.shutdown();
  });

  /** A ref that looks spawned by the main thread onto worker 1, with a spawn counter the main thread never used. */
  const forged = (): ActorRef<CounterMsg, number> => new ActorRef(makeId(0, 10_000_000), 1, 'forged', undefined);

  it('rejects an ask to it from its origin thread with ActorStoppedError at once, not by its timeout', async () => {
    const relay = await system.spawn(Relay, { placement: { worker: 0 } });
    const err = await relay.ask({ type: 'ask', target: forged(), message: { type: 'get' } }, { timeoutMs: 5_000 }).then(
      () => undefined,
      (e: unknown) => e as Error & { code?: string; cause?: { code?: string } },
    );
    expect(err?.code).toBe('ERR_ACTOR_FAILED');
    expect(err?.cause?.code).toBe('ERR_ACTOR_STOPPED');
  });

  it("turns a tell to it from its origin thread into an 'actor-stopped' dead letter", async () => {
    const relay = await system.spawn(Relay, { placement: { worker: 0 } });
    const dead = recordEvents(system, 'dead-letter', (e) => e.reason === 'actor-stopped' && JSON.stringify(e.message) === '{"type":"inc","by":3}');
    // 'inc-through-ref' tells the ref, then asks it: the tell must be reported, and the ask must fail.
    const outcome = relay.ask({ type: 'inc-through-ref', counter: forged(), by: 3 }, { timeoutMs: 5_000 }).catch((e: unknown) => e);
    await dead.until(1);
    dead.stop();
    expect(((await outcome) as { code?: string }).code).toBe('ERR_ACTOR_FAILED');
  });
});
