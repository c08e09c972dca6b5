/**
 * Strings with lone surrogates (half of a UTF-16 pair, which UTF-8 cannot carry) in messages (issue 18, item 6).
 * msgpackr writes message strings as UTF-8, so such a string would arrive with U+FFFD in place of the half pair:
 * a silent change of the message. It is refused at the call instead, with MessageEncodeError, in both modes and
 * whatever the string's length (msgpackr encodes short and long strings on different paths). Well-formed strings
 * that share bytes with that check (U+FFFD itself, Hangul, emoji) arrive intact.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ActorSystem, MessageEncodeError, type ActorRef } from '../../src/index.js';
import { Counter, Echo, type CounterMsg, type EchoMsg } from '../fixtures/actors.js';
import { recordEvents } from '../fixtures/events.js';

const ACTORS = [new URL('../fixtures/actors.ts', import.meta.url)];

function thrown(f: () => unknown): unknown {
  try {
    f();
  } catch (err) {
    return err;
  }
  return undefined;
}

const LONE = {
  'a short string': 'half \uD800 pair',
  'a long string': `${'x'.repeat(5000)}\uDC00`,
  'an object key': { ['key-\uDBFF']: 1 },
  'a Map key': new Map([['\uD83D', 1]]),
  'a Set member': new Set(['ok', 'tail\uDE00']),
  'a string deep in an array': [[1, [{ s: 'deep \uD800' }]]],
} as const;

for (const mode of ['threads', 'inline'] as const) {
  describe(`a message with a lone surrogate (${mode})`, () => {
    let system: ActorSystem;
    let echo: ActorRef<EchoMsg, unknown>;
    let counter: ActorRef<CounterMsg, number>;
    beforeAll(async () => {
      // Inline, every message stays on one thread: serializeMessages runs it through the codec there too.
      system = await ActorSystem.start(mode === 'inline' ? { mode, actors: ACTORS, serializeMessages: true } : { workers: 1, actors: ACTORS });
      const placement = mode === 'inline' ? undefined : { worker: 1 };
      echo = await system.spawn(Echo, { ...(placement && { placement }) });
      counter = await system.spawn(Counter, { args: { start: 0 }, ...(placement && { placement }) });
    });
    afterAll(async () => {
      await system?.shutdown();
    });

    for (const [where, value] of Object.entries(LONE)) {
      it(`refuses a tell with one in ${where} at the call with MessageEncodeError, delivering nothing`, async () => {
        const dead = recordEvents(system, 'dead-letter');
        const err = thrown(() => counter.tell({ type: 'inc', by: 1, note: value } as unknown as CounterMsg));
        expect(err).toBeInstanceOf(MessageEncodeError);
        expect((err as Error).message).toContain('lone surrogate');
        expect(await counter.ask({ type: 'get' })).toBe(0);
        dead.stop();
        expect(dead.seen).toEqual([]);
      });
    }

    it('rejects an ask with one with MessageEncodeError', async () => {
      await expect(echo.ask({ type: 'echo', value: LONE['a short string'] })).rejects.toBeInstanceOf(MessageEncodeError);
    });

    it('refuses a spawn whose args hold one with MessageEncodeError', async () => {
      await expect(system.spawn(Counter, { args: { start: 0, label: 'x\uD800' } as never })).rejects.toBeInstanceOf(MessageEncodeError);
    });

    it('delivers well-formed strings intact: U+FFFD itself, Hangul, emoji, short and long', async () => {
      const values = ['\uFFFD', '한국어 \uD7A3', '😀 pair \uD83D\uDE00', `${'가'.repeat(3000)}\uFFFD😀`, { ['키\uFFFD']: '값' }];
      for (const value of values) expect(await echo.ask({ type: 'echo', value })).toEqual(value);
    });
  });
}

describe('an error with a lone surrogate in its message, thrown on a worker', () => {
  it('still fails the ask with ActorFailedError, the half pair as U+FFFD in the description, and keeps the worker running', async () => {
    const system = await ActorSystem.start({ workers: 1, actors: [new URL('../fixtures/odd-throwers.ts', import.meta.url)] });
    try {
      const { OddThrower } = await import('../fixtures/odd-throwers.js');
      const thrower = await system.spawn(OddThrower, { placement: { worker: 1 } });
      const err = (await thrower.ask({ type: 'throw-lone-surrogate' }).catch((e: unknown) => e)) as Error & { code?: string; cause?: Error };
      expect(err.code).toBe('ERR_ACTOR_FAILED');
      expect(err.cause?.message).toBe('half \uFFFD pair');
      expect(await thrower.ask({ type: 'ping' })).toBe('pong');
    } finally {
      await system.shutdown();
    }
  });
});
