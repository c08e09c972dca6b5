// A worker whose only actor awaits something slow (a timer, I/O) must go to sleep rather than poll its event loop
// for as long as the actor waits: it parks (stats().parks grows), and still resumes the actor when it settles.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ActorSystem } from '../../src/index.js';
import { AsyncHolder, openGate } from '../fixtures/gated-actors.js';
import { shareInt32 } from '../fixtures/shared-memory.js';

describe('a worker whose actor awaits', () => {
  let system: ActorSystem;
  const gates: Int32Array[] = [];
  beforeAll(async () => {
    system = await ActorSystem.start({ workers: 1, actors: [new URL('../fixtures/gated-actors.ts', import.meta.url)] });
  });
  afterAll(async () => {
    for (const g of gates) openGate(g);
    await system?.shutdown();
  });

  const parks = async (): Promise<number> => (await system.stats())[0]!.parks;

  it('parks while the actor awaits, and resumes it when what it awaits settles', async () => {
    const { key, view: gate } = shareInt32();
    gates.push(gate);
    const actor = await system.spawn(AsyncHolder, { args: { gate: key }, placement: { worker: 1 } });
    expect(await actor.ask({ type: 'block' })).toBe('blocked');
    const before = await parks();
    // Wait (generously) for the worker to park again while the handler is still pending.
    const deadline = Date.now() + 10_000;
    let after = before;
    while (after <= before + 1 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      after = await parks();
    }
    expect((await system.stats())[0]!.asyncInFlight).toBe(1);
    expect(after).toBeGreaterThan(before + 1);
    openGate(gate);
    actor.tell({ type: 'inc', n: 0 });
    expect(await actor.ask({ type: 'count' })).toEqual({ count: 1, outOfSequence: 0 });
  });
});
