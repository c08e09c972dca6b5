// A RouterRef sent to a worker whose actor modules import routing types only: the worker decodes it anyway.
import { describe, expect, it } from 'vitest';
import { Pool } from '../../src/routing/index.js';
import { createTestSystem } from '../../src/testkit/index.js';
import { PlainRoutee, PlainUser } from '../fixtures/routing-plain-actors.js';

const tk = await createTestSystem({ workers: 2, actors: [new URL('../fixtures/routing-plain-actors.ts', import.meta.url)] });

describe('a RouterRef in a message to a worker', () => {
  it('is decoded and routes there, although the worker’s actor modules import no routing code', async () => {
    const probe = await tk.probe<{ n: number; by: string }>();
    const pool = await tk.system.spawnRouter(Pool.roundRobin(2, PlainRoutee), { name: 'plain' });
    const names = (await pool.routees()).map((r) => r.name);
    const user = await tk.system.spawn(PlainUser, { name: 'plain-user', placement: { worker: 1 } });
    expect(await user.ask({ router: pool, count: 4, to: probe.ref })).toBe(4);
    const got = (await probe.receiveN(4)).sort((a, b) => a.n - b.n);
    expect(got.map((d) => d.by)).toEqual([names[0], names[1], names[0], names[1]]);
  });
});
