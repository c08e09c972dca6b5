import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ActorSystem, type SystemEvent, type SystemOptions } from '../../src/index.js';
import { nextEvent } from '../fixtures/events.js';
import { HangsOnRecovery, RedeliveredVictim, Victim } from '../fixtures/restart-actors.js';

const actors = [new URL('../fixtures/restart-actors.ts', import.meta.url)];
type Ev<T extends SystemEvent['type']> = Extract<SystemEvent, { type: T }>;

/** Every event of `type` from now on. */
function collect<T extends SystemEvent['type']>(system: ActorSystem, type: T): Ev<T>[] {
  const seen: Ev<T>[] = [];
  system.events.subscribe(type, (e) => seen.push(e));
  return seen;
}

describe('worker supervision: a worker that dies is replaced', () => {
  let system: ActorSystem | undefined;
  afterEach(async () => {
    await system?.shutdown();
    system = undefined;
  });

  async function start(options: SystemOptions = {}): Promise<ActorSystem> {
    system = await ActorSystem.start({ workers: 2, actors, askTimeoutMs: 20_000, ...options });
    return system;
  }

  it('restarts a worker that called process.exit, and its actors answer again under the same ref and name', async () => {
    const s = await start();
    const victim = await s.spawn(Victim, { name: 'victim', args: {}, placement: { worker: 1 } });
    const exited = nextEvent(s, 'worker-exited');
    const restarted = nextEvent(s, 'worker-restarted');
    victim.tell({ type: 'exit', code: 7 });
    expect(await exited).toMatchObject({ worker: 1, code: 7, restarting: true });
    expect(await restarted).toMatchObject({ worker: 1, restarts: 1, actors: 1 });
    await expect(victim.ask({ type: 'echo', value: 42 })).resolves.toBe(42);
    expect(s.lookup('victim')).toEqual(victim);
  });

  it('restarts a worker after an uncaught exception, with the error as the cause', async () => {
    const s = await start();
    const victim = await s.spawn(Victim, { name: 'victim', args: {}, placement: { worker: 1 } });
    const exited = nextEvent(s, 'worker-exited');
    const restarted = nextEvent(s, 'worker-restarted');
    victim.tell({ type: 'throw-async' });
    expect((await exited).error.message).toMatch(/uncaught in a timer/);
    await restarted;
    await expect(victim.ask({ type: 'echo', value: 1 })).resolves.toBe(1);
  });

  it('restarts a worker after an unhandled rejection, with the rejection as the cause', async () => {
    const s = await start();
    const victim = await s.spawn(Victim, { name: 'victim', args: {}, placement: { worker: 1 } });
    const exited = nextEvent(s, 'worker-exited');
    const restarted = nextEvent(s, 'worker-restarted');
    victim.tell({ type: 'reject-unhandled' });
    expect((await exited).error.message).toMatch(/rejected and never handled/);
    await restarted;
    await expect(victim.ask({ type: 'echo', value: 4 })).resolves.toBe(4);
  });

  it('detects a hung worker with the heartbeat watchdog, terminates it and replaces it', async () => {
    const s = await start({ stallTimeoutMs: 300 });
    const victim = await s.spawn(Victim, { name: 'victim', args: {}, placement: { worker: 1 } });
    const exited = nextEvent(s, 'worker-exited');
    const restarted = nextEvent(s, 'worker-restarted');
    victim.tell({ type: 'hang' });
    expect((await exited).error).toMatchObject({ code: 'ERR_WORKER_STALLED', worker: 1 });
    await restarted;
    await expect(victim.ask({ type: 'echo', value: 2 })).resolves.toBe(2);
  });

  it('replaces a worker that ran out of memory (resourceLimits)', async () => {
    const s = await start({ resourceLimits: { maxOldGenerationSizeMb: 64 } });
    const victim = await s.spawn(Victim, { name: 'victim', args: {}, placement: { worker: 1 } });
    const exited = nextEvent(s, 'worker-exited');
    const restarted = nextEvent(s, 'worker-restarted');
    victim.tell({ type: 'oom' });
    expect((await exited).error).toMatchObject({ code: 'ERR_WORKER_OUT_OF_MEMORY' });
    await restarted;
    await expect(victim.ask({ type: 'echo', value: 3 })).resolves.toBe(3);
  });

  it('delivers the messages queued before the crash, in order, to the re-created actor', async () => {
    const s = await start();
    const victim = await s.spawn(Victim, { name: 'victim', args: {}, placement: { worker: 1 } });
    const killer = await s.spawn(Victim, { name: 'killer', args: {}, placement: { worker: 1 } });
    const deadLetters = collect(s, 'dead-letter');
    const held = victim.ask({ type: 'hold' }).catch((e: unknown) => e);
    for (let seq = 1; seq <= 200; seq++) victim.tell({ type: 'work', seq });
    const restarted = nextEvent(s, 'worker-restarted');
    killer.tell({ type: 'exit', code: 1 });
    const report = await restarted;
    // The held message was being handled: it is lost (at-most-once), and its ask says why.
    expect(await held).toMatchObject({ code: 'ERR_WORKER_CRASHED', worker: 1 });
    expect(report).toMatchObject({ lost: 2, redelivered: 0, messages: 200, unjournaled: 0 });
    expect(deadLetters).toContainEqual(expect.objectContaining({ reason: 'worker-crashed', target: 'victim', message: { type: 'hold' } }));
    const log = (await victim.ask({ type: 'log' })) as number[];
    expect(log).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
  });

  it('handles the interrupted message again for an actor that opts in with redeliverOnCrash, then the messages queued behind it, in order', async () => {
    const s = await start();
    const victim = await s.spawn(RedeliveredVictim, { name: 'victim', args: {}, placement: { worker: 1 } });
    const killer = await s.spawn(Victim, { name: 'killer', args: {}, placement: { worker: 1 } });
    const deadLetters = collect(s, 'dead-letter');
    // Being handled when the worker dies (it holds until the actor has been recovered), with 50 messages behind it.
    const interrupted = victim.ask({ type: 'hold-until-recovered', seq: 0 });
    for (let seq = 1; seq <= 50; seq++) victim.tell({ type: 'work', seq });
    const restarted = nextEvent(s, 'worker-restarted');
    killer.tell({ type: 'exit', code: 1 });
    // The killer's 'exit' was in progress too, and is not redelivered (Victim does not opt in).
    expect(await restarted).toMatchObject({ redelivered: 1, lost: 1, messages: 50 });
    // Handled again by the re-created actor, which answers the ask made before the crash.
    await expect(interrupted).resolves.toBe(0);
    // The re-created actor's log holds everything it handled: the interrupted message first, then the queue, in order.
    expect(await victim.ask({ type: 'log' })).toEqual(Array.from({ length: 51 }, (_, i) => i));
    // Nothing of the victim's was reported lost ('work' replies to tells: those are 'no-asker' dead letters).
    expect(deadLetters.filter((e) => e.target === 'victim' && e.reason === 'worker-crashed')).toEqual([]);
  });

  it('runs postRestart with the WorkerCrashedError on the recovered actor, and not preStart again', async () => {
    const s = await start();
    const { HookNoter } = await import('../fixtures/restart-actors.js');
    const noter = await s.spawn(HookNoter, { name: 'noter', placement: { worker: 1 } });
    await expect(noter.ask({ type: 'hooks' })).resolves.toEqual(['preStart']);
    const restarted = nextEvent(s, 'worker-restarted');
    noter.tell({ type: 'exit', code: 1 });
    await restarted;
    await expect(noter.ask({ type: 'hooks' })).resolves.toEqual(['postRestart ERR_WORKER_CRASHED']);
  });

  it('keeps the watches on a recovered actor: its watcher elsewhere still hears when it stops', async () => {
    const s = await start();
    const { Watcher } = await import('../fixtures/restart-actors.js');
    const victim = await s.spawn(Victim, { name: 'victim', args: {}, placement: { worker: 1 } });
    const watcher = await s.spawn(Watcher, { name: 'watcher', args: { target: victim }, placement: { worker: 2 } });
    // The watch has reached the victim's worker once the watcher answers a message sent after its preStart.
    await expect(watcher.ask({ type: 'terminated-list' })).resolves.toEqual([]);
    await victim.ask({ type: 'echo', value: 0 });
    const restarted = nextEvent(s, 'worker-restarted');
    victim.tell({ type: 'exit', code: 1 });
    await restarted;
    await s.stop(victim);
    await vi.waitFor(async () => expect(await watcher.ask({ type: 'terminated-list' })).toEqual(['victim']));
  });

  it('keeps messages sent while the worker was down and delivers them to the replacement', async () => {
    const s = await start({ workerRestart: { backoff: { minMs: 200, maxMs: 400 } } });
    const victim = await s.spawn(Victim, { name: 'victim', args: {}, placement: { worker: 1 } });
    const exited = nextEvent(s, 'worker-exited');
    victim.tell({ type: 'exit', code: 1 });
    await exited;
    const replies = [1, 2, 3].map((seq) => victim.ask({ type: 'work', seq }));
    await expect(Promise.all(replies)).resolves.toEqual([1, 2, 3]);
  });

  it('re-creates children on the same worker and keeps the parent supervising its children elsewhere', async () => {
    const s = await start();
    const { Parent } = await import('../fixtures/restart-actors.js');
    const started = collect(s, 'actor-started');
    const parent = await s.spawn(Parent, { name: 'parent', placement: { worker: 1 } });
    await vi.waitFor(() => expect(started.map((e) => e.actor)).toEqual(expect.arrayContaining(['parent/near', 'parent/far'])));
    const near = s.lookup('parent/near')!;
    const far = s.lookup('parent/far')!;
    expect(near.thread).toBe(1);
    expect(far.thread).toBe(2);
    const restarted = nextEvent(s, 'worker-restarted');
    parent.tell({ type: 'exit', code: 1 });
    expect(await restarted).toMatchObject({ actors: 2 });
    await expect(near.ask({ type: 'echo', value: 5 } as never)).resolves.toBe(5);
    // Stopping the recovered parent still stops both children first.
    const stopped = collect(s, 'actor-stopped');
    await s.stop(parent);
    expect(stopped.map((e) => e.actor).sort()).toEqual(['parent', 'parent/far', 'parent/near']);
  });
});

describe('worker supervision: restart intensity', () => {
  let system: ActorSystem | undefined;
  let dir: string | undefined;
  afterEach(async () => {
    await system?.shutdown();
    system = undefined;
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
    delete process.env.RINGMASTER_TEST_BOOT_FAIL_FILE;
  });

  it('gives up past maxRestarts: the actors are gone, asks reject, messages become dead letters', async () => {
    system = await ActorSystem.start({ workers: 2, actors, workerRestart: { maxRestarts: 1, backoff: { minMs: 1, maxMs: 5 } } });
    const s = system;
    const victim = await s.spawn(Victim, { name: 'victim', args: {}, placement: { worker: 1 } });
    const first = nextEvent(s, 'worker-restarted');
    victim.tell({ type: 'exit', code: 1 });
    await first;
    const abandoned = nextEvent(s, 'worker-abandoned');
    const letters = collect(s, 'dead-letter');
    victim.tell({ type: 'exit', code: 2 });
    expect(await abandoned).toMatchObject({ worker: 1, restarts: 1 });
    // The message it died handling is reported as interrupted (its handler ran, in part or whole).
    await vi.waitFor(() => expect(letters.find((e) => (e.message as { code?: number }).code === 2)).toMatchObject({ reason: 'worker-crashed', interrupted: true }));
    expect(s.lookup('victim')).toBeUndefined();
    await expect(victim.ask({ type: 'echo', value: 1 })).rejects.toMatchObject({ code: 'ERR_WORKER_CRASHED' });
    const dead = nextEvent(s, 'dead-letter');
    victim.tell({ type: 'work', seq: 9 });
    const later = await dead;
    expect(later).toMatchObject({ reason: 'worker-crashed', message: { type: 'work', seq: 9 } });
    expect(later.interrupted).toBeUndefined(); // never handled: not interrupted
  });

  it('after giving up, watchers elsewhere get Terminated and children elsewhere stop with their parent', async () => {
    system = await ActorSystem.start({ workers: 2, actors, workerRestart: { maxRestarts: 0 } });
    const s = system;
    const { FarParent, Watcher } = await import('../fixtures/restart-actors.js');
    const started = collect(s, 'actor-started');
    const parent = await s.spawn(FarParent, { name: 'parent', placement: { worker: 1 } });
    const watcher = await s.spawn(Watcher, { name: 'watcher', args: { target: parent }, placement: { worker: 2 } });
    await vi.waitFor(() => expect(started.map((e) => e.actor)).toContain('parent/child'));
    const childStopped = nextEvent(s, 'actor-stopped', (e) => e.actor === 'parent/child');
    const abandoned = nextEvent(s, 'worker-abandoned');
    parent.tell({ type: 'exit', code: 1 });
    await abandoned;
    await childStopped;
    await vi.waitFor(async () => expect(await watcher.ask({ type: 'terminated-list' })).toEqual(['parent']));
  });

  it('shuts the system down after giving up when onGiveUp is shutdown', async () => {
    system = await ActorSystem.start({ workers: 1, actors, workerRestart: { maxRestarts: 0, onGiveUp: 'shutdown' } });
    const victim = await system.spawn(Victim, { name: 'victim', args: {} });
    const abandoned = nextEvent(system, 'worker-abandoned');
    victim.tell({ type: 'exit', code: 1 });
    await abandoned;
    await system.shutdown(); // the same promise as the one the give-up started
    expect(() => victim.tell({ type: 'work', seq: 1 })).not.toThrow();
    await expect(system.spawn(Victim, { args: {} })).rejects.toMatchObject({ code: 'ERR_SYSTEM_STOPPED' });
  });

  it.each([
    ['no spare', false],
    ['a spare', true],
  ])(
    'catches a replacement (%s) that hangs on a message its predecessor left queued: the watchdog terminates it, and the next one recovers',
    async (_label, spare) => {
      system = await ActorSystem.start({ workers: 1, actors, askTimeoutMs: 20_000, stallTimeoutMs: 500, workerRestart: { spare, backoff: { minMs: 5, maxMs: 20 } } });
      const s = system;
      const killer = await s.spawn(Victim, { name: 'killer', args: {}, placement: { worker: 1 } });
      const hanger = await s.spawn(Victim, { name: 'hanger', args: {}, placement: { worker: 1 } });
      const exits = collect(s, 'worker-exited');
      const restarts = collect(s, 'worker-restarted');
      const lost = collect(s, 'dead-letter');
      // Back to back: the worker dies on the first; the second is left for its replacement, which hangs on it.
      killer.tell({ type: 'exit', code: 1 });
      hanger.tell({ type: 'hang' });
      await vi.waitFor(() => expect(restarts.length).toBeGreaterThanOrEqual(2), { timeout: 30_000, interval: 50 });
      expect(exits.slice(0, 2).map((e) => e.error.name)).toEqual(['Error', 'WorkerStalledError']);
      // The hang was the message being handled when the watchdog struck: reported, not handled again.
      expect(lost.filter((e) => (e.message as { type?: string }).type === 'hang').map((e) => [e.reason, e.interrupted])).toEqual([['worker-crashed', true]]);
      await expect(hanger.ask({ type: 'echo', value: 7 })).resolves.toBe(7);
    },
    40_000,
  );

  it.each([
    ['no spare', false],
    ['a spare', true],
  ])('catches a replacement (%s) that hangs while recovering an actor (its postRestart never returns): terminated as stalled, replaced, and given up on past maxRestarts', async (_label, spare) => {
    system = await ActorSystem.start({ workers: 1, actors, stallTimeoutMs: 500, workerRestart: { spare, maxRestarts: 2, backoff: { minMs: 5, maxMs: 20 } } });
    const s = system;
    const hanger = await s.spawn(HangsOnRecovery, { name: 'hanger', args: {}, placement: { worker: 1 } });
    const exits = collect(s, 'worker-exited');
    const abandoned = nextEvent(s, 'worker-abandoned');
    hanger.tell({ type: 'exit', code: 1 });
    // Every replacement recovers the actor and hangs in its postRestart, before its loop could beat: the boot's
    // own deadline (stallTimeoutMs from when its modules are loaded) ends each one, until the restart budget is spent.
    await abandoned;
    expect(exits.map((e) => [e.error.name, e.restarting])).toEqual([
      ['Error', true],
      ['WorkerStalledError', true],
      ['WorkerStalledError', false],
    ]);
  }, 40_000);

  it('does not respawn a worker that fails while booting in a hot loop: it backs off, then gives up', async () => {
    dir = mkdtempSync(join(tmpdir(), 'ringmaster-boot-'));
    const flag = join(dir, 'fail');
    process.env.RINGMASTER_TEST_BOOT_FAIL_FILE = flag;
    system = await ActorSystem.start({
      workers: 1,
      actors,
      // No spare: it would have booted before the flag existed, and this test is about booting replacements.
      workerRestart: { maxRestarts: 3, backoff: { minMs: 20, maxMs: 1000, jitter: 0 }, spare: false },
    });
    const s = system;
    const victim = await s.spawn(Victim, { name: 'victim', args: {} });
    const exits = collect(s, 'worker-exited');
    const abandoned = nextEvent(s, 'worker-abandoned');
    writeFileSync(flag, '');
    const t0 = performance.now();
    victim.tell({ type: 'exit', code: 1 });
    await abandoned;
    // One death, three failed replacements: four exits, the first three followed by a restart, then none.
    expect(exits.map((e) => e.restarting)).toEqual([true, true, true, false]);
    expect(exits.slice(1).every((e) => /fail while booting/.test(e.error.message))).toBe(true);
    // Backoff 20 + 40 + 80 ms at least between the attempts: not a hot loop.
    expect(performance.now() - t0).toBeGreaterThanOrEqual(140);
  });
});
