// Tail chopping under manual time: no sleeps, exact virtual instants. Threads and inline.
import { describe, expect, it } from 'vitest';
import { AskTimeoutError, type EventOf } from '../../src/index.js';
import { Group, Pool } from '../../src/routing/index.js';
import { createTestSystem } from '../../src/testkit/index.js';
import { Routee, type Done, type Who } from '../fixtures/routing-actors.js';

const actors = [new URL('../fixtures/routing-actors.ts', import.meta.url)];
const systems = {
  threads: await createTestSystem({ workers: 2, actors, testKit: { manualTime: true } }),
  inline: await createTestSystem({ mode: 'inline', actors, testKit: { manualTime: true } }),
};

for (const [mode, tk] of Object.entries(systems)) {
  let n = 0;
  const name = (what: string): string => `${what}-${++n}`;

  describe(`tail chopping (${mode})`, () => {
    it('tail-chops to a second routee after intervalMs and answers with its reply', async () => {
      const pool = await tk.system.spawnRouter(Pool.tailChopping(2, Routee, { withinMs: 1_000, intervalMs: 100 }), { name: name('tc') });
      const superseded: EventOf<'dead-letter'>[] = [];
      tk.system.events.subscribe('dead-letter', (e) => {
        if (e.reason === 'superseded') superseded.push(e);
      });
      let answer: Who | undefined;
      // A routee answers only when asked 100 ms after the ask: the first one asked stays quiet.
      const asked = pool.ask<Who>({ type: 'late', sentAt: tk.time.now, after: 100 }).then((w) => (answer = w));
      await tk.time.advance(99);
      expect(answer).toBeUndefined();
      await tk.time.advance(1); // the second routee is asked now, and answers
      await asked;
      expect((await pool.routees()).map((r) => r.name)).toContain(answer!.by);
      expect(superseded).toEqual([]);
    });

    it('rejects after withinMs with AskTimeoutError when no routee answers', async () => {
      const pool = await tk.system.spawnRouter(Pool.tailChopping(3, Routee, { withinMs: 500, intervalMs: 100 }), { name: name('tc-mute') });
      let outcome: unknown;
      const asked = pool.ask({ type: 'late', sentAt: 0, after: Number.MAX_SAFE_INTEGER }).catch((e: unknown) => (outcome = e));
      await tk.time.advance(499);
      expect(outcome).toBeUndefined();
      await tk.time.advance(1);
      await asked;
      expect(outcome).toBeInstanceOf(AskTimeoutError);
      expect((outcome as AskTimeoutError).target).toBe(pool.name);
    });

    it('does not end the race on a routee’s failure while untried routees remain: it asks the next at once', async () => {
      const refs = [await tk.system.spawn(Routee, { name: name('a') }), await tk.system.spawn(Routee, { name: name('b') })];
      const group = Group.tailChopping(refs, { withinMs: 1_000, intervalMs: 500 });
      const start = tk.time.now;
      for (let i = 0; i < 6; i++) {
        // Whichever is asked first, the answer is b's, before any interval passed.
        expect((await group.ask<Who>({ type: 'failIf', fail: refs[0]!.name })).by).toBe(refs[1]!.name);
      }
      expect(tk.time.now).toBe(start); // no virtual time passed: never waited for an interval
    });

    it('rejects with the first failure once every routee failed', async () => {
      const pool = await tk.system.spawnRouter(Pool.tailChopping(2, Routee, { withinMs: 1_000, intervalMs: 100 }), { name: name('tc-fail') });
      await expect(pool.ask({ type: 'fail' })).rejects.toMatchObject({ code: 'ERR_ACTOR_FAILED' });
    });

    it('tells one routee, chosen at random', async () => {
      const probe = await tk.probe<Done>();
      const pool = await tk.system.spawnRouter(Pool.tailChopping(3, Routee, { withinMs: 1_000, intervalMs: 100 }), { name: name('tc-tell') });
      pool.tell({ type: 'job', n: 1, to: probe.ref });
      await probe.receiveN(1);
      await tk.time.expectNoMsgFor(1_000, probe);
    });
  });
}
