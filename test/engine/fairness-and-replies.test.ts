import { afterAll, describe, expect, it } from 'vitest';
import { ActorSystem, type ActorRef, type SystemOptions } from '../../src/index.js';
import { createTestSystem } from '../../src/testkit/index.js';
import { Blocker, openGate, type BlockerMsg } from '../fixtures/gated-actors.js';
import { Hitter, Later, Log } from '../fixtures/extra-actors.js';
import { shareInt32 } from '../fixtures/shared-memory.js';

const actors = [
  new URL('../fixtures/extra-actors.ts', import.meta.url),
  new URL('../fixtures/gated-actors.ts', import.meta.url),
];
const gates: Int32Array[] = [];

/** Blocks worker 1 so that everything sent meanwhile waits in its ring and is drained in one go. */
async function blockWorker(system: ActorSystem): Promise<() => void> {
  const { key, view } = shareInt32();
  gates.push(view);
  const blocker: ActorRef<BlockerMsg, unknown> = await system.spawn(Blocker, { args: { gate: key }, placement: { worker: 1 } });
  expect(await blocker.ask({ type: 'block' })).toBe('blocked');
  return () => openGate(view);
}

/** Two actors on worker 1, each told 4 messages while the worker is blocked; returns their processing order. */
async function processingOrder(options: SystemOptions): Promise<string[]> {
  const system = await ActorSystem.start({ workers: 1, actors, ...options });
  try {
    const log = await system.spawn(Log, { placement: { worker: 1 } });
    const a = await system.spawn(Hitter, { args: { label: 'a', log }, placement: { worker: 1 } });
    const b = await system.spawn(Hitter, { args: { label: 'b', log }, placement: { worker: 1 } });
    const release = await blockWorker(system);
    for (let n = 0; n < 4; n++) a.tell({ type: 'hit', n });
    for (let n = 0; n < 4; n++) b.tell({ type: 'hit', n });
    release();
    // The Log's ask travels behind the hits on the same ring, and the hits reach the Log before it is asked.
    for (;;) {
      const entries = await log.ask({ type: 'entries' });
      if (entries.length === 8) return entries;
    }
  } finally {
    await system.shutdown();
  }
}

afterAll(() => {
  for (const g of gates) openGate(g);
});

describe('fairness between actors on one worker', () => {
  it('lets each ready actor handle at most `throughput` messages before the next one runs', async () => {
    expect(await processingOrder({ throughput: 1 })).toEqual(['a0', 'b0', 'a1', 'b1', 'a2', 'b2', 'a3', 'b3']);
  });

  it('lets an actor handle up to `throughput` messages in one turn', async () => {
    expect(await processingOrder({ throughput: 2 })).toEqual(['a0', 'a1', 'b0', 'b1', 'a2', 'a3', 'b2', 'b3']);
  });
});

describe('replies nobody waits for', () => {
  const started = createTestSystem({ workers: 1, actors });

  it("reports a reply that arrives after its ask timed out as a dead letter with reason 'ask-timed-out'", async () => {
    const tk = await started;
    const later = await tk.system.spawn(Later, { placement: { worker: 1 } });
    await tk.expectEvents(
      [
        { type: 'dead-letter', count: 1, match: (e) => e.reason === 'ask-timed-out' && e.message === 'too late' },
        // ... and it is the only dead letter.
        { type: 'dead-letter', count: 1 },
      ],
      () => expect(later.ask({ type: 'late', ms: 300 }, { timeoutMs: 50 })).rejects.toMatchObject({ code: 'ERR_ASK_TIMEOUT' }),
    );
  });

  it("reports ctx.reply to a message that was told, not asked, as a dead letter with reason 'no-asker'", async () => {
    const tk = await started;
    const later = await tk.system.spawn(Later, { name: 'replier', placement: { worker: 1 } });
    await tk.expectEvents(
      [
        { type: 'dead-letter', count: 1, target: 'replier', match: (e) => e.reason === 'no-asker' && e.message === 'nobody asked' },
        // ... and it is the only dead letter.
        { type: 'dead-letter', count: 1 },
      ],
      () => later.tell({ type: 'reply-to-tell' }),
    );
  });
});
