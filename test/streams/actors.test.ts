// Sink.actorRef against real actors of an inline TestKit system (the graph's run() is given the system).
import { afterAll, describe, expect, it } from 'vitest';
import { Sink, Source } from '../../src/streams/index.js';
import { createTestSystem } from '../../src/testkit/index.js';
import { Counter, type CounterMsg, Echo } from '../fixtures/actors.js';

const tk = await createTestSystem({ mode: 'inline', actors: [new URL('../fixtures/actors.ts', import.meta.url)] });
afterAll(() => tk.shutdown());

describe('Sink.actorRef with actors', () => {
  it('tells every element to the actor, in order, without ack', async () => {
    const counter = await tk.system.spawn(Counter, { name: 'streams-counter', args: { start: 0 } });
    await Source.from([1, 2, 3, 4])
      .map((by): CounterMsg => ({ type: 'inc', by }))
      .to(Sink.actorRef(counter))
      .run(tk.system).completion;
    expect(await counter.ask({ type: 'get' })).toBe(10);
  });

  it('with ack, asks the actor for each element and completes once the last reply came', async () => {
    const echo = await tk.system.spawn(Echo, { name: 'streams-echo' });
    const { completion } = Source.from([1, 2, 3])
      .map((value) => ({ type: 'echo' as const, value }))
      .to(Sink.actorRef(echo, { ack: true }))
      .run(tk.system);
    await expect(completion).resolves.toBeUndefined();
  });
});
