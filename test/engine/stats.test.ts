// system.stats(): one entry per running worker, and an answer even when a worker dies before it could reply.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ActorSystem } from '../../src/index.js';
import { BlockThenExit, Holder, openGate } from '../fixtures/gated-actors.js';
import { shareInt32 } from '../fixtures/shared-memory.js';

describe('system.stats()', () => {
  let system: ActorSystem;
  const gates: Int32Array[] = [];
  beforeAll(async () => {
    system = await ActorSystem.start({
      workers: 2,
      actors: [new URL('../fixtures/gated-actors.ts', import.meta.url)],
      workerRestart: { maxRestarts: 0 },
    });
  });
  afterAll(async () => {
    for (const g of gates) openGate(g);
    await system?.shutdown();
  });

  it('gives each running worker its thread, actor count, async handlers in flight, parks, spin budget, spin stops and journal bytes', async () => {
    const stats = await system.stats();
    expect(stats.map((s) => s.thread)).toEqual([1, 2]);
    for (const s of stats) {
      expect(Object.keys(s).sort()).toEqual(['actors', 'asyncInFlight', 'journal', 'parks', 'spinBudget', 'spinStops', 'thread']);
      // The journal may hold ringBytes (default 1 MiB) of live records.
      expect(s.journal.limitBytes).toBe(system.config.ringBytes);
      expect(s.asyncInFlight).toBe(0);
      expect(s.spinBudget).toBeGreaterThanOrEqual(0);
      expect(Object.keys(s.spinStops).sort()).toEqual(['contended', 'crowded', 'preempted']);
    }
  });

  it("counts each hosted actor's spawn record in its worker's live journal bytes, and frees it when the actor stops", async () => {
    const before = (await system.stats()).find((s) => s.thread === 2)!.journal.liveBytes;
    const refs = [];
    for (let i = 0; i < 10; i++) refs.push(await system.spawn(Holder, { placement: { worker: 2 } }));
    const spawned = (await system.stats()).find((s) => s.thread === 2)!.journal.liveBytes;
    expect(spawned - before).toBeGreaterThanOrEqual(10 * 48); // each record has a 48-byte header and a payload
    for (const ref of refs) await system.stop(ref);
    expect((await system.stats()).find((s) => s.thread === 2)!.journal.liveBytes).toBe(before);
  });

  it('settles, without the dead worker, when a worker dies before answering', async () => {
    const { key, view: gate } = shareInt32();
    gates.push(gate);
    const doomed = await system.spawn(BlockThenExit, { args: { gate: key }, placement: { worker: 1 } });
    expect(await doomed.ask({ type: 'block-then-exit' })).toBe('blocked');
    const pending = system.stats(); // worker 1 is blocked: it cannot answer
    openGate(gate); // ... and now it exits instead
    const stats = await pending;
    expect(stats.map((s) => s.thread)).toEqual([2]);
  });
});
