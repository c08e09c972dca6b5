/**
 * Two documented deviations from Akka's supervision (docs/semantics.md, "Deviations from Akka"), each proved so
 * that a change of behaviour shows up here:
 * - a restarting parent does not restart the children that survive its preRestart (Akka restarts them);
 * - the children of a failed actor keep running while its supervisor decides (Akka suspends the subtree).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ActorSystem, type ActorRef } from '../../src/index.js';
import { DevKeepingParent, type KidMsg } from '../fixtures/deviation-actors.js';
import { recordEvents } from '../fixtures/events.js';

describe('deviations from Akka', () => {
  let system: ActorSystem;
  beforeAll(async () => {
    system = await ActorSystem.start({
      workers: 1,
      actors: [new URL('../fixtures/deviation-actors.ts', import.meta.url)],
      // Each restart of a top-level actor waits 1.5 s: long enough to observe its children meanwhile.
      guardian: { strategy: 'restart', maxRetries: 10, withinMs: 60_000, backoff: { minMs: 1500, maxMs: 1500, jitter: 0 } },
    });
  });
  afterAll(async () => {
    await system?.shutdown();
  });

  async function parentWithKid(name: string): Promise<{ parent: ActorRef<any, any>; kid: ActorRef<KidMsg, number> }> {
    const parent = await system.spawn(DevKeepingParent, { name, placement: { worker: 1 } });
    const kid = (await parent.ask({ type: 'kid' })) as ActorRef<KidMsg, number>;
    for (let i = 0; i < 3; i++) kid.tell({ type: 'inc' });
    expect(await kid.ask({ type: 'get' })).toBe(3);
    return { parent, kid };
  }

  it('lets the children of a failed actor answer while their parent waits for its supervisor’s restart (Akka suspends them)', async () => {
    const { parent, kid } = await parentWithKid('dev-17');
    const restarted = recordEvents(system, 'actor-restarted', (e) => e.actor === 'dev-17');
    parent.tell({ type: 'fail' });
    expect(await kid.ask({ type: 'get' })).toBe(3);
    expect(restarted.seen).toHaveLength(0); // the parent is still suspended, waiting out its 1.5 s backoff
    await restarted.until(1);
    restarted.stop();
  });

  it('does not restart a child that survived its parent’s preRestart: it keeps its state (Akka restarts it)', async () => {
    const { parent, kid } = await parentWithKid('dev-16');
    const restarted = recordEvents(system, 'actor-restarted');
    parent.tell({ type: 'fail' });
    await restarted.until(1);
    restarted.stop();
    expect(restarted.seen.map((e) => e.actor)).toEqual(['dev-16']);
    expect(await kid.ask({ type: 'get' })).toBe(3);
  });
});
