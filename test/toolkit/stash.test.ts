// stash / unstash: order, pending asks, capacity, and what restart, stop and a worker crash do to the stash.
// Both modes, except the worker crash (threads only).
import { describe, expect, it } from 'vitest';
import type { ActorRef, Placement } from '../../src/index.js';
import { createTestSystem, type TestProbe, type TestSystem } from '../../src/testkit/index.js';
import { Loader, SmallLoader, type LoaderMsg, type LoaderReport } from '../fixtures/toolkit-actors.js';

const actors = [new URL('../fixtures/toolkit-actors.ts', import.meta.url)];
const systems = {
  threads: await createTestSystem({ workers: 2, actors }),
  inline: await createTestSystem({ mode: 'inline', actors }),
};

/** Expects the probe to hear 'handled' for exactly these jobs, in this order, and nothing more. */
async function expectHandled(probe: TestProbe<LoaderReport>, jobs: number[]): Promise<void> {
  for (const n of jobs) await probe.expectMsg({ type: 'handled', n });
  await probe.expectNoMsg();
}

function setup(tk: TestSystem, mode: string, prefix = mode) {
  const on = (worker: number): { placement?: Placement } => (mode === 'threads' ? { placement: { worker } } : {});
  let n = 0;
  return async (worker: number, small = false): Promise<{ probe: TestProbe<LoaderReport>; loader: ActorRef<LoaderMsg, unknown> }> => {
    const probe = await tk.probe<LoaderReport>();
    const loader = await tk.system.spawn(small ? SmallLoader : Loader, { name: `loader-${prefix}-${++n}`, args: { report: probe.ref }, ...on(worker) });
    return { probe, loader };
  };
}

for (const [mode, tk] of Object.entries(systems)) {
  const spawn = setup(tk, mode);

  describe(`stash (${mode})`, () => {
    it('unstashAll delivers the stashed messages before the queued ones, in stash order', async () => {
      const { probe, loader } = await spawn(1);
      for (const n of [1, 2, 3]) loader.tell({ type: 'job', n });
      loader.tell({ type: 'ready', gated: true });
      await probe.expectMsg({ type: 'gate' });
      loader.tell({ type: 'job', n: 4 }); // queued behind 'ready' before the gate opens (same ring, same order)
      probe.reply('open');
      await expectHandled(probe, [1, 2, 3, 4]);
    });

    it('answers an ask that was stashed and replied to after unstash', async () => {
      const { loader } = await spawn(2);
      const answer = loader.ask({ type: 'job', n: 7 });
      loader.tell({ type: 'ready' });
      expect(await answer).toBe('done 7');
    });

    it('unstash puts only the oldest stashed message back', async () => {
      const { probe, loader } = await spawn(1);
      for (const n of [1, 2, 3]) loader.tell({ type: 'job', n });
      loader.tell({ type: 'unstash-one' });
      await expectHandled(probe, [1]);
      expect(await loader.ask({ type: 'size' })).toEqual({ type: 'size', size: 2, capacity: 1000 });
    });

    it("unstashAll(filter) puts back what the filter accepts and dead-letters the rest as 'stash-discarded'", async () => {
      const { probe, loader } = await spawn(2);
      const even = loader.ask({ type: 'job', n: 2 }).catch((err: unknown) => err);
      for (const n of [1, 3, 4]) loader.tell({ type: 'job', n });
      await tk.expectDeadLetters(2, () => loader.tell({ type: 'ready-odd' }), { target: loader.name, match: (e) => e.reason === 'stash-discarded' });
      await expectHandled(probe, [1, 3]);
      expect(await even).toMatchObject({ code: 'ERR_MESSAGE_DISCARDED' });
    });

    it("clearStash returns the stashed messages, dead-letters them as 'stash-discarded' and rejects their asks", async () => {
      const { probe, loader } = await spawn(1);
      const asked = loader.ask({ type: 'job', n: 1 }).catch((err: unknown) => err);
      loader.tell({ type: 'job', n: 2 });
      const cleared = await tk.expectDeadLetters(2, () => loader.ask({ type: 'clear' }), { match: (e) => e.reason === 'stash-discarded' });
      expect(cleared).toEqual([{ type: 'job', n: 1 }, { type: 'job', n: 2 }]);
      expect(await asked).toMatchObject({ code: 'ERR_MESSAGE_DISCARDED' });
      loader.tell({ type: 'ready' });
      await probe.expectNoMsg();
    });

    it('fails the actor with StashOverflowError at stashCapacity and supervises it', async () => {
      const { probe, loader } = await spawn(2, true);
      for (const n of [1, 2, 3]) loader.tell({ type: 'job', n });
      await tk.expectActorFailure({ actor: loader.name, error: /StashOverflowError.*stashCapacity \(3\)/ }, () => loader.tell({ type: 'job', n: 4 }));
      // Restarted: the three stashed jobs came back; the one that overflowed was the failing message.
      loader.tell({ type: 'ready' });
      await expectHandled(probe, [1, 2, 3]);
    });

    it('puts the stash back in front of the mailbox on restart', async () => {
      const { probe, loader } = await spawn(1);
      for (const n of [1, 2]) loader.tell({ type: 'job', n });
      loader.tell({ type: 'fail' });
      loader.tell({ type: 'job', n: 3 }); // queued behind the failure: after the stash once restarted
      loader.tell({ type: 'ready' });
      await expectHandled(probe, [1, 2, 3]);
    });

    it("dead-letters the stash with reason 'actor-stopped' when the actor stops, and rejects its asks", async () => {
      const { loader } = await spawn(2);
      const asked = loader.ask({ type: 'job', n: 1 }).catch((err: unknown) => err);
      loader.tell({ type: 'job', n: 2 });
      await tk.expectDeadLetters(2, () => loader.tell({ type: 'stop' }), {
        target: loader.name,
        match: (e) => e.reason === 'actor-stopped' && (e.message as LoaderMsg).type === 'job',
      });
      expect(await asked).toMatchObject({ code: 'ERR_ACTOR_STOPPED' });
    });
  });
}

describe('stash across a worker crash', () => {
  it('keeps stashed messages across a worker crash and delivers them to the re-created actor before the queued ones', async () => {
    const tk = systems.threads;
    const { probe, loader } = await setup(tk, 'threads', 'crash-1')(1);
    const asks = [1, 2, 3].map((n) => loader.ask({ type: 'job', n }, { timeoutMs: 20_000 }));
    for (const n of [4, 5]) loader.tell({ type: 'job', n });
    expect(await loader.ask({ type: 'size' })).toMatchObject({ size: 5 });
    await tk.expectWorkerRestart({ worker: 1 }, () => {
      loader.tell({ type: 'exit' });
      loader.tell({ type: 'job', n: 6 }); // queued behind the crash: after the stash
    }, { timeoutMs: 15_000 });
    loader.tell({ type: 'ready' });
    // Exact accounting: each of the six jobs handled once, in order, every ask answered, nothing else.
    await expectHandled(probe, [1, 2, 3, 4, 5, 6]);
    expect(await Promise.all(asks)).toEqual(['done 1', 'done 2', 'done 3']);
  });

  it('restores the stash order, not the arrival order, after a worker crash', async () => {
    const tk = systems.threads;
    const { probe, loader } = await setup(tk, 'threads', 'crash-2')(2);
    for (const n of [1, 2, 3]) loader.tell({ type: 'job', n });
    loader.tell({ type: 'rotate' }); // 1 is unstashed and stashed again: the stash is 2, 3, 1
    expect(await loader.ask({ type: 'size' })).toMatchObject({ size: 3 });
    await tk.expectWorkerRestart({ worker: 2 }, () => loader.tell({ type: 'exit' }), { timeoutMs: 15_000 });
    loader.tell({ type: 'ready' });
    await expectHandled(probe, [2, 3, 1]);
  });
});
