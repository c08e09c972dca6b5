/**
 * Messages between actors of one thread are passed by reference unless `serializeMessages` is on (Akka's
 * `serialize-messages`): the receiver gets the sender's object itself, nothing checks that it would encode, and it is
 * not journaled, so a worker crash loses what was queued of them (counted in `unjournaled`). With
 * `serializeMessages: true` they go through the codec as between threads; the TestKit turns it on.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ActorSystem, MessageEncodeError, type SystemEvent } from '../../src/index.js';
import { createTestSystem } from '../../src/testkit/index.js';
import { Mirror, Sender, type MirrorMsg } from '../fixtures/by-reference-actors.js';

const ACTORS = [new URL('../fixtures/by-reference-actors.ts', import.meta.url)];
const SENT = '__ringmasterByReferenceSent';

let system: ActorSystem | undefined;
afterEach(async () => {
  await system?.shutdown();
  system = undefined;
});

async function pair(s: ActorSystem, worker: number) {
  const mirror = await s.spawn(Mirror, { placement: { worker } });
  const sender = await s.spawn(Sender, { placement: { worker } });
  return { mirror, sender };
}

describe.each([
  ['on the main thread', 0],
  ['on one worker', 1],
])('two actors %s', (_where, worker) => {
  it('by default, an ask carries the sender’s object itself, and so does the reply', async () => {
    system = await ActorSystem.start({ workers: 1, actors: ACTORS });
    const { mirror, sender } = await pair(system, worker);
    expect(await sender.ask({ type: 'ask-same', to: mirror })).toBe(true);
    expect(await sender.ask({ type: 'reply-same', to: mirror })).toBe(true);
  });

  it('with serializeMessages, the receiver gets a copy, and so does the asker', async () => {
    system = await ActorSystem.start({ workers: 1, actors: ACTORS, serializeMessages: true });
    const { mirror, sender } = await pair(system, worker);
    expect(await sender.ask({ type: 'ask-same', to: mirror })).toBe(false);
    expect(await sender.ask({ type: 'reply-same', to: mirror })).toBe(false);
  });
});

describe("the main thread's code and an actor on the main thread", () => {
  const keep = (v: unknown) => ((globalThis as Record<string, unknown>)[SENT] = v);

  it('pass objects by reference by default, unchecked: a function is delivered as it is', async () => {
    system = await ActorSystem.start({ mode: 'inline', actors: ACTORS });
    const mirror = await system.spawn(Mirror);
    const value = { n: 1 };
    keep(value);
    expect(await mirror.ask({ type: 'is-sent', value })).toBe(true);
    const f = () => 1;
    keep(f);
    expect(await mirror.ask({ type: 'is-sent', value: f })).toBe(true);
  });

  it('with serializeMessages, pass copies, and refuse a function at the call with MessageEncodeError', async () => {
    system = await ActorSystem.start({ mode: 'inline', actors: ACTORS, serializeMessages: true });
    const mirror = await system.spawn(Mirror);
    const value = { n: 1 };
    keep(value);
    expect(await mirror.ask({ type: 'is-sent', value })).toBe(false);
    expect(() => mirror.tell({ type: 'is-sent', value: () => 1 } as MirrorMsg)).toThrow(MessageEncodeError);
  });
});

describe('createTestSystem', () => {
  it('turns serializeMessages on unless told otherwise', async () => {
    const tk = await createTestSystem({ workers: 1, actors: ACTORS });
    const { mirror, sender } = await pair(tk.system, 1);
    expect(tk.system.config.serializeMessages).toBe(true);
    expect(await sender.ask({ type: 'ask-same', to: mirror })).toBe(false);
  });

  it('keeps serializeMessages: false when the test asks for it', async () => {
    const tk = await createTestSystem({ workers: 1, actors: ACTORS, serializeMessages: false });
    const { mirror, sender } = await pair(tk.system, 1);
    expect(await sender.ask({ type: 'ask-same', to: mirror })).toBe(true);
  });
});

describe('a worker crash with messages queued between two of its actors', () => {
  async function floodAndCrash(serializeMessages: boolean) {
    system = await ActorSystem.start({ workers: 1, actors: ACTORS, serializeMessages, workerRestart: { spare: false } });
    const s = system;
    const { mirror, sender } = await pair(s, 1);
    const restarted = new Promise<Extract<SystemEvent, { type: 'worker-restarted' }>>((resolve) => s.events.subscribe('worker-restarted', resolve));
    sender.tell({ type: 'flood-then-die', to: mirror, n: 100 });
    const report = await restarted;
    return { report, handled: await mirror.ask({ type: 'count' }) };
  }

  it('by reference: loses them, counted in unjournaled (the message being handled is the one lost)', async () => {
    const { report, handled } = await floodAndCrash(false);
    expect(report).toMatchObject({ lost: 1, unjournaled: 100 });
    expect(handled).toBe(0);
  });

  it('with serializeMessages: delivers them to the re-created actor (they were journaled)', async () => {
    const { report, handled } = await floodAndCrash(true);
    expect(report).toMatchObject({ lost: 1, unjournaled: 0, messages: 100 });
    expect(handled).toBe(100);
  });
});
