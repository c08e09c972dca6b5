/**
 * Guarantees that an earlier suite let slip under a mutation (issue 18, "Tests that can fail"): each test here
 * fails if the code that keeps the guarantee is removed.
 * - messages in the rings of a worker given up on become dead letters (Runtime.bury);
 * - records waiting in an outbox for that worker become dead letters (Outbound.markDead);
 * - a tell never overtakes the same sender's earlier send still waiting for ring room (Outbound.post);
 * - the asks' timer keeps a process alive again for a later ask (PendingAsks.create's ref()).
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { ActorSystem } from '../../src/index.js';
import { recordEvents } from '../fixtures/events.js';
import { BlockThenExit, Blocker, openGate, type BlockerCount } from '../fixtures/gated-actors.js';
import { shareInt32 } from '../fixtures/shared-memory.js';

const ACTORS = [new URL('../fixtures/gated-actors.ts', import.meta.url)];
const gates: Int32Array[] = [];
afterAll(() => {
  for (const g of gates) openGate(g);
});

describe('guarantees that must survive mutation', () => {
  it('reports every message accepted for a worker that is given up on, those in its ring and those in the outbox', async () => {
    const system = await ActorSystem.start({ workers: 1, actors: ACTORS, ringBytes: 4096, maxMessageBytes: 1024, workerRestart: { maxRestarts: 0 } });
    try {
      const { key, view: gate } = shareInt32();
      gates.push(gate);
      const doomed = await system.spawn(BlockThenExit, { args: { gate: key }, placement: { worker: 1 } });
      expect(await doomed.ask({ type: 'block-then-exit' })).toBe('blocked');
      let inRing = 0;
      const doomedAny = doomed as unknown as { tell(m: unknown): boolean; send(m: unknown): Promise<void> };
      while (inRing < 10_000 && doomedAny.tell({ type: 'inc', n: inRing })) inRing++;
      const queued = 30;
      const sends = Array.from({ length: queued }, (_, i) => doomedAny.send({ type: 'inc', n: inRing + i }));
      const dead = recordEvents(system, 'dead-letter', (e) => e.reason === 'worker-crashed' && (e.message as { type?: string })?.type === 'inc');
      const abandoned = recordEvents(system, 'worker-abandoned');
      openGate(gate); // the worker exits, and is given up on (maxRestarts: 0)
      await abandoned.until(1);
      await Promise.all(sends);
      const reported = (await dead.until(inRing + queued)).map((e) => (e.message as { n: number }).n).sort((a, b) => a - b);
      expect(reported).toEqual(Array.from({ length: inRing + queued }, (_, i) => i));
    } finally {
      await system.shutdown();
    }
  });

  it("refuses a tell while the same sender's earlier sends still wait for ring room, so it cannot overtake them", async () => {
    const system = await ActorSystem.start({ workers: 1, actors: ACTORS, ringBytes: 4096, maxMessageBytes: 1024 });
    try {
      const { key, view: gate } = shareInt32();
      gates.push(gate);
      const blocker = await system.spawn(Blocker, { args: { gate: key }, placement: { worker: 1 } });
      expect(await blocker.ask({ type: 'block' })).toBe('blocked');
      let n = 0;
      while (n < 10_000 && blocker.tell({ type: 'inc', n })) n++;
      const sends = Array.from({ length: 20 }, () => blocker.send({ type: 'inc', n: n++ }));
      openGate(gate);
      // The worker drains its ring now, while this thread cannot flush its outbox (it does not return to its
      // loop): a tell that went straight into the ring would land ahead of the 20 sends.
      const until = Date.now() + 1000;
      let overtaking = 0;
      while (Date.now() < until) if (blocker.tell({ type: 'inc', n })) (n++, overtaking++);
      await Promise.all(sends);
      expect({ overtaking, ...((await blocker.ask({ type: 'count' })) as BlockerCount) }).toEqual({ overtaking, count: n, outOfSequence: 0 });
    } finally {
      await system.shutdown();
    }
  });

  it("keeps an inline program alive until its second ask times out (the asks' timer is referenced again)", () => {
    const root = fileURLToPath(new URL('../../', import.meta.url));
    const program = fileURLToPath(new URL('../fixtures/inline-second-ask.ts', import.meta.url));
    const r = spawnSync(process.execPath, ['--import', 'tsx', program], { cwd: root, encoding: 'utf8', timeout: 30_000 });
    expect({ status: r.status, stdout: r.stdout.trim().split('\n') }, r.stderr).toEqual({ status: 0, stdout: ['answered', 'ERR_ASK_TIMEOUT'] });
  }, 45_000);
});
