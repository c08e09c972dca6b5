/**
 * `ctx.reply(v)` with a `v` that cannot cross (a function, more than maxMessageBytes) throws the typed error at the
 * call, and the ask it answers rejects with that same error at once, even when the handler swallows it: an asker
 * never waits out its timeout for a reply that could not be sent.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ActorSystem } from '../../src/index.js';
import { BadReplier, type BadReplierMsg } from '../fixtures/odd-throwers.js';

const MAX = 1024;
const ACTORS = [new URL('../fixtures/odd-throwers.ts', import.meta.url)];
const CASES: [string, BadReplierMsg, string][] = [
  ['a function', { type: 'reply', what: 'function', bytes: 0, swallow: false }, 'ERR_MESSAGE_ENCODE'],
  ['a value over maxMessageBytes', { type: 'reply', what: 'oversize', bytes: 4 * MAX, swallow: false }, 'ERR_MESSAGE_TOO_LARGE'],
  ['a function, the error swallowed by the handler', { type: 'reply', what: 'function', bytes: 0, swallow: true }, 'ERR_MESSAGE_ENCODE'],
  ['a value over maxMessageBytes, the error swallowed', { type: 'reply', what: 'oversize', bytes: 4 * MAX, swallow: true }, 'ERR_MESSAGE_TOO_LARGE'],
];

for (const [where, options, worker] of [
  ['on a worker', { workers: 1 }, 1],
  ['on the main thread', { workers: 1 }, 0],
  // Inline, replies stay on one thread: serializeMessages runs them through the codec there too.
  ['inline', { mode: 'inline' as const, serializeMessages: true }, 0],
] as const) {
  describe(`a reply that cannot be sent, ${where}`, () => {
    let system: ActorSystem;
    beforeAll(async () => {
      system = await ActorSystem.start({ ...options, maxMessageBytes: MAX, actors: ACTORS });
    });
    afterAll(async () => {
      await system?.shutdown();
    });

    it.each(CASES)('rejects the ask at once with the typed error when the reply is %s', async (_, msg, code) => {
      const actor = await system.spawn(BadReplier, worker === 0 ? {} : { placement: { worker } });
      const err = await actor.ask(msg, { timeoutMs: 3_000 }).then(
        () => undefined,
        (e: unknown) => e as { code?: string },
      );
      expect(err?.code).toBe(code);
      expect(await actor.ask({ type: 'ping' })).toBe('pong');
    });
  });
}
