/**
 * Two copies of the engine in one thread (issue 18, item 19): the package's dist/ beside its src/, or two
 * installed copies. Both register the ref extension with msgpackr, which keeps one reader per extension type: the
 * last copy's. Refs decoded from messages must still be bound to the runtime of the codec that decoded them, in
 * whichever copy, instead of arriving unbound (NoContextError at their first use).
 */
import { cpSync, mkdirSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ActorRef, ActorSystem as ActorSystemType } from '../../src/index.js';
import type { CopyCounterMsg, CopyRelayMsg } from '../fixtures/copy-actors.js';

const root = new URL('../../', import.meta.url);
const copyDir = fileURLToPath(new URL('scratch/engine-copy/', root));
const ACTORS = [new URL('../fixtures/copy-actors.ts', import.meta.url)];

type Fixtures = typeof import('../fixtures/copy-actors.js');

beforeAll(() => {
  rmSync(copyDir, { recursive: true, force: true });
  mkdirSync(copyDir, { recursive: true });
  cpSync(fileURLToPath(new URL('src/', root)), `${copyDir}/src`, { recursive: true });
});
afterAll(() => {
  rmSync(copyDir, { recursive: true, force: true });
});

for (const mode of ['inline', 'threads'] as const) {
  describe(`an actor defined through a second copy of the engine (${mode})`, () => {
    let system: ActorSystemType;
    let fx: Fixtures;
    beforeAll(async () => {
      // This copy of the engine (src/) is loaded first; the fixture loads the second one on top of it.
      const { ActorSystem } = await import('../../src/index.js');
      fx = (await import('../fixtures/copy-actors.js')) as Fixtures;
      system = await ActorSystem.start(mode === 'inline' ? { mode, actors: ACTORS } : { workers: 1, actors: ACTORS });
    });
    afterAll(async () => {
      await system?.shutdown();
    });

    it('uses a ref it received in a message, on the thread that decoded it', async () => {
      const placement = mode === 'inline' ? undefined : { worker: 1 };
      const counter: ActorRef<CopyCounterMsg, number> = await system.spawn(fx.CopyCounter, { ...(placement && { placement }) });
      const relay: ActorRef<CopyRelayMsg, number> = await system.spawn(fx.CopyRelay, { ...(placement && { placement }) });
      expect(await relay.ask({ type: 'inc-through-ref', counter, by: 3 })).toBe(3);
      expect(await relay.ask({ type: 'inc-through-ref', counter, by: 4 })).toBe(7);
    });

    it('starts a system from the second copy beside the first, and both decode refs', async () => {
      const copy = (await import(new URL('scratch/engine-copy/src/index.ts', root).href)) as typeof import('../../src/index.js');
      const second = await copy.ActorSystem.start({ mode: 'inline', actors: ACTORS });
      try {
        const counter = await second.spawn(fx.CopyCounter);
        const relay = await second.spawn(fx.CopyRelay);
        expect(await relay.ask({ type: 'inc-through-ref', counter, by: 5 })).toBe(5);
        // And the first system still works after the second started.
        const first = await system.spawn(fx.CopyCounter, mode === 'inline' ? {} : { placement: { worker: 1 } });
        const firstRelay = await system.spawn(fx.CopyRelay);
        expect(await firstRelay.ask({ type: 'inc-through-ref', counter: first, by: 1 })).toBe(1);
      } finally {
        await second.shutdown();
      }
    });
  });
}
