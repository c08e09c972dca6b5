import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ActorSystem } from '../../src/index.js';
import { createTestSystem } from '../../src/testkit/index.js';
import { Blaster, Sink, SpawnAndShare, Teller } from '../fixtures/actors.js';
import { Blocker, openGate } from '../fixtures/gated-actors.js';
import { shareInt32 } from '../fixtures/shared-memory.js';

const PER_SENDER = 100_000;
/** Where each sender runs: the main thread, both workers, and a second sender sharing worker 1's ring. */
const SENDER_THREADS = [0, 1, 2, 1];
const SINK_THREAD = 2;

describe('message order', () => {
  let system: ActorSystem;

  beforeAll(async () => {
    // A 64 KiB ring fills many times over during the run, so backpressure is part of what is checked.
    system = await ActorSystem.start({
      workers: 2,
      ringBytes: 1 << 16,
      maxMessageBytes: 1024,
      actors: [new URL('../fixtures/actors.ts', import.meta.url)],
    });
  });

  afterAll(async () => {
    await system?.shutdown();
  });

  it(
    `delivers ${SENDER_THREADS.length} senders × ${PER_SENDER} messages to one actor in per-sender order, none lost, none duplicated`,
    async () => {
      const sink = await system.spawn(Sink, { name: 'sink', placement: { worker: SINK_THREAD } });
      const senders = await Promise.all(
        SENDER_THREADS.map((worker, id) => system.spawn(Blaster, { name: `sender-${id}`, placement: { worker } })),
      );
      // Each sender answers once the sink has taken all of its messages (its stats ask travels behind them).
      await Promise.all(
        senders.map((s, id) => s.ask({ type: 'blast', target: sink, id, count: PER_SENDER }, { timeoutMs: 60_000 })),
      );
      const stats = await sink.ask({ type: 'stats' });
      expect({ behind: stats.behind, ahead: stats.ahead }).toEqual({ behind: 0, ahead: 0 });
      expect(stats.next).toEqual(SENDER_THREADS.map(() => PER_SENDER));
      expect(stats.received).toBe(SENDER_THREADS.length * PER_SENDER);
    },
    60_000,
  );
});

describe('messages to a child spawned on another thread', () => {
  const started = createTestSystem({
    workers: 2,
    actors: [new URL('../fixtures/actors.ts', import.meta.url), new URL('../fixtures/gated-actors.ts', import.meta.url)],
  });
  /** Opened again in afterAll, so that a test that failed half-way leaves no worker blocked. */
  const gates: Int32Array[] = [];
  afterAll(() => {
    for (const g of gates) openGate(g);
  });

  it("holds a third party's messages that overtake the spawn of a child on another worker, and delivers them and the spawner's, each in its sender's order", async () => {
    const tk = await started;
    const COUNT = 20;
    const report = await tk.probe<string>();
    const third = await tk.system.spawn(Teller, { name: 'third-party', placement: { worker: 0 } });
    const spawner = await tk.system.spawn(SpawnAndShare, { name: 'spawner', placement: { worker: 1 } });
    // Worker 2, where the child goes, takes nothing from its rings until the gate opens. By then the spawn request
    // waits on the ring from worker 1, and the third party's notes (sent once the spawner had handed it the ref) on
    // the ring from the main thread: the notes overtake the spawn, and must be held until the child exists.
    const { key, view: gate } = shareInt32();
    gates.push(gate);
    const blocker = await tk.system.spawn(Blocker, { args: { gate: key }, placement: { worker: 2 } });
    expect(await blocker.ask({ type: 'block' })).toBe('blocked');

    spawner.tell({ type: 'spawn-and-share', name: 'child', worker: 2, report: report.ref, third, count: COUNT });
    await report.expectMsg('third sent', { hint: 'the third party told the child its notes before the child existed' });
    openGate(gate);

    const notes = await report.receiveN(2 * COUNT);
    const from = (label: string): string[] => notes.filter((n) => n.startsWith(`${label} `));
    expect(from('spawner')).toEqual(Array.from({ length: COUNT }, (_, i) => `spawner ${i}`));
    expect(from('third')).toEqual(Array.from({ length: COUNT }, (_, i) => `third ${i}`));
    expect(tk.system.lookup('spawner/child')?.thread).toBe(2);
  });
});
