// reminder.test.ts: run with `npx vitest run`.
import { describe, expect, it } from 'vitest';
import { createTestSystem } from '../../src/testkit/index.js';
import { Reminder, type Reminded } from '../fixtures/testkit-readme-reminder.js';

// Manual time: one virtual clock for every thread, which moves only when the test advances it.
const tk = await createTestSystem({
  workers: 2,
  actors: [new URL('../fixtures/testkit-readme-reminder.ts', import.meta.url)],
  testKit: { manualTime: true },
});

describe('Reminder', () => {
  it('reminds after a minute of virtual time, with no sleep', async () => {
    const probe = await tk.probe<Reminded>();
    const reminder = await tk.system.spawn(Reminder, { name: 'reminder', placement: { worker: 2 } });
    reminder.tell({ type: 'remind', text: 'stand up', afterMs: 60_000, replyTo: probe.ref });
    await tk.time.expectNoMsgFor(59_999, probe); // waits for the tell to be handled, then moves the clock
    await tk.time.advance(1); // the timer on worker 2 fires, its message reaches the probe, then advance resolves
    await probe.expectMsg({ type: 'reminded', text: 'stand up', at: 60_000 });
  });

  it('times out an ask at its virtual deadline', async () => {
    const reminder = await tk.system.spawn(Reminder, { name: 'quiet' });
    const timedOut = expect(reminder.ask({ type: 'ping' }, { timeoutMs: 5_000 })).rejects.toMatchObject({ code: 'ERR_ASK_TIMEOUT' });
    await tk.time.advance(5_000);
    await timedOut;
    expect(tk.time.now).toBe(65_000);
  });
});
