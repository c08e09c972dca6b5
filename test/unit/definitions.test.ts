// One definition per name (issue 18, item 15): a second module that defines a taken name is refused instead of
// silently replacing the first; the same module evaluated again (a loader's second namespace) is not a conflict.
// Arguments that define nothing (and event subscriptions that could never fire) are refused with a clear error.
import { describe, expect, it } from 'vitest';
import { defineActor, findDefinition } from '../../src/actor.js';
import { DefinitionTakenError, InvalidArgumentError } from '../../src/errors.js';
import { EventStream } from '../../src/events.js';

const firstUrl = new URL('../fixtures/definitions/first.ts', import.meta.url).href;
const secondUrl = new URL('../fixtures/definitions/second.ts', import.meta.url).href;

describe('defineActor with a name already defined', () => {
  it('refuses a second definition of the name from another module with DefinitionTakenError, keeping the first', async () => {
    const { Dup } = (await import(firstUrl)) as typeof import('../fixtures/definitions/first.js');
    const err = await import(secondUrl).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(DefinitionTakenError);
    expect((err as DefinitionTakenError).code).toBe('ERR_DEFINITION_TAKEN');
    expect((err as Error).message).toContain('first.ts');
    expect((err as Error).message).toContain('second.ts');
    expect(findDefinition('Dup')).toBe(Dup);
  });

  it('lets the same module be evaluated again (a second loader namespace) and takes its new definition', async () => {
    await import(firstUrl);
    const again = (await import(`${firstUrl}?evaluated-again`)) as typeof import('../fixtures/definitions/first.js');
    expect(findDefinition('Dup')).toBe(again.Dup);
  });
});

describe('defineActor with arguments that define no actor', () => {
  it.each([
    ['no name', undefined, { receive: (): void => undefined }, 'the name must be a non-empty string, got undefined'],
    ['an empty name', '', { receive: (): void => undefined }, 'the name must be a non-empty string, got ""'],
    ['a behavior without receive', 'bad.NoReceive', {}, "defineActor('bad.NoReceive'): behavior.receive must be a function"],
    ['no behavior', 'bad.NoBehavior', undefined, 'got undefined'],
  ])('refuses %s with InvalidArgumentError saying what is missing', (_, name, behavior, says) => {
    let error: unknown;
    try {
      (defineActor as (n: unknown, b: unknown) => unknown)(name, behavior);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect((error as InvalidArgumentError).code).toBe('ERR_INVALID_ARGUMENT');
    expect((error as Error).message).toContain(says);
  });
});

describe('EventStream.subscribe with a type it does not know', () => {
  const events = new EventStream();

  it.each([
    ['a misspelt type', 'deadletter'],
    ['no argument at all', undefined],
    ['a number', 5],
  ])('refuses %s with InvalidArgumentError listing the event types', (_, type) => {
    expect(() => (events.subscribe as (t: unknown, l?: unknown) => unknown)(type, () => undefined)).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT', message: expect.stringContaining('dead-letter, shutdown-phase-failed') }),
    );
  });

  it("refuses a known type without a listener, and delivers that type's events to a listener given", () => {
    expect(() => (events.subscribe as (t: unknown, l?: unknown) => unknown)('dead-letter')).toThrow(InvalidArgumentError);
    const seen: string[] = [];
    events.subscribe('actor-started', (e) => seen.push(e.actor));
    events.publish({ type: 'actor-started', actor: 'a', thread: 0 });
    events.publish({ type: 'actor-stopped', actor: 'b', thread: 0 });
    expect(seen).toEqual(['a']);
  });
});
