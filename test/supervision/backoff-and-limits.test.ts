// Restart backoff and restart limits end to end, on the TestKit's manual time so that every delay is exact and no
// test sleeps: a child under a backoff restarts after minMs · 2^k, capped at maxMs, then stops past maxRetries,
// with its events in order; under allForOne the limit is counted on the child that failed, and past it every
// sibling stops. Each runs with threads (parent on worker 1, children on workers 2 and 1) and inline.
import { describe, expect, it } from 'vitest';
import type { ActorRef, Placement, SystemEvent } from '../../src/index.js';
import { createTestSystem } from '../../src/testkit/index.js';
import { AllParent, BackoffParent, type LifeMsg, type LifeReport, type ParentMsg } from '../fixtures/backoff-actors.js';

const actors = [new URL('../fixtures/backoff-actors.ts', import.meta.url)];
const systems = {
  threads: await createTestSystem({ workers: 2, actors, testKit: { manualTime: true } }),
  inline: await createTestSystem({ mode: 'inline', actors, testKit: { manualTime: true } }),
};

for (const [mode, tk] of Object.entries(systems)) {
  const on = (worker: number): { placement?: Placement } => (mode === 'threads' ? { placement: { worker } } : {});
  const worker = (n: number): { worker?: number } => (mode === 'threads' ? { worker: n } : {});
  let n = 0;

  /** The lifecycle events of the actors named, in publication order, as [type, actor, directive?]. */
  function lifecycle(names: string[]): { seen: string[][]; off: () => void } {
    const seen: string[][] = [];
    const off = tk.system.events.subscribe((e: SystemEvent) => {
      if (e.type === 'actor-failed' && names.includes(e.actor)) seen.push([e.type, e.actor, e.directive]);
      else if ((e.type === 'actor-restarted' || e.type === 'actor-stopped') && names.includes(e.actor)) seen.push([e.type, e.actor]);
    });
    return { seen, off };
  }

  describe(`restart backoff and limits (${mode})`, () => {
    it('restarts a failing child after 100, 200, 400 and 400 ms (minMs doubling, capped at maxMs), then stops it past maxRetries, with the events in order', async () => {
      const probe = await tk.probe<LifeReport>();
      const parent: ActorRef<ParentMsg, unknown> = await tk.system.spawn(BackoffParent, { name: `backoff-${++n}`, args: { probe: probe.ref }, ...on(1) });
      const kid = (await parent.ask({ type: 'spawn', name: 'kid', ...worker(2) })) as ActorRef<LifeMsg, string>;
      let now = tk.time.now;
      await probe.expectMsg({ who: kid.name, what: 'started', at: now });
      const events = lifecycle([kid.name]);
      try {
        for (const delay of [100, 200, 400, 400]) {
          kid.tell({ type: 'fail' });
          await tk.time.expectNoMsgFor(delay - 1, probe);
          await tk.time.advance(1);
          now += delay;
          await probe.expectMsg({ who: kid.name, what: 'restarted', at: now }, { timeoutMs: 1 });
        }
        // The fifth failure within the window: no restart, no wait.
        kid.tell({ type: 'fail' });
        await probe.expectMsg({ who: kid.name, what: 'stopped', at: now });
        await tk.awaitAssert(() =>
          expect(events.seen).toEqual([
            ...Array.from({ length: 4 }, () => [
              ['actor-failed', kid.name, 'restart'],
              ['actor-restarted', kid.name],
            ]).flat(),
            ['actor-failed', kid.name, 'stop'],
            ['actor-stopped', kid.name],
          ]),
        );
      } finally {
        events.off();
      }
      expect(await parent.ask({ type: 'ping' })).toBe('pong');
    });

    it('counts allForOne restarts on the child that failed, and past its maxRetries stops every sibling', async () => {
      const probe = await tk.probe<LifeReport>();
      const parent: ActorRef<ParentMsg, unknown> = await tk.system.spawn(AllParent, { name: `all-${++n}`, args: { probe: probe.ref }, ...on(1) });
      const a = (await parent.ask({ type: 'spawn', name: 'a', ...worker(2) })) as ActorRef<LifeMsg, string>;
      const b = (await parent.ask({ type: 'spawn', name: 'b', ...worker(1) })) as ActorRef<LifeMsg, string>;
      await probe.receiveN(2);
      const both = async (what: LifeReport['what']): Promise<void> => {
        const got = (await probe.receiveN(2)) as LifeReport[];
        expect(got.map((r) => `${r.who} ${r.what}`).sort()).toEqual([`${a.name} ${what}`, `${b.name} ${what}`]);
      };
      const events = lifecycle([a.name, b.name]);
      try {
        // a fails 3 times (its maxRetries): each restarts both.
        for (let i = 0; i < 3; i++) {
          a.tell({ type: 'fail' });
          await both('restarted');
        }
        // b's first failure is b's own first restart, not a fourth: both restart again.
        b.tell({ type: 'fail' });
        await both('restarted');
        // a's fourth failure is past its limit: every sibling stops.
        a.tell({ type: 'fail' });
        await both('stopped');
        await tk.expectTerminated(a);
        await tk.expectTerminated(b);
        await tk.awaitAssert(() =>
          expect(events.seen.filter((e) => e[0] === 'actor-failed')).toEqual([
            ['actor-failed', a.name, 'restart'],
            ['actor-failed', a.name, 'restart'],
            ['actor-failed', a.name, 'restart'],
            ['actor-failed', b.name, 'restart'],
            ['actor-failed', a.name, 'stop'],
          ]),
        );
      } finally {
        events.off();
      }
      // The parent itself is untouched.
      expect(await parent.ask({ type: 'ping' })).toBe('pong');
    });
  });
}
