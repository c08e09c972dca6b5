// Bounded mailboxes (`mailbox: { kind: 'bounded', capacity, overflow }`): at most `capacity` messages queued for the
// actor, counted in shared memory by every sender at `tell` (those still in rings included), and what each overflow
// policy does beyond it; `send` and `ask` waiting for room; a sender on another worker; unstash; a worker crash.
// Each actor first takes a 'hold' (it asks the probe for a 'gate' and stays busy until the test answers), so that
// the messages told meanwhile are queued behind it. Capacity 3 throughout.
import { afterAll, describe, expect, it } from 'vitest';
import { defineActor, InvalidArgumentError, MailboxFullError, type ActorRef, type EventOf, type Placement } from '../../src/index.js';
import { createTestSystem, type TestProbe, type TestSystem } from '../../src/testkit/index.js';
import { Backpressure, DropHead, DropNew, Fail, Killer, Producer, type BoundedMsg, type BoundedReport } from '../fixtures/bounded-actors.js';

const actors = [new URL('../fixtures/bounded-actors.ts', import.meta.url)];
const systems = {
  threads: await createTestSystem({ workers: 2, actors }),
  inline: await createTestSystem({ mode: 'inline', actors }),
};

const job = (id: string): BoundedMsg => ({ type: 'job', id });
let n = 0;

/** Spawns `def`, holds it at its gate (busy, its mailbox empty), and returns its ref and the probe. */
async function held(tk: TestSystem, def: typeof Backpressure, placement: Placement | undefined) {
  const probe: TestProbe<BoundedReport> = await tk.probe<BoundedReport>();
  const ref: ActorRef<BoundedMsg> = await tk.system.spawn(def, { name: `bounded-${++n}`, args: { report: probe.ref }, ...(placement && { placement }) });
  ref.tell({ type: 'hold' });
  await probe.expectMsg({ type: 'gate' });
  return { ref, probe };
}

async function handled(probe: TestProbe<BoundedReport>, count: number): Promise<string[]> {
  const ids = (await probe.receiveN(count)).map((m) => (m as { id: string }).id);
  await probe.expectNoMsg(100);
  return ids;
}

function deadLetters(tk: TestSystem): EventOf<'dead-letter'>[] {
  const seen: EventOf<'dead-letter'>[] = [];
  tk.system.events.subscribe('dead-letter', (e) => {
    if (e.reason === 'mailbox-full') seen.push(e);
  });
  return seen;
}

for (const [mode, tk] of Object.entries(systems)) {
  const places: [string, Placement | undefined][] = mode === 'threads' ? [['worker 1', { worker: 1 }], ['the main thread', { worker: 0 }]] : [['inline', undefined]];
  for (const [where, placement] of places) {
    describe(`bounded mailbox (${mode}, ${where})`, () => {
      it("'backpressure': a tell beyond the capacity returns false and is not taken (no dead letter)", async () => {
        const dead = deadLetters(tk);
        const { ref, probe } = await held(tk, Backpressure, placement);
        expect(['a', 'b', 'c', 'd', 'e'].map((id) => ref.tell(job(id)))).toEqual([true, true, true, false, false]);
        probe.reply('open');
        expect(await handled(probe, 3)).toEqual(['a', 'b', 'c']);
        // Handled, the credits are back: three more fit, the fourth does not.
        ref.tell({ type: 'hold' });
        await probe.expectMsg({ type: 'gate' });
        expect(['f', 'g', 'h', 'i'].map((id) => ref.tell(job(id)))).toEqual([true, true, true, false]);
        probe.reply('open');
        expect(await handled(probe, 3)).toEqual(['f', 'g', 'h']);
        expect(dead).toEqual([]);
      });

      it("'drop-new': a tell beyond the capacity returns false and the message is a 'mailbox-full' dead letter", async () => {
        const dead = deadLetters(tk);
        const { ref, probe } = await held(tk, DropNew, placement);
        expect(['a', 'b', 'c', 'd'].map((id) => ref.tell(job(id)))).toEqual([true, true, true, false]);
        probe.reply('open');
        expect(await handled(probe, 3)).toEqual(['a', 'b', 'c']);
        expect(dead.map((e) => [e.target, e.message])).toEqual([[ref.name, job('d')]]);
      });

      it("'fail': a tell beyond the capacity throws MailboxFullError (ERR_MAILBOX_FULL, with the capacity)", async () => {
        const { ref, probe } = await held(tk, Fail, placement);
        for (const id of ['a', 'b', 'c']) expect(ref.tell(job(id))).toBe(true);
        let thrown: unknown;
        try {
          ref.tell(job('d'));
        } catch (err) {
          thrown = err;
        }
        expect(thrown).toBeInstanceOf(MailboxFullError);
        expect(thrown).toMatchObject({ code: 'ERR_MAILBOX_FULL', capacity: 3, target: ref.name });
        probe.reply('open');
        expect(await handled(probe, 3)).toEqual(['a', 'b', 'c']);
      });

      it("'drop-head': every tell is taken, and the oldest go as dead letters so that the newest 3 are handled", async () => {
        const dead = deadLetters(tk);
        const { ref, probe } = await held(tk, DropHead, placement);
        expect(['a', 'b', 'c', 'd', 'e'].map((id) => ref.tell(job(id)))).toEqual([true, true, true, true, true]);
        probe.reply('open');
        expect(await handled(probe, 3)).toEqual(['c', 'd', 'e']);
        expect(dead.map((e) => (e.message as { id: string }).id)).toEqual(['a', 'b']);
      });

      it('send waits for a credit, in order, and a tell meanwhile is refused rather than overtaking it', async () => {
        const { ref, probe } = await held(tk, Backpressure, placement);
        const sent: string[] = [];
        const sends = ['a', 'b', 'c', 'd', 'e'].map((id) => ref.send(job(id)).then(() => sent.push(id)));
        await new Promise((r) => setTimeout(r, 50));
        expect(sent).toEqual(['a', 'b', 'c']);
        expect(ref.tell(job('late'))).toBe(false); // 'd' and 'e' wait: a tell may not overtake them
        probe.reply('open');
        await Promise.all(sends);
        expect(await handled(probe, 5)).toEqual(['a', 'b', 'c', 'd', 'e']);
      });

      it('ask waits for a credit and gets its reply', async () => {
        const { ref, probe } = await held(tk, Backpressure, placement);
        for (const id of ['a', 'b', 'c']) expect(ref.tell(job(id))).toBe(true);
        let answer: unknown;
        const asked = ref.ask({ type: 'get', id: 'q' }, { timeoutMs: 5_000 }).then((v) => (answer = v));
        await new Promise((r) => setTimeout(r, 50));
        expect(answer).toBeUndefined();
        probe.reply('open');
        await asked;
        expect(answer).toBe('got q');
        expect(await handled(probe, 4)).toEqual(['a', 'b', 'c', 'q']);
      });

      it("a send waiting for a credit to an actor that stops goes on as an 'actor-stopped' dead letter, and resolves", async () => {
        const { ref, probe } = await held(tk, Backpressure, placement);
        for (const id of ['a', 'b', 'c']) expect(ref.tell(job(id))).toBe(true);
        const stoppedLetters: unknown[] = [];
        tk.system.events.subscribe('dead-letter', (e) => {
          if (e.reason === 'actor-stopped' && e.target === ref.name) stoppedLetters.push(e.message);
        });
        const waiting = ref.send(job('late'));
        const stopped = tk.system.stop(ref);
        probe.reply('open'); // the hold ends; the stop comes before the queued jobs (system.stop is not a poison pill)
        await stopped;
        await waiting;
        await new Promise((r) => setTimeout(r, 50));
        expect(stoppedLetters).toContainEqual(job('late'));
      });

      it('an unstashed message gives its credit back once only: the capacity is exactly 3 afterwards', async () => {
        const { ref, probe } = await held(tk, Backpressure, placement);
        expect(ref.tell({ type: 'job', id: 's', stash: true })).toBe(true);
        expect(ref.tell({ type: 'unstash' })).toBe(true);
        probe.reply('open');
        expect(await handled(probe, 1)).toEqual(['s']);
        ref.tell({ type: 'hold' });
        await probe.expectMsg({ type: 'gate' });
        expect(['a', 'b', 'c', 'd'].map((id) => ref.tell(job(id)))).toEqual([true, true, true, false]);
        probe.reply('open');
        expect(await handled(probe, 3)).toEqual(['a', 'b', 'c']);
      });
    });
  }
}

describe('bounded mailbox: senders on other threads', () => {
  it('a sender on worker 2 meets the same capacity as the main thread, counted across threads', async () => {
    const tk = systems.threads;
    const { ref, probe } = await held(tk, Backpressure, { worker: 1 });
    expect(ref.tell(job('main'))).toBe(true);
    const producer = await tk.system.spawn(Producer, { name: `producer-${++n}`, placement: { worker: 2 } });
    expect(await producer.ask({ type: 'produce', target: ref, count: 4, prefix: 'w' })).toEqual([true, true, false, false]);
    expect(ref.tell(job('again'))).toBe(false);
    probe.reply('open');
    expect(await handled(probe, 3)).toEqual(['main', 'w0', 'w1']);
  });

  it("a sender on worker 2 gets 'fail' as a thrown MailboxFullError", async () => {
    const tk = systems.threads;
    const { ref, probe } = await held(tk, Fail, { worker: 1 });
    const producer = await tk.system.spawn(Producer, { name: `producer-${++n}`, placement: { worker: 2 } });
    expect(await producer.ask({ type: 'produce', target: ref, count: 4, prefix: 'w' })).toEqual([true, true, true, 'ERR_MAILBOX_FULL']);
    probe.reply('open');
    expect(await handled(probe, 3)).toEqual(['w0', 'w1', 'w2']);
  });
});

describe('bounded mailbox across a worker crash', () => {
  it('recovers the queued messages with their credits, and has exactly its capacity again once they are handled', async () => {
    const tk = await createTestSystem({ workers: 1, actors });
    try {
      const { ref, probe } = await held(tk, Backpressure, { worker: 1 });
      const killer = await tk.system.spawn(Killer, { name: 'killer', placement: { worker: 1 } });
      const restarted = new Promise((resolve) => tk.system.events.subscribe('worker-restarted', resolve));
      expect(['a', 'b', 'c', 'd'].map((id) => ref.tell(job(id)))).toEqual([true, true, true, false]);
      killer.tell({ type: 'exit' });
      // Lost: the two messages being handled ('hold', which had given its credit back, and 'exit').
      expect(await restarted).toMatchObject({ worker: 1, lost: 2, messages: 3 });
      expect(await handled(probe, 3)).toEqual(['a', 'b', 'c']);
      ref.tell({ type: 'hold' });
      await probe.expectMsg({ type: 'gate' });
      expect(['e', 'f', 'g', 'h'].map((id) => ref.tell(job(id)))).toEqual([true, true, true, false]);
      probe.reply('open');
      expect(await handled(probe, 3)).toEqual(['e', 'f', 'g']);
    } finally {
      await tk.shutdown();
    }
  });
});

describe('bounded mailbox across a worker crash, messages held only in memory', () => {
  it("gives back the credits of messages the dead worker held only in memory (by reference, from its own thread)", async () => {
    // serializeMessages off: a tell between actors of one thread passes the message itself, never journaled.
    const tk = await createTestSystem({ workers: 1, actors, serializeMessages: false });
    try {
      const { ref, probe } = await held(tk, Backpressure, { worker: 1 });
      const producer = await tk.system.spawn(Producer, { name: 'local-producer', placement: { worker: 1 } });
      const killer = await tk.system.spawn(Killer, { name: 'killer', placement: { worker: 1 } });
      const restarted = new Promise((resolve) => tk.system.events.subscribe('worker-restarted', resolve));
      expect(await producer.ask({ type: 'produce', target: ref, count: 4, prefix: 'm' })).toEqual([true, true, true, false]);
      killer.tell({ type: 'exit' });
      await restarted; // the three jobs died with the worker (in its memory only): their credits must come back
      ref.tell({ type: 'hold' });
      await probe.expectMsg({ type: 'gate' });
      expect(['e', 'f', 'g', 'h'].map((id) => ref.tell(job(id)))).toEqual([true, true, true, false]);
      probe.reply('open');
      expect(await handled(probe, 3)).toEqual(['e', 'f', 'g']);
    } finally {
      await tk.shutdown();
    }
  });
});

describe('bounded mailbox: bad options', () => {
  const receive = () => {};
  it('refuses, at defineActor, a capacity that is not an integer >= 1 and an unknown overflow, listing both', () => {
    const bad = () => defineActor('bmx.bad', { receive, mailbox: { kind: 'bounded', capacity: 0, overflow: 'drop' } as never });
    expect(bad).toThrow(InvalidArgumentError);
    expect(bad).toThrow(/capacity must be an integer from 1 to 1073741824, got 0; overflow must be one of 'backpressure', 'drop-new', 'drop-head', 'fail', got "drop"/);
    expect(() => defineActor('bmx.no-capacity', { receive, mailbox: { kind: 'bounded' } as never })).toThrow(/capacity must be an integer from 1 to 1073741824, got undefined/);
  });
});

afterAll(async () => {
  await systems.threads.shutdown();
  await systems.inline.shutdown();
});
