import { afterEach, describe, expect, it } from 'vitest';
import { ActorSystem } from '../../src/index.js';
import { nextEvent } from '../fixtures/events.js';
import { Crasher } from '../fixtures/crash-actors.js';

const actors = [new URL('../fixtures/crash-actors.ts', import.meta.url)];

describe('a worker that dies and is not replaced (workerRestart.maxRestarts: 0)', () => {
  const noRestarts = { workerRestart: { maxRestarts: 0 } };
  let system: ActorSystem | undefined;
  afterEach(async () => {
    await system?.shutdown();
    system = undefined;
  });

  it('fails the asks waiting on it with WorkerCrashedError instead of letting them time out', async () => {
    system = await ActorSystem.start({ workers: 2, actors, askTimeoutMs: 60_000, ...noRestarts });
    const victim = await system.spawn(Crasher, { name: 'victim', placement: { worker: 1 } });
    const survivor = await system.spawn(Crasher, { name: 'survivor', placement: { worker: 2 } });
    const exited = nextEvent(system, 'worker-exited');
    const waiting = victim.ask({ type: 'hang-then-reply' });
    victim.tell({ type: 'exit', code: 3 });
    await expect(waiting).rejects.toMatchObject({ code: 'ERR_WORKER_CRASHED', worker: 1 });
    expect(await exited).toMatchObject({ worker: 1, code: 3 });
    // The other worker is unaffected.
    await expect(survivor.ask({ type: 'ping' })).resolves.toBe('pong');
  });

  it('turns later messages to its actors into worker-crashed dead letters, and asks into immediate rejections', async () => {
    system = await ActorSystem.start({ workers: 1, actors, askTimeoutMs: 60_000, ...noRestarts });
    const victim = await system.spawn(Crasher, { name: 'victim' });
    const exited = nextEvent(system, 'worker-exited');
    victim.tell({ type: 'throw-async' });
    const e = await exited;
    expect(e.error?.message).toMatch(/uncaught in a timer/);
    const dead = nextEvent(system, 'dead-letter');
    victim.tell({ type: 'ping' });
    expect(await dead).toMatchObject({ reason: 'worker-crashed', message: { type: 'ping' } });
    await expect(victim.ask({ type: 'ping' })).rejects.toMatchObject({ code: 'ERR_WORKER_CRASHED' });
  });

  it('fails a spawn onto a worker that has died with WorkerCrashedError, at once', async () => {
    system = await ActorSystem.start({ workers: 2, actors, ...noRestarts });
    const victim = await system.spawn(Crasher, { name: 'victim', placement: { worker: 1 } });
    const exited = nextEvent(system, 'worker-exited');
    victim.tell({ type: 'exit', code: 1 });
    await exited;
    await expect(system.spawn(Crasher, { name: 'late', placement: { worker: 1 } })).rejects.toMatchObject({
      code: 'ERR_WORKER_CRASHED',
    });
    // A spawn elsewhere still works, and the name the failed spawn wanted is free again.
    const late = await system.spawn(Crasher, { name: 'late', placement: { worker: 2 } });
    await expect(late.ask({ type: 'ping' })).resolves.toBe('pong');
  });
});
