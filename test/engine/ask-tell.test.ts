import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  ActorRef,
  NameTakenError,
  RingmasterError,
  defineActor,
} from '../../src/index.js';
import { Counter, Echo, Parent, Relay, Who } from '../fixtures/actors.js';
import { createTestSystem } from '../../src/testkit/index.js';

/** The error a promise rejects with; a failure when it resolves. */
async function rejectionOf(p: Promise<unknown>): Promise<Error & { code?: string }> {
  return p.then(
    (v) => {
      throw new Error(`expected a rejection, got ${JSON.stringify(v)}`);
    },
    (err: unknown) => err as Error & { code?: string },
  );
}

// Defined here only: the test's thread knows it, the workers (which load only the `actors` modules) do not.
const NotLoaded = defineActor('NotInTheActorsOption', { receive() {} });

const tk = await createTestSystem({ workers: 2, actors: [new URL('../fixtures/actors.ts', import.meta.url)] });
const system = tk.system;

describe('tell and ask', () => {
  it('runs the quick start: a counter started at 5, told to add 2, answers 7 as a number', async () => {
    const counter = await system.spawn(Counter, { name: 'quick-start', args: { start: 5 } });
    expect(counter.tell({ type: 'inc', by: 2 })).toBe(true);
    const n = await counter.ask({ type: 'get' }, { timeoutMs: 5000 });
    expectTypeOf(n).toEqualTypeOf<number>();
    expect(n).toBe(7);
  });

  it.each([1, 2])('answers an ask from the main thread for an actor on worker %i', async (worker) => {
    const echo = await system.spawn(Echo, { placement: { worker } });
    expect(echo.thread).toBe(worker);
    expect(await echo.ask({ type: 'where' })).toBe(worker);
    expect(await echo.ask({ type: 'echo', value: { deep: [1, 'two', null] } })).toEqual({ deep: [1, 'two', null] });
  });

  it('lets an actor ask an actor on another worker and use the answer', async () => {
    const counter = await system.spawn(Counter, { args: { start: 41 }, placement: { worker: 2 } });
    const relay = await system.spawn(Relay, { placement: { worker: 1 } });
    expect(await relay.ask({ type: 'ask', target: counter, message: { type: 'get' } })).toBe(41);
  });

  it("delivers an actor's tell to an actor on another worker before that actor's later ask", async () => {
    const counter = await system.spawn(Counter, { args: { start: 0 }, placement: { worker: 2 } });
    const relay = await system.spawn(Relay, { placement: { worker: 1 } });
    const n = await relay.ask({ type: 'tell-then-ask', target: counter, tell: { type: 'inc', by: 3 }, ask: { type: 'get' } });
    expect(n).toBe(3);
  });

  it("gives a receiver the sending actor's ref as ctx.sender", async () => {
    const who = await system.spawn(Who, { placement: { worker: 2 } });
    const relay = await system.spawn(Relay, { placement: { worker: 1 } });
    const sender = await relay.ask({ type: 'ask', target: who, message: { type: 'sender' } });
    expect(sender).toBeInstanceOf(ActorRef);
    expect((sender as ActorRef).equals(relay)).toBe(true);
  });

  it("gives ctx.sender the sending actor's name when the sender is on another worker", async () => {
    const who = await system.spawn(Who, { placement: { worker: 2 } });
    const relay = await system.spawn(Relay, { name: 'named-relay', placement: { worker: 1 } });
    const sender = (await relay.ask({ type: 'ask', target: who, message: { type: 'sender' } })) as ActorRef;
    expect(sender.name).toBe('named-relay');
    expect(sender.thread).toBe(1);
  });

  it('gives no ctx.sender for a message sent from outside any actor', async () => {
    const who = await system.spawn(Who, { placement: { worker: 1 } });
    expect(await who.ask({ type: 'sender' })).toBeNull();
  });

  it("answers ctx.self with a ref equal to the spawner's", async () => {
    const who = await system.spawn(Who, { placement: { worker: 2 } });
    const self = await who.ask({ type: 'self' });
    expect(self).toBeInstanceOf(ActorRef);
    expect(who.equals(self as ActorRef)).toBe(true);
  });

  it('lets an actor on one worker use a ref it received in a message for an actor on another', async () => {
    const counter = await system.spawn(Counter, { args: { start: 10 }, placement: { worker: 2 } });
    const relay = await system.spawn(Relay, { placement: { worker: 1 } });
    expect(await relay.ask({ type: 'inc-through-ref', counter, by: 5 })).toBe(15);
    expect(await counter.ask({ type: 'get' })).toBe(15);
  });
});

describe('names', () => {
  it('finds a top-level actor by its name', async () => {
    const echo = await system.spawn(Echo, { name: 'findable' });
    const found = system.lookup('findable');
    expect(found).toBeDefined();
    expect(found!.equals(echo)).toBe(true);
    expect(await found!.ask({ type: 'echo', value: 'via lookup' })).toBe('via lookup');
  });

  it("finds a child by 'parent/child' once it has started", async () => {
    const parent = await system.spawn(Parent, { name: 'lookup-parent', placement: { worker: 1 } });
    const child = await tk.expectEvents({ type: 'actor-started', actor: 'lookup-parent/kid' }, () =>
      parent.ask({ type: 'spawn-counter', name: 'kid', start: 3 }),
    );
    expect(child.name).toBe('lookup-parent/kid');
    const found = system.lookup<{ type: 'get' }, number>('lookup-parent/kid');
    expect(found).toBeDefined();
    expect(found!.equals(child)).toBe(true);
    expect(await found!.ask({ type: 'get' })).toBe(3);
  });

  it('finds nothing under a name no actor has', () => {
    expect(system.lookup('nobody-is-called-this')).toBeUndefined();
  });

  it('refuses a second top-level actor with a name already taken, with NameTakenError', async () => {
    await system.spawn(Echo, { name: 'taken' });
    const err = await rejectionOf(system.spawn(Echo, { name: 'taken' }));
    expect(err).toBeInstanceOf(NameTakenError);
    expect(err.code).toBe('ERR_NAME_TAKEN');
    expect(err.message).toContain("'taken'");
  });

  it('lets only one of two concurrent spawns with the same name succeed', async () => {
    const results = await Promise.allSettled([
      system.spawn(Echo, { name: 'raced' }),
      system.spawn(Echo, { name: 'raced' }),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    const rejected = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect((rejected.reason as RingmasterError).code).toBe('ERR_NAME_TAKEN');
  });
});

describe('failures', () => {
  it('rejects the spawn of a definition the workers did not load with UnknownDefinitionError naming the known ones', async () => {
    const err = await rejectionOf(system.spawn(NotLoaded, { placement: { worker: 1 } }));
    // Errors from another thread come back as RingmasterError with the original name and code.
    expect(err).toBeInstanceOf(RingmasterError);
    expect(err.name).toBe('UnknownDefinitionError');
    expect(err.code).toBe('ERR_UNKNOWN_DEFINITION');
    expect(err.message).toContain("'NotInTheActorsOption'");
    expect(err.message).toContain("'Counter'");
    expect(err.message).toContain("'Echo'");
  });

  it('rejects the spawn of an object that no defineActor call registered with UnknownDefinitionError', async () => {
    const forged = { name: 'ForgedDefinition', behavior: { receive() {} } } as unknown as typeof Echo;
    const err = await rejectionOf(system.spawn(forged));
    expect(err.code).toBe('ERR_UNKNOWN_DEFINITION');
    expect(err.message).toContain("'ForgedDefinition'");
    expect(err.message).toContain("'Counter'");
  });

  it('rejects an ask whose handler throws with ActorFailedError carrying the cause', async () => {
    const counter = await system.spawn(Counter, { args: { start: 1 }, placement: { worker: 1 } });
    const err = await rejectionOf(counter.ask({ type: 'boom' }));
    expect(err).toBeInstanceOf(RingmasterError);
    expect(err.name).toBe('ActorFailedError');
    expect(err.code).toBe('ERR_ACTOR_FAILED');
    expect(err.message).toContain('boom requested');
    expect((err.cause as Error | undefined)?.message).toBe('boom requested');
  });

  it('restarts a failed actor with the state init(args) builds, by default', async () => {
    const counter = await system.spawn(Counter, { args: { start: 100 }, placement: { worker: 2 } });
    counter.tell({ type: 'inc', by: 5 });
    expect(await counter.ask({ type: 'get' })).toBe(105);
    await rejectionOf(counter.ask({ type: 'boom' }));
    expect(await counter.ask({ type: 'get' })).toBe(100);
  });

  it("publishes a failure as an 'actor-failed' event with the directive 'restart'", async () => {
    const counter = await system.spawn(Counter, { name: 'fails-once', args: { start: 0 }, placement: { worker: 1 } });
    await tk.expectEvents(
      {
        type: 'actor-failed',
        actor: 'fails-once',
        error: /^Error: boom requested$/,
        match: (e) => e.directive === 'restart',
      },
      () => counter.tell({ type: 'boom' }),
    );
  });

  it('keeps an actor answering after a failure', async () => {
    const counter = await system.spawn(Counter, { args: { start: 0 }, placement: { worker: 1 } });
    counter.tell({ type: 'boom' });
    counter.tell({ type: 'inc', by: 1 });
    expect(await counter.ask({ type: 'get' })).toBe(1);
  });
});
