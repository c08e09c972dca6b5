/**
 * A message that encodes but cannot be decoded: a Map with object keys (msgpack has no object keys, and a Map
 * arrives as a plain object). On the sender's own thread, and in inline mode, it is refused at the call with
 * MessageEncodeError; across threads the receiver finds out, so it becomes a dead letter with reason
 * 'undecodable' and its ask rejects with MessageEncodeError at once, instead of a console line and a timeout.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ActorSystem, MessageEncodeError, type ActorRef } from '../../src/index.js';
import { Counter, type CounterMsg } from '../fixtures/actors.js';
import { recordEvents } from '../fixtures/events.js';

const ACTORS = [new URL('../fixtures/actors.ts', import.meta.url)];
const objectKeyed = (): CounterMsg => ({ type: 'inc', by: 1, index: new Map([[{ id: 1 }, 'one']]) }) as unknown as CounterMsg;

async function errorOf(f: () => unknown): Promise<unknown> {
  try {
    await f();
  } catch (err) {
    return err;
  }
  return undefined;
}

describe('a Map with object keys, between threads', () => {
  let system: ActorSystem;
  beforeAll(async () => {
    // serializeMessages: a message to an actor on the sender's own thread goes through the codec too.
    system = await ActorSystem.start({ workers: 1, actors: ACTORS, serializeMessages: true });
  });
  afterAll(async () => {
    await system?.shutdown();
  });

  it("turns a tell to an actor on a worker into a dead letter with reason 'undecodable', and delivers nothing", async () => {
    const counter: ActorRef<CounterMsg, number> = await system.spawn(Counter, { args: { start: 0 }, placement: { worker: 1 } });
    const dead = recordEvents(system, 'dead-letter', (e) => e.reason === 'undecodable');
    counter.tell(objectKeyed());
    const [e] = await dead.until(1);
    dead.stop();
    expect(e!.target).toBe(counter.name);
    expect(String(e!.message)).toContain('could not be decoded');
    expect(await counter.ask({ type: 'get' })).toBe(0);
  });

  it('rejects an ask to an actor on a worker with MessageEncodeError at once, not by its timeout', async () => {
    const counter: ActorRef<CounterMsg, number> = await system.spawn(Counter, { args: { start: 0 }, placement: { worker: 1 } });
    const err = await errorOf(() => counter.ask(objectKeyed(), { timeoutMs: 20_000 }));
    expect((err as MessageEncodeError).code).toBe('ERR_MESSAGE_ENCODE');
  });

  it('refuses a tell to an actor on the main thread at the call with MessageEncodeError', async () => {
    const counter: ActorRef<CounterMsg, number> = await system.spawn(Counter, { args: { start: 0 }, placement: { worker: 0 } });
    const err = await errorOf(() => counter.tell(objectKeyed()));
    expect(err).toBeInstanceOf(MessageEncodeError);
    expect((err as MessageEncodeError).message).toContain('Map');
    expect(await counter.ask({ type: 'get' })).toBe(0);
  });
});

describe('a Map with object keys, inline', () => {
  let system: ActorSystem;
  beforeAll(async () => {
    system = await ActorSystem.start({ mode: 'inline', actors: ACTORS, serializeMessages: true });
  });
  afterAll(async () => {
    await system?.shutdown();
  });

  it('refuses a tell at the call with MessageEncodeError, delivering nothing', async () => {
    const counter: ActorRef<CounterMsg, number> = await system.spawn(Counter, { args: { start: 0 } });
    const err = await errorOf(() => counter.tell(objectKeyed()));
    expect(err).toBeInstanceOf(MessageEncodeError);
    expect(await counter.ask({ type: 'get' })).toBe(0);
  });

  it('rejects an ask with MessageEncodeError', async () => {
    const counter: ActorRef<CounterMsg, number> = await system.spawn(Counter, { args: { start: 0 } });
    const err = await errorOf(() => counter.ask(objectKeyed()));
    expect(err).toBeInstanceOf(MessageEncodeError);
  });
});
