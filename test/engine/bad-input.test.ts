import { isDeepStrictEqual } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ActorSystem,
  AskTimeoutError,
  InvalidArgumentError,
  MessageEncodeError,
  MessageTooLargeError,
  RingmasterError,
  type ActorRef,
} from '../../src/index.js';
import { createTestSystem } from '../../src/testkit/index.js';
import { Counter, Echo, Thrower, type CounterMsg } from '../fixtures/actors.js';

const MAX_MESSAGE_BYTES = 1024;

/** The error a promise rejects with; a failure when it resolves. */
async function rejectionOf(p: Promise<unknown>): Promise<Error & { code?: string }> {
  return p.then(
    (v) => {
      throw new Error(`expected a rejection, got ${JSON.stringify(v)}`);
    },
    (err: unknown) => err as Error & { code?: string },
  );
}

/** Messages that would add 1 to a Counter if they were delivered, but cannot cross threads. */
const unsendable: [string, unknown][] = [
  ['a function', { type: 'inc', by: 1, callback: () => 1 }],
  ['a symbol', { type: 'inc', by: 1, tag: Symbol('tag') }],
];

const tk = await createTestSystem({
  workers: 2,
  maxMessageBytes: MAX_MESSAGE_BYTES,
  actors: [new URL('../fixtures/actors.ts', import.meta.url)],
});
const system = tk.system;

async function counterOnWorker(worker: number): Promise<ActorRef<CounterMsg, number>> {
  return system.spawn(Counter, { args: { start: 0 }, placement: { worker } });
}

describe('messages that cannot be sent', () => {
  it.each(unsendable)('refuses a message containing %s at tell with MessageEncodeError, delivering nothing', async (_, message) => {
    const counter = await counterOnWorker(1);
    let error: unknown;
    try {
      counter.tell(message as CounterMsg);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(MessageEncodeError);
    expect((error as MessageEncodeError).code).toBe('ERR_MESSAGE_ENCODE');
    expect(await counter.ask({ type: 'get' })).toBe(0);
  });

  it.each(unsendable)('rejects an ask with a message containing %s with MessageEncodeError, delivering nothing', async (_, message) => {
    const counter = await counterOnWorker(2);
    const err = await rejectionOf(counter.ask(message as CounterMsg));
    expect(err).toBeInstanceOf(MessageEncodeError);
    expect(err.code).toBe('ERR_MESSAGE_ENCODE');
    expect(await counter.ask({ type: 'get' })).toBe(0);
  });

  it('refuses a message containing a function with send as well', async () => {
    const counter = await counterOnWorker(1);
    const err = await rejectionOf(counter.send(unsendable[0]![1] as CounterMsg));
    expect(err.code).toBe('ERR_MESSAGE_ENCODE');
    expect(await counter.ask({ type: 'get' })).toBe(0);
  });

  it('refuses a message over maxMessageBytes at tell with MessageTooLargeError', async () => {
    const echo = await system.spawn(Echo, { placement: { worker: 1 } });
    let error: unknown;
    try {
      echo.tell({ type: 'echo', value: 'x'.repeat(2 * MAX_MESSAGE_BYTES) });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(MessageTooLargeError);
    expect((error as MessageTooLargeError).code).toBe('ERR_MESSAGE_TOO_LARGE');
    expect((error as MessageTooLargeError).limit).toBe(MAX_MESSAGE_BYTES);
    expect((error as MessageTooLargeError).bytes).toBeGreaterThan(MAX_MESSAGE_BYTES);
  });

  it('rejects an ask with a message over maxMessageBytes with MessageTooLargeError', async () => {
    const echo = await system.spawn(Echo, { placement: { worker: 2 } });
    const err = await rejectionOf(echo.ask({ type: 'echo', value: 'x'.repeat(2 * MAX_MESSAGE_BYTES) }));
    expect(err).toBeInstanceOf(MessageTooLargeError);
    expect(err.code).toBe('ERR_MESSAGE_TOO_LARGE');
  });

  it('accepts a message just under maxMessageBytes', async () => {
    const echo = await system.spawn(Echo, { placement: { worker: 1 } });
    const value = 'y'.repeat(MAX_MESSAGE_BYTES - 64);
    expect(await echo.ask({ type: 'echo', value })).toBe(value);
  });
});

describe('a send with no message', () => {
  it.each([0, 1])('refuses tell(), send() and ask() with no message on thread %i with InvalidArgumentError, delivering nothing', async (worker) => {
    const counter = await counterOnWorker(worker);
    const untyped = counter as unknown as { tell(m?: unknown): boolean; send(m?: unknown): Promise<void>; ask(m?: unknown): Promise<unknown> };
    expect(() => untyped.tell()).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT', message: expect.stringContaining('has no message') }));
    expect((await rejectionOf(untyped.send())).code).toBe('ERR_INVALID_ARGUMENT');
    const err = await rejectionOf(untyped.ask());
    expect(err).toBeInstanceOf(InvalidArgumentError);
    expect(err.message).toContain(`ask to '${counter.name}' has no message`);
    expect(await counter.ask({ type: 'get' })).toBe(0);
  });
});

describe('system.stop given something other than an actor ref', () => {
  it.each([
    ['nothing', undefined, 'undefined'],
    ['null', null, 'null'],
    ['a name', 'counter', 'a string'],
    ['a plain object', { name: 'counter', thread: 1 }, 'an object (Object)'],
  ])('rejects %s with InvalidArgumentError pointing at shutdown(), and stops nothing', async (_, value, shown) => {
    const counter = await counterOnWorker(1);
    const err = await rejectionOf(system.stop(value as unknown as ActorRef));
    expect(err).toBeInstanceOf(InvalidArgumentError);
    expect(err.code).toBe('ERR_INVALID_ARGUMENT');
    expect(err.message).toContain(`got ${shown}`);
    expect(err.message).toContain('system.shutdown()');
    counter.tell({ type: 'inc', by: 2 });
    expect(await counter.ask({ type: 'get' })).toBe(2);
  });
});

describe('asks that cannot be answered', () => {
  it(
    'rejects an ask to a stopped actor at once with ActorStoppedError, long before its timeout',
    async () => {
      const counter = await counterOnWorker(2);
      await system.stop(counter);
      const err = await rejectionOf(counter.ask({ type: 'get' }, { timeoutMs: 60_000 }));
      expect(err).toBeInstanceOf(RingmasterError);
      expect(err.name).toBe('ActorStoppedError');
      expect(err.code).toBe('ERR_ACTOR_STOPPED');
      expect(err.message).toContain(`'${counter.name}'`);
    },
    10_000,
  );

  it("turns a tell to a stopped actor into a dead letter with reason 'actor-stopped'", async () => {
    const counter = await counterOnWorker(1);
    await system.stop(counter);
    await tk.expectDeadLetters(1, () => counter.tell({ type: 'inc', by: 42 }), {
      target: counter.name,
      match: (e) =>
        e.reason === 'actor-stopped' &&
        isDeepStrictEqual(e.message, { type: 'inc', by: 42 }) &&
        e.sender === null &&
        e.error === undefined,
    });
  });

  it.each([0, -5, Number.NaN, 2 ** 31, null])('refuses an ask timeoutMs of %s with InvalidArgumentError', async (timeoutMs) => {
    const counter = await counterOnWorker(1);
    const err = await rejectionOf(counter.ask({ type: 'get' }, { timeoutMs: timeoutMs as number }));
    expect(err).toBeInstanceOf(InvalidArgumentError);
    expect(err.code).toBe('ERR_INVALID_ARGUMENT');
    expect(err.message).toContain(String(timeoutMs));
  });

  it('rejects an ask that gets no reply with AskTimeoutError after its timeout', async () => {
    const counter = await counterOnWorker(2);
    // 'inc' never replies.
    const err = await rejectionOf(counter.ask({ type: 'inc', by: 1 }, { timeoutMs: 200 }));
    expect(err).toBeInstanceOf(AskTimeoutError);
    expect(err.code).toBe('ERR_ASK_TIMEOUT');
    expect((err as AskTimeoutError).timeoutMs).toBe(200);
    expect((err as AskTimeoutError).target).toBe(counter.name);
  });
});

describe('asks pending at shutdown', () => {
  it(
    'rejects them with SystemStoppedError or ActorStoppedError instead of leaving them waiting',
    async () => {
      const own = await ActorSystem.start({ workers: 1, actors: [new URL('../fixtures/actors.ts', import.meta.url)] });
      try {
        const counter = await own.spawn(Counter, { args: { start: 0 }, placement: { worker: 1 } });
        // 'inc' never replies: only the shutdown can settle these.
        const onWorker = rejectionOf(counter.ask({ type: 'inc', by: 1 }, { timeoutMs: 60_000 }));
        const local = await own.spawn(Counter, { args: { start: 0 }, placement: { worker: 0 } });
        const onMain = rejectionOf(local.ask({ type: 'inc', by: 1 }, { timeoutMs: 60_000 }));
        await own.shutdown();
        for (const err of await Promise.all([onWorker, onMain])) {
          expect(err).toBeInstanceOf(RingmasterError);
          expect(['ERR_SYSTEM_STOPPED', 'ERR_ACTOR_STOPPED']).toContain(err.code);
        }
      } finally {
        await own.shutdown();
      }
    },
    10_000,
  );
});

describe('failures too large to report in one message', () => {
  // A system of its own: the failure this checks for takes a whole worker down with it.
  let own: ActorSystem;
  beforeAll(async () => {
    own = await ActorSystem.start({
      workers: 1,
      maxMessageBytes: MAX_MESSAGE_BYTES,
      actors: [new URL('../fixtures/actors.ts', import.meta.url)],
    });
  });
  afterAll(async () => {
    await own?.shutdown();
  });

  it('rejects the ask of a handler that throws an error longer than maxMessageBytes, and keeps its worker running', async () => {
    const thrower = await own.spawn(Thrower, { placement: { worker: 1 } });
    const err = await rejectionOf(thrower.ask({ type: 'throw', length: 4 * MAX_MESSAGE_BYTES }));
    expect(err).toBeInstanceOf(RingmasterError);
    expect(err.code).toBe('ERR_ACTOR_FAILED');
    expect(await thrower.ask({ type: 'ping' }, { timeoutMs: 2000 })).toBe('pong');
  });
});
