import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ActorSystem } from '../../src/index.js';
import { Echo, Slow } from '../fixtures/actors.js';
import { Holder, OPEN, STAGE, STAGE_HOLDING, STAGE_RELEASED, openGate } from '../fixtures/gated-actors.js';
import { shareInt32, waitForInt32 } from '../fixtures/shared-memory.js';

let system: ActorSystem;
/** Gates opened by a test that failed half-way: opened again in afterAll so no worker stays held. */
const gates: Int32Array[] = [];

beforeAll(async () => {
  system = await ActorSystem.start({
    workers: 2,
    actors: [new URL('../fixtures/actors.ts', import.meta.url), new URL('../fixtures/gated-actors.ts', import.meta.url)],
  });
});

afterAll(async () => {
  for (const g of gates) openGate(g);
  await system?.shutdown();
});

describe('async receive handlers', () => {
  it('gives an actor its next message only once the previous async handler has settled', async () => {
    const slow = await system.spawn(Slow, { placement: { worker: 1 } });
    for (let i = 0; i < 4; i++) expect(slow.tell({ type: 'work', i, ms: 15 })).toBe(true);
    expect(await slow.ask({ type: 'log' })).toEqual([
      'start 0',
      'end 0',
      'start 1',
      'end 1',
      'start 2',
      'end 2',
      'start 3',
      'end 3',
    ]);
  });

  it('keeps the same order for an async actor on the main thread', async () => {
    const slow = await system.spawn(Slow, { placement: { worker: 0 } });
    for (let i = 0; i < 3; i++) slow.tell({ type: 'work', i, ms: 5 });
    expect(await slow.ask({ type: 'log' })).toEqual(['start 0', 'end 0', 'start 1', 'end 1', 'start 2', 'end 2']);
  });

  it('keeps other actors on the same worker answering while one awaits', async () => {
    const { key, view: gate } = shareInt32();
    gates.push(gate);
    const holder = await system.spawn(Holder, { placement: { worker: 2 } });
    const echo = await system.spawn(Echo, { placement: { worker: 2 } });
    expect(await holder.ask({ type: 'hold', gate: key })).toBe('holding');

    for (let i = 0; i < 5; i++) expect(await echo.ask({ type: 'echo', value: i })).toBe(i);
    expect(Atomics.load(gate, STAGE)).toBe(STAGE_HOLDING);

    openGate(gate);
    await waitForInt32(gate, STAGE, (s) => s === STAGE_RELEASED);
    expect(Atomics.load(gate, OPEN)).toBe(1);
  });

  it('queues messages for an awaiting actor and handles them after it resumes', async () => {
    const { key, view: gate } = shareInt32();
    gates.push(gate);
    const holder = await system.spawn(Holder, { placement: { worker: 1 } });
    expect(await holder.ask({ type: 'hold', gate: key })).toBe('holding');
    holder.tell({ type: 'note', text: 'queued while holding' });
    const log = holder.ask({ type: 'log' });
    openGate(gate);
    expect(await log).toEqual(['holding', 'released', 'queued while holding']);
  });
});
