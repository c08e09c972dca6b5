// Mailbox kinds (the definition's `mailbox` option): the order a priority or control-aware mailbox hands messages
// out in, what it does with odd ranks, stash and unstash, and bad options. Each actor first takes a 'hold', which
// asks the probe for a 'gate': the messages told meanwhile queue behind it, and the order in which they are handled
// is the mailbox's. Threads (an actor on worker 1, one on the main thread) and inline mode.
import { describe, expect, it } from 'vitest';
import { defineActor, InvalidArgumentError, type ActorRef, type Placement } from '../../src/index.js';
import { createTestSystem, type TestProbe, type TestSystem } from '../../src/testkit/index.js';
import { ControlAware, Fifo, Killer, OddlyPrioritized, Prioritized, type RankedMsg, type RankedReport } from '../fixtures/mailbox-actors.js';

const actors = [new URL('../fixtures/mailbox-actors.ts', import.meta.url)];
const systems = {
  threads: await createTestSystem({ workers: 2, actors }),
  inline: await createTestSystem({ mode: 'inline', actors }),
};

type Def = typeof Prioritized;

let n = 0;
/** Spawns `def`, holds it at its gate, tells `msgs` behind the hold, opens the gate and returns the ids handled. */
async function orderOf(tk: TestSystem, placement: Placement | undefined, def: Def, msgs: RankedMsg[], count: number): Promise<string[]> {
  const probe: TestProbe<RankedReport> = await tk.probe<RankedReport>();
  const ref: ActorRef<RankedMsg> = await tk.system.spawn(def, { name: `ranked-${++n}`, args: { report: probe.ref }, ...(placement && { placement }) });
  ref.tell({ type: 'hold' });
  await probe.expectMsg({ type: 'gate' });
  // On the ring (or the local queue) before the gate's answer: in the mailbox before the hold ends.
  for (const m of msgs) ref.tell(m);
  probe.reply('open');
  const ids = (await probe.receiveN(count)).map((m) => (m as { id: string }).id);
  await probe.expectNoMsg(100);
  return ids;
}

const job = (id: string, more: Partial<Extract<RankedMsg, { type: 'job' }>> = {}): RankedMsg => ({ type: 'job', id, ...more });

for (const [mode, tk] of Object.entries(systems)) {
  const places: [string, Placement | undefined][] = mode === 'threads' ? [['worker 1', { worker: 1 }], ['the main thread', { worker: 0 }]] : [['inline', undefined]];
  for (const [where, placement] of places) {
    describe(`mailbox kinds (${mode}, ${where})`, () => {
      it("'priority' hands out the lowest rank first, first in first out among equal ranks", async () => {
        const msgs = [job('a', { p: 3 }), job('b', { p: 1 }), job('c', { p: 2 }), job('d', { p: 1 }), job('e', { p: 3 }), job('f', { p: 0 })];
        expect(await orderOf(tk, placement, Prioritized, msgs, 6)).toEqual(['f', 'b', 'd', 'c', 'a', 'e']);
      });

      it("'control-aware' lets control messages overtake the queued others, each kind first in first out; a throwing isControl counts as false", async () => {
        const msgs = [job('n1'), job('n2'), job('c1', { control: true }), job('throws', { control: true }), job('n3'), job('c2', { control: true })];
        expect(await orderOf(tk, placement, ControlAware, msgs, 6)).toEqual(['c1', 'c2', 'n1', 'n2', 'throws', 'n3']);
      });

      it("'unbounded' (the default kind, named) is first in, first out", async () => {
        const msgs = [job('a', { p: 3 }), job('b', { p: 1 }), job('c', { control: true })];
        expect(await orderOf(tk, placement, Fifo, msgs, 3)).toEqual(['a', 'b', 'c']);
      });

      it('ranks last, in arrival order, a message whose priority throws or is not a number (NaN, a string)', async () => {
        const msgs = [job('throws', { p: 'throw' }), job('nan', { p: Number.NaN }), job('two', { p: 2 }), job('text', { p: '1' }), job('inf', { p: Number.POSITIVE_INFINITY }), job('minus', { p: -1 })];
        expect(await orderOf(tk, placement, OddlyPrioritized, msgs, 6)).toEqual(['minus', 'two', 'throws', 'nan', 'text', 'inf']);
      });

      it('puts unstashed messages ahead of everything queued, whatever their rank', async () => {
        // s1 and s2 rank first and are stashed; 'unstash' (rank 0) then puts them back ahead of y (1) and x (5).
        const msgs = [job('x', { p: 5 }), job('s1', { p: -10, stash: true }), job('s2', { p: -10, stash: true }), { type: 'unstash' } as RankedMsg, job('y', { p: 1 })];
        expect(await orderOf(tk, placement, Prioritized, msgs, 4)).toEqual(['s1', 's2', 'y', 'x']);
      });
    });
  }
}

describe('mailbox kinds across a worker crash', () => {
  it("re-applies the mailbox's order to the messages its worker had queued when it died", async () => {
    const tk = await createTestSystem({ workers: 1, actors });
    try {
      const probe = await tk.probe<RankedReport>();
      const ref = await tk.system.spawn(Prioritized, { name: 'ranked-crash', args: { report: probe.ref }, placement: { worker: 1 } });
      const killer = await tk.system.spawn(Killer, { name: 'killer', placement: { worker: 1 } });
      const restarted = new Promise((resolve) => tk.system.events.subscribe('worker-restarted', resolve));
      ref.tell({ type: 'hold' });
      await probe.expectMsg({ type: 'gate' }); // never answered: the actor is busy with 'hold' when its worker dies
      for (const m of [job('a', { p: 3 }), job('b', { p: 1 }), job('c', { p: 2 }), job('d', { p: 1 })]) ref.tell(m);
      killer.tell({ type: 'exit' }); // behind them on the same ring: they are in the mailbox (journaled) by then
      // Lost: the two messages being handled (the held 'hold', and 'exit'); the four jobs were only queued.
      expect(await restarted).toMatchObject({ worker: 1, lost: 2, messages: 4 });
      expect((await probe.receiveN(4)).map((m) => (m as { id: string }).id)).toEqual(['b', 'd', 'c', 'a']);
    } finally {
      await tk.shutdown();
    }
  });
});

describe('mailbox kinds: bad options', () => {
  const receive = () => {};
  it('refuses, at defineActor, an unknown kind, naming the kinds there are', () => {
    expect(() => defineActor('mbx.bad-kind', { receive, mailbox: { kind: 'lifo' } as never })).toThrow(InvalidArgumentError);
    expect(() => defineActor('mbx.bad-kind', { receive, mailbox: { kind: 'lifo' } as never })).toThrow(/'unbounded', 'priority', 'control-aware', 'bounded', got "lifo"/);
  });
  it('refuses a priority kind without a priority function, and a control-aware one without isControl', () => {
    expect(() => defineActor('mbx.no-priority', { receive, mailbox: { kind: 'priority' } as never })).toThrow(/needs priority: \(message\) => number/);
    expect(() => defineActor('mbx.no-control', { receive, mailbox: { kind: 'control-aware', isControl: 1 } as never })).toThrow(/needs isControl: \(message\) => boolean, got number/);
    expect(() => defineActor('mbx.null', { receive, mailbox: null as never })).toThrow(/mailbox must be an object/);
  });
});
