/**
 * What happens when the ring to an actor is full. A Blocker blocks its worker's thread (so nothing drains the ring
 * from the main thread to that worker) until the test opens its gate; the test then fills the ring with tells.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ActorSystem, MailboxFullError, type ActorRef, type SystemOptions } from '../../src/index.js';
import { recordEvents } from '../fixtures/events.js';
import {
  Blocker,
  TokenNode,
  openGate,
  type BlockerCount,
  type BlockerMsg,
} from '../fixtures/gated-actors.js';
import { shareInt32, waitForInt32 } from '../fixtures/shared-memory.js';

/** The smallest ring: it fills after a few dozen small messages. */
const SMALL_RING: SystemOptions = {
  ringBytes: 4096,
  maxMessageBytes: 1024,
  actors: [new URL('../fixtures/actors.ts', import.meta.url), new URL('../fixtures/gated-actors.ts', import.meta.url)],
};
/** Far more messages than a 4096-byte ring holds: reaching it means the ring never filled. */
const MORE_THAN_A_RING_HOLDS = 10_000;

/** Gates of every Blocker, opened again in afterAll so that no worker stays blocked after a failed test. */
const gates: Int32Array[] = [];

/** A Blocker on worker 1 whose thread is blocked once this resolves. */
async function blockedActor(system: ActorSystem): Promise<{ blocker: ActorRef<BlockerMsg, unknown>; release: () => void }> {
  const { key, view: gate } = shareInt32();
  gates.push(gate);
  const blocker = await system.spawn(Blocker, { args: { gate: key }, placement: { worker: 1 } });
  expect(await blocker.ask({ type: 'block' })).toBe('blocked');
  return { blocker, release: () => openGate(gate) };
}

/** Tells `inc` messages numbered 0, 1, ... until one is not accepted; returns how many were. */
function tellUntilRefused(blocker: ActorRef<BlockerMsg, unknown>): number {
  let accepted = 0;
  while (accepted < MORE_THAN_A_RING_HOLDS && blocker.tell({ type: 'inc', n: accepted })) accepted++;
  return accepted;
}

const range = (from: number, to: number): number[] => Array.from({ length: to - from }, (_, i) => from + i);

afterAll(() => {
  for (const g of gates) openGate(g);
});

describe("overflow 'backpressure' (the default)", () => {
  let system: ActorSystem;
  beforeAll(async () => {
    system = await ActorSystem.start({ ...SMALL_RING, workers: 2 });
  });
  afterAll(async () => {
    for (const g of gates) openGate(g);
    await system?.shutdown();
  });

  it('makes tell return false once the ring is full, and delivers what it accepted', async () => {
    const { blocker, release } = await blockedActor(system);
    const accepted = tellUntilRefused(blocker);
    expect(accepted).toBeGreaterThan(0);
    expect(accepted).toBeLessThan(MORE_THAN_A_RING_HOLDS);
    expect(blocker.tell({ type: 'inc', n: -1 })).toBe(false);
    release();
    const { count, outOfSequence } = (await blocker.ask({ type: 'count' })) as BlockerCount;
    expect(count).toBe(accepted);
    expect(outOfSequence).toBe(0);
  });

  it('lets send wait for room while the ring is full', async () => {
    const { blocker, release } = await blockedActor(system);
    const accepted = tellUntilRefused(blocker);
    let settled = false;
    const sent = blocker.send({ type: 'inc', n: accepted }).finally(() => {
      settled = true;
    });
    // A short, explicit window: the send must still be waiting while the worker is blocked.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(settled).toBe(false);
    release();
    await sent;
    expect(((await blocker.ask({ type: 'count' })) as BlockerCount).count).toBe(accepted + 1);
  });

  it('delivers everything sent with send, in order, once the actor is released', async () => {
    const { blocker, release } = await blockedActor(system);
    const accepted = tellUntilRefused(blocker);
    const sends = range(accepted, accepted + 500).map((n) => blocker.send({ type: 'inc', n }));
    release();
    await Promise.all(sends);
    const { count, outOfSequence } = (await blocker.ask({ type: 'count' })) as BlockerCount;
    expect(count).toBe(accepted + 500);
    expect(outOfSequence).toBe(0);
  });

  it('completes a cycle of actors on two workers that floods its rings, without deadlock', async () => {
    const TOKENS = 2000;
    const HOPS = 10;
    const { key, view: done } = shareInt32();
    const a = await system.spawn(TokenNode, { placement: { worker: 1 } });
    const b = await system.spawn(TokenNode, { placement: { worker: 2 } });
    expect(await a.ask({ type: 'link', next: b, done: key })).toBe(true);
    expect(await b.ask({ type: 'link', next: a, done: key })).toBe(true);
    // Inject into both nodes at once, far faster than they can forward: every ring of the cycle fills up.
    const injected = range(0, TOKENS).map((i) => (i % 2 === 0 ? a : b).send({ type: 'token', hops: HOPS }));
    await Promise.all(injected);
    expect(await waitForInt32(done, 0, (n) => n >= TOKENS, 60_000)).toBe(TOKENS);
  }, 90_000);
});

describe("overflow 'drop'", () => {
  let system: ActorSystem;
  beforeAll(async () => {
    system = await ActorSystem.start({ ...SMALL_RING, workers: 1, overflow: 'drop' });
  });
  afterAll(async () => {
    for (const g of gates) openGate(g);
    await system?.shutdown();
  });

  it("makes tell return false and publishes a 'mailbox-full' dead letter for each dropped message", async () => {
    const { blocker, release } = await blockedActor(system);
    const dropped = recordEvents(system, 'dead-letter', (e) => e.reason === 'mailbox-full');
    const accepted = tellUntilRefused(blocker);
    expect(accepted).toBeLessThan(MORE_THAN_A_RING_HOLDS);
    for (let n = accepted + 1; n < accepted + 20; n++) expect(blocker.tell({ type: 'inc', n })).toBe(false);
    const events = await dropped.until(20);
    dropped.stop();
    expect(events).toHaveLength(20);
    expect(events.map((e) => e.target)).toEqual(events.map(() => blocker.name));
    expect(events.map((e) => e.message)).toEqual(range(accepted, accepted + 20).map((n) => ({ type: 'inc', n })));
    expect(events.map((e) => e.sender)).toEqual(events.map(() => null));
    release();
  });

  it('does not deliver a dropped message', async () => {
    const { blocker, release } = await blockedActor(system);
    const accepted = tellUntilRefused(blocker);
    expect(blocker.tell({ type: 'inc', n: -1 })).toBe(false);
    release();
    const { count, outOfSequence } = (await blocker.ask({ type: 'count' })) as BlockerCount;
    expect(count).toBe(accepted);
    expect(outOfSequence).toBe(0);
  });
});

describe("overflow 'fail'", () => {
  let system: ActorSystem;
  beforeAll(async () => {
    system = await ActorSystem.start({ ...SMALL_RING, workers: 1, overflow: 'fail' });
  });
  afterAll(async () => {
    for (const g of gates) openGate(g);
    await system?.shutdown();
  });

  it('makes tell throw MailboxFullError once the ring is full, delivering nothing of that message', async () => {
    const { blocker, release } = await blockedActor(system);
    let accepted = 0;
    let error: unknown;
    try {
      while (accepted < MORE_THAN_A_RING_HOLDS && blocker.tell({ type: 'inc', n: accepted })) accepted++;
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(MailboxFullError);
    expect((error as MailboxFullError).code).toBe('ERR_MAILBOX_FULL');
    expect((error as MailboxFullError).message).toContain(`'${blocker.name}'`);
    release();
    const { count, outOfSequence } = (await blocker.ask({ type: 'count' })) as BlockerCount;
    expect(count).toBe(accepted);
    expect(outOfSequence).toBe(0);
  });

  it('still lets send wait for room instead of failing', async () => {
    const { blocker, release } = await blockedActor(system);
    let accepted = 0;
    expect(() => {
      while (accepted < MORE_THAN_A_RING_HOLDS && blocker.tell({ type: 'inc', n: accepted })) accepted++;
    }).toThrow(MailboxFullError);
    const sent = blocker.send({ type: 'inc', n: accepted });
    release();
    await sent;
    expect(((await blocker.ask({ type: 'count' })) as BlockerCount).count).toBe(accepted + 1);
  });
});
