// Asks from the main thread's own code. A reply from a worker that is awake is taken synchronously, right after the
// ask was written (MainDriver.awaitReply); everything else goes through the event loop. Both paths must give the
// same answers, in the same order, under every wait strategy, and neither may keep the event loop from running.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ActorSystem, type ActorRef } from '../../src/index.js';
import { Counter, Echo, type CounterMsg, type EchoMsg } from '../fixtures/actors.js';

const ACTORS = [new URL('../fixtures/actors.ts', import.meta.url)];

describe.each(['hybrid', 'spin', 'park'] as const)('asks from the main thread, waitStrategy %s', (waitStrategy) => {
  let system: ActorSystem;
  let counter: ActorRef<CounterMsg, number>;

  beforeAll(async () => {
    system = await ActorSystem.start({ workers: 1, waitStrategy, actors: ACTORS });
    counter = await system.spawn(Counter, { name: 'counter', args: { start: 0 }, placement: { worker: 1 } });
  });
  afterAll(() => system.shutdown());

  it('answers 2,000 back-to-back asks, each seeing every tell sent before it', async () => {
    const before = await counter.ask({ type: 'get' });
    const seen: number[] = [];
    for (let i = 1; i <= 2000; i++) {
      counter.tell({ type: 'inc', by: 1 });
      seen.push((await counter.ask({ type: 'get' })) - before);
    }
    expect(seen).toEqual(Array.from({ length: 2000 }, (_, i) => i + 1));
  });

  it('answers concurrent asks, each with its own reply', async () => {
    const echo = await system.spawn(Echo, { name: `echo-${waitStrategy}`, placement: { worker: 1 } });
    const replies = await Promise.all(Array.from({ length: 500 }, (_, i) => echo.ask({ type: 'echo', value: i })));
    expect(replies).toEqual(Array.from({ length: 500 }, (_, i) => i));
  });

  it('answers an ask to a worker that has gone to sleep', async () => {
    // A pause long enough for any worker to park (a hybrid one spins ~1-2 ms at most).
    await new Promise((resolve) => setTimeout(resolve, 50));
    const before = await counter.ask({ type: 'get' });
    await new Promise((resolve) => setTimeout(resolve, 50));
    counter.tell({ type: 'inc', by: 5 });
    expect(await counter.ask({ type: 'get' })).toBe(before + 5);
  });
});

describe('the main thread during back-to-back asks', () => {
  let system: ActorSystem;
  let echo: ActorRef<EchoMsg, unknown>;

  beforeAll(async () => {
    system = await ActorSystem.start({ workers: 1, actors: ACTORS });
    echo = await system.spawn(Echo, { name: 'echo', placement: { worker: 1 } });
  });
  afterAll(() => system.shutdown());

  it('still runs timers and immediates while a loop awaits one ask after another', async () => {
    const asks = 20_000;
    let done = 0;
    let timerAt = -1;
    let immediateAt = -1;
    setTimeout(() => (timerAt = done), 1);
    setImmediate(() => (immediateAt = done));
    while (done < asks) {
      await echo.ask({ type: 'echo', value: done });
      done++;
    }
    // Replies taken synchronously resume the loop in microtasks; the engine still returns to the event loop at
    // least every few milliseconds, so both callbacks ran before the loop ended.
    expect(immediateAt).toBeGreaterThanOrEqual(0);
    expect(immediateAt).toBeLessThan(asks);
    expect(timerAt).toBeGreaterThanOrEqual(0);
    expect(timerAt).toBeLessThan(asks);
  });

  it('answers an ask made by an event subscriber while the engine delivers the event', async () => {
    const answers: unknown[] = [];
    const got = new Promise<void>((resolve) => {
      const off = system.events.subscribe('dead-letter', () => {
        off();
        void echo.ask({ type: 'echo', value: 'from a subscriber' }).then((v) => {
          answers.push(v);
          resolve();
        });
      });
    });
    const gone = await system.spawn(Echo, { name: 'gone', placement: { worker: 1 } });
    await system.stop(gone);
    gone.tell({ type: 'where' }); // a dead letter, published from inside a pump
    await got;
    expect(answers).toEqual(['from a subscriber']);
  });
});
