// Delays an actor hands to a timer are bounded like every other timeout (docs/semantics.md "Limits"): at most
// 2^31 - 1 ms (MAX_TIMER_MS), the longest delay Node's setTimeout takes. A longer one would be clamped by Node to
// 1 ms (with a TimeoutOverflowWarning): a single timer for 25 days fired at once, a fixed-rate one every
// millisecond, a receive timeout re-armed every millisecond, a restart backoff not waited. Each is refused with
// InvalidArgumentError at the call instead; 2^31 - 1 itself is accepted.
import { describe, expect, it } from 'vitest';
import { allForOne, oneForOne } from '../../src/index.js';
import { MAX_TIMER_MS } from '../../src/config.js';
import { createTestSystem } from '../../src/testkit/index.js';
import { TimerTrier, type TimerApi, type TryAnswer } from '../fixtures/timer-limit-actors.js';

const tk = await createTestSystem({ mode: 'inline', actors: [new URL('../fixtures/timer-limit-actors.ts', import.meta.url)] });
const trier = await tk.system.spawn(TimerTrier);
const attempt = (api: TimerApi, ms: number) => trier.ask({ type: 'try', api, ms }) as Promise<TryAnswer>;

describe('timer delays over 2^31 - 1 ms', () => {
  it.each(['startSingleTimer', 'startTimerWithFixedDelay', 'startTimerAtFixedRate', 'initialDelayMs', 'setReceiveTimeout'] as const)(
    'refuses %s of 2^31 ms with InvalidArgumentError naming the limit, and takes 2^31 - 1',
    async (api) => {
      expect(await attempt(api, 2 ** 31)).toEqual({ ok: false, name: 'InvalidArgumentError', message: expect.stringContaining(String(MAX_TIMER_MS)) });
      expect(await attempt(api, MAX_TIMER_MS)).toEqual({ ok: true });
    },
  );

  it.each([
    ['oneForOne', oneForOne],
    ['allForOne', allForOne],
  ] as const)('refuses a %s backoff over 2^31 - 1 ms with InvalidArgumentError naming the field', (_name, strategy) => {
    expect(() => strategy({ backoff: { minMs: 0, maxMs: 2 ** 31 } })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT', message: expect.stringMatching(/backoff\.maxMs.*2147483647/) }));
    expect(() => strategy({ backoff: { minMs: 2 ** 31, maxMs: 2 ** 31 } })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT', message: expect.stringMatching(/backoff\.minMs.*2147483647/) }));
    expect(() => strategy({ backoff: { minMs: MAX_TIMER_MS, maxMs: MAX_TIMER_MS } })).not.toThrow();
  });
});
