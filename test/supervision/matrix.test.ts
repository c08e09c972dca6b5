// The supervision matrix: each directive × oneForOne/allForOne × children on the parent's worker or on another,
// and escalation to a grandparent. See docs/semantics.md, "Actor supervision".
import { describe, expect, it } from 'vitest';
import type { ActorRef } from '../../src/index.js';
import { createTestSystem } from '../../src/testkit/index.js';
import { AllForOne, Grand, OneForOne, type KidMsg, type SupMsg } from '../fixtures/supervision-actors.js';

const tk = await createTestSystem({
  workers: 2,
  actors: [new URL('../fixtures/supervision-actors.ts', import.meta.url)],
  testKit: { timeoutMs: 10_000 },
});

let seq = 0;
type Kid = ActorRef<KidMsg, number>;
type Sup = ActorRef<SupMsg, unknown>;

const failed = (actor: string, directive: string) =>
  ({ type: 'actor-failed', actor, match: (e: { directive?: string }) => e.directive === directive }) as const;

describe.each([
  ['on the same worker as their parent', 1],
  ['on another worker than their parent', 2],
] as const)('children %s', (_where, kidWorker) => {
  describe.each([
    ['oneForOne', 'one'],
    ['allForOne', 'all'],
  ] as const)('under %s', (_strategy, kind) => {
    /** A parent on worker 1 with two counting children, a and b, each counted up to 2 and 1. */
    async function family(grand?: { ref: Sup; probe: Awaited<ReturnType<typeof tk.probe<string>>> }) {
      const probe = grand?.probe ?? (await tk.probe<string>());
      const name = `p${++seq}`;
      const parent: Sup = grand
        ? await grand.ref.ask<Sup>({ type: 'spawn', def: kind, name, worker: 1 })
        : await tk.system.spawn(kind === 'one' ? OneForOne : AllForOne, { name, args: { probe: probe.ref }, placement: { worker: 1 } });
      await probe.expectMsg(`${parent.name} preStart`);
      const a = await parent.ask<Kid>({ type: 'spawn', def: 'kid', name: 'a', worker: kidWorker });
      const b = await parent.ask<Kid>({ type: 'spawn', def: 'kid', name: 'b', worker: kidWorker });
      await probe.expectMsgAllOf([`${a.name} preStart`, `${b.name} preStart`]);
      a.tell({ type: 'inc' });
      a.tell({ type: 'inc' });
      b.tell({ type: 'inc' });
      expect([await a.ask({ type: 'get' }), await b.ask({ type: 'get' })]).toEqual([2, 1]);
      return { probe, parent, a, b };
    }

    it('resumes the failed child with its state, and leaves its sibling alone', async () => {
      const { a, b } = await family();
      await tk.expectEvents(failed(a.name, 'resume'), () => a.tell({ type: 'fail', reason: 'resume' }));
      a.tell({ type: 'inc' });
      expect(await a.ask({ type: 'get' })).toBe(3);
      expect(await b.ask({ type: 'get' })).toBe(1);
    });

    it(
      kind === 'one'
        ? 'restarts only the failed child with fresh state, keeping the messages queued behind the failure'
        : 'restarts the failed child and its sibling with fresh state, keeping the messages queued behind the failure',
      async () => {
        const { probe, a, b } = await family();
        await tk.expectEvents(failed(a.name, 'restart'), () => {
          a.tell({ type: 'fail', reason: 'restart' });
          a.tell({ type: 'inc' });
        });
        expect(await a.ask({ type: 'get' })).toBe(1);
        const expected = [`${a.name} preRestart restart {"type":"fail","reason":"restart"} n=2`, `${a.name} postRestart restart n=0`];
        if (kind === 'all') expected.push(`${b.name} preRestart restart null n=1`, `${b.name} postRestart restart n=0`);
        await probe.expectMsgAllOf(expected);
        expect(await b.ask({ type: 'get' })).toBe(kind === 'one' ? 1 : 0);
      },
    );

    it(kind === 'one' ? 'stops only the failed child' : 'stops the failed child and its sibling', async () => {
      const { probe, parent, a, b } = await family();
      await tk.expectEvents(failed(a.name, 'stop'), () => a.tell({ type: 'fail', reason: 'stop' }));
      await tk.expectTerminated(a);
      if (kind === 'one') {
        await probe.expectMsg(`${a.name} postStop`);
        expect(await b.ask({ type: 'get' })).toBe(1);
      } else {
        await tk.expectTerminated(b);
        await probe.expectMsgAllOf([`${a.name} postStop`, `${b.name} postStop`]);
      }
      expect(await parent.ask({ type: 'get' })).toBe(2); // the parent itself is untouched
    });

    it('escalates to the grandparent, which restarts the parent, whose restart stops its children', async () => {
      const probe = await tk.probe<string>();
      const grand = await tk.system.spawn(Grand, { name: `g${++seq}`, args: { probe: probe.ref }, placement: { worker: 2 } });
      await probe.expectMsg(`${grand.name} preStart`);
      // The grandparent hands its probe down to the parent and the parent to its children.
      const { parent, a, b } = await family({ ref: grand, probe });
      await tk.expectEvents([failed(a.name, 'escalate'), failed(parent.name, 'restart')], () =>
        a.tell({ type: 'fail', reason: 'escalate>restart' }),
      );
      await tk.expectTerminated(a);
      await tk.expectTerminated(b);
      await probe.expectMsgAllOf([`${a.name} postStop`, `${b.name} postStop`, `${parent.name} postStop`, `${parent.name} preStart`]);
      expect(await parent.ask({ type: 'get' })).toBe(0); // fresh state: no children spawned since the restart
    });

    it('escalates to the grandparent, which resumes the parent and with it the child that escalated', async () => {
      const probe = await tk.probe<string>();
      const grand = await tk.system.spawn(Grand, { name: `g${++seq}`, args: { probe: probe.ref }, placement: { worker: 2 } });
      await probe.expectMsg(`${grand.name} preStart`);
      const { parent, a, b } = await family({ ref: grand, probe });
      await tk.expectEvents([failed(a.name, 'escalate'), failed(parent.name, 'resume')], () =>
        a.tell({ type: 'fail', reason: 'escalate>resume' }),
      );
      a.tell({ type: 'inc' });
      expect(await a.ask({ type: 'get' })).toBe(3);
      expect(await b.ask({ type: 'get' })).toBe(1);
      expect(await parent.ask({ type: 'get' })).toBe(2);
      await probe.expectNoMsg(100, { hint: 'nothing was restarted or stopped' });
    });

    it('escalates to the grandparent, which stops the parent and with it both children', async () => {
      const probe = await tk.probe<string>();
      const grand = await tk.system.spawn(Grand, { name: `g${++seq}`, args: { probe: probe.ref }, placement: { worker: 2 } });
      await probe.expectMsg(`${grand.name} preStart`);
      const { parent, a, b } = await family({ ref: grand, probe });
      await tk.expectEvents([failed(a.name, 'escalate'), failed(parent.name, 'stop')], () =>
        a.tell({ type: 'fail', reason: 'escalate>stop' }),
      );
      await tk.expectTerminated(parent);
      await probe.expectMsgAllOf([`${a.name} postStop`, `${b.name} postStop`, `${parent.name} postStop`]);
    });
  });
});
