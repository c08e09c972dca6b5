// Event expectations (Akka's EventFilter): dead letters, actor failures and worker exits expected around a block.
import { describe, expect, it } from 'vitest';
import { TestKitExpectationError, createTestSystem } from '../../src/testkit/index.js';
import { Flaky, Killer } from '../fixtures/testkit-actors.js';

const actors = [new URL('../fixtures/testkit-actors.ts', import.meta.url)];
const tk = await createTestSystem({ workers: 1, actors });

describe('expecting dead letters', () => {
  it('expectDeadLetters resolves once the block has caused that many dead letters', async () => {
    const flaky = await tk.system.spawn(Flaky, { name: 'flaky-dead' });
    flaky.tell({ type: 'stop' });
    await tk.expectTerminated(flaky);
    await tk.expectDeadLetters(3, () => {
      for (let i = 0; i < 3; i++) flaky.tell({ type: 'inc' });
    });
  });

  it('counts only the dead letters for the target, and those the match accepts', async () => {
    const a = await tk.system.spawn(Flaky, { name: 'flaky-dead-a' });
    const b = await tk.system.spawn(Flaky, { name: 'flaky-dead-b' });
    a.tell({ type: 'stop' });
    b.tell({ type: 'stop' });
    await tk.expectTerminated(a);
    await tk.expectTerminated(b);
    await tk.expectDeadLetters(
      2,
      () => {
        a.tell({ type: 'inc' });
        a.tell({ type: 'get' });
        b.tell({ type: 'inc' });
        a.tell({ type: 'get' });
      },
      { target: 'flaky-dead-a', match: (e) => (e.message as { type: string }).type === 'get' && e.reason === 'actor-stopped' },
    );
  });

  it('fails with the dead letters it saw when there were fewer than expected', async () => {
    const flaky = await tk.system.spawn(Flaky, { name: 'flaky-dead-few' });
    flaky.tell({ type: 'stop' });
    await tk.expectTerminated(flaky);
    const err = await tk
      .expectDeadLetters(2, () => flaky.tell({ type: 'inc' }), { timeoutMs: 1000, hint: 'both incs should be lost' })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TestKitExpectationError);
    const message = (err as Error).message;
    expect(message).toContain('expectEvents: timed out after 1000 ms with 1 of 1 expectation(s) not met');
    expect(message).toContain("expected: exactly 2 'dead-letter' event(s)");
    expect(message).toContain("received: 1 matching 'dead-letter' event(s):");
    expect(message).toContain("target: 'flaky-dead-few'");
    expect(message).toContain("message: { type: 'inc' }");
    expect(message).toContain('hint: both incs should be lost');
  });

  it('fails when more than the expected number arrived', async () => {
    const flaky = await tk.system.spawn(Flaky, { name: 'flaky-dead-many' });
    flaky.tell({ type: 'stop' });
    await tk.expectTerminated(flaky);
    const err = await tk
      .expectDeadLetters(1, async () => {
        flaky.tell({ type: 'inc' });
        flaky.tell({ type: 'inc' });
        // Both are reported before this ask's rejection (same ring, in order): the count is final here.
        await flaky.ask({ type: 'get' }).catch(() => {});
      })
      .catch((e: unknown) => e);
    expect((err as Error).message).toContain('expectEvents: more matching events than expected arrived');
    expect((err as Error).message).toContain("received: 3 matching 'dead-letter' event(s)");
  });

  it('count 0 passes when none arrives within the quiet window', async () => {
    const flaky = await tk.system.spawn(Flaky, { name: 'flaky-alive-quiet' });
    await tk.expectEvents({ type: 'dead-letter', count: 0 }, () => flaky.tell({ type: 'inc' }));
  });
});

describe('expecting actor failures', () => {
  it('expectActorFailure matches the actor and its error, and returns the value of the block', async () => {
    const flaky = await tk.system.spawn(Flaky, { name: 'flaky-fails' });
    const value = await tk.expectActorFailure({ actor: 'flaky-fails', error: 'disk on fire' }, async () => {
      flaky.tell({ type: 'fail', why: 'the disk on fire' });
      return 'block value';
    });
    expect(value).toBe('block value');
    // Restarted with fresh state: it still answers.
    expect(await flaky.ask({ type: 'get' })).toBe(0);
  });

  it('matches the error with a RegExp over "Name: message" or with a predicate', async () => {
    const flaky = await tk.system.spawn(Flaky, { name: 'flaky-fails-twice' });
    await tk.expectEvents(
      [
        { type: 'actor-failed', actor: 'flaky-fails-twice', error: /^Error: first$/ },
        { type: 'actor-failed', actor: 'flaky-fails-twice', error: (e) => e.message === 'second' },
      ],
      () => {
        flaky.tell({ type: 'fail', why: 'first' });
        flaky.tell({ type: 'fail', why: 'second' });
      },
    );
  });

  it('fails showing the failures of the same type that did not match', async () => {
    const flaky = await tk.system.spawn(Flaky, { name: 'flaky-other-error' });
    const err = await tk
      .expectActorFailure({ actor: 'flaky-other-error', error: 'out of memory' }, () => flaky.tell({ type: 'fail', why: 'bad input' }), {
        timeoutMs: 1000,
      })
      .catch((e: unknown) => e);
    const message = (err as Error).message;
    expect(message).toContain(
      "expected: exactly 1 'actor-failed' event(s) with actor 'flaky-other-error', an error whose message contains 'out of memory'",
    );
    expect(message).toContain("received: 0 matching 'actor-failed' event(s)");
    expect(message).toContain("and 1 other 'actor-failed' event(s) that did not match:");
    expect(message).toContain("error: 'Error: bad input'");
  });

  it('lets the error of the block through, unchanged', async () => {
    await expect(
      tk.expectActorFailure({ actor: 'nobody' }, () => {
        throw new RangeError('the block itself failed');
      }),
    ).rejects.toThrow(RangeError);
  });
});

describe('expecting a worker to exit', () => {
  it('expectWorkerExit sees the worker that an actor took down', async () => {
    // A system of its own: this test kills its only worker.
    const own = await createTestSystem({ workers: 1, actors });
    const killer = await own.system.spawn(Killer, { name: 'killer' });
    await own.expectWorkerExit({ worker: 1 }, () => killer.tell({ type: 'crash-worker' }));
  });

  it('expectWorkerRestart waits until the replacement has recovered the actors', async () => {
    // The second restart boots a worker from scratch (the spare went to the first): seconds on a loaded 2-core
    // machine, beyond the default 3 s expectation.
    const own = await createTestSystem({ workers: 1, actors, testKit: { timeFactor: 5 } });
    const killer = await own.system.spawn(Killer, { name: 'killer' });
    await own.expectWorkerRestart({ worker: 1 }, () => killer.tell({ type: 'crash-worker' }));
    // The same ref reaches the recovered actor.
    await own.expectWorkerRestart({ worker: 1 }, () => killer.tell({ type: 'crash-worker' }));
  });

  it('fails naming the worker it waited for when that worker did not restart', async () => {
    const own = await createTestSystem({ workers: 1, actors });
    const err = await own.expectWorkerRestart({ worker: 1 }, () => {}, { timeoutMs: 300 }).catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/worker-restarted.*worker 1/s);
  });
});
