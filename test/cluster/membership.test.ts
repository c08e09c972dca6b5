// Cluster membership over NATS KV (src/cluster/membership.ts), against a real nats-server with the per-node
// permissions of docs/cluster-membership.md: every node here connects as its own NATS user, so a permission the
// membership code needs and the sample config lacks fails these tests.
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Kvm } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Membership, type MembershipEvent, type MembershipOptions } from '../../src/cluster/membership.ts';
import { InvalidConfigError, NodeIdTakenError } from '../../src/errors.ts';
import { type CuttableProxy, connectAs, natsConfig, type NatsServer, readSampleConfig, requireNats, startNats, startProxy, TEST_CLUSTER, writeNatsConfig } from './harness.ts';

const HB = 100;
const FAILURE = 1500;
const FENCE = 600;

interface TestNode {
  id: string;
  nc: NatsConnection;
  m: Membership;
  events: MembershipEvent[];
  /** performance.now() of each event, parallel to `events`. */
  at: number[];
}

function options(nodeId: string, extra: Partial<MembershipOptions> = {}): MembershipOptions {
  return {
    cluster: TEST_CLUSTER,
    nodeId,
    incarnation: randomUUID(),
    roles: ['worker'],
    workers: 2,
    heartbeatIntervalMs: HB,
    failureTimeoutMs: FAILURE,
    selfFenceAfterMs: FENCE,
    ...extra,
  };
}

async function waitFor(what: string, pred: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!pred()) {
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** The node's own state changes, in order. */
const selfEvents = (n: TestNode) => n.events.map((e) => e.type).filter((t) => t.startsWith('self-'));

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function eventsOf(n: TestNode, type: MembershipEvent['type'], about?: string): MembershipEvent[] {
  return n.events.filter((e) => e.type === type && (about === undefined || ('member' in e && e.member.id === about)));
}

describe.skipIf(!requireNats('cluster membership'))('cluster membership over NATS KV', () => {
  let configPath: string;
  let nats: NatsServer;
  const conns: NatsConnection[] = [];
  const memberships: Membership[] = [];

  beforeAll(async () => {
    configPath = await writeNatsConfig();
  });
  // A fresh server (and so a fresh bucket) per test: ~100 ms, and no test sees another's members.
  beforeEach(async () => {
    nats = await startNats({ config: configPath });
  });
  afterEach(async () => {
    for (const m of memberships.splice(0)) await m.close();
    for (const nc of conns.splice(0)) await nc.close().catch(() => {});
    await nats.dispose();
  });

  const proxies: CuttableProxy[] = [];
  afterEach(async () => {
    for (const p of proxies.splice(0)) await p.close();
  });

  async function connect(user: string, url = nats.url): Promise<NatsConnection> {
    const nc = await connectAs(url, user);
    conns.push(nc);
    return nc;
  }

  async function join(id: string, extra: Partial<MembershipOptions> = {}, url = nats.url): Promise<TestNode> {
    const nc = await connect(id, url);
    const m = await Membership.join(nc, options(id, extra));
    memberships.push(m);
    const n: TestNode = { id, nc, m, events: [], at: [] };
    m.subscribe((e) => {
      n.events.push(e);
      n.at.push(performance.now());
    });
    return n;
  }

  const ids = (n: TestNode) => n.m.members().map((m) => m.id).sort();

  it('nodes that join see every member up, and later joiners are announced with member-up', async () => {
    const a = await join('node-a');
    const b = await join('node-b');
    const c = await join('node-c');
    expect(ids(c)).toEqual(['node-a', 'node-b', 'node-c']); // c read the list while joining
    await waitFor('a and b see all three', () => ids(a).length === 3 && ids(b).length === 3);
    expect(eventsOf(a, 'member-up').map((e) => ('member' in e ? e.member.id : ''))).toEqual(['node-b', 'node-c']);
    expect(eventsOf(b, 'member-up').map((e) => ('member' in e ? e.member.id : ''))).toEqual(['node-c']);
    const seen = a.m.member('node-c');
    expect(seen).toMatchObject({ id: 'node-c', incarnation: c.m.self.incarnation, status: 'up', roles: ['worker'], workers: 2, reachable: true });
    expect(a.m.self).toMatchObject({ id: 'node-a', status: 'up', reachable: true });
    expect(a.m.fenced).toBe(false);
    // Heartbeats keep everyone reachable well past the failure timeout.
    await sleep(FAILURE + 300);
    for (const n of [a, b, c]) {
      expect(n.m.members().every((m) => m.reachable)).toBe(true);
      expect(n.events.filter((e) => e.type !== 'member-up')).toEqual([]);
    }
  });

  it('a node that stops heartbeating is downed within failureTimeoutMs + 1 s on every survivor, by exactly one delete', async () => {
    const a = await join('node-a');
    const b = await join('node-b');
    const c = await join('node-c');
    await waitFor('all see three', () => ids(a).length === 3 && ids(b).length === 3);
    const t0 = performance.now();
    await c.m.close(); // a crash, as others see it: the key stays, the heartbeats stop
    await waitFor('both survivors report node-c down', () => eventsOf(a, 'member-down', 'node-c').length + eventsOf(b, 'member-down', 'node-c').length === 2, FAILURE + 3000);
    for (const n of [a, b]) {
      const i = n.events.findIndex((e) => e.type === 'member-down');
      expect(n.at[i]! - t0).toBeLessThan(FAILURE + 1000);
      // Unreachable first, then down; a survivor whose own check came later may see the delete marker first.
      expect(eventsOf(n, 'member-unreachable', 'node-c').length).toBeLessThanOrEqual(1);
      expect(n.events.findIndex((e) => e.type === 'member-unreachable')).toBeLessThan(i);
      expect(ids(n)).toEqual(['node-a', 'node-b']);
    }
    expect(a.m.downedByMe + b.m.downedByMe).toBe(1);
    // And nothing more happens: no second down, nobody else unreachable.
    await sleep(FAILURE);
    for (const n of [a, b]) {
      expect(eventsOf(n, 'member-down')).toHaveLength(1);
      expect(eventsOf(n, 'member-unreachable').length).toBeLessThanOrEqual(1);
    }
    expect(a.m.downedByMe + b.m.downedByMe).toBe(1);
  });

  it('a heartbeat pause shorter than failureTimeoutMs downs nobody (the paused node fences and unfences itself)', async () => {
    const a = await join('node-a');
    const b = await join('node-b');
    const c = await join('node-c');
    await waitFor('all see three', () => ids(a).length === 3 && ids(b).length === 3);
    b.m.pauseHeartbeatsFor(FAILURE - 600); // 900 ms of silence (+ up to one interval): past the fence, short of the timeout
    await waitFor('b fenced', () => b.m.fenced, 2000);
    await waitFor('b unfenced', () => eventsOf(b, 'self-unfenced').length === 1, 2000);
    await sleep(FAILURE);
    expect(selfEvents(b)).toEqual(['self-fenced', 'self-unfenced']);
    for (const n of [a, c]) {
      expect(n.events.filter((e) => e.type !== 'member-up')).toEqual([]);
      expect(ids(n)).toEqual(['node-a', 'node-b', 'node-c']);
    }
    expect(a.m.downedByMe + b.m.downedByMe + c.m.downedByMe).toBe(0);
    expect(b.m.fenced).toBe(false);
  });

  it('fences itself within selfFenceAfterMs + one interval when NATS is gone, and unfences when it returns (nobody downed)', async () => {
    const a = await join('node-a');
    const b = await join('node-b');
    await waitFor('both see two', () => ids(a).length === 2 && ids(b).length === 2);
    const t0 = performance.now();
    await nats.stop();
    await waitFor('both fenced', () => a.m.fenced && b.m.fenced, FENCE + 2000);
    for (const n of [a, b]) {
      const i = n.events.findIndex((e) => e.type === 'self-fenced');
      expect(n.at[i]! - t0).toBeLessThan(FENCE + HB + 50);
      expect(n.m.self.reachable).toBe(false);
    }
    await sleep(FAILURE); // down for longer than the failure timeout: each node's view of the other is stale
    await nats.restart();
    await waitFor('both unfenced', () => !a.m.fenced && !b.m.fenced, 5000);
    // After the outage, neither downs the other: the silence was the outage's, not theirs.
    await sleep(FAILURE + 500);
    for (const n of [a, b]) {
      expect(eventsOf(n, 'self-unfenced')).toHaveLength(1);
      expect(n.events.filter((e) => e.type === 'member-down' || e.type === 'self-downed')).toEqual([]);
      expect(ids(n)).toEqual(['node-a', 'node-b']);
      expect(n.m.members().every((m) => m.reachable)).toBe(true);
    }
    expect(a.m.downedByMe + b.m.downedByMe).toBe(0);
  });

  it('a node downed while it could not heartbeat reports self-fenced, then self-downed, and stops heartbeating', async () => {
    const a = await join('node-a');
    const b = await join('node-b');
    await waitFor('both see two', () => ids(a).length === 2 && ids(b).length === 2);
    b.m.pauseHeartbeatsFor(FAILURE + 1500);
    await waitFor('a downs b', () => eventsOf(a, 'member-down', 'node-b').length === 1, FAILURE + 2000);
    expect(a.m.downedByMe).toBe(1);
    await waitFor('b learns it was downed', () => eventsOf(b, 'self-downed').length === 1, 3000);
    expect(selfEvents(b)).toEqual(['self-fenced', 'self-downed']);
    expect(b.m.fenced).toBe(true);
    // It stays down: its heartbeats stopped, so its key is not re-created, and a sees nothing more.
    await sleep(FAILURE + 500);
    const kv = await new Kvm(await connect('driver')).open(`rm_${TEST_CLUSTER}_members`);
    expect((await kv.get('m.node-b'))?.operation).toBe('DEL');
    expect(selfEvents(b)).toEqual(['self-fenced', 'self-downed']);
    expect(a.events.map((e) => e.type)).toEqual(['member-up', 'member-unreachable', 'member-down']);
  });

  it('a node cut off from NATS alone is fenced, downed by the others, and reports self-downed when it gets back', async () => {
    const proxy = await startProxy(nats.port);
    proxies.push(proxy);
    const a = await join('node-a');
    const b = await join('node-b');
    const c = await join('node-c', {}, proxy.url);
    await waitFor('all see three', () => ids(a).length === 3 && ids(b).length === 3);
    const t0 = performance.now();
    proxy.cut();
    await waitFor('c fenced', () => c.m.fenced, FENCE + 1000);
    expect(c.at[c.events.findIndex((e) => e.type === 'self-fenced')]! - t0).toBeLessThan(FENCE + HB + 50);
    await waitFor('a and b down c', () => eventsOf(a, 'member-down', 'node-c').length === 1 && eventsOf(b, 'member-down', 'node-c').length === 1, FAILURE + 2000);
    expect(a.m.downedByMe + b.m.downedByMe).toBe(1);
    proxy.heal();
    await waitFor('c learns it was downed', () => eventsOf(c, 'self-downed').length === 1, 5000);
    expect(selfEvents(c)).toEqual(['self-fenced', 'self-downed']);
    expect(eventsOf(c, 'member-down')).toEqual([]); // c downed nobody: it could not reach NATS
    expect(c.m.downedByMe).toBe(0);
  });

  it('a node whose watch stalls downs nobody: it cannot see its own heartbeats, so it does not judge the others', async () => {
    const a = await join('node-a');
    const b = await join('node-b');
    await waitFor('both see two', () => ids(a).length === 2 && ids(b).length === 2);
    a.m.pauseWatchFor(FAILURE + 1000);
    await sleep(FAILURE + 1500);
    expect(a.m.downedByMe).toBe(0);
    expect(eventsOf(b, 'member-down')).toEqual([]);
    expect(selfEvents(b)).toEqual([]);
    await waitFor('a sees b reachable again', () => a.m.member('node-b')?.reachable === true, 3000);
    expect(ids(a)).toEqual(['node-a', 'node-b']);
  });

  it('while the old incarnation heartbeats, a second node with the same id fails with NodeIdTakenError', async () => {
    const a1 = await join('node-a');
    const nc = await connect('node-a');
    const t0 = performance.now();
    const err = await Membership.join(nc, options('node-a')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NodeIdTakenError);
    expect(err).toMatchObject({ nodeId: 'node-a', cluster: TEST_CLUSTER });
    expect(performance.now() - t0).toBeLessThan(FAILURE + 500); // it saw a new revision, no need to wait it all out
    expect(a1.events).toEqual([]); // the live one is untouched
    expect(a1.m.fenced).toBe(false);
  });

  it('a restart with the same id and a new incarnation replaces the dead record after failureTimeoutMs', async () => {
    const a1 = await join('node-a');
    const old = a1.m.self.incarnation;
    await a1.m.close(); // crashed; alone in the cluster, nobody downs it, its record stays
    const t0 = performance.now();
    const a2 = await join('node-a');
    expect(performance.now() - t0).toBeGreaterThanOrEqual(FAILURE - 50); // it waited to see the old one silent
    expect(a2.m.self.incarnation).not.toBe(old);
    const kv = await new Kvm(await connect('driver')).open(`rm_${TEST_CLUSTER}_members`);
    const rec = (await kv.get('m.node-a'))?.json<{ incarnation: string }>();
    expect(rec?.incarnation).toBe(a2.m.self.incarnation);
    // And a node that knew the old incarnation sees it down and the new one up.
    const b = await join('node-b');
    expect(b.m.member('node-a')?.incarnation).toBe(a2.m.self.incarnation);
    await sleep(FAILURE + 300);
    expect(a2.events.filter((e) => e.type !== 'member-up')).toEqual([]);
    expect(ids(b)).toEqual(['node-a', 'node-b']);
  });

  it('a survivor that knew the old incarnation sees member-down for it once and member-up for the restarted one', async () => {
    const a1 = await join('node-a');
    const b = await join('node-b');
    await waitFor('b sees a', () => ids(b).length === 2);
    const old = a1.m.self.incarnation;
    await a1.m.close();
    const a2 = await join('node-a'); // b downs a1 (or a2 replaces it) meanwhile
    await waitFor('b sees the new a', () => b.m.member('node-a')?.incarnation === a2.m.self.incarnation, 3000);
    const downs = eventsOf(b, 'member-down', 'node-a');
    expect(downs).toHaveLength(1);
    expect(downs[0]).toMatchObject({ member: { incarnation: old } });
    expect(eventsOf(b, 'member-up', 'node-a')).toHaveLength(1);
    await sleep(FAILURE);
    expect(eventsOf(b, 'member-down')).toHaveLength(1);
  });

  it('leave() gives member-left, not member-down, on the others', async () => {
    const a = await join('node-a');
    const b = await join('node-b');
    const c = await join('node-c');
    await waitFor('all see three', () => ids(a).length === 3 && ids(b).length === 3);
    await c.m.leave();
    await waitFor('a and b see c leave', () => eventsOf(a, 'member-left', 'node-c').length === 1 && eventsOf(b, 'member-left', 'node-c').length === 1, 2000);
    for (const n of [a, b]) {
      expect(eventsOf(n, 'member-left')[0]).toMatchObject({ member: { id: 'node-c', status: 'leaving', incarnation: c.m.self.incarnation } });
      expect(eventsOf(n, 'member-down')).toEqual([]);
      expect(ids(n)).toEqual(['node-a', 'node-b']);
    }
    await sleep(FAILURE + 300);
    expect(a.m.downedByMe + b.m.downedByMe).toBe(0);
    expect(eventsOf(a, 'member-unreachable')).toEqual([]);
    const kv = await new Kvm(await connect('driver')).open(`rm_${TEST_CLUSTER}_members`);
    expect((await kv.get('m.node-c'))?.operation).toBe('DEL');
  });

  it('close() stops the heartbeats without deleting the key', async () => {
    const a = await join('node-a');
    const kv = await new Kvm(await connect('driver')).open(`rm_${TEST_CLUSTER}_members`);
    await sleep(3 * HB);
    const r1 = (await kv.get('m.node-a'))?.revision ?? 0;
    expect(r1).toBeGreaterThan(1); // it heartbeats
    await a.m.close();
    const r2 = (await kv.get('m.node-a'))?.revision;
    await sleep(3 * HB);
    const after = await kv.get('m.node-a');
    expect(after?.operation).toBe('PUT');
    expect(after?.revision).toBe(r2);
  });

  it('invalid records written into the bucket are ignored, counted and reported, never members', async () => {
    const invalid: string[] = [];
    const a = await join('node-a', { onInvalid: (key) => invalid.push(key) });
    const kv = await new Kvm(await connect('driver')).open(`rm_${TEST_CLUSTER}_members`);
    const good = { id: 'node-x', incarnation: 'i1', status: 'up', roles: [], workers: 1, version: 1, hb: 0 };
    await kv.put('m.node-x', 'not json');
    await kv.put('m.node-y', JSON.stringify({ ...good, id: 'node-y', status: 'sleeping' }));
    await kv.put('m.node-z', JSON.stringify({ ...good })); // id does not match its key
    await kv.put('m.node-w', JSON.stringify({ ...good, id: 'node-w', workers: -1, roles: 'all' }));
    await waitFor('a counted four', () => a.m.invalidRecords === 4);
    expect(invalid.sort()).toEqual(['m.node-w', 'm.node-x', 'm.node-y', 'm.node-z']);
    expect(ids(a)).toEqual(['node-a']);
    expect(a.events).toEqual([]);
    // A node joining later reads them with the initial values, and ignores them too.
    const b = await join('node-b');
    expect(b.m.invalidRecords).toBe(4);
    expect(ids(b)).toEqual(['node-a', 'node-b']);
    // A valid record is a member (the check is the schema, not who wrote it: NATS permissions decide that).
    await kv.put('m.node-v', JSON.stringify({ ...good, id: 'node-v' }));
    await waitFor('a sees node-v', () => a.m.member('node-v') !== undefined);
  });

  it('invalid options fail with InvalidConfigError listing every problem', async () => {
    const nc = await connect('node-a');
    const err = await Membership.join(
      nc,
      options('node.a', { cluster: 'my cluster', heartbeatIntervalMs: 0, failureTimeoutMs: 1000, selfFenceAfterMs: 1000, workers: -1 }),
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidConfigError);
    const paths = (err as InvalidConfigError).issues.map((i) => i.path).sort();
    expect(paths).toEqual([
      'cluster.cluster',
      'cluster.heartbeatIntervalMs',
      'cluster.nodeId',
      'cluster.selfFenceAfterMs',
      'cluster.workers',
    ]);
    const err2 = await Membership.join(nc, options('node-a', { heartbeatIntervalMs: 700, selfFenceAfterMs: 600 })).catch((e: unknown) => e);
    expect((err2 as InvalidConfigError).issues.map((i) => i.path)).toEqual(['cluster.heartbeatIntervalMs']);
    const err3 = await Membership.join(nc, options('x'.repeat(65), { failureTimeoutMs: Number.NaN })).catch((e: unknown) => e);
    expect((err3 as InvalidConfigError).issues.map((i) => i.path)).toEqual(['cluster.nodeId', 'cluster.failureTimeoutMs']);
  });

  it('per-node NATS permissions: a node cannot send as another node, nor read its traffic', async () => {
    const nc = await connect('node-a');
    const errors: string[] = [];
    void (async () => {
      for await (const s of nc.status()) if (s.type === 'error') errors.push(String(s.error?.message));
    })();
    nc.publish('rm.t.n.node-c.m.node-a', 'as itself'); // allowed: the last token is its own id
    await nc.flush();
    nc.publish('rm.t.n.node-c.m.node-b', 'forged'); // refused: the sender token would lie
    await nc.flush();
    await waitFor('the server refused the forged publish', () => errors.length > 0, 2000);
    expect(errors).toEqual(['Permissions Violation for Publish to "rm.t.n.node-c.m.node-b"']);
    const sub = nc.subscribe('rm.t.n.node-b.>');
    const subErr = await sub.closed.catch((e: unknown) => e);
    expect(String((subErr as Error | undefined)?.message)).toContain('Permissions Violation for Subscription to "rm.t.n.node-b.>"');
    expect(nc.isClosed()).toBe(false);
  });

  it('the committed sample config is what the harness generates', () => {
    expect(readSampleConfig()).toBe(natsConfig());
  });
});
