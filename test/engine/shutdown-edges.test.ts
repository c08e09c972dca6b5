// Shutdown against a worker that never comes back to its loop, and what happens after it: every record that
// could not be sent is reported, and nothing waits out a timeout.
import { describe, expect, it } from 'vitest';
import { ActorSystem } from '../../src/index.js';
import { Counter } from '../fixtures/actors.js';
import { recordEvents } from '../fixtures/events.js';
import { Blocker, openGate } from '../fixtures/gated-actors.js';
import { shareInt32 } from '../fixtures/shared-memory.js';
import { StartStopNoting } from '../fixtures/shutdown-actors.js';

const ACTORS = [
  new URL('../fixtures/actors.ts', import.meta.url),
  new URL('../fixtures/gated-actors.ts', import.meta.url),
  new URL('../fixtures/shutdown-actors.ts', import.meta.url),
];

describe('shutdown edges', () => {
  it(
    'resolves shutdown() although a worker is stuck in a synchronous loop, and reports the sends still waiting for its ring',
    async () => {
      const system = await ActorSystem.start({ workers: 1, actors: ACTORS, ringBytes: 4096, maxMessageBytes: 1024, stallTimeoutMs: 0, shutdownTimeoutMs: 300 });
      const { key, view: gate } = shareInt32();
      try {
        const blocker = await system.spawn(Blocker, { args: { gate: key }, placement: { worker: 1 } });
        expect(await blocker.ask({ type: 'block' })).toBe('blocked');
        let n = 0;
        while (n < 10_000 && blocker.tell({ type: 'inc', n })) n++;
        const dead = recordEvents(system, 'dead-letter', (e) => e.reason === 'system-shutdown');
        const sends = Array.from({ length: 20 }, (_, i) => blocker.send({ type: 'inc', n: n + i }));
        await system.shutdown(); // the Blocker holds its thread for 30 s: shutdown must not wait for it
        await Promise.all(sends);
        // Every accepted message is reported once, in order: the 'block' being handled, the tells still in the
        // worker's ring when shutdownTimeoutMs ended, and the sends that waited in the main thread's outbox.
        const reported = dead.seen.map((e) => e.message as { type: string; n?: number });
        expect(reported[0]).toEqual({ type: 'block' });
        expect(reported.slice(1).map((m) => m.n)).toEqual(Array.from({ length: n + 20 }, (_, i) => i));
      } finally {
        openGate(gate);
      }
    },
    15_000,
  );

  it('stops every actor that started, running its postStop, when shutdown() comes right after the spawns', async () => {
    const system = await ActorSystem.start({ workers: 2, actors: ACTORS, shutdownTimeoutMs: 5_000 });
    const SLOTS = 12;
    const { key, view: marks } = shareInt32(1 + 2 * SLOTS);
    const spawns = Array.from({ length: SLOTS }, (_, slot) =>
      system.spawn(StartStopNoting, { name: `late-${slot}`, args: { marks: key, slot }, placement: { worker: slot % 3 } }),
    );
    const settled = Promise.allSettled(spawns); // some reject with SystemStoppedError: shutdown overtook them
    await system.shutdown();
    await settled;
    const started = Array.from({ length: SLOTS }, (_, slot) => Atomics.load(marks, 1 + 2 * slot));
    const stopped = Array.from({ length: SLOTS }, (_, slot) => Atomics.load(marks, 2 + 2 * slot));
    expect(started.some((s) => s === 1)).toBe(true);
    expect(stopped).toEqual(started);
  }, 15_000);

  it('resolves system.stop of an actor at once after shutdown', async () => {
    const system = await ActorSystem.start({ workers: 1, actors: ACTORS, shutdownTimeoutMs: 60_000 });
    const counter = await system.spawn(Counter, { args: { start: 0 }, placement: { worker: 1 } });
    await system.shutdown();
    await system.stop(counter);
  }, 10_000);
});
