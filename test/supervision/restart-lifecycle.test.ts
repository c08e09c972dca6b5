// Restart semantics: hooks, the failing message, the mailbox, restart limits, backoff, and the system guardian.
import { describe, expect, it } from 'vitest';
import { ActorFailedError, type ActorRef, type SystemEvent } from '../../src/index.js';
import { createTestSystem } from '../../src/testkit/index.js';
import { AllForOne, Backoff, Fragile, Kid, OneForOne, Plain, type KidMsg, type SupMsg } from '../fixtures/supervision-actors.js';
import type { HoldingKidMsg } from '../fixtures/supervision-gated-actors.js';
import { shareInt32 } from '../fixtures/shared-memory.js';

const ACTORS = [new URL('../fixtures/supervision-actors.ts', import.meta.url)];
const tk = await createTestSystem({
  workers: 2,
  actors: [...ACTORS, new URL('../fixtures/supervision-gated-actors.ts', import.meta.url)],
  testKit: { timeoutMs: 10_000 },
});

let seq = 0;
type KidRef = ActorRef<KidMsg, number>;
type Sup = ActorRef<SupMsg, unknown>;

async function kidUnder(def: typeof OneForOne, kidWorker = 2) {
  const probe = await tk.probe<string>();
  const parent: Sup = await tk.system.spawn(def, { name: `p${++seq}`, args: { probe: probe.ref }, placement: { worker: 1 } });
  await probe.expectMsg(`${parent.name} preStart`);
  const kid = await parent.ask<KidRef>({ type: 'spawn', def: 'kid', name: 'k', worker: kidWorker });
  await probe.expectMsg(`${kid.name} preStart`);
  return { probe, parent, kid };
}

describe('restarting an actor', () => {
  it('rejects the ask of the failing message with ActorFailedError', async () => {
    const { kid } = await kidUnder(OneForOne);
    // Across threads the error keeps its name and code (not its class: see errors.ts).
    await expect(kid.ask({ type: 'fail', reason: 'restart' })).rejects.toMatchObject({ name: ActorFailedError.name, code: 'ERR_ACTOR_FAILED' });
  });

  it('calls preRestart with the old state, the error and the failing message, then postRestart with the fresh state', async () => {
    const { probe, kid } = await kidUnder(OneForOne);
    kid.tell({ type: 'inc' });
    kid.tell({ type: 'fail', reason: 'restart' });
    await probe.expectMsg(`${kid.name} preRestart restart {"type":"fail","reason":"restart"} n=1`);
    await probe.expectMsg(`${kid.name} postRestart restart n=0`);
  });

  it('does not process the failing message again and keeps the messages queued behind it', async () => {
    const { probe, kid } = await kidUnder(OneForOne);
    kid.tell({ type: 'inc' });
    kid.tell({ type: 'fail', reason: 'restart' });
    for (let i = 0; i < 5; i++) kid.tell({ type: 'inc' });
    expect(await kid.ask({ type: 'get' })).toBe(5);
    await probe.expectMsg(expect.stringContaining('preRestart'));
    await probe.expectMsg(expect.stringContaining('postRestart'));
    await probe.expectNoMsg(100, { hint: 'a second restart would mean the failing message ran again' });
  });

  it('by default stops the children and calls postStop before the restart, and preStart after it', async () => {
    const probe = await tk.probe<string>();
    const plain: Sup = await tk.system.spawn(Plain, { name: `plain${++seq}`, args: { probe: probe.ref }, placement: { worker: 1 } });
    await probe.expectMsg(`${plain.name} preStart`);
    const kid = await plain.ask<KidRef>({ type: 'spawn', def: 'kid', name: 'k' });
    await probe.expectMsg(`${kid.name} preStart`);
    plain.tell({ type: 'fail', reason: 'boom' });
    // The kid runs on the parent's thread and reports on the same ring: its postStop comes first (children are
    // stopped first), the parent's preStart last (the restart waits for the children to terminate).
    await probe.expectMsgAllOf([`${kid.name} postStop`, `${plain.name} postStop`]);
    await probe.expectMsg(`${plain.name} preStart`);
    await tk.expectTerminated(kid);
  });

  it('lets a restarted parent spawn a child under the name its stopped child had', async () => {
    const probe = await tk.probe<string>();
    const plain: Sup = await tk.system.spawn(Plain, { name: `plain${++seq}`, args: { probe: probe.ref }, placement: { worker: 1 } });
    await plain.ask<KidRef>({ type: 'spawn', def: 'kid', name: 'again' });
    plain.tell({ type: 'fail', reason: 'boom' });
    const kid = await plain.ask<KidRef>({ type: 'spawn', def: 'kid', name: 'again' });
    kid.tell({ type: 'inc' });
    expect(await kid.ask({ type: 'get' })).toBe(1);
  });

  it.each(['init', 'postRestart'] as const)('stops an actor whose %s throws during a restart', async (breaks) => {
    const probe = await tk.probe<string>();
    const name = `fragile${++seq}`;
    const fragile = await tk.system.spawn(Fragile, { name, args: { probe: probe.ref, key: name, breaks }, placement: { worker: 2 } });
    await tk.expectEvents(
      [
        { type: 'actor-failed', actor: name, error: 'boom', match: (e) => e.directive === 'restart' },
        { type: 'actor-failed', actor: name, error: `${breaks} failed`, match: (e) => e.directive === 'stop' },
      ],
      () => fragile.tell({ type: 'fail', reason: 'boom' }),
    );
    await tk.expectTerminated(fragile);
  });

  it('goes on with a restart whose preRestart throws', async () => {
    const probe = await tk.probe<string>();
    const name = `fragile${++seq}`;
    const fragile = await tk.system.spawn(Fragile, { name, args: { probe: probe.ref, key: name, breaks: 'preRestart' as const }, placement: { worker: 2 } });
    await tk.expectEvents({ type: 'actor-restarted', actor: name, error: 'boom' }, () => fragile.tell({ type: 'fail', reason: 'boom' }));
    expect(await fragile.ask({ type: 'get' })).toBe(0);
  });

  it('supervises a handler whose promise rejects like one that throws', async () => {
    const probe = await tk.probe<string>();
    const parent: Sup = await tk.system.spawn(OneForOne, { name: `p${++seq}`, args: { probe: probe.ref }, placement: { worker: 1 } });
    const kid = await parent.ask<KidRef>({ type: 'spawn', def: 'async-kid', name: 'k', worker: 2 });
    kid.tell({ type: 'inc' });
    await tk.expectEvents({ type: 'actor-failed', actor: kid.name, match: (e) => e.directive === 'resume' }, () =>
      kid.tell({ type: 'fail', reason: 'resume' }),
    );
    expect(await kid.ask({ type: 'get' })).toBe(1);
  });

  it('restarts an allForOne sibling only once its running async handler has settled', async () => {
    const probe = await tk.probe<string>();
    const parent: Sup = await tk.system.spawn(AllForOne, { name: `p${++seq}`, args: { probe: probe.ref }, placement: { worker: 1 } });
    await probe.expectMsg(`${parent.name} preStart`);
    const a = await parent.ask<KidRef>({ type: 'spawn', def: 'kid', name: 'a', worker: 2 });
    const b = await parent.ask<ActorRef<HoldingKidMsg, unknown>>({ type: 'spawn', def: 'holding-kid', name: 'b', worker: 2 });
    await probe.expectMsg(`${a.name} preStart`);
    const { key, view: gate } = shareInt32();
    try {
      expect(await b.ask({ type: 'hold', gate: key })).toBe('holding');
      await tk.expectEvents({ type: 'actor-restarted', actor: a.name }, () => a.tell({ type: 'fail', reason: 'restart' }));
      await probe.expectMsg(`${a.name} preRestart restart {"type":"fail","reason":"restart"} n=0`);
      await probe.expectMsg(`${a.name} postRestart restart n=0`);
    } finally {
      Atomics.store(gate, 0, 1);
      Atomics.notify(gate, 0);
    }
    // n=2: preRestart saw the count the held handler made after the gate opened, so it ran after that handler.
    await probe.expectMsg(`${b.name} preRestart restart null n=2`);
    expect(await b.ask({ type: 'get' })).toBe(1);
  });

  it("stops a child that fails more than maxRetries times within withinMs, reporting the last failure as 'stop'", async () => {
    const { kid } = await kidUnder(OneForOne); // maxRetries 3 within 60 s
    const directives: string[] = [];
    const off = tk.system.events.subscribe('actor-failed', (e) => {
      if (e.actor === kid.name) directives.push(e.directive);
    });
    try {
      for (let i = 0; i < 4; i++) kid.tell({ type: 'fail', reason: 'restart' });
      await tk.expectTerminated(kid);
      await tk.awaitAssert(() => expect(directives).toEqual(['restart', 'restart', 'restart', 'stop']));
    } finally {
      off();
    }
  });

  it('waits the backoff before restarting, holding the messages that arrive meanwhile, and doubles it on the next failure', async () => {
    const { kid } = await kidUnder(Backoff); // backoff 150, 300, 600 ms
    const events: SystemEvent[] = [];
    const off = tk.system.events.subscribe((e) => {
      if ((e.type === 'actor-failed' || e.type === 'actor-restarted') && e.actor === kid.name) events.push(e);
    });
    try {
      const took: number[] = [];
      for (let i = 0; i < 2; i++) {
        const t0 = performance.now();
        kid.tell({ type: 'fail', reason: 'boom' });
        kid.tell({ type: 'inc' });
        // The reply travels behind the 'actor-restarted' report: the inc waited for the restart.
        expect(await kid.ask({ type: 'get' })).toBe(1);
        took.push(performance.now() - t0);
        expect(events.map((e) => e.type)).toEqual(['actor-failed', 'actor-restarted'].concat(i ? ['actor-failed', 'actor-restarted'] : []));
      }
      // Timers never fire early: lower bounds are safe to assert.
      expect(took[0]).toBeGreaterThanOrEqual(149);
      expect(took[1]).toBeGreaterThanOrEqual(299);
    } finally {
      off();
    }
  });

  it('can stop an actor that waits for its backoff', async () => {
    const { probe, kid } = await kidUnder(Backoff);
    kid.tell({ type: 'fail', reason: 'boom' });
    await tk.system.stop(kid);
    await probe.expectMsg(`${kid.name} postStop`);
    await probe.expectNoMsg(300, { hint: 'the restart was abandoned: no preRestart after the backoff' });
  });
});

describe('the system guardian', () => {
  it('restarts a failing top-level actor by default', async () => {
    const probe = await tk.probe<string>();
    const kid: KidRef = await tk.system.spawn(Kid, { name: `top${++seq}`, args: { probe: probe.ref }, placement: { worker: 2 } });
    await probe.expectMsg(`${kid.name} preStart`);
    kid.tell({ type: 'inc' });
    await tk.expectEvents({ type: 'actor-failed', actor: kid.name, match: (e) => e.directive === 'restart' }, () =>
      kid.tell({ type: 'fail', reason: 'boom' }),
    );
    expect(await kid.ask({ type: 'get' })).toBe(0);
  });

  it('restarts a top-level actor whose child escalated, which stops that child', async () => {
    const { probe, parent, kid } = await kidUnder(OneForOne);
    await tk.expectEvents(
      [
        { type: 'actor-failed', actor: kid.name, match: (e) => e.directive === 'escalate' },
        { type: 'actor-failed', actor: parent.name, match: (e) => e.directive === 'restart' },
      ],
      () => kid.tell({ type: 'fail', reason: 'escalate' }),
    );
    await tk.expectTerminated(kid);
    await probe.expectMsgAllOf([`${kid.name} postStop`, `${parent.name} postStop`, `${parent.name} preStart`]);
  });

  it("stops a failing top-level actor when configured with strategy 'stop'", async () => {
    const stopping = await createTestSystem({ mode: 'inline', actors: ACTORS, guardian: { strategy: 'stop' } });
    const probe = await stopping.probe<string>();
    const kid: KidRef = await stopping.system.spawn(Kid, { name: 'top', args: { probe: probe.ref } });
    await stopping.expectEvents({ type: 'actor-failed', actor: 'top', match: (e) => e.directive === 'stop' }, () =>
      kid.tell({ type: 'fail', reason: 'boom' }),
    );
    await stopping.expectTerminated(kid);
  });

  it('stops a top-level actor past the guardian maxRetries', async () => {
    const strict = await createTestSystem({ mode: 'inline', actors: ACTORS, guardian: { maxRetries: 1, withinMs: 60_000 } });
    const probe = await strict.probe<string>();
    const kid: KidRef = await strict.system.spawn(Kid, { name: 'top', args: { probe: probe.ref } });
    kid.tell({ type: 'fail', reason: 'first' });
    kid.tell({ type: 'fail', reason: 'second' });
    await strict.expectTerminated(kid);
  });
});
