// What the events of a worker crash say: every report names the cause of the death, so that a dead letter or a
// restart seen on its own still tells why it happened.
import { afterEach, describe, expect, it } from 'vitest';
import { ActorSystem } from '../../src/index.js';
import { nextEvent } from '../fixtures/events.js';
import { Victim } from '../fixtures/restart-actors.js';

const actors = [new URL('../fixtures/restart-actors.ts', import.meta.url)];

describe('crash reports', () => {
  let system: ActorSystem | undefined;
  afterEach(async () => {
    await system?.shutdown();
    system = undefined;
  });

  it('give the cause of the death in worker-exited, worker-restarted and the interrupted message’s dead letter, and count earlier restarts', async () => {
    system = await ActorSystem.start({ workers: 2, actors, askTimeoutMs: 20_000 });
    const s = system;
    const victim = await s.spawn(Victim, { name: 'victim', args: {}, placement: { worker: 1 } });
    const killer = await s.spawn(Victim, { name: 'killer', args: {}, placement: { worker: 1 } });
    const held = victim.ask({ type: 'hold' }).catch((e: unknown) => e);
    const exited = nextEvent(s, 'worker-exited');
    const restarted = nextEvent(s, 'worker-restarted');
    const dead = nextEvent(s, 'dead-letter', (e) => e.target === 'victim');
    killer.tell({ type: 'exit', code: 3 });

    const exit = await exited;
    expect(exit).toMatchObject({ worker: 1, code: 3, restarting: true, restarts: 0 });
    expect(exit.error.message).toContain('3');
    const restart = await restarted;
    expect(restart).toMatchObject({ worker: 1, restarts: 1 });
    expect(restart.error).toMatchObject({ name: exit.error.name, message: exit.error.message });
    const letter = await dead;
    expect(letter).toMatchObject({ reason: 'worker-crashed', message: { type: 'hold' } });
    // The replacement reports it as a WorkerCrashedError that quotes the death.
    expect(letter.error).toMatchObject({ code: 'ERR_WORKER_CRASHED', worker: 1 });
    expect(letter.error?.message).toContain(exit.error.message);
    expect(await held).toMatchObject({ code: 'ERR_WORKER_CRASHED', worker: 1 });

    // A second death of the same worker within the window says it had been replaced once already.
    const again = nextEvent(s, 'worker-exited');
    killer.tell({ type: 'exit', code: 4 });
    expect(await again).toMatchObject({ worker: 1, code: 4, restarts: 1 });
  });

  it('give the cause in the dead letters of messages sent to a worker that was given up on', async () => {
    system = await ActorSystem.start({ workers: 2, actors, workerRestart: { maxRestarts: 0 } });
    const s = system;
    const victim = await s.spawn(Victim, { name: 'victim', args: {}, placement: { worker: 1 } });
    const abandoned = nextEvent(s, 'worker-abandoned');
    victim.tell({ type: 'exit', code: 5 });
    const gaveUp = await abandoned;
    const dead = nextEvent(s, 'dead-letter', (e) => e.reason === 'worker-crashed');
    victim.tell({ type: 'work', seq: 1 });
    const letter = await dead;
    expect(letter).toMatchObject({ message: { type: 'work', seq: 1 } });
    expect(letter.error?.message).toContain(gaveUp.error.message);
  });
});
