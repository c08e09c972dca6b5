// Inline mode behaves as threads mode (docs/semantics.md "Inline mode"): supervision directives, death watch and
// ask timeouts, each test run once with threads (the actors spread over the main thread and two workers, so
// every step crosses a thread) and once inline (every actor on the main thread), with the same expectations.
import { describe, expect, it } from 'vitest';
import type { ActorRef, SystemEvent } from '../../src/index.js';
import { createTestSystem } from '../../src/testkit/index.js';
import { Counter, type CounterMsg } from '../fixtures/actors.js';
import { Asking, Late, type AskingMsg, type LateMsg } from '../fixtures/parity-actors.js';
import { Kid, OneForOne, Watcher, type KidMsg, type SupMsg, type WatcherMsg } from '../fixtures/supervision-actors.js';

const actors = [
  new URL('../fixtures/actors.ts', import.meta.url),
  new URL('../fixtures/parity-actors.ts', import.meta.url),
  new URL('../fixtures/supervision-actors.ts', import.meta.url),
];
const systems = {
  threads: await createTestSystem({ workers: 2, actors, testKit: { timeoutMs: 10_000 } }),
  inline: await createTestSystem({ mode: 'inline', actors, testKit: { timeoutMs: 10_000 } }),
};

for (const [mode, tk] of Object.entries(systems)) {
  /** A placement on `worker` with threads; none inline (where a worker placement is refused). */
  const on = (worker: number) => (mode === 'threads' ? { placement: { worker } } : {});
  const worker = (n: number): { worker?: number } => (mode === 'threads' ? { worker: n } : {});
  let n = 0;

  /** A OneForOne parent on worker 1 and its Kid on worker 2; the decider reads the directive from the error. */
  async function family() {
    const probe = await tk.probe<string>();
    const parent: ActorRef<SupMsg, unknown> = await tk.system.spawn(OneForOne, { name: `parent-${++n}`, args: { probe: probe.ref }, ...on(1) });
    await probe.expectMsg(`${parent.name} preStart`);
    const kid = (await parent.ask({ type: 'spawn', def: 'kid', name: 'kid', ...worker(2) })) as ActorRef<KidMsg, number>;
    await probe.expectMsg(`${kid.name} preStart`);
    return { probe, parent, kid };
  }

  async function watcher() {
    const probe = await tk.probe<string>();
    const ref: ActorRef<WatcherMsg, string> = await tk.system.spawn(Watcher, { name: `watcher-${++n}`, args: { probe: probe.ref }, ...on(2) });
    return { probe, ref };
  }

  function failures(): { seen: [string, string][]; off: () => void } {
    const seen: [string, string][] = [];
    const off = tk.system.events.subscribe('actor-failed', (e: Extract<SystemEvent, { type: 'actor-failed' }>) => seen.push([e.actor, e.directive]));
    return { seen, off };
  }

  describe(`supervision (${mode})`, () => {
    it('resumes a failed child with its state when the decider says resume', async () => {
      const { kid } = await family();
      const f = failures();
      try {
        kid.tell({ type: 'inc' });
        kid.tell({ type: 'inc' });
        kid.tell({ type: 'fail', reason: 'resume' });
        kid.tell({ type: 'inc' });
        expect(await kid.ask({ type: 'get' })).toBe(3);
        expect(f.seen).toEqual([[kid.name, 'resume']]);
      } finally {
        f.off();
      }
    });

    it('stops a failed child when the decider says stop: postStop runs, and its watcher hears Terminated', async () => {
      const { probe, kid } = await family();
      const w = await watcher();
      expect(await w.ref.ask({ type: 'watch', target: kid })).toBe('ok');
      kid.tell({ type: 'fail', reason: 'stop' });
      await probe.expectMsg(`${kid.name} postStop`);
      await w.probe.expectMsg(`terminated ${kid.name}`);
      await tk.awaitAssert(() => expect(tk.system.lookup(kid.name)).toBeUndefined());
    });

    it('escalates to the guardian, which restarts the parent, whose default preRestart stops the child', async () => {
      const { probe, parent, kid } = await family();
      const f = failures();
      try {
        kid.tell({ type: 'fail', reason: 'escalate' });
        // The default preRestart stops the children and calls postStop, the default postRestart calls preStart. The
        // kid's report and the parent's come from different threads: only the parent's two are ordered.
        const got = (await probe.receiveN(3)) as string[];
        expect(got.filter((m) => m.startsWith(`${parent.name} `))).toEqual([`${parent.name} postStop`, `${parent.name} preStart`]);
        expect(got).toContain(`${kid.name} postStop`);
        await tk.awaitAssert(() => expect(tk.system.lookup(kid.name)).toBeUndefined());
        expect(f.seen).toEqual([
          [kid.name, 'escalate'],
          [parent.name, 'restart'],
        ]);
        expect(await parent.ask({ type: 'get' })).toBe(0);
      } finally {
        f.off();
      }
    });
  });

  describe(`death watch (${mode})`, () => {
    it('delivers Terminated when a watched actor stops, once for two watches, and at once for one already gone', async () => {
      const w = await watcher();
      const sink = await tk.probe<string>();
      const kid: ActorRef<KidMsg, number> = await tk.system.spawn(Kid, { name: `watched-${++n}`, args: { probe: sink.ref }, ...on(1) });
      expect(await w.ref.ask({ type: 'watch', target: kid })).toBe('ok');
      expect(await w.ref.ask({ type: 'watch', target: kid })).toBe('ok');
      await tk.system.stop(kid);
      await w.probe.expectMsg(`terminated ${kid.name}`);
      expect(await w.ref.ask({ type: 'watch', target: kid })).toBe('ok');
      await w.probe.expectMsg(`terminated ${kid.name}`);
      await w.probe.expectNoMsg(100, { hint: 'two watches give one Terminated' });
    });

    it('delivers no Terminated after unwatch', async () => {
      const w = await watcher();
      const sink = await tk.probe<string>();
      const kid: ActorRef<KidMsg, number> = await tk.system.spawn(Kid, { name: `unwatched-${++n}`, args: { probe: sink.ref }, ...on(1) });
      expect(await w.ref.ask({ type: 'watch', target: kid })).toBe('ok');
      expect(await w.ref.ask({ type: 'unwatch', target: kid })).toBe('ok');
      await tk.system.stop(kid);
      await w.probe.expectNoMsg(200, { hint: 'unwatched before the stop' });
    });
  });

  describe(`ask timeouts (${mode})`, () => {
    it('rejects an ask from outside the actors that gets no reply with AskTimeoutError', async () => {
      const counter: ActorRef<CounterMsg, number> = await tk.system.spawn(Counter, { name: `silent-${++n}`, args: { start: 0 }, ...on(2) });
      await expect(counter.ask({ type: 'inc', by: 1 }, { timeoutMs: 100 })).rejects.toMatchObject({ code: 'ERR_ASK_TIMEOUT', name: 'AskTimeoutError' });
      expect(await counter.ask({ type: 'get' })).toBe(1);
    });

    it("rejects an actor's own ask that gets no reply with AskTimeoutError", async () => {
      const counter: ActorRef<CounterMsg, number> = await tk.system.spawn(Counter, { name: `silent-${++n}`, args: { start: 0 }, ...on(2) });
      const asking: ActorRef<AskingMsg, unknown> = await tk.system.spawn(Asking, { name: `asking-${++n}`, ...on(1) });
      expect(await asking.ask({ type: 'ask', target: counter, message: { type: 'inc', by: 1 }, timeoutMs: 100 })).toEqual({ code: 'ERR_ASK_TIMEOUT' });
      expect(await asking.ask({ type: 'ask', target: counter, message: { type: 'get' }, timeoutMs: 5_000 })).toEqual({ reply: 1 });
    });

    it("reports a reply that comes after its ask timed out as an 'ask-timed-out' dead letter", async () => {
      const late: ActorRef<LateMsg, string> = await tk.system.spawn(Late, { name: `late-${++n}`, ...on(1) });
      await tk.expectDeadLetters(1, () => expect(late.ask({ type: 'reply-after', ms: 200 }, { timeoutMs: 50 })).rejects.toMatchObject({ code: 'ERR_ASK_TIMEOUT' }), {
        match: (e) => e.reason === 'ask-timed-out' && e.message === 'late',
      });
    });
  });
}
