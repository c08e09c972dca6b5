import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ActorSystem, InvalidArgumentError, type Placement } from '../../src/index.js';
import { Echo, Parent } from '../fixtures/actors.js';

let system: ActorSystem;

beforeAll(async () => {
  system = await ActorSystem.start({ workers: 2, actors: [new URL('../fixtures/actors.ts', import.meta.url)] });
});

afterAll(async () => {
  await system?.shutdown();
});

/** The thread an Echo reports running on (ctx.thread), after checking that its ref says the same. */
async function threadOf(placement: Placement | undefined, name?: string): Promise<number> {
  const echo = await system.spawn(Echo, { ...(name === undefined ? {} : { name }), ...(placement === undefined ? {} : { placement }) });
  const where = await echo.ask({ type: 'where' });
  expect(echo.thread).toBe(where);
  return where as number;
}

describe('placement', () => {
  it('places an actor by the hash of its name on the same worker every time', async () => {
    const first = await threadOf('hash', 'hashed');
    await system.stop(system.lookup('hashed')!);
    const again = await threadOf('hash', 'hashed');
    expect([1, 2]).toContain(first);
    expect(again).toBe(first);
  });

  it("uses 'hash' when neither the spawn nor the configuration names a strategy", async () => {
    const byDefault = await threadOf(undefined, 'hashed-by-default');
    await system.stop(system.lookup('hashed-by-default')!);
    expect(await threadOf('hash', 'hashed-by-default')).toBe(byDefault);
  });

  it("alternates between workers 1 and 2 with 'round-robin'", async () => {
    const threads: number[] = [];
    for (let i = 0; i < 4; i++) threads.push(await threadOf('round-robin'));
    expect(new Set(threads)).toEqual(new Set([1, 2]));
    expect(threads[1]).not.toBe(threads[0]);
    expect(threads[2]).toBe(threads[0]);
    expect(threads[3]).toBe(threads[1]);
  });

  it.each([1, 2, 0])('places an actor on the thread { worker: %i } names (0 is the main thread)', async (worker) => {
    expect(await threadOf({ worker })).toBe(worker);
  });

  // Thread 0 tells 'local' apart from every strategy: none of them places on the main thread.
  it.each([0, 1, 2])("places a child on its parent's thread (%i) when the child's spawn names no placement", async (worker) => {
    const parent = await system.spawn(Parent, { placement: { worker } });
    const child = await parent.ask({ type: 'spawn-counter', name: 'kid', start: 4 });
    expect(child.thread).toBe(worker);
    expect(await child.ask({ type: 'get' })).toBe(4);
  });

  it("places an actor on the worker hosting fewer actors with 'least-loaded'", async () => {
    // Make worker 1 clearly the busier one, whatever earlier tests left behind.
    const before = await system.stats();
    const count = (t: number): number => before.find((s) => s.thread === t)!.actors;
    const extra = Math.max(0, count(2) - count(1)) + 3;
    for (let i = 0; i < extra; i++) await system.spawn(Echo, { placement: { worker: 1 } });
    const loads = await system.stats();
    expect(loads.find((s) => s.thread === 1)!.actors).toBeGreaterThan(loads.find((s) => s.thread === 2)!.actors);
    expect(await threadOf('least-loaded')).toBe(2);
  });

  it.each([3, -1, 1.5])('refuses { worker: %s } with InvalidArgumentError', async (worker) => {
    const err = await system.spawn(Echo, { placement: { worker } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidArgumentError);
    expect((err as InvalidArgumentError).code).toBe('ERR_INVALID_ARGUMENT');
    expect((err as InvalidArgumentError).message).toContain(String(worker));
  });

  it('refuses an unknown placement strategy with InvalidArgumentError', async () => {
    const err = await system.spawn(Echo, { placement: 'random' as Placement }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidArgumentError);
  });

  it('uses the configured placement when a spawn names none', async () => {
    const rr = await ActorSystem.start({
      workers: 2,
      placement: 'round-robin',
      actors: [new URL('../fixtures/actors.ts', import.meta.url)],
    });
    try {
      const a = await rr.spawn(Echo);
      const b = await rr.spawn(Echo);
      expect(new Set([a.thread, b.thread])).toEqual(new Set([1, 2]));
    } finally {
      await rr.shutdown();
    }
  });
});
