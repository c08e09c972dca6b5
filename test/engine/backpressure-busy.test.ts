/**
 * Backpressure against an actor that is busy in an async handler: its thread keeps running (and draining rings for
 * its other actors), but what the busy actor is sent must not pile up without bound. `overflow` has to bite once
 * its mailbox holds MAILBOX_LIMIT messages, on a worker and on the main thread alike, and everything accepted is
 * delivered in order once the actor is free again.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ActorSystem, MailboxFullError, type ActorRef, type SystemOptions } from '../../src/index.js';
import { MAILBOX_LIMIT } from '../../src/runtime/intake.js';
import { AsyncHolder, openGate, type BlockerCount, type BlockerMsg } from '../fixtures/gated-actors.js';
import { shareInt32 } from '../fixtures/shared-memory.js';

const OPTIONS: SystemOptions = {
  ringBytes: 4096,
  maxMessageBytes: 1024,
  actors: [new URL('../fixtures/gated-actors.ts', import.meta.url)],
};
/** Far more than a mailbox at its limit plus a full 4096-byte ring: reaching it means nothing pushed back. */
const FAR_TOO_MANY = 4 * MAILBOX_LIMIT;

/** More small records than a 4096-byte ring holds. */
const MORE_THAN_A_RING = 1000;
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

const gates: Int32Array[] = [];
afterAll(() => {
  for (const g of gates) openGate(g);
});

async function busyActor(system: ActorSystem, worker: number): Promise<{ actor: ActorRef<BlockerMsg, unknown>; release: () => void }> {
  const { key, view: gate } = shareInt32();
  gates.push(gate);
  const actor = await system.spawn(AsyncHolder, { args: { gate: key }, placement: { worker } });
  expect(await actor.ask({ type: 'block' })).toBe('blocked');
  return { actor, release: () => openGate(gate) };
}

const range = (from: number, to: number): number[] => Array.from({ length: to - from }, (_, i) => from + i);

function tellUntilRefused(actor: ActorRef<BlockerMsg, unknown>): number {
  let accepted = 0;
  while (accepted < FAR_TOO_MANY && actor.tell({ type: 'inc', n: accepted })) accepted++;
  return accepted;
}

describe("overflow 'backpressure' against an actor busy in an async handler", () => {
  let system: ActorSystem;
  beforeAll(async () => {
    system = await ActorSystem.start({ ...OPTIONS, workers: 1 });
  });
  afterAll(async () => {
    for (const g of gates) openGate(g);
    await system?.shutdown();
  });

  it('makes sends to a busy actor on a worker wait once its mailbox is at its limit, refuses tells meanwhile, and delivers every send in order', async () => {
    const { actor, release } = await busyActor(system, 1);
    const total = MAILBOX_LIMIT + MORE_THAN_A_RING;
    const sends = range(0, total).map((n) => actor.send({ type: 'inc', n }));
    await sends[MAILBOX_LIMIT - 1]; // the busy actor's mailbox has filled up to its limit
    // A short, explicit window: unbounded, the last sends would settle in well under it.
    const outcome = await Promise.race([Promise.all(sends).then(() => 'all sent'), sleep(500).then(() => 'still waiting')]);
    expect(outcome).toBe('still waiting');
    expect(actor.tell({ type: 'inc', n: -1 })).toBe(false);
    release();
    await Promise.all(sends);
    expect(await actor.ask({ type: 'count' })).toEqual({ count: total, outOfSequence: 0 } satisfies BlockerCount);
  });

  it('refuses tells to a busy actor on the main thread once its mailbox is at its limit, and delivers what it accepted in order', async () => {
    const { actor, release } = await busyActor(system, 0);
    const accepted = tellUntilRefused(actor);
    expect(accepted).toBe(MAILBOX_LIMIT);
    release();
    expect(await actor.ask({ type: 'count' })).toEqual({ count: accepted, outOfSequence: 0 } satisfies BlockerCount);
  });

  it('still lets send to a busy actor wait and deliver, behind the tells it accepted', async () => {
    const { actor, release } = await busyActor(system, 1);
    const accepted = tellUntilRefused(actor);
    const sent = actor.send({ type: 'inc', n: accepted });
    release();
    await sent;
    expect(await actor.ask({ type: 'count' })).toEqual({ count: accepted + 1, outOfSequence: 0 } satisfies BlockerCount);
  });
});

describe("overflow 'fail' against an actor busy in an async handler", () => {
  let system: ActorSystem;
  beforeAll(async () => {
    system = await ActorSystem.start({ ...OPTIONS, workers: 1, overflow: 'fail' });
  });
  afterAll(async () => {
    for (const g of gates) openGate(g);
    await system?.shutdown();
  });

  it('throws MailboxFullError at the tell that finds the mailbox of a busy main-thread actor at its limit', async () => {
    const { actor, release } = await busyActor(system, 0);
    let accepted = 0;
    expect(() => {
      while (accepted < FAR_TOO_MANY && actor.tell({ type: 'inc', n: accepted })) accepted++;
    }).toThrow(MailboxFullError);
    expect(accepted).toBe(MAILBOX_LIMIT);
    release();
    expect(await actor.ask({ type: 'count' })).toEqual({ count: accepted, outOfSequence: 0 } satisfies BlockerCount);
  });

  it('throws MailboxFullError at the tell that finds a busy worker actor and its ring full', async () => {
    const { actor, release } = await busyActor(system, 1);
    let accepted = 0;
    expect(() => {
      while (accepted < FAR_TOO_MANY && actor.tell({ type: 'inc', n: accepted })) accepted++;
    }).toThrow(MailboxFullError);
    expect(accepted).toBeLessThan(FAR_TOO_MANY);
    release();
    expect(await actor.ask({ type: 'count' })).toEqual({ count: accepted, outOfSequence: 0 } satisfies BlockerCount);
  });
});
