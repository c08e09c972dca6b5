import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ActorSystem, type SystemOptions } from '../../src/index.js';
import { Family, Parent, Probe, Reporter, Staged } from '../fixtures/actors.js';
import { recordEvents } from '../fixtures/events.js';
import { Holder, Tally, openGate } from '../fixtures/gated-actors.js';
import { shareInt32, waitForInt32 } from '../fixtures/shared-memory.js';

const ACTORS: SystemOptions = {
  actors: [new URL('../fixtures/actors.ts', import.meta.url), new URL('../fixtures/gated-actors.ts', import.meta.url)],
};

/** Gates opened by a test that failed half-way: opened again in afterAll so no worker stays held. */
const gates: Int32Array[] = [];

describe('actor lifecycle', () => {
  let system: ActorSystem;
  beforeAll(async () => {
    system = await ActorSystem.start({ ...ACTORS, workers: 2 });
  });
  afterAll(async () => {
    for (const g of gates) openGate(g);
    await system?.shutdown();
  });

  it('runs preStart, even an async one, before the first message', async () => {
    const parent = await system.spawn(Parent, { placement: { worker: 1 } });
    // The parent tells the child 'ping' right after spawning it, while the child's preStart is still waiting.
    const child = await parent.ask({ type: 'spawn-staged-and-ping', name: 'staged' });
    expect(await child.ask<string[]>({ type: 'log' })).toEqual(['preStart', 'ping']);
  });

  it('resolves system.spawn once preStart has run', async () => {
    const staged = await system.spawn(Staged, { args: {}, placement: { worker: 2 } });
    expect(await staged.ask({ type: 'log' })).toEqual(['preStart']);
  });

  it('runs postStop when the actor is stopped', async () => {
    const probe = await system.spawn(Probe, { placement: { worker: 0 } });
    const reporter = await system.spawn(Reporter, { name: 'reporter', args: { probe }, placement: { worker: 2 } });
    await system.stop(reporter);
    // The postStop report and the stop's acknowledgement travel on the same ring, the report first.
    expect(await probe.ask({ type: 'entries' })).toEqual(['postStop reporter']);
  });

  it("publishes 'actor-stopped' when an actor stops and forgets its name", async () => {
    const stopped = recordEvents(system, 'actor-stopped', (e) => e.actor === 'short-lived');
    const staged = await system.spawn(Staged, { name: 'short-lived', args: {}, placement: { worker: 1 } });
    expect(system.lookup('short-lived')).toBeDefined();
    await system.stop(staged);
    expect(await stopped.until(1)).toEqual([{ type: 'actor-stopped', actor: 'short-lived', thread: 1 }]);
    stopped.stop();
    expect(system.lookup('short-lived')).toBeUndefined();
  });

  it('stops the children before their parent', async () => {
    const probe = await system.spawn(Probe, { placement: { worker: 0 } });
    const family = await system.spawn(Family, { name: 'family', args: { probe, children: 3 }, placement: { worker: 1 } });
    await system.stop(family);
    const entries = await probe.ask({ type: 'entries' });
    expect(entries).toHaveLength(4);
    expect(entries.slice(0, 3).sort()).toEqual(['postStop family/kid0', 'postStop family/kid1', 'postStop family/kid2']);
    expect(entries[3]).toBe('postStop family');
  });

  it("publishes 'actor-stopped' for the children before their parent", async () => {
    const probe = await system.spawn(Probe, { placement: { worker: 0 } });
    const stops = recordEvents(system, 'actor-stopped', (e) => e.actor.startsWith('clan'));
    const clan = await system.spawn(Family, { name: 'clan', args: { probe, children: 2 }, placement: { worker: 2 } });
    await system.stop(clan);
    const order = (await stops.until(3)).map((e) => e.actor);
    stops.stop();
    expect(order.slice(0, 2).sort()).toEqual(['clan/kid0', 'clan/kid1']);
    expect(order[2]).toBe('clan');
  });

  it('forgets the names of the children by the time system.stop of their parent resolves', async () => {
    const probe = await system.spawn(Probe, { placement: { worker: 0 } });
    const started = recordEvents(system, 'actor-started', (e) => e.actor.startsWith('tribe/'));
    const tribe = await system.spawn(Family, { name: 'tribe', args: { probe, children: 2 }, placement: { worker: 1 } });
    await started.until(2);
    started.stop();
    expect(system.lookup('tribe/kid0')).toBeDefined();
    await system.stop(tribe);
    expect([system.lookup('tribe'), system.lookup('tribe/kid0'), system.lookup('tribe/kid1')]).toEqual([
      undefined,
      undefined,
      undefined,
    ]);
  });

  it('resolves system.stop for an actor that is already stopped', async () => {
    const staged = await system.spawn(Staged, { args: {}, placement: { worker: 2 } });
    await system.stop(staged);
    await expect(system.stop(staged)).resolves.toBeUndefined();
  });

  it("turns the messages still queued when an actor stops into dead letters with reason 'actor-stopped'", async () => {
    const { key, view: gate } = shareInt32();
    gates.push(gate);
    const holder = await system.spawn(Holder, { placement: { worker: 2 } });
    expect(await holder.ask({ type: 'hold', gate: key })).toBe('holding');
    const dead = recordEvents(system, 'dead-letter', (e) => e.target === holder.name);
    // Queued behind the handler that is holding.
    for (const text of ['one', 'two', 'three']) holder.tell({ type: 'note', text });
    const stopping = system.stop(holder);
    // This ask reaches the actor after the stop (same ring): its rejection proves the stop has arrived.
    await expect(holder.ask({ type: 'log' }, { timeoutMs: 10_000 })).rejects.toMatchObject({ code: 'ERR_ACTOR_STOPPED' });
    openGate(gate);
    await stopping;
    const queued = (await dead.until(4)).filter((e) => (e.message as { type: string }).type === 'note');
    dead.stop();
    expect(queued.map((e) => e.reason)).toEqual(['actor-stopped', 'actor-stopped', 'actor-stopped']);
    expect(queued.map((e) => e.message)).toEqual(['one', 'two', 'three'].map((text) => ({ type: 'note', text })));
  });
});

describe('graceful shutdown', () => {
  let system: ActorSystem;
  beforeAll(async () => {
    system = await ActorSystem.start({ ...ACTORS, workers: 1 });
  });
  afterAll(async () => {
    await system?.shutdown();
  });

  it('processes every message sent before shutdown() before stopping the actor', async () => {
    const { key, view: report } = shareInt32(1, -1);
    const tally = await system.spawn(Tally, { args: { report: key }, placement: { worker: 1 } });
    for (let i = 0; i < 1000; i++) expect(tally.tell({ type: 'inc' })).toBe(true);
    await system.shutdown();
    // Tally's postStop stored its final count.
    expect(await waitForInt32(report, 0, (n) => n !== -1)).toBe(1000);
  });
});

describe('after shutdown has begun', () => {
  // Each test begins the shutdown itself (shutdown() is idempotent) and acts once its last phase, the engine's own
  // shutdown, has begun (the phases before it leave the system open: their tasks may still talk to the actors).
  let system: ActorSystem;
  let tally: Awaited<ReturnType<typeof spawnTally>>;
  let terminating: Promise<void>;
  const spawnTally = (sys: ActorSystem) =>
    sys.spawn(Tally, { name: 'late', args: { report: shareInt32(1, -1).key }, placement: { worker: 1 } });
  beforeAll(async () => {
    system = await ActorSystem.start({ ...ACTORS, workers: 1 });
    tally = await spawnTally(system);
    terminating = new Promise((resolve) => system.coordinatedShutdown.addTask('actor-system-terminate', 'the test acts now', () => resolve()));
  });
  /** Begins the shutdown and waits until the system is closed to messages from outside the actors. */
  const beginShutdown = async (): Promise<{ stopping: Promise<void> }> => {
    const stopping = system.shutdown();
    await terminating;
    return { stopping };
  };
  afterAll(async () => {
    await system?.shutdown();
  });

  it("makes tell return false and publishes a dead letter with reason 'system-shutdown'", async () => {
    const dead = recordEvents(system, 'dead-letter', (e) => e.target === 'late');
    const { stopping } = await beginShutdown();
    expect(tally.tell({ type: 'inc' })).toBe(false);
    expect(await dead.until(1)).toEqual([
      { type: 'dead-letter', reason: 'system-shutdown', target: 'late', message: { type: 'inc' }, sender: null },
    ]);
    dead.stop();
    await stopping;
  });

  it('rejects an ask with SystemStoppedError', async () => {
    const { stopping } = await beginShutdown();
    await expect(tally.ask({ type: 'inc' })).rejects.toMatchObject({ code: 'ERR_SYSTEM_STOPPED' });
    await stopping;
  });

  it('rejects a spawn with SystemStoppedError', async () => {
    const { stopping } = await beginShutdown();
    await expect(system.spawn(Staged, { args: {} })).rejects.toMatchObject({ code: 'ERR_SYSTEM_STOPPED' });
    await stopping;
  });
});
