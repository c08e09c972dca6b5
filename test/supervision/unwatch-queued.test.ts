// Akka's unwatch: after ctx.unwatch(ref), no Terminated for ref is handled, even one already queued in the
// watcher's mailbox when it unwatched.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ActorSystem } from '../../src/index.js';
import { Counter } from '../fixtures/actors.js';
import { Unwatcher, openGate } from '../fixtures/gated-actors.js';
import { shareInt32 } from '../fixtures/shared-memory.js';

describe('unwatch', () => {
  let system: ActorSystem;
  const gates: Int32Array[] = [];
  beforeAll(async () => {
    system = await ActorSystem.start({
      workers: 1,
      actors: [new URL('../fixtures/actors.ts', import.meta.url), new URL('../fixtures/gated-actors.ts', import.meta.url)],
    });
  });
  afterAll(async () => {
    for (const g of gates) openGate(g);
    await system?.shutdown();
  });

  it('discards a Terminated that was already queued in the mailbox when the watcher unwatched', async () => {
    const { key, view: gate } = shareInt32();
    gates.push(gate);
    const watcher = await system.spawn(Unwatcher, { args: { gate: key }, placement: { worker: 1 } });
    const target = await system.spawn(Counter, { args: { start: 0 }, placement: { worker: 1 } });
    expect(await watcher.ask({ type: 'watch', target })).toBe('watching');
    expect(await watcher.ask({ type: 'hold-then-unwatch' })).toBe('holding');
    // Same worker: by the time stop resolves, the Terminated waits in the busy watcher's mailbox.
    await system.stop(target);
    openGate(gate);
    expect(await watcher.ask({ type: 'log' })).toEqual(['unwatched']);
  });
});
