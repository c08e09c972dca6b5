// Actor timers: single, fixed delay, fixed rate; replacing and cancelling (a voided tick is never delivered, even one
// already queued); and the lifecycle: restart, stop and a worker crash cancel them, postRestart re-arms. Real time:
// delays are short, and "nothing arrives" windows are explicit (well past every delay a test started).
import { describe, expect, it } from 'vitest';
import type { ActorRef, Placement } from '../../src/index.js';
import { createTestSystem, type TestProbe, type TestSystem } from '../../src/testkit/index.js';
import { Ticker, type TickerMsg, type TickerReport } from '../fixtures/toolkit-actors.js';

const actors = [new URL('../fixtures/toolkit-actors.ts', import.meta.url)];
const systems = {
  threads: await createTestSystem({ workers: 2, actors }),
  inline: await createTestSystem({ mode: 'inline', actors }),
};
/** Longer than any delay the tests start (at most 50 ms), so a timer that was not cancelled would have fired. */
const WINDOW_MS = 250;

function setup(tk: TestSystem, mode: string, prefix = mode) {
  const on = (worker: number): { placement?: Placement } => (mode === 'threads' ? { placement: { worker } } : {});
  let n = 0;
  return async (worker: number, preStartTimer = false): Promise<{ probe: TestProbe<TickerReport>; ticker: ActorRef<TickerMsg, unknown> }> => {
    const probe = await tk.probe<TickerReport>();
    const ticker = await tk.system.spawn(Ticker, { name: `ticker-${prefix}-${++n}`, args: { report: probe.ref, preStartTimer }, ...on(worker) });
    return { probe, ticker };
  };
}

for (const [mode, tk] of Object.entries(systems)) {
  const spawn = setup(tk, mode);

  describe(`timers (${mode})`, () => {
    it('delivers a single timer once after its delay', async () => {
      const { probe, ticker } = await spawn(1);
      ticker.tell({ type: 'single', key: 'k', delayMs: 20, tag: 'once' });
      await probe.expectMsg(expect.objectContaining({ type: 'tick', tag: 'once' }));
      await probe.expectNoMsg(WINDOW_MS);
      expect(await ticker.ask({ type: 'active' })).toMatchObject({ active: [] });
    });

    it('never delivers a message from a timer replaced under the same key, even one already queued', async () => {
      const { probe, ticker } = await spawn(2);
      ticker.tell({ type: 'replace-queued', key: 'k' });
      await probe.expectMsg(expect.objectContaining({ type: 'tick', tag: 'new' }));
      await probe.expectNoMsg(WINDOW_MS);
    });

    it('never delivers a message from a cancelled timer', async () => {
      const { probe, ticker } = await spawn(1);
      ticker.tell({ type: 'single', key: 'k', delayMs: 30, tag: 'cancelled' });
      ticker.tell({ type: 'cancel', key: 'k' });
      await probe.expectNoMsg(WINDOW_MS);
    });

    it('reports the active timers by key, and a cancel of an unknown key is a no-op', async () => {
      const { ticker } = await spawn(2);
      ticker.tell({ type: 'single', key: 'a', delayMs: 10_000, tag: 'a' });
      ticker.tell({ type: 'rate', key: 'b', intervalMs: 10_000, tag: 'b' });
      ticker.tell({ type: 'cancel', key: 'a' });
      ticker.tell({ type: 'cancel', key: 'nobody' });
      expect(await ticker.ask({ type: 'active' })).toEqual({ active: ['b'], a: false, b: true });
    });

    it('refuses a negative delay with InvalidArgumentError', async () => {
      const { ticker } = await spawn(1);
      expect(await ticker.ask({ type: 'bad' })).toBe('ERR_INVALID_ARGUMENT');
    });

    it('schedules the next fixed-delay tick after an async handler settles', async () => {
      const { probe, ticker } = await spawn(2);
      ticker.tell({ type: 'delay', key: 'd', delayMs: 10, tag: 'd', workMs: 30 });
      const ats: number[] = [];
      for (let i = 0; i < 3; i++) ats.push(((await probe.expectMsgType('tick')) as { at: number }).at);
      ticker.tell({ type: 'cancel', key: 'd' });
      // Each tick starts at least work (30) + delay (10) after the previous one started; a fixed rate would not wait.
      for (let i = 1; i < ats.length; i++) expect(ats[i]! - ats[i - 1]!).toBeGreaterThanOrEqual(39);
    });

    it('coalesces fixed-rate ticks for a busy actor into one, counting the missed ones', async () => {
      const { probe, ticker } = await spawn(1);
      ticker.tell({ type: 'rate', key: 'r', intervalMs: 10, tag: 'r' });
      ticker.tell({ type: 'hold', ms: 80 });
      // Ticks fell due while the actor was busy: one waits in the mailbox, the others were counted, not queued.
      const held = (await probe.fishForMessage((m) => m.type === 'held')) as { missed: number };
      expect(held.missed).toBeGreaterThanOrEqual(2);
      ticker.tell({ type: 'cancel', key: 'r' });
    });

    it('starts a timer from preStart without failing, 100 times', async () => {
      for (let i = 0; i < 100; i++) {
        const { probe } = await spawn(1 + (i % 2), true);
        await probe.expectMsg(expect.objectContaining({ type: 'tick', tag: 'pre' }));
      }
    });

    it('cancels every timer on restart, and postRestart re-arms', async () => {
      const { probe, ticker } = await spawn(2);
      ticker.tell({ type: 'single', key: 'k', delayMs: 50, tag: 'before-restart' });
      ticker.tell({ type: 'fail' });
      await probe.expectMsg(expect.objectContaining({ type: 'tick', tag: 'rearmed' }));
      await probe.expectNoMsg(WINDOW_MS);
    });

    it('cancels every timer on stop', async () => {
      const { probe, ticker } = await spawn(1);
      ticker.tell({ type: 'rate', key: 'r', intervalMs: 20, tag: 'r' });
      ticker.tell({ type: 'single', key: 'k', delayMs: 30, tag: 'k' });
      ticker.tell({ type: 'stop' });
      await tk.expectTerminated(ticker);
      await tk.expectDeadLetters(0, () => probe.expectNoMsg(WINDOW_MS));
    });
  });
}

describe('timers and a worker crash', () => {
  it('cancels every timer on a worker crash, and postRestart re-arms', async () => {
    const tk = systems.threads;
    const { probe, ticker } = await setup(tk, 'threads', 'crash')(1);
    ticker.tell({ type: 'rate', key: 'r', intervalMs: 20, tag: 'r' });
    await probe.expectMsg(expect.objectContaining({ tag: 'r' }));
    await tk.expectWorkerRestart({ worker: 1 }, () => ticker.tell({ type: 'exit' }), { timeoutMs: 15_000 });
    await probe.fishForMessage((m) => m.type === 'tick' && m.tag === 'rearmed');
    await probe.expectNoMsg(WINDOW_MS);
  });
});
