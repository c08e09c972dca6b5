// Routing out (src/runtime/outbound.ts) on its own, over a fake transport: what `post` answers, the outbox that
// keeps order when a ring is full, local delivery, and a dead destination.
import { describe, expect, it } from 'vitest';
import { ENTRY_ASK, ENTRY_TELL } from '../../src/dispatch/mailbox.js';
import { K_ASK, K_SYSTEM, K_TELL, type SystemMessage } from '../../src/protocol.js';
import { PendingAsks } from '../../src/runtime/asks.js';
import { Journaling } from '../../src/runtime/journaling.js';
import { Outbound } from '../../src/runtime/outbound.js';
import { Codec } from '../../src/transport/codec.js';
import type { Offered, RecordHeader, RecordSink, Transport } from '../../src/transport/transport.js';

class FakeTransport implements Transport {
  readonly threads = 3;
  room = Infinity;
  asleep = false;
  readonly written: { to: number; header: RecordHeader; msg: unknown }[] = [];
  constructor(private readonly codec: Codec) {}
  reaches(thread: number): boolean {
    return thread === 1 || thread === 2;
  }
  offer(to: number, header: RecordHeader, bytes: Uint8Array, start: number, end: number): Offered {
    if (this.room <= 0) return 'full';
    this.room--;
    this.written.push({ to, header: { ...header }, msg: this.codec.decode(bytes, start, end - start) });
    if (this.asleep) {
      this.asleep = false;
      return 'woke';
    }
    return 'sent';
  }
  hasData(): boolean {
    return false;
  }
  drain(_sink: RecordSink): boolean {
    return false;
  }
}

function world() {
  const codec = new Codec(1 << 16);
  const transport = new FakeTransport(new Codec(1 << 16));
  const asks = new PendingAsks();
  const delivered: { id: number; entry: number; msg: unknown }[] = [];
  const system: SystemMessage[] = [];
  const reports: SystemMessage[] = [];
  let kicks = 0;
  const out = new Outbound(
    0,
    codec,
    transport,
    new Journaling(undefined),
    asks,
    4096,
    {
      deliver: (id, entry, msg) => delivered.push({ id, entry, msg }),
      onSystem: (m) => system.push(m),
      kick: () => kicks++,
    },
    { onSystem: (m) => reports.push(m) },
  );
  const post = (thread: number, msg: unknown, queue = true, kind = K_TELL, corr = 0, done?: () => void) =>
    out.post(kind, thread, 7, 'target', undefined, corr, codec.encode(msg), done, queue);
  return { out, transport, asks, delivered, system, reports, post, kicks: () => kicks };
}

describe('Outbound.post', () => {
  it('says whether the record went straight into the ring, and whether its thread had to be woken', () => {
    const w = world();
    expect(w.post(1, 'a')).toBe('sent');
    w.transport.asleep = true;
    expect(w.post(1, 'b')).toBe('woke');
    expect(w.transport.written.map((r) => r.msg)).toEqual(['a', 'b']);
    expect(w.transport.written[0]!.header).toMatchObject({ kind: K_TELL, targetHi: 0, targetLo: 7, senderThread: 0 });
  });

  it('delivers to a local mailbox when the target lives on this thread', () => {
    const w = world();
    expect(w.post(0, { n: 1 }, true, K_ASK, 5)).toBe('local');
    expect(w.delivered).toEqual([{ id: 7, entry: ENTRY_ASK, msg: { n: 1 } }]);
    expect(w.post(0, 'x')).toBe('local');
    expect(w.delivered[1]!.entry).toBe(ENTRY_TELL);
    w.out.sendSystem(0, undefined, { type: 'stop' });
    expect(w.system).toEqual([{ type: 'stop' }]);
  });

  it('refuses a record when the ring is full and the caller does not queue (tell), keeping nothing', () => {
    const w = world();
    w.transport.room = 0;
    expect(w.post(1, 'x', false)).toBe('refused');
    expect(w.out.outboxed).toBe(0);
  });

  it('queues records for a full ring in order, later records behind them even once there is room, and flushes them in order', () => {
    const w = world();
    w.transport.room = 1;
    const done: string[] = [];
    expect(w.post(1, 'a', true, K_TELL, 0, () => done.push('a'))).toBe('sent');
    expect(w.post(1, 'b', true, K_TELL, 0, () => done.push('b'))).toBe('queued');
    w.transport.room = 10;
    // The ring has room again, but 'b' waits in the outbox: 'c' must not overtake it.
    expect(w.post(1, 'c', true, K_TELL, 0, () => done.push('c'))).toBe('queued');
    expect(w.post(2, 'other-thread')).toBe('sent');
    expect(w.out.outboxed).toBe(2);
    expect(w.kicks()).toBeGreaterThan(0);
    expect(w.out.flush()).toBe(true);
    expect(w.transport.written.filter((r) => r.to === 1).map((r) => r.msg)).toEqual(['a', 'b', 'c']);
    expect(done).toEqual(['a', 'b', 'c']);
    expect(w.out.outboxed).toBe(0);
    expect(w.out.flush()).toBe(false);
  });

  it('keeps a queued record intact when later messages are encoded', () => {
    const w = world();
    w.transport.room = 0;
    w.post(1, { big: 'x'.repeat(200) });
    w.post(2, 'overwrites the encode buffer');
    w.transport.room = 10;
    w.out.flush();
    expect(w.transport.written.filter((r) => r.to === 1).map((r) => r.msg)).toEqual([{ big: 'x'.repeat(200) }]);
  });

  it('turns a record for a thread that died into a dead letter, and fails its ask at once', async () => {
    const w = world();
    const cause = new Error('gone');
    w.out.markDead(1, cause);
    const { corr, promise } = w.asks.create('target', 10_000, 1);
    expect(w.post(1, 'lost', true, K_ASK, corr)).toBe('undeliverable');
    await expect(promise).rejects.toMatchObject({ name: 'WorkerCrashedError' });
    expect(w.reports).toEqual([expect.objectContaining({ type: 'dead-letter', reason: 'worker-crashed', target: 'target', message: 'lost' })]);
  });

  it('turns what waited in the outbox of a thread that died into dead letters, settling what waited on them', async () => {
    const w = world();
    w.transport.room = 0;
    const { corr, promise } = w.asks.create('target', 10_000, 1);
    let sent = false;
    w.post(1, 'queued-tell', true, K_TELL, 0, () => (sent = true));
    w.post(1, 'queued-ask', true, K_ASK, corr);
    w.out.markDead(1, new Error('gone'));
    expect(w.out.outboxed).toBe(0);
    expect(sent).toBe(true);
    await expect(promise).rejects.toMatchObject({ name: 'WorkerCrashedError' });
    expect(w.reports.map((r) => (r as { message: unknown }).message)).toEqual(['queued-tell', 'queued-ask']);
  });

  it('reports a record for an actor on no thread it can reach as a dead letter with reason actor-stopped', () => {
    const w = world();
    expect(w.post(9, 'nowhere')).toBe('undeliverable');
    expect(w.reports).toEqual([expect.objectContaining({ type: 'dead-letter', reason: 'actor-stopped', message: 'nowhere' })]);
  });

  it('sends a system message too large for a record shortened, not lost', () => {
    const w = world();
    w.out.sendSystem(1, undefined, { type: 'dead-letter', reason: 'actor-stopped', target: 't', message: 'y'.repeat(10_000), sender: null });
    const m = w.transport.written[0]!.msg as { message: string };
    expect(w.transport.written[0]!.header.kind).toBe(K_SYSTEM);
    expect(m.message).toMatch(/too large to report in full/);
  });
});

describe('Outbound.reply', () => {
  it('settles a local ask with a copy of the value, and reports a reply nobody waits for', async () => {
    const w = world();
    const { corr, promise } = w.asks.create('t', 10_000);
    const value = { n: 1 };
    w.out.reply(0, corr, value, false);
    const got = await promise;
    expect(got).toEqual({ n: 1 });
    expect(got).not.toBe(value);
    w.out.reply(0, corr, 'late', false);
    expect(w.reports).toEqual([expect.objectContaining({ type: 'dead-letter', reason: 'ask-timed-out', message: 'late' })]);
  });

  it('writes a reply for another thread as one record with the ask id', () => {
    const w = world();
    w.out.reply(2, 99, 'v', false);
    expect(w.transport.written).toEqual([{ to: 2, header: expect.objectContaining({ corr: 99, targetHi: 0, targetLo: 0 }), msg: 'v' }]);
  });
});
