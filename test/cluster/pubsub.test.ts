// Publish/subscribe across nodes, on a real nats-server with the per-node permissions: two nodes (two systems in
// this process, each with its own NATS connection and user).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ActorSystem, type ActorRef } from '../../src/index.js';
import { SeqChecker, type SeqMsg } from '../fixtures/cluster-actors.js';
import { type NatsServer, passwordOf, requireNats, startNats, writeNatsConfig } from './harness.js';

type Check = { got: number; outOfOrder: number };

const until = async (cond: () => Promise<boolean>, ms: number, what: string): Promise<void> => {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
};
const got = async (ref: ActorRef<SeqMsg, Check>): Promise<number> => (await ref.ask({ type: 'check' })).got;

describe.skipIf(!requireNats('pubsub'))('pubsub', () => {
  let nats: NatsServer;
  let a: ActorSystem;
  let b: ActorSystem;
  const start = (nodeId: 'node-a' | 'node-b') =>
    ActorSystem.start({
      workers: 1,
      actors: [new URL('../fixtures/cluster-actors.ts', import.meta.url)],
      cluster: { name: 't', nodeId, nats: { servers: nats.url, user: nodeId, pass: passwordOf(nodeId) }, heartbeatIntervalMs: 200, failureTimeoutMs: 5000 },
    });

  beforeAll(async () => {
    nats = await startNats({ config: await writeNatsConfig() });
    a = await start('node-a');
    b = await start('node-b');
  }, 60_000);
  afterAll(async () => {
    await a?.shutdown();
    await b?.shutdown();
    await nats?.dispose();
  });

  it('delivers a publish that starts after subscribe() resolved to every subscriber, from any node, in order', async () => {
    const onA = await a.spawn(SeqChecker, { name: 'sub-a' });
    const onB = await b.spawn(SeqChecker, { name: 'sub-b' });
    const onBmain = await b.spawn(SeqChecker, { name: 'sub-b-main', placement: 'local' });
    await a.cluster!.pubsub.subscribe('prices', onA);
    await b.cluster!.pubsub.subscribe('prices', onB);
    await b.cluster!.pubsub.subscribe('prices', onBmain);
    for (let i = 0; i < 500; i++) a.cluster!.pubsub.publish('prices', { type: 'seq', from: 'a', seq: i });
    await until(async () => (await got(onA)) === 500 && (await got(onB)) === 500 && (await got(onBmain)) === 500, 10_000, 'every subscriber to get 500');
    for (const ref of [onA, onB, onBmain]) expect(await ref.ask({ type: 'check' })).toEqual({ got: 500, outOfOrder: 0 });
  });

  it('delivers each publish to exactly one member of a queue group, across nodes', async () => {
    const members = [
      await a.spawn(SeqChecker, { name: 'g-a1' }),
      await a.spawn(SeqChecker, { name: 'g-a2' }),
      await b.spawn(SeqChecker, { name: 'g-b1' }),
    ];
    await a.cluster!.pubsub.subscribe('jobs', members[0]!, { group: 'workers' });
    await a.cluster!.pubsub.subscribe('jobs', members[1]!, { group: 'workers' });
    await b.cluster!.pubsub.subscribe('jobs', members[2]!, { group: 'workers' });
    for (let i = 0; i < 300; i++) b.cluster!.pubsub.publish('jobs', { type: 'seq', from: 'b', seq: i });
    const total = async () => (await Promise.all(members.map(got))).reduce((x, y) => x + y, 0);
    await until(async () => (await total()) >= 300, 10_000, '300 deliveries in the group');
    await new Promise((r) => setTimeout(r, 200));
    expect(await total()).toBe(300);
    // Both nodes took part (NATS spreads a queue group's messages over its members).
    expect((await got(members[2]!)) > 0 && (await got(members[0]!)) + (await got(members[1]!)) > 0).toBe(true);
  });

  it('stops delivering after unsubscribe', async () => {
    const sub = await b.spawn(SeqChecker, { name: 'leaver' });
    const unsubscribe = await b.cluster!.pubsub.subscribe('news', sub);
    a.cluster!.pubsub.publish('news', { type: 'seq', from: 'a', seq: 0 });
    await until(async () => (await got(sub)) === 1, 5_000, 'the first publication');
    await unsubscribe();
    a.cluster!.pubsub.publish('news', { type: 'seq', from: 'a', seq: 1 });
    await new Promise((r) => setTimeout(r, 300));
    expect(await got(sub)).toBe(1);
  });

  it('forgets a subscriber that stopped: the publications of its group go to the members left, none to dead letters', async () => {
    const stays = await a.spawn(SeqChecker, { name: 'stays' });
    const goes = await a.spawn(SeqChecker, { name: 'goes', placement: 'local' });
    await a.cluster!.pubsub.subscribe('tasks', stays, { group: 'crew' });
    await a.cluster!.pubsub.subscribe('tasks', goes, { group: 'crew' });
    await a.cluster!.pubsub.subscribe('other', goes);
    const letters: string[] = [];
    a.events.subscribe('dead-letter', (e) => letters.push(`${e.reason} ${e.target}`));
    await a.stop(goes);
    await until(async () => !a.cluster!.pubsub.subscriptions().some((s) => s.topic === 'other'), 5_000, "the stopped subscriber's topic to close");
    expect(a.cluster!.pubsub.subscriptions().find((s) => s.topic === 'tasks')).toEqual({ topic: 'tasks', group: 'crew', subscribers: 1 });
    for (let i = 0; i < 100; i++) b.cluster!.pubsub.publish('tasks', { type: 'seq', from: 'b', seq: i });
    await until(async () => (await got(stays)) === 100, 5_000, 'the member left to get all 100');
    expect(letters.filter((l) => l.includes('goes'))).toEqual([]);
  });

  it('refuses a topic that is not a subject token, and a publish without a message', async () => {
    const sub = await a.spawn(SeqChecker, { name: 'picky' });
    await expect(a.cluster!.pubsub.subscribe('a.b', sub)).rejects.toMatchObject({ code: 'ERR_INVALID_ARGUMENT' });
    expect(() => a.cluster!.pubsub.publish('*', { type: 'seq', from: 'x', seq: 0 })).toThrow(/subject token/);
    expect(() => a.cluster!.pubsub.publish('ok', undefined)).toThrow(/no message/);
  });
});
