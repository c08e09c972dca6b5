// Manual time (testKit: { manualTime: true }): one virtual clock for every thread, moved only by tk.time, and
// only once the system is quiescent. No test here sleeps or waits for a real timer: every wait ends on
// quiescence (read from shared memory) or on a message that is already there.
import { describe, expect, it } from 'vitest';
import { AskTimeoutError, NotQuiescentError, type ActorRef, type Placement } from '../../src/index.js';
import { createTestSystem, TestKitExpectationError } from '../../src/testkit/index.js';
import { Asker, Collector, Idle, RealWaiter, Relay, Scheduler, Silent, collected, type AskerReport, type Fired, type IdleReport } from '../fixtures/virtual-time-actors.js';

const actors = [new URL('../fixtures/virtual-time-actors.ts', import.meta.url)];
// Restarts of top-level actors wait 1000 ms of backoff (the guardian's strategy).
const guardian = { strategy: 'restart' as const, maxRetries: 10, withinMs: 60_000, backoff: { minMs: 1000, maxMs: 1000, jitter: 0 } };
const systems = {
  threads: await createTestSystem({ workers: 2, actors, guardian, testKit: { manualTime: true } }),
  inline: await createTestSystem({ mode: 'inline', actors, guardian, testKit: { manualTime: true } }),
};

for (const [mode, tk] of Object.entries(systems)) {
  // Inline, every actor is on the main thread; with threads, on the worker given.
  const on = (worker: number): { placement?: Placement } => (mode === 'threads' ? { placement: { worker } } : {});
  let n = 0;
  const name = (what: string): string => `${what}-${++n}`;

  describe(`manual time (${mode})`, () => {
    it('fires a timer set by an actor on worker 2 in response to a message the test just sent, with no sleep', async () => {
      const probe = await tk.probe<Fired>();
      const scheduler = await tk.system.spawn(Scheduler, { name: name('scheduler'), ...on(2) });
      const t0 = tk.time.now;
      scheduler.tell({ type: 'schedule', tag: 'a', delayMs: 100, report: probe.ref });
      await tk.time.expectNoMsgFor(99, probe); // due at t0 + 100: not yet
      await tk.time.advance(1);
      await probe.expectMsg({ type: 'fired', tag: 'a', at: t0 + 100, thread: mode === 'threads' ? 2 : 0 }, { timeoutMs: 1 });
      expect(tk.time.now).toBe(t0 + 100);
    });

    it('fires timers in due order across threads', async () => {
      const probe = await tk.probe<Fired>();
      const t0 = tk.time.now;
      const plan = [
        { worker: 1, delayMs: 300, tag: 'third' },
        { worker: 2, delayMs: 100, tag: 'first' },
        { worker: 0, delayMs: 200, tag: 'second' },
        { worker: 1, delayMs: 50, tag: 'zeroth' },
      ];
      for (const p of plan) {
        const s = await tk.system.spawn(Scheduler, { name: name('scheduler'), ...on(p.worker) });
        s.tell({ type: 'schedule', tag: p.tag, delayMs: p.delayMs, report: probe.ref });
      }
      await tk.time.advance(1000);
      const fired = (await probe.receiveN(4)).map((f) => [f.tag, f.at - t0]);
      expect(fired).toEqual([
        ['zeroth', 50],
        ['first', 100],
        ['second', 200],
        ['third', 300],
      ]);
    });

    it('fires timers that handlers schedule inside the window, and not those due after it', async () => {
      const probe = await tk.probe<Fired>();
      const scheduler = await tk.system.spawn(Scheduler, { name: name('chain'), ...on(1) });
      const t0 = tk.time.now;
      // Due at 100, then each tick sets the next: 100 + 50 = 150, + 50 = 200, + 300 = 500.
      scheduler.tell({ type: 'schedule', tag: 'chain', delayMs: 100, then: [50, 50, 300], report: probe.ref });
      await tk.time.advance(400);
      const ats = (await probe.receiveN(3)).map((f) => f.at - t0);
      expect(ats).toEqual([100, 150, 200]);
      await tk.time.expectNoMsgFor(99, probe); // now t0 + 499
      await tk.time.advanceTo(t0 + 500);
      expect((await probe.expectMsgType('fired', { timeoutMs: 1 })).at - t0).toBe(500);
    });

    it('gives ctx.now() the virtual time, on every thread', async () => {
      const a = await tk.system.spawn(Scheduler, { name: name('clock'), ...on(1) });
      const b = await tk.system.spawn(Scheduler, { name: name('clock'), ...on(0) });
      await tk.time.advance(1234.5);
      expect(await a.ask({ type: 'now' })).toBe(tk.time.now);
      expect(await b.ask({ type: 'now' })).toBe(tk.time.now);
    });

    it('times out an ask at its virtual deadline: the test asking, and an actor awaiting its ask', async () => {
      const silent = await tk.system.spawn(Silent, { name: name('silent'), ...on(2) });
      let settled: unknown;
      const pending = silent.ask('hello?', { timeoutMs: 1000 }).then(
        () => (settled = 'answered'),
        (err: unknown) => (settled = err),
      );
      await tk.time.advance(999);
      expect(settled).toBeUndefined();
      await tk.time.advance(1);
      await pending;
      expect(settled).toBeInstanceOf(AskTimeoutError);

      // The asker awaits its ask: that is waiting on the system, so advance settles instead of failing.
      const probe = await tk.probe<AskerReport>();
      const asker = await tk.system.spawn(Asker, { name: name('asker'), ...on(1) });
      const t0 = tk.time.now;
      asker.tell({ type: 'ask', target: silent, timeoutMs: 500, report: probe.ref });
      await tk.time.expectNoMsgFor(499, probe);
      await tk.time.advance(1);
      await probe.expectMsg({ type: 'failed', code: 'ERR_ASK_TIMEOUT', at: t0 + 500 }, { timeoutMs: 1 });
    });

    it('waits a restart backoff in virtual time', async () => {
      const probe = await tk.probe<IdleReport>();
      const t0 = tk.time.now;
      const actor = await tk.system.spawn(Idle, { name: name('fragile'), args: { report: probe.ref }, ...on(2) });
      await probe.expectMsg({ type: 'started', at: t0 });
      actor.tell({ type: 'boom' });
      await tk.time.expectNoMsgFor(999, probe); // the guardian's backoff is 1000 ms
      await tk.time.advance(1);
      await probe.expectMsg({ type: 'started', at: t0 + 1000 }, { timeoutMs: 1 });
    });

    it('delivers a receive timeout after the idle time in virtual time', async () => {
      const probe = await tk.probe<IdleReport>();
      const actor = await tk.system.spawn(Idle, { name: name('idle'), args: { report: probe.ref }, ...on(1) });
      await probe.expectMsgType('started');
      const t0 = tk.time.now;
      actor.tell({ type: 'set', ms: 5000 });
      await tk.time.expectNoMsgFor(4999, probe);
      await tk.time.advance(1);
      await probe.expectMsg({ type: 'idle', at: t0 + 5000 }, { timeoutMs: 1 });
    });

    it('settle() waits for messages in flight and moves no clock', async () => {
      const probe = await tk.probe<number>();
      const relays = [await tk.system.spawn(Relay, { name: name('relay'), ...on(1) }), await tk.system.spawn(Relay, { name: name('relay'), ...on(2) })];
      const t0 = tk.time.now;
      relays[0]!.tell({ type: 'hop', n: 7, via: [relays[1]!], report: probe.ref });
      await tk.time.settle();
      await probe.expectMsg(7, { timeoutMs: 1 });
      expect(tk.time.now).toBe(t0);
    });

    it('rejects with NotQuiescentError naming an actor that awaits real I/O', async () => {
      const quick = await createTestSystem({
        actors,
        shutdownTimeoutMs: 2000,
        ...(mode === 'inline' ? { mode: 'inline' as const } : { workers: 1 }),
        testKit: { manualTime: true, settleTimeoutMs: 100 },
      });
      const waiter = await quick.system.spawn(RealWaiter, { name: 'waits-on-io' });
      waiter.tell({ type: 'wait', ms: 400 });
      const err = await quick.time.advance(10).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(NotQuiescentError);
      expect((err as NotQuiescentError).code).toBe('ERR_NOT_QUIESCENT');
      expect((err as NotQuiescentError).busy).toContainEqual(expect.objectContaining({ actor: 'waits-on-io', thread: mode === 'threads' ? 1 : 0 }));
      expect((err as Error).message).toMatch(/'waits-on-io'.*awaits something/);
      expect(quick.time.now).toBe(0); // nothing moved
    });

    it('expectNoMsgFor fails when a message arrives within the window, naming it', async () => {
      const probe = await tk.probe<Fired>();
      const scheduler = await tk.system.spawn(Scheduler, { name: name('scheduler'), ...on(1) });
      scheduler.tell({ type: 'schedule', tag: 'early', delayMs: 10, report: probe.ref });
      const err = await tk.time.expectNoMsgFor(50, probe).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(TestKitExpectationError);
      expect((err as Error).message).toMatch(/expectNoMsgFor: a message arrived within 50 ms of virtual time[\s\S]*tag: 'early'/);
    });

    it('carries every message across three threads before it moves the clock again (500 advances)', async () => {
      const key = `${mode}-${name('stress')}`;
      const sink = await tk.system.spawn(Collector, { name: key, args: { key }, placement: { worker: 0 } });
      const source = await tk.system.spawn(Relay, { name: name('source'), ...on(1) });
      const via = [await tk.system.spawn(Relay, { name: name('hop'), ...on(2) }), await tk.system.spawn(Relay, { name: name('hop'), ...on(0) }), await tk.system.spawn(Relay, { name: name('hop'), ...on(1) })];
      source.tell({ type: 'start', everyMs: 10, via: via as ActorRef[], report: sink });
      const seen = collected(key);
      for (let i = 1; i <= 500; i++) {
        await tk.time.advance(10);
        // Read at once, with no wait: exactly one tick per advance, and it has crossed worker 1 -> 2 -> main -> 1
        // -> main. A quiescence declared while a record was between threads would leave it short.
        expect(seen.length).toBe(i);
      }
      expect(seen).toEqual(Array.from({ length: 500 }, (_, i) => i + 1));
    });

    it('refuses a second call while one runs, and time going back', async () => {
      const first = tk.time.advance(1);
      await expect(tk.time.advance(1)).rejects.toThrow(/time.advance is still running; await it first/);
      await first;
      await expect(tk.time.advanceTo(tk.time.now - 1)).rejects.toThrow(/virtual time never goes back/);
      await expect(tk.time.advance(-5)).rejects.toThrow(/must be a finite number of milliseconds >= 0/);
    });
  });
}

describe('manual time: off by default', () => {
  it('tk.time says how to turn it on', async () => {
    const tk = await createTestSystem({ mode: 'inline' });
    expect(() => tk.time).toThrow(/runs on real time; start it with createTestSystem\(\{ \.\.\., testKit: \{ manualTime: true \} \}\)/);
  });
});
