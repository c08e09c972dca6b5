import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ActorSystem } from '../../src/index.js';
import { Blaster, Sink } from '../fixtures/actors.js';

const PER_SENDER = 100_000;
/** Where each sender runs: the main thread, both workers, and a second sender sharing worker 1's ring. */
const SENDER_THREADS = [0, 1, 2, 1];
const SINK_THREAD = 2;

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

describe('message order', () => {
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
