// TestProbe: what a probe receives from actors on the workers, what it expects, and how it acts as a sender.
// One system for the file (two workers boot once); every test uses its own probes and actor names.
import { describe, expect, it } from 'vitest';
import { ActorRef } from '../../src/index.js';
import { createTestSystem } from '../../src/testkit/index.js';
import {
  Asker,
  Echo,
  Fanout,
  Flaky,
  Pinger,
  Spawner,
  type AskerReport,
  type ItemMsg,
  type PongMsg,
} from '../fixtures/testkit-actors.js';

const tk = await createTestSystem({ workers: 2, actors: [new URL('../fixtures/testkit-actors.ts', import.meta.url)] });

describe('expecting messages', () => {
  it('expectMsg returns the next message when it equals the expected value', async () => {
    const probe = await tk.probe<PongMsg>();
    const pinger = await tk.system.spawn(Pinger, { name: 'pinger-eq', placement: { worker: 1 } });
    pinger.tell({ type: 'ping', n: 1, replyTo: probe.ref });
    expect(await probe.expectMsg({ type: 'pong', n: 1 })).toEqual({ type: 'pong', n: 1 });
  });

  it('expectMsg takes a predicate that sees the message and its sender', async () => {
    const probe = await tk.probe<PongMsg>();
    const pinger = await tk.system.spawn(Pinger, { name: 'pinger-pred', placement: { worker: 2 } });
    pinger.tell({ type: 'ping', n: 7, replyTo: probe.ref });
    await probe.expectMsg((m, sender) => m.n === 7 && pinger.equals(sender));
    expect(pinger.equals(probe.lastSender)).toBe(true);
  });

  it('expectMsg accepts vitest asymmetric matchers', async () => {
    const probe = await tk.probe();
    probe.ref.tell({ type: 'report', at: 123, items: ['a', 'b'] });
    await probe.expectMsg(expect.objectContaining({ type: 'report', items: expect.arrayContaining(['b']) }));
  });

  it('delivers the messages of one sender in the order they were sent', async () => {
    const probe = await tk.probe<ItemMsg>();
    const fanout = await tk.system.spawn(Fanout, { name: 'fanout-order', placement: { worker: 1 } });
    fanout.tell({ type: 'fanout', to: probe.ref, count: 50 });
    for (let i = 0; i < 50; i++) await probe.expectMsg({ type: 'item', i });
  });

  it('expectMsgType narrows to the member of the union with that type tag', async () => {
    const probe = await tk.probe<ItemMsg>();
    probe.ref.tell({ type: 'item', i: 3 });
    const item = await probe.expectMsgType('item');
    expect(item.i).toBe(3);
  });

  it('expectMsgType takes a class that keeps its identity between threads', async () => {
    const probe = await tk.probe();
    const echo = await tk.system.spawn(Echo, { name: 'echo-types', placement: { worker: 1 } });
    probe.tell(echo, { type: 'bounce', value: new Date(5) });
    probe.tell(echo, { type: 'bounce', value: echo });
    expect((await probe.expectMsgType(Date)).getTime()).toBe(5);
    expect((await probe.expectMsgType(ActorRef)).equals(echo)).toBe(true);
  });

  it('expectMsgAllOf accepts the expected messages in any order and returns them in arrival order', async () => {
    const probe = await tk.probe<ItemMsg>();
    const a = await tk.system.spawn(Fanout, { name: 'fanout-all-a', placement: { worker: 1 } });
    const b = await tk.system.spawn(Fanout, { name: 'fanout-all-b', placement: { worker: 2 } });
    a.tell({ type: 'fanout', to: probe.ref, count: 2, from: 0 });
    b.tell({ type: 'fanout', to: probe.ref, count: 2, from: 10 });
    const got = await probe.expectMsgAllOf([
      { type: 'item', i: 11 },
      { type: 'item', i: 0 },
      (m) => m.type === 'item' && m.i === 10,
      { type: 'item', i: 1 },
    ]);
    expect(got.map((m) => (m.type === 'item' ? m.i : -1)).sort((x, y) => x - y)).toEqual([0, 1, 10, 11]);
  });

  it('receiveN returns the next n messages, whatever they are', async () => {
    const probe = await tk.probe<ItemMsg>();
    const fanout = await tk.system.spawn(Fanout, { name: 'fanout-n', placement: { worker: 2 } });
    fanout.tell({ type: 'fanout', to: probe.ref, count: 5 });
    expect(await probe.receiveN(5)).toEqual([0, 1, 2, 3, 4].map((i) => ({ type: 'item', i })));
  });

  it('fishForMessage skips the messages that do not match', async () => {
    const probe = await tk.probe<ItemMsg>();
    const fanout = await tk.system.spawn(Fanout, { name: 'fanout-fish', placement: { worker: 1 } });
    fanout.tell({ type: 'fanout', to: probe.ref, count: 10 });
    expect(await probe.fishForMessage((m) => m.type === 'item' && m.i === 8)).toEqual({ type: 'item', i: 8 });
    await probe.expectMsg({ type: 'item', i: 9 });
  });

  it('expectNoMsg passes when nothing arrives in the window', async () => {
    const probe = await tk.probe();
    await probe.expectNoMsg(50);
  });
});

describe('replying, forwarding and sending as the probe', () => {
  it('reply answers an ask made by an actor on a worker', async () => {
    const probe = await tk.probe<string, number>();
    const report = await tk.probe<AskerReport>();
    const asker = await tk.system.spawn(Asker, { name: 'asker-reply', placement: { worker: 2 } });
    asker.tell({ type: 'ask', target: probe.ref, question: 'how many?', report: report.ref });
    await probe.expectMsg('how many?');
    expect(asker.equals(probe.lastSender)).toBe(true);
    probe.reply(42);
    await report.expectMsg({ type: 'answer', value: 42 });
  });

  it('reply answers an ask made by the test itself', async () => {
    const probe = await tk.probe<string, string>();
    const answer = probe.ref.ask<string>('ready?');
    await probe.expectMsg('ready?');
    probe.reply('yes');
    expect(await answer).toBe('yes');
  });

  it('an ask the probe never answers times out at the asker, and the probe moves on to its next message', async () => {
    const probe = await tk.probe();
    const report = await tk.probe<AskerReport>();
    const asker = await tk.system.spawn(Asker, { name: 'asker-unanswered', placement: { worker: 1 } });
    asker.tell({ type: 'ask', target: probe.ref, question: 'first', report: report.ref, timeoutMs: 200 });
    await probe.expectMsg('first');
    await report.expectMsg({ type: 'failed', code: 'ERR_ASK_TIMEOUT' });
    probe.ref.tell('second');
    await probe.expectMsg('second');
  });

  it('tell, send and ask from the probe have the probe as their sender', async () => {
    const probe = await tk.probe();
    const echo = await tk.system.spawn(Echo, { name: 'echo-sender', placement: { worker: 2 } });
    expect(probe.tell(echo, { type: 'bounce', value: 'told' })).toBe(true);
    await probe.expectMsg('told');
    await probe.send(echo, { type: 'bounce', value: 'sent' });
    await probe.expectMsg('sent');
    expect(probe.ref.equals(await probe.ask<unknown, unknown, ActorRef>(echo, { type: 'who' }))).toBe(true);
  });

  it('forward sends the last message received on with its original sender kept', async () => {
    const sender = await tk.probe();
    const probe = await tk.probe();
    const echo = await tk.system.spawn(Echo, { name: 'echo-forward', placement: { worker: 1 } });
    sender.tell(probe.ref, { type: 'bounce', value: 'round trip' });
    await probe.expectMsgType('bounce');
    await probe.forward(echo);
    await sender.expectMsg('round trip');
  });

  it('forward after reply sends the last message with the probe as the sender', async () => {
    const probe = await tk.probe();
    const echo = await tk.system.spawn(Echo, { name: 'echo-forward-after-reply', placement: { worker: 2 } });
    probe.ref.tell({ type: 'bounce', value: 'again' });
    await probe.expectMsgType('bounce');
    probe.reply('ignored'); // a tell from outside: a 'no-asker' dead letter, and the probe holds nothing now
    await probe.forward(echo);
    await probe.expectMsg('again');
  });
});

describe('expectTerminated', () => {
  it('resolves when the actor stops', async () => {
    const probe = await tk.probe();
    const flaky = await tk.system.spawn(Flaky, { name: 'flaky-stops', placement: { worker: 1 } });
    const terminated = probe.expectTerminated(flaky);
    flaky.tell({ type: 'stop' });
    await terminated;
    expect(tk.system.lookup('flaky-stops')).toBeUndefined();
  });

  it('resolves at once for an actor that has already stopped', async () => {
    const probe = await tk.probe();
    const flaky = await tk.system.spawn(Flaky, { name: 'flaky-stopped', placement: { worker: 2 } });
    flaky.tell({ type: 'stop' });
    await probe.expectTerminated(flaky);
    // Now long gone: known from the registry and the events already seen, without waiting.
    await probe.expectTerminated(flaky, { timeoutMs: 1 });
  });

  it('follows a child spawned on another worker than its parent', async () => {
    const probe = await tk.probe();
    const spawner = await tk.system.spawn(Spawner, { name: 'spawner', placement: { worker: 1 } });
    const child = await spawner.ask({ type: 'spawn', name: 'kid', placement: { worker: 2 } });
    child.tell({ type: 'stop' });
    await probe.expectTerminated(child);
  });

  it('stopping a probe turns later messages to it into dead letters', async () => {
    const probe = await tk.probe('probe-to-stop');
    await probe.stop();
    await tk.expectDeadLetters(1, () => probe.ref.tell('too late'), { target: 'probe-to-stop' });
  });
});

describe('time', () => {
  it('awaitAssert returns once the assertion passes', async () => {
    const flaky = await tk.system.spawn(Flaky, { name: 'flaky-count', placement: { worker: 2 } });
    for (let i = 0; i < 3; i++) flaky.tell({ type: 'inc' });
    const n = await tk.awaitAssert(async () => {
      const count = await flaky.ask({ type: 'get' });
      expect(count).toBe(3);
      return count;
    });
    expect(n).toBe(3);
  });

  it('within returns the value of a block that completes in time', async () => {
    const probe = await tk.probe<ItemMsg>();
    const fanout = await tk.system.spawn(Fanout, { name: 'fanout-within', placement: { worker: 1 } });
    const items = await probe.within(5000, async () => {
      fanout.tell({ type: 'fanout', to: probe.ref, count: 3 });
      return probe.receiveN(3);
    });
    expect(items).toHaveLength(3);
  });
});
