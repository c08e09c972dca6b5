// A worker's journal holds the spawn record of every actor it hosts: past what it can hold, a spawn is refused with
// JournalFullError instead of creating an actor that a crash would silently lose.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ActorSystem, type ActorRef } from '../../src/index.js';
import { Counter, type CounterMsg } from '../fixtures/actors.js';

describe("a worker's journal budget", () => {
  let system: ActorSystem;
  beforeAll(async () => {
    // 4096-byte rings: the journal holds 16 KiB, about a hundred spawn records.
    system = await ActorSystem.start({ workers: 1, ringBytes: 4096, maxMessageBytes: 1024, actors: [new URL('../fixtures/actors.ts', import.meta.url)] });
  });
  afterAll(async () => {
    await system?.shutdown();
  });

  it('refuses a spawn past what the journal holds with JournalFullError, frees its name, and keeps every accepted actor answering', async () => {
    const accepted: ActorRef<CounterMsg, number>[] = [];
    let error: (Error & { code?: string }) | undefined;
    for (let i = 0; i < 2000 && error === undefined; i++) {
      try {
        accepted.push(await system.spawn(Counter, { name: `budget-${i}`, args: { start: i }, placement: { worker: 1 } }));
      } catch (err) {
        error = err as Error & { code?: string };
      }
    }
    expect(error?.code).toBe('ERR_JOURNAL_FULL');
    expect(accepted.length).toBeGreaterThan(10);
    expect(system.lookup(`budget-${accepted.length}`)).toBeUndefined();
    const answers = await Promise.all(accepted.map((a) => a.ask({ type: 'get' })));
    expect(answers).toEqual(accepted.map((_, i) => i));
  });
});
