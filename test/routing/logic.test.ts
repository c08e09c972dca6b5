// The routing logics beyond round-robin: consistent hashing, smallest mailbox (pending counts read from shared
// memory across threads), scatter-gather first completed; and groups over existing refs. Threads and inline.
import { describe, expect, it } from 'vitest';
import { AskTimeoutError, InvalidArgumentError } from '../../src/index.js';
import { Group, Pool, broadcast } from '../../src/routing/index.js';
import { createTestSystem } from '../../src/testkit/index.js';
import { routingHelpers } from '../fixtures/routing-helpers.js';
import { Routee, Spreader, byUser, openGate, type Done, type Who } from '../fixtures/routing-actors.js';
import { shareInt32 } from '../fixtures/shared-memory.js';

const actors = [new URL('../fixtures/routing-actors.ts', import.meta.url)];
const systems = {
  threads: await createTestSystem({ workers: 2, actors }),
  inline: await createTestSystem({ mode: 'inline', actors }),
};

for (const [mode, tk] of Object.entries(systems)) {
  const { name, on, deadLetters } = routingHelpers(mode, tk);
  const users = Array.from({ length: 60 }, (_, i) => `user-${i}`);

  describe(`consistent hashing (${mode})`, () => {
    it('keeps a key on the same routee, and moves only the removed routee’s keys when one stops', async () => {
      const probe = await tk.probe<Done>();
      const pool = await tk.system.spawnRouter(Pool.consistentHashing(4, Routee, { key: 'byUser', virtualNodesFactor: 20 }), { name: name('hash') });
      const owners = async (): Promise<Map<string, string>> => {
        users.forEach((user, i) => pool.tell({ type: 'job', n: i, user, to: probe.ref }));
        const got = await probe.receiveN(users.length);
        return new Map(got.map((d) => [users[d.n]!, d.by]));
      };
      const first = await owners();
      expect(await owners()).toEqual(first);
      expect(new Set(first.values()).size).toBeGreaterThan(1);
      const [gone] = await pool.routees();
      await tk.system.stop(gone!);
      await tk.awaitAssert(async () => expect(await pool.routees()).toHaveLength(3));
      const after = await owners();
      for (const user of users) {
        if (first.get(user) === gone!.name) expect(after.get(user)).not.toBe(gone!.name);
        else expect(after.get(user)).toBe(first.get(user));
      }
    });

    it('routes a group by a key function defined with defineRouting', async () => {
      const probe = await tk.probe<Done>();
      const refs = [await tk.system.spawn(Routee, { name: name('g'), ...on(1) }), await tk.system.spawn(Routee, { name: name('g'), ...on(2) })];
      const group = Group.consistentHashing(refs, { key: byUser });
      for (const round of [0, 1]) users.slice(0, 20).forEach((user, i) => group.tell({ type: 'job', n: round * 100 + i, user, to: probe.ref }));
      const got = await probe.receiveN(40);
      for (let i = 0; i < 20; i++) expect(got.find((d) => d.n === 100 + i)!.by).toBe(got.find((d) => d.n === i)!.by);
    });
  });

  describe(`smallest mailbox (${mode})`, () => {
    it('sends to the routee with the fewest pending messages, reading the counts across threads', async () => {
      const probe = await tk.probe<Done>();
      const pool = await tk.system.spawnRouter(Pool.smallestMailbox(2, Routee), { name: name('smallest') });
      const [r1, r2] = await pool.routees();
      const a = shareInt32(2);
      const b = shareInt32(2);
      // Both blocked: nothing is handled, so ties alternate and each routee ends with 10 pending.
      pool.tell({ type: 'hold', gate: a.key, to: probe.ref });
      pool.tell({ type: 'hold', gate: b.key, to: probe.ref });
      for (let i = 0; i < 18; i++) pool.tell({ type: 'job', n: i, to: probe.ref });
      openGate(b.view); // routee-2 drains its 10; routee-1 stays blocked with 10
      const drained = await probe.receiveN(10);
      expect(drained.every((d) => d.by === r2!.name)).toBe(true);
      expect(drained.map((d) => d.n)).toEqual([-1, 1, 3, 5, 7, 9, 11, 13, 15, 17]);
      // The next 10 go elsewhere: an ask routed to the blocked routee would not be answered.
      for (let i = 0; i < 10; i++) expect((await pool.ask<Who>({ type: 'who' }, { timeoutMs: 10_000 })).by).toBe(r2!.name);
      openGate(a.view);
      const late = await probe.receiveN(10);
      expect(late.every((d) => d.by === r1!.name)).toBe(true);
    });

    it('refuses a smallest-mailbox group: its refs publish no depth', () => {
      expect(() => Group.smallestMailbox([])).toThrow(InvalidArgumentError);
    });
  });

  describe(`scatter-gather first completed (${mode})`, () => {
    it("answers with the first reply and dead-letters the others as 'superseded'", async () => {
      const pool = await tk.system.spawnRouter(Pool.scatterGatherFirstCompleted(3, Routee, { withinMs: 5_000 }), { name: name('sg') });
      const names = (await pool.routees()).map((r) => r.name);
      const superseded = deadLetters('superseded');
      const who = await pool.ask<Who>({ type: 'who' });
      expect(names).toContain(who.by);
      await tk.awaitAssert(() => expect(superseded.filter((e) => e.target.startsWith(pool.name))).toHaveLength(2));
      expect(superseded.map((e) => e.target).sort()).toEqual(names.filter((x) => x !== who.by).sort());
      expect(superseded.map((e) => (e.message as Who).by).sort()).toEqual(names.filter((x) => x !== who.by).sort());
    });

    it('rejects after withinMs with AskTimeoutError when no routee replies', async () => {
      const pool = await tk.system.spawnRouter(Pool.scatterGatherFirstCompleted(2, Routee, { withinMs: 100 }), { name: name('sg-mute') });
      const err = await pool.ask({ type: 'late', sentAt: 0, after: Number.MAX_SAFE_INTEGER }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(AskTimeoutError);
      expect((err as AskTimeoutError).target).toBe(pool.name);
    });

    it('rejects with the first ActorFailedError when every routee failed, before withinMs', async () => {
      const pool = await tk.system.spawnRouter(Pool.scatterGatherFirstCompleted(2, Routee, { withinMs: 60_000 }), { name: name('sg-fail') });
      await expect(pool.ask({ type: 'fail' })).rejects.toMatchObject({ code: 'ERR_ACTOR_FAILED', message: expect.stringContaining('failed on request') }); // across threads: by code
    });

    it('tells every routee', async () => {
      const probe = await tk.probe<Done>();
      const pool = await tk.system.spawnRouter(Pool.scatterGatherFirstCompleted(2, Routee, { withinMs: 1_000 }), { name: name('sg-tell') });
      pool.tell({ type: 'job', n: 1, to: probe.ref });
      expect((await probe.receiveN(2)).map((d) => d.by).sort()).toEqual((await pool.routees()).map((r) => r.name).sort());
    });
  });

  describe(`groups (${mode})`, () => {
    it('routes round-robin over existing refs, and broadcast(msg) reaches each once', async () => {
      const probe = await tk.probe<Done>();
      const refs = [1, 2, 1].map((w) => tk.system.spawn(Routee, { name: name('member'), ...on(w) }));
      const group = Group.roundRobin(await Promise.all(refs));
      expect((await group.routees()).map((r) => r.name)).toEqual((await Promise.all(refs)).map((r) => r.name));
      for (let i = 0; i < 6; i++) group.tell({ type: 'job', n: i, to: probe.ref });
      group.tell(broadcast({ type: 'job', n: 99, to: probe.ref }));
      const got = await probe.receiveN(9);
      const members = await group.routees();
      for (const d of got.filter((x) => x.n < 99)) expect(d.by).toBe(members[d.n % 3]!.name);
      expect(got.filter((x) => x.n === 99).map((d) => d.by).sort()).toEqual(members.map((r) => r.name).sort());
    });

    it("keeps a stopped member: what is routed to it becomes 'actor-stopped' dead letters", async () => {
      const probe = await tk.probe<Done>();
      const refs = [await tk.system.spawn(Routee, { name: name('m'), ...on(1) }), await tk.system.spawn(Routee, { name: name('m'), ...on(2) })];
      await tk.system.stop(refs[1]!);
      const group = Group.roundRobin(refs);
      await tk.expectDeadLetters(2, () => {
        for (let i = 0; i < 4; i++) group.tell({ type: 'job', n: i, to: probe.ref });
      }, { target: refs[1]!.name, match: (e) => e.reason === 'actor-stopped' });
      expect((await probe.receiveN(2)).map((d) => d.n)).toEqual([0, 2]);
    });

    it('routes on the thread of an actor that builds a group from refs it received', async () => {
      const probe = await tk.probe<Done>();
      const refs = [await tk.system.spawn(Routee, { name: name('w'), ...on(1) }), await tk.system.spawn(Routee, { name: name('w'), ...on(2) })];
      const spreader = await tk.system.spawn(Spreader, { name: name('spreader'), ...on(1) });
      spreader.tell({ type: 'spread', refs, jobs: 4, to: probe.ref });
      const got = (await probe.receiveN(4)).sort((x, y) => x.n - y.n); // two senders to the probe: no order between them
      expect(got.map((d) => d.by)).toEqual([refs[0]!.name, refs[1]!.name, refs[0]!.name, refs[1]!.name]);
    });
  });
}
