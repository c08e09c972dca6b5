// Remoting across real processes and a real nats-server, with the per-node permissions of the sample config:
// the test process is node-a (an ActorSystem with two workers), node-b is a child process (node-main.ts).
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ActorSystem, type ActorRef, type SystemEvent } from '../../src/index.js';
import { F_ASK, F_TELL, FrameCodec } from '../../src/cluster/frame.js';
import { REMOTE_ORIGIN, makeId } from '../../src/runtime/ids.js';
import { Blaster, type BlasterMsg, RemoteWatcher, SeqChecker, Where, type SeqMsg, type WhereMsg } from '../fixtures/cluster-actors.js';
import { type NatsServer, connectAs, passwordOf, requireNats, startNats, writeNatsConfig } from './harness.js';

const ROOT = new URL('../..', import.meta.url).pathname;
const NODE_MAIN = new URL('./node-main.ts', import.meta.url).pathname;
const FAILURE_MS = 2000;

interface Child {
  proc: ChildProcess;
  incarnation: string;
  lines: string[];
  send(line: string): void;
  waitFor(prefix: string, ms?: number): Promise<string>;
}

async function startNode(url: string, nodeId: string): Promise<Child> {
  const proc = spawn(process.execPath, ['--import', 'tsx', NODE_MAIN], {
    cwd: ROOT,
    env: { ...process.env, NODE_ID: nodeId, NATS_URL: url, FAILURE_MS: String(FAILURE_MS), HEARTBEAT_MS: '200' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const waiters: { prefix: string; resolve: (l: string) => void }[] = [];
  let stderr = '';
  proc.stderr!.on('data', (d) => (stderr += d));
  createInterface({ input: proc.stdout! }).on('line', (l) => {
    lines.push(l);
    for (const w of [...waiters]) if (l.startsWith(w.prefix)) {
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve(l);
    }
  });
  const waitFor = (prefix: string, ms = 30_000): Promise<string> => {
    const seen = lines.find((l) => l.startsWith(prefix));
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`node ${nodeId} did not print '${prefix}' within ${ms} ms; stderr:\n${stderr}`)), ms);
      waiters.push({ prefix, resolve: (l) => (clearTimeout(t), resolve(l)) });
    });
  };
  const ready = await waitFor('ready');
  return { proc, incarnation: ready.split(' ')[1]!, lines, send: (l) => proc.stdin!.write(`${l}\n`), waitFor };
}

async function kill(child: Child, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
  if (child.proc.exitCode !== null || child.proc.signalCode !== null) return;
  const exited = once(child.proc, 'exit');
  child.proc.kill(signal);
  await exited;
}

/** A frame codec for hand-made frames (no refs in them). */
const rawCodec = () =>
  new FrameCodec<ActorRef>(
    {
      isRef: (_v): _v is ActorRef => false,
      toAddress: () => {
        throw new Error('no refs');
      },
      fromAddress: () => {
        throw new Error('no refs');
      },
    },
    1 << 20,
  );

const until = async (cond: () => boolean | Promise<boolean>, ms: number, what: string): Promise<void> => {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
};

describe.skipIf(!requireNats('remote'))('remote', () => {
  let nats: NatsServer;
  let a: ActorSystem;
  let b: Child;
  const events: SystemEvent[] = [];

  beforeAll(async () => {
    nats = await startNats({ config: await writeNatsConfig() });
    a = await ActorSystem.start({
      workers: 2,
      actors: [new URL('../fixtures/cluster-actors.ts', import.meta.url)],
      cluster: {
        name: 't',
        nodeId: 'node-a',
        nats: { servers: nats.url, user: 'node-a', pass: passwordOf('node-a') },
        heartbeatIntervalMs: 200,
        failureTimeoutMs: FAILURE_MS,
      },
    });
    a.events.subscribe((e) => events.push(e));
    b = await startNode(nats.url, 'node-b');
    await until(() => a.cluster!.members().some((m) => m.id === 'node-b'), 10_000, 'node-b to be a member seen by node-a');
  }, 60_000);

  afterAll(async () => {
    if (b) await kill(b);
    await a?.shutdown();
    await nats?.dispose();
  });

  it('answers an ask from node A to an actor on node B\'s worker 2, typed', async () => {
    const where = await a.cluster!.lookup<WhereMsg, { thread: number; pid: number }>('node-b', 'where');
    expect(where).toBeDefined();
    const answer = await where!.ask({ type: 'where' });
    expect(answer).toEqual({ thread: 2, pid: b.proc.pid });
    expect(await where!.ask({ type: 'echo', value: { nested: [1, 'two', { three: 3n }] } })).toEqual({ nested: [1, 'two', { three: 3n }] });
  });

  it('resolves a lookup of a name nobody runs on that node to undefined', async () => {
    expect(await a.cluster!.lookup('node-b', 'nobody-here')).toBeUndefined();
  });

  it('refuses to stop an actor of another node from this one, with a typed error', async () => {
    const where = (await a.cluster!.lookup('node-b', 'where'))!;
    await expect(a.stop(where)).rejects.toMatchObject({ code: 'ERR_INVALID_OPERATION', message: expect.stringMatching(/another node/) });
    expect(await where.ask({ type: 'echo', value: 'alive' })).toBe('alive');
  });

  it('works from a worker of node A, inside a message, with the sender named across nodes', async () => {
    const where = (await a.cluster!.lookup<WhereMsg, unknown>('node-b', 'where'))!;
    const blaster = await a.spawn(Blaster, { name: 'blaster-a', placement: { worker: 2 } });
    // The ref travels in a message to worker 2 of node A, which asks node B from there.
    expect(await blaster.ask({ type: 'ask-through', target: where, message: { type: 'where' } })).toMatchObject({ thread: 2, pid: b.proc.pid });
    expect(await blaster.ask({ type: 'ask-through', target: where, message: { type: 'sender' } })).toBe('blaster-a@node-a');
    await a.stop(blaster);
  });

  it('keeps per-sender order for 100,000 tells across nodes', async () => {
    const seq = (await a.cluster!.lookup<SeqMsg, { got: number; outOfOrder: number }>('node-b', 'seq'))!;
    const before = await seq.ask({ type: 'check' });
    const blaster = await a.spawn(Blaster, { name: 'blaster-order', placement: { worker: 1 } });
    // One sender on a worker of node A, and the main thread of node A beside it.
    const blasted = blaster.ask({ type: 'blast', target: seq, from: 'worker', count: 100_000 }, { timeoutMs: 60_000 });
    for (let i = 0; i < 1000; i++) await seq.send({ type: 'seq', from: 'main', seq: i });
    await blasted;
    let last = before;
    await until(async () => {
      last = await seq.ask({ type: 'check' });
      return last.got - before.got >= 101_000;
    }, 60_000, 'node-b to receive 101,000 tells').catch((e: Error) => {
      throw new Error(`${e.message}: got ${last.got - before.got}, ${last.outOfOrder - before.outOfOrder} out of order`);
    });
    expect(last.got - before.got).toBe(101_000);
    expect(last.outOfOrder - before.outOfOrder).toBe(0);
    await a.stop(blaster);
  }, 90_000);

  it('carries a ref of node A inside a message to node B, whose worker then sends to node A in order', async () => {
    const seqA = await a.spawn(SeqChecker, { name: 'seq-a', placement: { worker: 1 } });
    const blasterB = (await a.cluster!.lookup<BlasterMsg, number>('node-b', 'blaster'))!;
    expect(await blasterB.ask({ type: 'blast', target: seqA, from: 'node-b', count: 5_000 }, { timeoutMs: 30_000 })).toBe(5_000);
    await until(async () => (await seqA.ask({ type: 'check' })).got === 5_000, 20_000, 'node A to receive 5,000 tells from node B');
    expect(await seqA.ask({ type: 'check' })).toEqual({ got: 5_000, outOfOrder: 0 });
    await a.stop(seqA);
  }, 40_000);

  it('delivers Terminated to a watcher on node A when the watched actor on node B stops', async () => {
    const doomed = (await a.cluster!.lookup('node-b', 'doomed'))!;
    const watcher = await a.spawn(RemoteWatcher, { name: 'watcher', placement: { worker: 1 } });
    expect(await watcher.ask({ type: 'watch', target: doomed })).toBe('watching');
    b.send('stop doomed');
    await b.waitFor('stopped doomed');
    await until(async () => ((await watcher.ask({ type: 'terminated?' })) as string[]).length > 0, 5_000, 'Terminated for doomed');
    expect(await watcher.ask({ type: 'terminated?' })).toEqual(['doomed@node-b']);
  });

  it('turns a malformed or hostile frame into a decode-failed dead letter, and keeps serving', async () => {
    const driver = await connectAs(nats.url, 'driver');
    const before = events.filter((e) => e.type === 'dead-letter' && e.reason === 'decode-failed').length;
    const deep = new Uint8Array(10_001).fill(0x91); // 10,000 nested one-element arrays, then nil
    deep[10_000] = 0xc0;
    const regexp = Uint8Array.from([0x9b, 1, 1, 0, 0, 0xa0, 0xa0, 0, 0, 0xa0, 0xa0, 0xd4, 0x78, 0x00, 0x92, 0xa1, 0x61, 0xa0]);
    // A well-formed tell that targets a proxy id of node A (an actor of node B, as node A sees it): a relay attempt.
    const relay = rawCodec().encode({ kind: F_TELL, targetId: makeId(REMOTE_ORIGIN, 1), targetThread: 0, targetName: 'x', targetIncarnation: a.cluster!.self.incarnation, senderId: 0, senderThread: 0, senderName: '', senderIncarnation: 'x', body: { type: 'where' } });
    for (const bytes of [Uint8Array.from([0xc1]), deep, regexp, new TextEncoder().encode('not msgpack at all'), relay]) {
      driver.publish('rm.t.n.node-a.m.driver', bytes);
    }
    await driver.flush();
    await until(() => events.filter((e) => e.type === 'dead-letter' && e.reason === 'decode-failed').length - before >= 5, 5_000, 'five decode-failed dead letters');
    await driver.close();
    const where = (await a.cluster!.lookup<WhereMsg, unknown>('node-b', 'where'))!;
    expect(await where.ask({ type: 'echo', value: 'still here' })).toBe('still here');
  });

  it('does not down a node paused (SIGSTOP) for less than failureTimeoutMs, and it answers again', async () => {
    const downs: string[] = [];
    const off = a.cluster!.events.subscribe('member-down', (e) => downs.push('member' in e ? e.member.id : '?'));
    b.proc.kill('SIGSTOP');
    await new Promise((r) => setTimeout(r, FAILURE_MS / 2));
    b.proc.kill('SIGCONT');
    const where = (await a.cluster!.lookup<WhereMsg, unknown>('node-b', 'where'))!;
    expect(await where.ask({ type: 'echo', value: 'awake' })).toBe('awake');
    await new Promise((r) => setTimeout(r, FAILURE_MS));
    off();
    expect(downs).toEqual([]);
    expect(a.cluster!.members().find((m) => m.id === 'node-b')?.incarnation).toBe(b.incarnation);
  }, 20_000);

  it('keeps a __proto__ key of a message from another node as plain data, polluting no prototype', async () => {
    const driver = await connectAs(nats.url, 'driver');
    try {
      const where = a.lookup('where-a') ?? (await a.spawn(Where, { name: 'where-a', placement: { worker: 1 } }));
      const codec = rawCodec();
      const hostile = JSON.parse('{"__proto__": {"polluted": true}, "constructor": {"prototype": {"polluted": true}}}');
      const sub = driver.subscribe('rm.t.n.driver.r.>', { max: 1 });
      driver.publish(
        'rm.t.n.node-a.m.driver',
        codec.encode({ kind: F_ASK, targetId: where.id, targetThread: where.thread, targetName: 'where-a', targetIncarnation: a.cluster!.self.incarnation, senderId: 0, senderThread: 0, senderName: '', senderIncarnation: 'x', body: { type: 'echo', value: hostile } }),
        { reply: 'rm.t.n.driver.r.1' },
      );
      let answer: unknown;
      for await (const m of sub) answer = codec.decode(m.data).body;
      expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
      expect(Object.getPrototypeOf(answer)).toBe(Object.prototype);
      expect((answer as { polluted?: unknown }).polluted).toBeUndefined();
      expect(Object.keys(answer as object)).toContain('constructor');
    } finally {
      await driver.close();
    }
  });

  let beforeRestart: ActorRef<WhereMsg, unknown> | undefined;

  it('fails an ask to a SIGKILLed node with NodeDownError fast, before detection, and downs it once', async () => {
    const where = (await a.cluster!.lookup<WhereMsg, unknown>('node-b', 'where'))!;
    beforeRestart = where;
    const watcher = await a.spawn(RemoteWatcher, { name: 'watcher-of-b', placement: { worker: 2 } });
    expect(await watcher.ask({ type: 'watch', target: where })).toBe('watching');
    const pending = where.ask({ type: 'never-reply' }, { timeoutMs: 30_000 }).then(
      () => 'replied',
      (e: Error & { code?: string }) => e.code,
    );
    await new Promise((r) => setTimeout(r, 100));
    const downs: string[] = [];
    a.cluster!.events.subscribe('member-down', (e) => downs.push('member' in e ? e.member.id : '?'));
    const killedAt = performance.now();
    await kill(b);
    const t0 = performance.now();
    const fast = await where.ask({ type: 'echo', value: 1 }).then(
      () => 'replied',
      (e: Error & { code?: string }) => e.code,
    );
    const failedIn = performance.now() - t0;
    expect(fast).toBe('ERR_NODE_DOWN');
    expect(failedIn).toBeLessThan(1000);
    // A tell to it before detection is not lost silently either: NATS's "no responders" makes it a dead letter.
    const early = events.filter((e) => e.type === 'dead-letter' && e.reason === 'node-down').length;
    where.tell({ type: 'echo', value: 'into the void' });
    await until(() => events.filter((e) => e.type === 'dead-letter' && e.reason === 'node-down').length > early, 1_000, "a 'node-down' dead letter for a tell before detection");
    expect(downs).toEqual([]);
    const letter = events.filter((e) => e.type === 'dead-letter' && e.reason === 'node-down').at(-1);
    expect(letter).toMatchObject({ target: 'where@node-b', message: { type: 'echo', value: 'into the void' } });
    // The ask that reached node B before it died settles when node B is downed.
    expect(await pending).toBe('ERR_NODE_DOWN');
    await until(() => downs.length > 0, FAILURE_MS + 3000, 'member-down for node-b');
    const downedAfter = performance.now() - killedAt;
    expect(downedAfter).toBeLessThan(FAILURE_MS + 1000);
    await new Promise((r) => setTimeout(r, 500));
    expect(downs).toEqual(['node-b']);
    // Death watch: the watcher of an actor of the downed node hears of it.
    await until(async () => ((await watcher.ask({ type: 'terminated?' })) as string[]).length > 0, 2_000, 'Terminated for where@node-b');
    expect(await watcher.ask({ type: 'terminated?' })).toEqual(['where@node-b']);
    // A tell to it now is a dead letter naming why.
    const before = events.filter((e) => e.type === 'dead-letter' && e.reason === 'node-down').length;
    where.tell({ type: 'where' });
    await until(() => events.filter((e) => e.type === 'dead-letter' && e.reason === 'node-down').length > before, 2_000, "a 'node-down' dead letter");
  }, 30_000);

  it('lets node B restart under the same id with a new incarnation: old refs are stale, new lookups work', async () => {
    const old = (await a.cluster!.lookup<WhereMsg, unknown>('node-b', 'where').catch(() => undefined)) as ActorRef<WhereMsg, unknown> | undefined;
    expect(old).toBeUndefined(); // node-b is down: not a member
    const oldIncarnation = b.incarnation;
    b = await startNode(nats.url, 'node-b');
    expect(b.incarnation).not.toBe(oldIncarnation);
    await until(() => a.cluster!.members().some((m) => m.id === 'node-b' && m.incarnation === b.incarnation), 10_000, 'the new node-b');
    const fresh = (await a.cluster!.lookup<WhereMsg, { pid: number }>('node-b', 'where'))!;
    expect(await fresh.ask({ type: 'where' })).toMatchObject({ pid: b.proc.pid });
    expect(fresh.equals(beforeRestart)).toBe(false);
    // A ref to the old incarnation never reaches the new one: its asks fail, its tells are dead letters.
    await expect(beforeRestart!.ask({ type: 'where' })).rejects.toMatchObject({ code: 'ERR_NODE_DOWN' });
    const before = events.filter((e) => e.type === 'dead-letter' && (e.reason === 'node-down' || e.reason === 'stale-incarnation')).length;
    beforeRestart!.tell({ type: 'where' });
    await until(() => events.filter((e) => e.type === 'dead-letter' && (e.reason === 'node-down' || e.reason === 'stale-incarnation')).length > before, 2_000, 'a dead letter for the old incarnation');
  }, 30_000);
});

describe.skipIf(!requireNats('remote outage'))('remote, while NATS is down', () => {
  it('fails sends with a typed error while NATS is down, and sends again after it returns', async () => {
    const nats = await startNats({ config: await writeNatsConfig() });
    const start = (nodeId: 'node-a' | 'node-b') =>
      ActorSystem.start({
        workers: 1,
        actors: [new URL('../fixtures/cluster-actors.ts', import.meta.url)],
        cluster: {
          name: 't',
          nodeId,
          nats: { servers: nats.url, user: nodeId, pass: passwordOf(nodeId) },
          heartbeatIntervalMs: 500,
          failureTimeoutMs: 20_000,
        },
      });
    const a = await start('node-a');
    const b = await start('node-b');
    try {
      const { Where } = await import('../fixtures/cluster-actors.js');
      await b.spawn(Where, { name: 'where' });
      const where = (await a.cluster!.lookup<WhereMsg, unknown>('node-b', 'where'))!;
      expect(await where.ask({ type: 'echo', value: 'before' })).toBe('before');
      const letters: string[] = [];
      a.events.subscribe('dead-letter', (e) => letters.push(e.reason));
      await nats.stop();
      // The client notices the closed socket at once; sends fail at the call from then on.
      await until(async () => (await where.ask({ type: 'echo', value: 'down' }).then(() => 'ok', (e: Error & { code?: string }) => e.code)) === 'ERR_TRANSPORT_UNAVAILABLE', 5_000, 'TransportUnavailableError while NATS is down');
      where.tell({ type: 'where' });
      await until(() => letters.includes('not-delivered-remote'), 2_000, "a 'not-delivered-remote' dead letter");
      await nats.restart();
      await until(async () => (await where.ask({ type: 'echo', value: 'after' }, { timeoutMs: 1000 }).catch(() => undefined)) === 'after', 20_000, 'an answer after NATS returned');
    } finally {
      await a.shutdown();
      await b.shutdown();
      await nats.dispose();
    }
  }, 60_000);
});
