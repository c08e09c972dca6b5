// Pool routers: routees spawned and supervised by a head on the main thread, placed over the workers; routing on
// the sender's thread, straight to a routee. Most behaviours run twice: on workers, and inline.
import { describe, expect, it } from 'vitest';
import { ActorStoppedError, oneForOne, type ActorRef, type EventOf } from '../../src/index.js';
import { Pool, broadcast } from '../../src/routing/index.js';
import { createTestSystem } from '../../src/testkit/index.js';
import { routingHelpers } from '../fixtures/routing-helpers.js';
import { RouterUser, Routee, type Done, type Who } from '../fixtures/routing-actors.js';

const actors = [new URL('../fixtures/routing-actors.ts', import.meta.url)];
const systems = {
  threads: await createTestSystem({ workers: 2, actors }),
  inline: await createTestSystem({ mode: 'inline', actors }),
};

for (const [mode, tk] of Object.entries(systems)) {
  const { name, on, deadLetters } = routingHelpers(mode, tk);

  describe(`pool routers (${mode})`, () => {
    it('spreads round-robin over routees on workers 1 and 2 in turn, exactly, from one sender', async () => {
      const probe = await tk.probe<Done>();
      const pool = await tk.system.spawnRouter(Pool.roundRobin(4, Routee), { name: name('rr') });
      const routees = await pool.routees();
      expect(routees.map((r) => r.name)).toEqual([1, 2, 3, 4].map((i) => `${pool.name}/routee-${i}`));
      if (mode === 'threads') expect(routees.map((r) => r.thread)).toEqual([1, 2, 1, 2]);
      for (let i = 0; i < 40; i++) expect(pool.tell({ type: 'job', n: i, to: probe.ref })).toBe(true);
      const done = await probe.receiveN(40);
      for (const d of done) expect(d.by).toBe(routees[d.n % 4]!.name);
    });

    it('routes on the sender’s thread: a tell writes one record to the routee’s ring before it returns, as a direct tell does', async () => {
      if (mode === 'inline') return; // no rings inline
      const probe = await tk.probe<Done>();
      const pool = await tk.system.spawnRouter(Pool.roundRobin(2, Routee), { name: name('direct') });
      const [first] = await pool.routees();
      await pool.ask({ type: 'who' }); // the routees run, and the next tell goes to the first again
      await pool.ask({ type: 'who' });
      const job = { type: 'job' as const, n: 1, to: probe.ref };
      const before = tk.system.ringTailsFromMain();
      expect(first!.tell(job)).toBe(true);
      const direct = tk.system.ringTailsFromMain().map((t, i) => t - before[i]!);
      const mid = tk.system.ringTailsFromMain();
      expect(pool.tell(job)).toBe(true); // no await: a hop through the head would need a pump of the main thread
      const routed = tk.system.ringTailsFromMain().map((t, i) => t - mid[i]!);
      expect(direct[first!.thread]).toBeGreaterThan(0);
      expect(routed).toEqual(direct);
      await probe.receiveN(2);
    });

    it('delivers broadcast(msg) once to every routee, also through a consistent-hashing router', async () => {
      for (const pool of [
        await tk.system.spawnRouter(Pool.roundRobin(3, Routee), { name: name('bc') }),
        await tk.system.spawnRouter(Pool.consistentHashing(3, Routee, { key: 'byUser' }), { name: name('bc-hash') }),
      ]) {
        const probe = await tk.probe<Done>();
        expect(pool.tell(broadcast({ type: 'job', n: 7, user: 'ada', to: probe.ref }))).toBe(true);
        const got = await probe.receiveN(3);
        expect(got.map((d) => d.by).sort()).toEqual((await pool.routees()).map((r) => r.name).sort());
        await probe.expectNoMsg(50);
      }
    });

    it('sends every message of a broadcast pool to every routee', async () => {
      const probe = await tk.probe<Done>();
      const pool = await tk.system.spawnRouter(Pool.broadcast(3, Routee), { name: name('bcast') });
      pool.tell({ type: 'job', n: 1, to: probe.ref });
      expect((await probe.receiveN(3)).map((d) => d.by).sort()).toEqual((await pool.routees()).map((r) => r.name).sort());
      await expect(pool.ask({ type: 'who' })).rejects.toMatchObject({ code: 'ERR_INVALID_ARGUMENT' });
    });

    it('restarts a failed pool routee under the same ref, and keeps routing to it', async () => {
      const probe = await tk.probe<Done>();
      const pool = await tk.system.spawnRouter(Pool.roundRobin(2, Routee), { name: name('restart') });
      const before = await pool.routees();
      pool.tell({ type: 'job', n: 0, to: probe.ref }); // routee-1
      await probe.expectMsg({ n: 0, by: before[0]!.name, jobs: 1, thread: before[0]!.thread });
      await tk.expectActorFailure({ actor: before[1]!.name, error: /failed on request/ }, () => pool.tell({ type: 'fail' })); // routee-2
      await tk.awaitAssert(async () => expect(await before[1]!.ask({ type: 'count' })).toBe(0));
      expect((await pool.routees()).map((r) => r.id)).toEqual(before.map((r) => r.id));
      pool.tell({ type: 'job', n: 2, to: probe.ref }); // routee-1 again
      pool.tell({ type: 'job', n: 3, to: probe.ref }); // the restarted routee-2, fresh state
      expect((await probe.receiveN(2)).sort((a, b) => a.n - b.n)).toEqual([
        { n: 2, by: before[0]!.name, thread: before[0]!.thread, jobs: 2 },
        { n: 3, by: before[1]!.name, thread: before[1]!.thread, jobs: 1 },
      ]);
    });

    it("supervises with the pool's strategy: a routee it stops is removed, and the rest take the messages", async () => {
      const probe = await tk.probe<Done>();
      const pool = await tk.system.spawnRouter(Pool.roundRobin(3, Routee, { supervisorStrategy: oneForOne({ decider: () => 'stop' }) }), {
        name: name('stop'),
      });
      const [r1, r2, r3] = await pool.routees();
      await tk.expectActorFailure({ actor: r1!.name, error: /failed on request/ }, () => pool.tell({ type: 'fail' }));
      await tk.expectTerminated(r1!);
      await tk.awaitAssert(async () => expect((await pool.routees()).map((r) => r.name)).toEqual([r2!.name, r3!.name]));
      for (let i = 0; i < 4; i++) pool.tell({ type: 'job', n: i, to: probe.ref });
      expect((await probe.receiveN(4)).map((d) => d.by).sort()).toEqual([r2!.name, r2!.name, r3!.name, r3!.name].sort());
    });

    it('dead-letters, never loses, the messages routed to a stopped routee before the head removes it', async () => {
      const probe = await tk.probe<Done>();
      const pool = await tk.system.spawnRouter(Pool.roundRobin(3, Routee), { name: name('gone') });
      const routees = await pool.routees();
      const stopped = deadLetters('actor-stopped');
      void tk.system.stop(routees[1]!); // not awaited: the tells below are routed before the head hears of it
      for (let i = 0; i < 30; i++) expect(pool.tell({ type: 'job', n: i, to: probe.ref })).toBe(true);
      const handled = await probe.receiveN(20);
      await tk.awaitAssert(() => expect(stopped.filter((e) => e.target === routees[1]!.name)).toHaveLength(10));
      expect(handled.map((d) => d.n).sort((a, b) => a - b)).toEqual([...Array(30).keys()].filter((i) => i % 3 !== 1));
      await tk.awaitAssert(async () => expect(await pool.routees()).toHaveLength(2));
      for (let i = 0; i < 4; i++) pool.tell({ type: 'job', n: 100 + i, to: probe.ref });
      await probe.receiveN(4);
      expect(stopped.filter((e) => e.target === routees[1]!.name)).toHaveLength(10);
    });

    it("returns false and publishes a 'no-routees' dead letter once every routee has stopped; an ask rejects at once", async () => {
      const pool = await tk.system.spawnRouter(Pool.random(2, Routee), { name: name('empty') });
      for (const r of await pool.routees()) await tk.system.stop(r);
      await tk.awaitAssert(async () => expect(await pool.routees()).toHaveLength(0));
      await tk.expectDeadLetters(1, () => expect(pool.tell({ type: 'who' })).toBe(false), {
        target: pool.name,
        match: (e) => e.reason === 'no-routees',
      });
      await expect(pool.ask({ type: 'who' }, { timeoutMs: 60_000 })).rejects.toBeInstanceOf(ActorStoppedError);
    });

    it('answers an ask through a random pool from one of its routees', async () => {
      const pool = await tk.system.spawnRouter(Pool.random(3, Routee), { name: name('random') });
      const names = (await pool.routees()).map((r) => r.name);
      const seen = new Set<string>();
      for (let i = 0; i < 60; i++) seen.add((await pool.ask<Who>({ type: 'who' })).by);
      expect([...seen].every((s) => names.includes(s))).toBe(true);
      expect(seen.size).toBeGreaterThan(1); // 60 draws all from one of 3: (1/3)^59 * 3
    });

    it('stops its head and every routee with router.stop()', async () => {
      const pool = await tk.system.spawnRouter(Pool.roundRobin(2, Routee), { name: name('halt') });
      const routees: ActorRef[] = await pool.routees();
      await pool.stop();
      for (const r of routees) await tk.expectTerminated(r);
      expect(tk.system.lookup(pool.name)).toBeUndefined();
      expect(await pool.routees()).toEqual([]);
    });

    it('travels inside a message: a copy on another thread routes from there, round-robin on its own counter', async () => {
      const probe = await tk.probe<Done>();
      const pool = await tk.system.spawnRouter(Pool.roundRobin(2, Routee), { name: name('travel') });
      const routees = await pool.routees();
      const user = await tk.system.spawn(RouterUser, { name: name('user'), ...on(2) });
      expect(await user.ask({ type: 'keep', router: pool })).toBe(mode === 'threads' ? 2 : 0);
      expect(await user.ask({ type: 'jobs', from: 0, count: 4, to: probe.ref })).toBe(4);
      const got = (await probe.receiveN(4)).sort((a, b) => a.n - b.n);
      expect(got.map((d) => d.by)).toEqual([0, 1, 2, 3].map((i) => routees[i % 2]!.name));
      expect(await user.ask({ type: 'who' })).toMatchObject({ by: expect.stringMatching(/routee-/) });
    });

    it('drops from a copy elsewhere a routee the head removed, from the copy’s next message on', async () => {
      const probe = await tk.probe<Done>();
      const pool = await tk.system.spawnRouter(Pool.roundRobin(3, Routee), { name: name('travel-gone') });
      const [r1, r2, r3] = await pool.routees();
      const user = await tk.system.spawn(RouterUser, { name: name('user'), ...on(1) });
      await user.ask({ type: 'keep', router: pool });
      await user.ask({ type: 'jobs', from: 0, count: 3, to: probe.ref }); // the copy routes over all three first
      expect((await probe.receiveN(3)).map((d) => d.by).sort()).toEqual([r1!.name, r2!.name, r3!.name].sort());
      await tk.system.stop(r2!);
      await tk.awaitAssert(async () => expect(await pool.routees()).toHaveLength(2));
      const stopped = deadLetters('actor-stopped');
      expect(await user.ask({ type: 'routees' })).toEqual([r1!.name, r3!.name]);
      await user.ask({ type: 'jobs', from: 10, count: 6, to: probe.ref });
      expect((await probe.receiveN(6)).map((d) => d.by).sort()).toEqual([r1!.name, r1!.name, r1!.name, r3!.name, r3!.name, r3!.name].sort());
      expect(stopped).toEqual([]);
    });

    it("makes a copy elsewhere see no routees once the pool stopped: 'no-routees' dead letters", async () => {
      const probe = await tk.probe<Done>();
      const pool = await tk.system.spawnRouter(Pool.roundRobin(2, Routee), { name: name('travel-stop') });
      const user = await tk.system.spawn(RouterUser, { name: name('user'), ...on(1) });
      await user.ask({ type: 'keep', router: pool });
      await user.ask({ type: 'jobs', from: 0, count: 2, to: probe.ref });
      await probe.receiveN(2);
      await pool.stop();
      const noRoutees = { target: pool.name, match: (e: EventOf<'dead-letter'>) => e.reason === 'no-routees' };
      await tk.expectDeadLetters(3, () => user.ask({ type: 'jobs', from: 10, count: 3, to: probe.ref }), noRoutees);
      // Another pool takes the freed slots of the routee table: the copy must not mistake them for its own.
      const next = await tk.system.spawnRouter(Pool.roundRobin(2, Routee), { name: name('travel-next') });
      await tk.expectDeadLetters(3, () => user.ask({ type: 'jobs', from: 20, count: 3, to: probe.ref }), noRoutees);
      await probe.expectNoMsg(50);
      expect(await next.routees()).toHaveLength(2);
    });

    it('hashes a key the same way on every thread: a copy sends each key to the routee the original does', async () => {
      const probe = await tk.probe<Done>();
      const pool = await tk.system.spawnRouter(Pool.consistentHashing(4, Routee, { key: 'byUser' }), { name: name('travel-hash') });
      const user = await tk.system.spawn(RouterUser, { name: name('user'), ...on(2) });
      await user.ask({ type: 'keep', router: pool });
      for (let i = 0; i < 20; i++) pool.tell({ type: 'job', n: i, user: `u-${i}`, to: probe.ref });
      await user.ask({ type: 'jobs', from: 100, count: 20, user: 'u', to: probe.ref });
      const got = await probe.receiveN(40);
      for (let i = 0; i < 20; i++) expect(got.find((d) => d.n === 100 + i)!.by).toBe(got.find((d) => d.n === i)!.by);
    });
  });
}
