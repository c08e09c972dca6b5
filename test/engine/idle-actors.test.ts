// Actors left idle since their spawn: a cell creates its mailbox, context, behavior stack, stash, timers, children
// and watch slots on first use (src/runtime/cell.ts). Each test uses one of them for the first time on an actor that
// never handled a message before, and checks it works as it does on a busy actor.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ActorSystem, type ActorRef } from '../../src/index.js';
import type { CounterMsg } from '../fixtures/actors.js';
import { Counter } from '../fixtures/actors.js';
import { Crasher } from '../fixtures/crash-actors.js';
import { nextEvent } from '../fixtures/events.js';
import { Sleeper, type Incoming } from '../fixtures/lazy-actors.js';

const actors = [
  new URL('../fixtures/lazy-actors.ts', import.meta.url),
  new URL('../fixtures/actors.ts', import.meta.url),
  new URL('../fixtures/crash-actors.ts', import.meta.url),
];

type Seen = { handled: number; ticks: number; timeouts: number; terminated: string[] };

/** Asks until `check` accepts what the actor saw (a tick or a timeout arrives on its own), for at most 5 s. */
async function eventually(ref: ActorRef<Incoming, unknown>, check: (s: Seen) => boolean): Promise<Seen> {
  const until = Date.now() + 5000;
  for (;;) {
    const seen = (await ref.ask({ type: 'get' })) as Seen;
    if (check(seen) || Date.now() > until) return seen;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('an actor idle since its spawn', () => {
  let system: ActorSystem;
  let n = 0;
  const sleeper = () => system.spawn(Sleeper, { name: `sleeper-${++n}`, placement: { worker: 1 } });
  beforeAll(async () => {
    system = await ActorSystem.start({ workers: 1, actors });
  });
  afterAll(async () => {
    await system?.shutdown();
  });

  it('changes behavior on its first message, and its next message goes to the new one', async () => {
    const s = await sleeper();
    expect(await s.ask({ type: 'become' })).toBe('awake');
    expect(await s.ask({ type: 'which' })).toBe('awake');
  });

  it('stashes its first message, and answers its asker once that message is unstashed', async () => {
    const s = await sleeper();
    const stashed = s.ask({ type: 'stash' });
    s.tell({ type: 'unstash-all' });
    expect(await stashed).toBe('unstashed');
  });

  it('starts its first timer, whose tick it then receives', async () => {
    const s = await sleeper();
    expect(await s.ask({ type: 'timer', ms: 5 })).toBe(true);
    expect((await eventually(s, (seen) => seen.ticks === 1)).ticks).toBe(1);
  });

  it('sets its first receive timeout, which then fires', async () => {
    const s = await sleeper();
    expect(await s.ask({ type: 'receive-timeout', ms: 20 })).toBe(20);
    expect((await eventually(s, (seen) => seen.timeouts === 1)).timeouts).toBe(1);
  });

  it('spawns its first child, and stopping it stops the child first', async () => {
    const s = await sleeper();
    const kid = (await s.ask({ type: 'child' })) as ActorRef<CounterMsg, number>;
    expect(kid.name).toBe(`${s.name}/kid`);
    expect(await kid.ask({ type: 'get' })).toBe(7);
    const stopped: string[] = [];
    const off = system.events.subscribe((e) => {
      if (e.type === 'actor-stopped') stopped.push(e.actor);
    });
    await system.stop(s);
    off();
    expect(stopped).toEqual([kid.name, s.name]);
    expect(system.lookup(kid.name)).toBeUndefined();
  });

  it('watches another actor for the first time, and gets Terminated when that one stops', async () => {
    const s = await sleeper();
    const watched = await system.spawn(Counter, { name: 'watched', args: { start: 0 }, placement: { worker: 1 } });
    expect(await s.ask({ type: 'watch', ref: watched })).toBe(true);
    await system.stop(watched);
    expect((await eventually(s, (seen) => seen.terminated.length === 1)).terminated).toEqual(['watched']);
  });

  it('is watched for the first time, and its watcher gets Terminated when it stops without having handled a message', async () => {
    const watcher = await sleeper();
    const idle = await sleeper();
    expect(await watcher.ask({ type: 'watch', ref: idle })).toBe(true);
    await system.stop(idle);
    expect((await eventually(watcher, (seen) => seen.terminated.length === 1)).terminated).toEqual([idle.name]);
  });
});

describe('a worker hosting actors that never handled a message', () => {
  let system: ActorSystem | undefined;
  afterAll(async () => {
    await system?.shutdown();
  });

  it('is replaced after a crash by one that re-creates all 2,000 of them, with the same refs and names', async () => {
    system = await ActorSystem.start({ workers: 1, actors, askTimeoutMs: 30_000 });
    const sys = system;
    const count = 2000;
    const refs: ActorRef<Incoming, unknown>[] = [];
    for (let i = 0; i < count; i += 250) {
      const batch = Array.from({ length: Math.min(250, count - i) }, (_, k) => sys.spawn(Sleeper, { name: `idle-${i + k}` }));
      refs.push(...(await Promise.all(batch)));
    }
    const crasher = await sys.spawn(Crasher, { name: 'crasher' });
    const restarted = nextEvent(sys, 'worker-restarted');
    crasher.tell({ type: 'exit', code: 1 });
    expect(await restarted).toMatchObject({ worker: 1, actors: count + 1 });
    // Each answers its first message on the replacement, under the ref and the name it was spawned with.
    const seen = (await Promise.all(refs.map((ref) => ref.ask({ type: 'get' })))) as Seen[];
    expect(seen.every((s) => s.handled === 1)).toBe(true);
    for (const ref of refs) expect(sys.lookup(ref.name)?.id).toBe(ref.id);
    expect((await sys.stats())[0]!.actors).toBe(count + 1);
  });
});
