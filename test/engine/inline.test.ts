/**
 * Inline mode: the same actors and the same API, everything on the main thread (no workers, no shared memory).
 */
import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from 'vitest';
import {
  ActorFailedError,
  ActorRef,
  InvalidArgumentError,
  MessageEncodeError,
  NameTakenError,
} from '../../src/index.js';
import { Counter, Echo, Parent, Relay, Slow, Who, type CounterMsg } from '../fixtures/actors.js';
import { createTestSystem } from '../../src/testkit/index.js';
import { recordEvents } from '../fixtures/events.js';

const tk = await createTestSystem({ mode: 'inline', actors: [new URL('../fixtures/actors.ts', import.meta.url)] });
const system = tk.system;

describe("mode 'inline'", () => {
  it('starts no workers', () => {
    expect(system.workers).toBe(0);
  });

  it('runs the quick start: a counter started at 5, told to add 2, answers 7', async () => {
    const counter = await system.spawn(Counter, { name: 'quick-start', args: { start: 5 } });
    expect(counter.tell({ type: 'inc', by: 2 })).toBe(true);
    expect(await counter.ask({ type: 'get' }, { timeoutMs: 1000 })).toBe(7);
  });

  it('places every actor on the main thread', async () => {
    const echo = await system.spawn(Echo, { placement: 'round-robin' });
    expect(echo.thread).toBe(0);
    expect(await echo.ask({ type: 'where' })).toBe(0);
  });

  it('refuses a placement on a worker with InvalidArgumentError', async () => {
    await expect(system.spawn(Echo, { placement: { worker: 1 } })).rejects.toBeInstanceOf(InvalidArgumentError);
  });

  it('gives the receiver a copy of the message, not the sender’s object', async () => {
    const echo = await system.spawn(Echo);
    const value = { nested: { n: 1 } };
    const back = await echo.ask<typeof value>({ type: 'echo', value });
    expect(back).toEqual(value);
    expect(back).not.toBe(value);
  });

  it('lets an actor ask another and answers with ctx.sender set to the asking actor', async () => {
    const who = await system.spawn(Who);
    const relay = await system.spawn(Relay);
    const sender = await relay.ask({ type: 'ask', target: who, message: { type: 'sender' } });
    expect(sender).toBeInstanceOf(ActorRef);
    expect((sender as ActorRef).equals(relay)).toBe(true);
  });

  it("spawns children under 'parent/child' names that lookup finds", async () => {
    const parent = await system.spawn(Parent, { name: 'inline-parent' });
    const child = await tk.expectEvents({ type: 'actor-started', actor: 'inline-parent/kid' }, () =>
      parent.ask({ type: 'spawn-counter', name: 'kid', start: 9 }),
    );
    expect(child.name).toBe('inline-parent/kid');
    expect(system.lookup('inline-parent/kid')?.equals(child)).toBe(true);
    expect(await child.ask<number>({ type: 'get' })).toBe(9);
  });

  it('stops children before their parent and forgets both names', async () => {
    const parent = await system.spawn(Parent, { name: 'inline-family' });
    await parent.ask({ type: 'spawn-counter', name: 'kid', start: 0 });
    const stops = recordEvents(system, 'actor-stopped', (e) => e.actor.startsWith('inline-family'));
    await system.stop(parent);
    expect((await stops.until(2)).map((e) => e.actor)).toEqual(['inline-family/kid', 'inline-family']);
    stops.stop();
    expect(system.lookup('inline-family')).toBeUndefined();
    expect(system.lookup('inline-family/kid')).toBeUndefined();
  });

  it('waits for an async handler to settle before the next message', async () => {
    const slow = await system.spawn(Slow);
    for (let i = 0; i < 3; i++) slow.tell({ type: 'work', i, ms: 5 });
    expect(await slow.ask({ type: 'log' })).toEqual(['start 0', 'end 0', 'start 1', 'end 1', 'start 2', 'end 2']);
  });

  it('rejects an ask whose handler throws with ActorFailedError and restarts the actor with fresh state', async () => {
    const counter = await system.spawn(Counter, { args: { start: 3 } });
    counter.tell({ type: 'inc', by: 4 });
    const err = await counter.ask({ type: 'boom' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ActorFailedError);
    expect((err as ActorFailedError).code).toBe('ERR_ACTOR_FAILED');
    expect(await counter.ask({ type: 'get' })).toBe(3);
  });

  it('refuses a second actor with a name already taken, with NameTakenError', async () => {
    await system.spawn(Echo, { name: 'inline-taken' });
    await expect(system.spawn(Echo, { name: 'inline-taken' })).rejects.toBeInstanceOf(NameTakenError);
  });

  it('refuses a message with a function with MessageEncodeError, as between threads', async () => {
    const counter = await system.spawn(Counter, { args: { start: 0 } });
    expect(() => counter.tell({ type: 'inc', by: 1, f: () => 1 } as unknown as CounterMsg)).toThrow(MessageEncodeError);
    expect(await counter.ask({ type: 'get' })).toBe(0);
  });

  it("turns a tell to a stopped actor into a dead letter with reason 'actor-stopped'", async () => {
    const counter = await system.spawn(Counter, { args: { start: 0 } });
    await system.stop(counter);
    await tk.expectDeadLetters(1, () => counter.tell({ type: 'inc', by: 1 }), {
      target: counter.name,
      match: (e) => e.reason === 'actor-stopped' && isDeepStrictEqual(e.message, { type: 'inc', by: 1 }),
    });
  });
});
