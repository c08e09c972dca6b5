// One definition per name (issue 18, item 15): a second module that defines a taken name is refused instead of
// silently replacing the first; the same module evaluated again (a loader's second namespace) is not a conflict.
import { describe, expect, it } from 'vitest';
import { findDefinition } from '../../src/actor.js';
import { DefinitionTakenError } from '../../src/errors.js';

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
