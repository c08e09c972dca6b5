// What a name and a placement may be, refused at the call with InvalidArgumentError in both modes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ActorSystem, InvalidArgumentError } from '../../src/index.js';
import { MAX_NAME_BYTES } from '../../src/runtime/names.js';
import { Counter, Parent } from '../fixtures/actors.js';

const ACTORS = [new URL('../fixtures/actors.ts', import.meta.url)];

async function errorOf(p: () => Promise<unknown>): Promise<Error & { code?: string; cause?: { code?: string } }> {
  return p().then(
    () => {
      throw new Error('expected a rejection');
    },
    (e: unknown) => e as Error & { code?: string; cause?: { code?: string } },
  );
}

for (const mode of ['threads', 'inline'] as const) {
  describe(`names and placements (${mode})`, () => {
    let system: ActorSystem;
    beforeAll(async () => {
      system = await ActorSystem.start(mode === 'inline' ? { mode, actors: ACTORS } : { workers: 1, actors: ACTORS });
    });
    afterAll(async () => {
      await system?.shutdown();
    });

    it("refuses a name starting with '$', which generated names use, so it cannot take over lookup", async () => {
      const unnamed = await system.spawn(Counter, { args: { start: 1 } });
      expect(unnamed.name.startsWith('$')).toBe(true);
      const err = await errorOf(() => system.spawn(Counter, { name: unnamed.name, args: { start: 2 } }));
      expect(err).toBeInstanceOf(InvalidArgumentError);
      expect(system.lookup(unnamed.name)?.equals(unnamed)).toBe(true);
    });

    it(`refuses a name longer than ${MAX_NAME_BYTES} bytes of UTF-8`, async () => {
      const err = await errorOf(() => system.spawn(Counter, { name: 'é'.repeat(MAX_NAME_BYTES / 2 + 1), args: { start: 0 } }));
      expect(err).toBeInstanceOf(InvalidArgumentError);
      expect(err.message).toContain(String(MAX_NAME_BYTES));
    });

    it('fails a child spawn whose path would be too long, and keeps its worker running', async () => {
      const parent = await system.spawn(Parent, { name: `p-${'x'.repeat(MAX_NAME_BYTES - 10)}` });
      const err = await errorOf(() => parent.ask({ type: 'spawn-counter', name: 'long-enough-child', start: 0 }));
      expect(err.code).toBe('ERR_ACTOR_FAILED');
      expect(err.cause?.code).toBe('ERR_INVALID_ARGUMENT');
      const bystander = await system.spawn(Counter, { args: { start: 7 } });
      expect(await bystander.ask({ type: 'get' })).toBe(7);
    });

    it('refuses a name with a lone surrogate, which would arrive as U+FFFD', async () => {
      const err = await errorOf(() => system.spawn(Counter, { name: 'half-\uD800-pair', args: { start: 0 } }));
      expect(err).toBeInstanceOf(InvalidArgumentError);
      expect(system.lookup('half-\uFFFD-pair')).toBeUndefined();
    });

    it('refuses an unknown placement strategy with InvalidArgumentError', async () => {
      const err = await errorOf(() => system.spawn(Counter, { args: { start: 0 }, placement: 'bogus' as never }));
      expect(err).toBeInstanceOf(InvalidArgumentError);
    });
  });
}
