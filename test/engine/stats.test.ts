// system.stats(): one entry per running worker, and an answer even when a worker dies before it could reply.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ActorSystem } from '../../src/index.js';
import { BlockThenExit, Holder, STAGE, STAGE_HOLDING, openGate } from '../fixtures/gated-actors.js';
import { shareInt32, waitForInt32 } from '../fixtures/shared-memory.js';

describe('system.stats()', () => {
  let system: ActorSystem;
  const gates: Int32Array[] = [];
  beforeAll(async () => {
    system = await ActorSystem.start({
      workers: 2,
      actors: [new URL('../fixtures/gated-actors.ts', import.meta.url)],
      workerRestart: { maxRestarts: 0 },
      spinIterations: 5000,
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

  it('moves with known traffic: actors with spawns and stops, asyncInFlight while a handler awaits, parks after idling', async () => {
    const of = async (thread: number) => (await system.stats()).find((s) => s.thread === thread)!;
    const before = await of(1);
    for (const s of await system.stats()) {
      for (const v of [s.actors, s.asyncInFlight, s.parks, s.spinBudget, s.spinStops.crowded, s.spinStops.contended, s.spinStops.preempted]) {
        expect(Number.isInteger(v) && v >= 0).toBe(true);
      }
      expect(s.spinBudget).toBeLessThanOrEqual(5000); // spinIterations, the ceiling
    }

    const spawned = await Promise.all([0, 1, 2].map(() => system.spawn(Holder, { placement: { worker: 1 } })));
    expect((await of(1)).actors).toBe(before.actors + 3);
    await system.stop(spawned[0]!);
    expect((await of(1)).actors).toBe(before.actors + 2);

    // An async handler that awaits a gate counts in asyncInFlight until it settles.
    const { key, view: gate } = shareInt32();
    gates.push(gate);
    const holder = spawned[1]!;
    expect(await holder.ask({ type: 'hold', gate: key })).toBe('holding');
    await waitForInt32(gate, STAGE, (v) => v === STAGE_HOLDING);
    expect((await of(1)).asyncInFlight).toBe(1);
    expect((await of(2)).asyncInFlight).toBe(0);
    openGate(gate);
    expect(await holder.ask({ type: 'log' })).toEqual(['holding', 'released']);
    expect((await of(1)).asyncInFlight).toBe(0);

    // Each answer above woke worker 1, and it parked again once idle (the default waitStrategy 'hybrid').
    await vi.waitFor(async () => expect((await of(1)).parks).toBeGreaterThan(before.parks), { timeout: 5_000 });
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
