// Bad router input fails where the router is written, with InvalidArgumentError (ERR_INVALID_ARGUMENT) naming the
// field, and spawns nothing.
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, defineActor } from '../../src/index.js';
import { Group, Pool, defineRouting, type PoolRouter } from '../../src/routing/index.js';
import { createTestSystem } from '../../src/testkit/index.js';
import { Routee } from '../fixtures/routing-actors.js';

const tk = await createTestSystem({ mode: 'inline', actors: [new URL('../fixtures/routing-actors.ts', import.meta.url)] });
const member = (await tk.probe()).ref;
const refused = (f: () => unknown, field: RegExp): void => {
  let err: unknown;
  try {
    f();
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(InvalidArgumentError);
  expect(err).toMatchObject({ code: 'ERR_INVALID_ARGUMENT', message: expect.stringMatching(field) });
};

describe('router bad input', () => {
  it.each([0, -1, 1.5, Number.NaN, '3'])('refuses a pool of %s routees', (n) => {
    refused(() => Pool.roundRobin(n as number, Routee), /number of routees must be an integer >= 1/);
  });

  it.each([0, -5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 31, undefined])('refuses a withinMs of %s', (withinMs) => {
    refused(() => Pool.scatterGatherFirstCompleted(2, Routee, { withinMs: withinMs as number }), /withinMs must be a number of milliseconds/);
    refused(() => Group.tailChopping([member], { withinMs: withinMs as number, intervalMs: 1 }), /withinMs must be/);
  });

  it('refuses a tail-chopping intervalMs that is not below withinMs', () => {
    refused(() => Pool.tailChopping(2, Routee, { withinMs: 100, intervalMs: 100 }), /intervalMs \(100\) must be below withinMs \(100\)/);
    refused(() => Pool.tailChopping(2, Routee, { withinMs: 100, intervalMs: 0 }), /intervalMs must be/);
  });

  it('refuses a consistent-hashing pool whose key names no function of the definition’s routing option', () => {
    refused(() => Pool.consistentHashing(2, Routee, { key: 'nope' }), /key must name a function of the routing option of 'RoutingRoutee'.*'byUser'/);
    refused(() => Pool.consistentHashing(2, Routee, { key: 'byUser', virtualNodesFactor: 0 }), /virtualNodesFactor must be an integer from 1 to 1000/);
  });

  it('refuses a consistent-hashing group without a defineRouting key, and defineRouting without a function', () => {
    refused(() => Group.consistentHashing([member], { key: ((m: unknown) => m) as never }), /key must be made by defineRouting/);
    refused(() => defineRouting('k', 'not a function' as never), /keyOf must be a function/);
  });

  it('refuses a routing option whose entries are not functions, at defineActor', () => {
    refused(() => defineActor('RoutingBadOption', { receive() {}, routing: { k: 1 as never } }), /routing\.k must be a function/);
  });

  it('refuses a group of no refs, or of things that are not refs', () => {
    refused(() => Group.roundRobin([]), /non-empty array of ActorRefs/);
    refused(() => Group.random([{ id: 1, thread: 0, name: 'x' } as never]), /every routee must be an ActorRef/);
  });

  it('refuses an unknown router kind, and a group, at spawnRouter, spawning nothing', async () => {
    const forged = { ...Pool.roundRobin(1, Routee), kind: 'fastest' } as unknown as PoolRouter;
    await expect(tk.system.spawnRouter(forged, { name: 'forged' })).rejects.toMatchObject({ code: 'ERR_INVALID_ARGUMENT', message: expect.stringMatching(/unknown router kind "fastest"/) });
    await expect(tk.system.spawnRouter(Group.roundRobin([member]) as never)).rejects.toBeInstanceOf(InvalidArgumentError);
    expect(tk.system.lookup('forged')).toBeUndefined();
  });

  it("refuses a pool larger than the routee table’s free slots", async () => {
    await expect(tk.system.spawnRouter(Pool.roundRobin(4096, Routee))).rejects.toMatchObject({ code: 'ERR_INVALID_ARGUMENT', message: expect.stringMatching(/needs 4097 routee-table slots/) });
  });

  it('rejects an ask through a router with a bad timeoutMs', async () => {
    const pool = await tk.system.spawnRouter(Pool.roundRobin(1, Routee));
    await expect(pool.ask({ type: 'who' }, { timeoutMs: -1 })).rejects.toBeInstanceOf(InvalidArgumentError);
  });
});
