/**
 * A worker's journal found corrupt when its replacement recovers it (issue 18, items 9 and 14): the recovery throws
 * CorruptMemoryError, in a spare that takes over the slot or in a freshly booted worker. That is a failure of the
 * slot, reported (worker-exited, then worker-abandoned, both carrying the CorruptMemoryError), and the worker is
 * given up on at once: every replacement would meet the same journal, so none is tried (no death loop), and the
 * slot never stays "booting". Asks to its actors settle at once, from the main thread and from other workers.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ActorSystem, type ActorRef } from '../../src/index.js';
import { Counter, Relay, type CounterMsg } from '../fixtures/actors.js';
import { JournalCorrupter } from '../fixtures/corrupting-actors.js';
import { recordEvents } from '../fixtures/events.js';

const ACTORS = [new URL('../fixtures/actors.ts', import.meta.url), new URL('../fixtures/corrupting-actors.ts', import.meta.url)];

for (const spare of [true, false]) {
  describe(`a corrupt journal met by the replacement worker (${spare ? 'a spare takes over' : 'no spare'})`, () => {
    let system: ActorSystem | undefined;
    afterEach(async () => {
      await system?.shutdown();
      system = undefined;
    });

    it('gives the worker up at once with CorruptMemoryError in worker-exited and worker-abandoned, trying no second replacement', async () => {
      system = await ActorSystem.start({
        workers: 2,
        actors: ACTORS,
        askTimeoutMs: 60_000,
        workerRestart: { maxRestarts: 5, withinMs: 60_000, backoff: { minMs: 10, maxMs: 20 }, spare },
      });
      const exited = recordEvents(system, 'worker-exited', (e) => e.worker === 1);
      const abandoned = recordEvents(system, 'worker-abandoned');
      const counter: ActorRef<CounterMsg, number> = await system.spawn(Counter, { name: 'bystander', args: { start: 1 }, placement: { worker: 1 } });
      const relay = await system.spawn(Relay, { placement: { worker: 2 } });
      const corrupter = await system.spawn(JournalCorrupter, { placement: { worker: 1 } });
      // With a spare, wait until it is ready so that it is the one that meets the journal.
      if (spare) await new Promise((r) => setTimeout(r, 1500));

      corrupter.tell({ type: 'corrupt-journal-and-exit' });
      const [gaveUp] = await abandoned.until(1, 15_000);
      expect(gaveUp).toMatchObject({ worker: 1, error: { code: 'ERR_CORRUPT_MEMORY' } });
      // The first death (the exit), and the replacement's failed recovery: nothing more.
      await new Promise((r) => setTimeout(r, 300));
      expect(exited.seen.map((e) => e.restarting)).toEqual([true, false]);
      expect(exited.seen[1]!.error).toMatchObject({ code: 'ERR_CORRUPT_MEMORY' });

      // Its actors are gone for good: asks settle at once, from here and from another worker; the names are free.
      const started = Date.now();
      await expect(counter.ask({ type: 'get' })).rejects.toMatchObject({ code: 'ERR_WORKER_CRASHED', worker: 1 });
      await expect(relay.ask({ type: 'ask', target: counter, message: { type: 'get' } })).rejects.toMatchObject({
        code: 'ERR_ACTOR_FAILED',
        cause: { code: 'ERR_WORKER_CRASHED' },
      });
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(system.lookup('bystander')).toBeUndefined();
      // The other worker keeps working.
      const elsewhere = await system.spawn(Counter, { name: 'bystander', args: { start: 2 }, placement: { worker: 2 } });
      expect(await elsewhere.ask({ type: 'get' })).toBe(2);
    });
  });
}

describe('a corrupt ring met by the worker that reads it', () => {
  it('gives that worker up with CorruptMemoryError, reports the unreadable ring as a dead letter, and keeps the main thread and the other worker running', async () => {
    const system = await ActorSystem.start({ workers: 2, actors: ACTORS, workerRestart: { maxRestarts: 5, backoff: { minMs: 10, maxMs: 20 } } });
    try {
      const abandoned = recordEvents(system, 'worker-abandoned');
      const exited = recordEvents(system, 'worker-exited', (e) => e.worker === 1);
      const dead = recordEvents(system, 'dead-letter', (e) => (e.error as { code?: string } | undefined)?.code === 'ERR_CORRUPT_MEMORY');
      const corrupter = await system.spawn(JournalCorrupter, { placement: { worker: 1 } });
      // Not answered: the worker meets the corrupt ring at its next read of it (right after this message), while
      // the main thread writes nothing more into it (a write would publish a sane tail again).
      const waiting = corrupter.ask({ type: 'corrupt-ring-from-main' }, { timeoutMs: 20_000 });
      const [gaveUp] = await abandoned.until(1, 15_000);
      expect(gaveUp).toMatchObject({ worker: 1, error: { code: 'ERR_CORRUPT_MEMORY' } });
      expect(exited.seen).toHaveLength(1);
      await expect(waiting).rejects.toMatchObject({ code: 'ERR_WORKER_CRASHED' });
      const [report] = await dead.until(1, 5_000);
      expect(report).toMatchObject({ reason: 'worker-crashed' });
      const other = await system.spawn(Counter, { args: { start: 3 }, placement: { worker: 2 } });
      expect(await other.ask({ type: 'get' })).toBe(3);
    } finally {
      await system.shutdown();
    }
  });
});
