// The TestKit's failure paths: an expectation that must fail does fail, with a TestKitExpectationError whose
// message says what was expected, what arrived instead (the message itself, and its sender), and the hint.
// Timeouts here are short on purpose: each of these tests waits its timeout out.
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../src/index.js';
import { TestKitExpectationError, awaitAssert, createTestSystem, within } from '../../src/testkit/index.js';
import { Flaky, Pinger, type ItemMsg, type PongMsg } from '../fixtures/testkit-actors.js';

const tk = await createTestSystem({ workers: 1, actors: [new URL('../fixtures/testkit-actors.ts', import.meta.url)] });

/** The error `promise` rejects with; fails the test if it resolves. */
async function failureOf(promise: Promise<unknown>): Promise<TestKitExpectationError> {
  const outcome = await promise.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
  if (!('error' in outcome)) throw new Error(`expected the expectation to fail, it resolved with ${JSON.stringify(outcome.value)}`);
  expect(outcome.error).toBeInstanceOf(TestKitExpectationError);
  expect(outcome.error).toMatchObject({ code: 'ERR_TESTKIT_EXPECTATION', name: 'TestKitExpectationError' });
  return outcome.error as TestKitExpectationError;
}

describe('probe expectations that fail', () => {
  it('expectMsg that times out says what it expected, that nothing arrived, and the hint', async () => {
    const probe = await tk.probe('silent');
    const err = await failureOf(probe.expectMsg({ type: 'done' }, { timeoutMs: 100, hint: 'the job should report done' }));
    expect(err.message).toBe(
      [
        "probe 'silent': expectMsg: timed out after 100 ms",
        "  expected: { type: 'done' }",
        '  received: nothing',
        '  hint: the job should report done',
      ].join('\n'),
    );
    expect(err.received).toEqual([]);
    expect(err.hint).toBe('the job should report done');
  });

  it('expectMsg that gets another message shows that message and its sender', async () => {
    const probe = await tk.probe<PongMsg>('wrong-pong');
    const pinger = await tk.system.spawn(Pinger, { name: 'pinger-wrong', placement: { worker: 1 } });
    pinger.tell({ type: 'ping', n: 2, replyTo: probe.ref });
    const err = await failureOf(probe.expectMsg({ type: 'pong', n: 1 }, { hint: 'pongs come in ping order' }));
    expect(err.message).toContain("probe 'wrong-pong': expectMsg: a different message arrived");
    expect(err.message).toContain("expected: { type: 'pong', n: 1 }");
    expect(err.message).toContain("received: { type: 'pong', n: 2 }  (from ActorRef(pinger-wrong@worker-1))");
    expect(err.message).toContain('hint: pongs come in ping order');
    expect(err.received).toEqual([{ type: 'pong', n: 2 }]);
    // vitest prints a diff for it.
    expect(err).toMatchObject({ expected: { type: 'pong', n: 1 }, actual: { type: 'pong', n: 2 }, showDiff: true });
  });

  it('expectMsg with a predicate that throws reports what the predicate threw', async () => {
    const probe = await tk.probe('throwing-predicate');
    probe.ref.tell({ n: 1 });
    const err = await failureOf(
      probe.expectMsg((m: { n: number }) => {
        if (m.n !== 2) throw new Error(`n is ${m.n}`);
        return true;
      }),
    );
    expect(err.message).toContain('received: { n: 1 }');
    expect(err.message).toContain('the predicate threw: Error: n is 1');
    expect((err.cause as Error).message).toBe('n is 1');
  });

  it('expectMsgType names the type it wanted and shows the message that came', async () => {
    const probe = await tk.probe<ItemMsg>('wrong-type');
    probe.ref.tell({ type: 'tick' });
    const err = await failureOf(probe.expectMsgType('item'));
    expect(err.message).toContain("expected: a message of type 'item'");
    expect(err.message).toContain("received: { type: 'tick' }");
  });

  it('expectMsgAllOf fails at a message that matches none of those still expected', async () => {
    const probe = await tk.probe('all-of-stray');
    probe.ref.tell('a');
    probe.ref.tell('stray');
    const err = await failureOf(probe.expectMsgAllOf(['b', 'a']));
    expect(err.message).toContain('a message that matches none of the expected ones arrived');
    expect(err.message).toContain("expected: all of (in any order), still missing:\n    - 'b'\n");
    expect(err.message).toContain("received: 2 message(s) so far:\n    1. 'a'  (from outside any actor)\n    2. 'stray'");
    expect(err.received).toEqual(['a', 'stray']);
  });

  it('expectMsgAllOf that times out lists the messages still missing and those that came', async () => {
    const probe = await tk.probe('all-of-missing');
    probe.ref.tell('a');
    const err = await failureOf(probe.expectMsgAllOf(['a', 'b', 'c'], { timeoutMs: 100 }));
    expect(err.message).toContain('timed out after 100 ms');
    expect(err.message).toContain("still missing:\n    - 'b'\n    - 'c'");
    expect(err.message).toContain("received: 1 message(s) before the timeout: 'a'");
  });

  it('expectNoMsg fails with the message that arrived in the window', async () => {
    const probe = await tk.probe('not-quiet');
    probe.ref.tell({ type: 'unexpected' });
    const err = await failureOf(probe.expectNoMsg(1000, { hint: 'nothing should be sent after stop' }));
    expect(err.message).toContain('expectNoMsg: a message arrived within 1000 ms');
    expect(err.message).toContain("received: { type: 'unexpected' }");
    expect(err.message).toContain('hint: nothing should be sent after stop');
  });

  it('receiveN that times out shows the messages it did receive', async () => {
    const probe = await tk.probe('too-few');
    probe.ref.tell(1);
    probe.ref.tell(2);
    const err = await failureOf(probe.receiveN(3, { timeoutMs: 100 }));
    expect(err.message).toContain("probe 'too-few': receiveN: timed out after 100 ms");
    expect(err.message).toContain('expected: 3 messages');
    expect(err.message).toContain(
      ['  received: 2 message(s) before the timeout:', '    1. 1  (from outside any actor)', '    2. 2  (from outside any actor)'].join('\n'),
    );
    expect(err.received).toEqual([1, 2]);
  });

  it('fishForMessage that times out shows the messages it skipped', async () => {
    const probe = await tk.probe('fishing');
    probe.ref.tell('x');
    probe.ref.tell('y');
    const err = await failureOf(probe.fishForMessage((m) => m === 'z', { timeoutMs: 100 }));
    expect(err.message).toContain('2 message(s) skipped, as they did not match');
    expect(err.received).toEqual(['x', 'y']);
  });

  it('expectTerminated of an actor that keeps running times out and says it is still running', async () => {
    const probe = await tk.probe();
    const flaky = await tk.system.spawn(Flaky, { name: 'flaky-alive' });
    const err = await failureOf(probe.expectTerminated(flaky, { timeoutMs: 100 }));
    expect(err.message).toContain('expected: ActorRef(flaky-alive@worker-1) to stop');
    expect(err.message).toContain('it is still running');
  });
});

describe('timing expectations that fail', () => {
  it('an expectation inside within fails at the block deadline, not at its own default timeout', async () => {
    const probe = await tk.probe('within-deadline');
    const started = performance.now();
    const err = await failureOf(within(200, () => probe.expectMsg('never')));
    // Default timeout is 3000 ms: the within deadline cut it short. (A bound, not a measurement.)
    expect(performance.now() - started).toBeLessThan(2500);
    // The expectation's own failure (what it waited for) wins over the within's.
    expect(err.message).toMatch(/^probe 'within-deadline': expectMsg: timed out after \d+ ms/);
  });

  it('within fails when the block does not complete in time', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const err = await failureOf(within(50, () => gate, { hint: 'the gate is never opened' }));
    release();
    expect(err.message).toContain('within: the block did not complete within 50 ms');
    expect(err.message).toContain('hint: the gate is never opened');
  });

  it('within with a minimum fails when the block completes too early', async () => {
    const err = await failureOf(within(1000, 2000, () => 'fast'));
    expect(err.message).toContain('the block completed too early');
    expect(err.message).toContain('expected: the block to take at least 1000 ms');
  });

  it('awaitAssert that never passes fails with the last error of the assertion as its cause', async () => {
    let attempts = 0;
    const err = await failureOf(
      awaitAssert(
        () => {
          attempts++;
          expect(attempts).toBe(-1);
        },
        { timeoutMs: 100, hint: 'the counter never goes negative' },
      ),
    );
    expect(attempts).toBeGreaterThan(1);
    expect(err.message).toContain('awaitAssert: the assertion still failed after');
    expect(err.message).toContain(`received: its last error: AssertionError: expected ${attempts} to be -1`);
    expect(err.cause).toBeInstanceOf(Error);
  });

  it('awaitAssert fails at the timeout when an attempt never settles', async () => {
    const err = await failureOf(awaitAssert(() => new Promise<never>(() => {}), { timeoutMs: 100 }));
    expect(err.message).toContain('awaitAssert: attempt 1 was still pending after');
  });
});

describe('misuse of a probe', () => {
  it('reply with no message waiting for one is an InvalidArgumentError that says why', async () => {
    const probe = await tk.probe('nothing-to-reply');
    expect(() => probe.reply('x')).toThrow(InvalidArgumentError);
    expect(() => probe.reply('x')).toThrow(/no message is waiting for a reply/);
  });

  it('reply a second time to the same message is refused', async () => {
    const probe = await tk.probe('reply-twice');
    const answer = probe.ref.ask('q');
    await probe.expectMsg('q');
    probe.reply('a1');
    expect(() => probe.reply('a2')).toThrow(/no message is waiting for a reply/);
    expect(await answer).toBe('a1');
  });

  it('two expectations at once on one probe are refused', async () => {
    const probe = await tk.probe('two-at-once');
    const first = probe.expectMsg('one', { timeoutMs: 2000 });
    await expect(probe.expectMsg('two')).rejects.toThrow(/already waiting for a message in another expectation/);
    probe.ref.tell('one');
    await first;
  });

  it('a failed expectation consumes the message, like in Akka: the next expectation sees the next message', async () => {
    const probe = await tk.probe('consumed');
    probe.ref.tell('first');
    probe.ref.tell('second');
    await failureOf(probe.expectMsg('other'));
    await probe.expectMsg('second');
  });
});
