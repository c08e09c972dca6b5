// The heartbeat watchdog (src/supervision/worker-supervisor.ts) around the two states where a worker's loop is
// legitimately silent or on its way out: a parked worker (idle, or its actors awaiting), which beats only when its
// sweeper wakes it, and shutdown. The watchdog must terminate a hung worker (supervision/worker-restart › detects a
// hung worker …), but never a parked one, and a worker that shutdown terminates is not a death to report or repair.
import { afterEach, describe, expect, it } from 'vitest';
import { ActorSystem, type ActorRef } from '../../src/index.js';
import { Counter, Slow, type CounterMsg, type SlowMsg } from '../fixtures/actors.js';
import { recordEvents } from '../fixtures/events.js';
import { Blocker, openGate } from '../fixtures/gated-actors.js';
import { shareInt32 } from '../fixtures/shared-memory.js';

const ACTORS = [new URL('../fixtures/actors.ts', import.meta.url), new URL('../fixtures/gated-actors.ts', import.meta.url)];

describe('the watchdog', () => {
  let system: ActorSystem | undefined;
  const gates: Int32Array[] = [];
  afterEach(async () => {
    for (const g of gates.splice(0)) openGate(g);
    await system?.shutdown();
    system = undefined;
  });

  it('leaves parked workers alone: one whose actor awaits a 1.5 s timer and an idle one outlive many stallTimeoutMs, and answer', async () => {
    // 700 ms: far longer than a busy worker goes without beating, shorter than a parked one's 1 s between sweeps.
    system = await ActorSystem.start({ workers: 2, actors: ACTORS, stallTimeoutMs: 700 });
    const exited = recordEvents(system, 'worker-exited');
    const slow: ActorRef<SlowMsg, string[]> = await system.spawn(Slow, { placement: { worker: 1 } });
    const idle: ActorRef<CounterMsg, number> = await system.spawn(Counter, { args: { start: 4 }, placement: { worker: 2 } });
    slow.tell({ type: 'work', i: 1, ms: 1500 });
    // Answered once the work has ended: worker 1 was parked, awaiting, and worker 2 idle, for 1.5 s.
    expect(await slow.ask({ type: 'log' }, { timeoutMs: 10_000 })).toEqual(['start 1', 'end 1']);
    expect(await idle.ask({ type: 'get' })).toBe(4);
    expect(exited.seen).toEqual([]);
  });

  it('keeps watching while shutdown waits for the actors: a worker that hangs then is replaced, and the messages queued behind the hang are handled', async () => {
    // 1 s: a loaded CI machine must not make a merely slow worker look hung before the Blocker holds it.
    system = await ActorSystem.start({ workers: 1, actors: ACTORS, stallTimeoutMs: 1_000, shutdownTimeoutMs: 20_000, workerRestart: { maxRestarts: 5, backoff: { minMs: 1, maxMs: 5 } } });
    const { key, view: gate } = shareInt32();
    gates.push(gate);
    const exited = recordEvents(system, 'worker-exited');
    const restarted = recordEvents(system, 'worker-restarted');
    const dead = recordEvents(system, 'dead-letter');
    const blocker = await system.spawn(Blocker, { args: { gate: key }, placement: { worker: 1 } });
    expect(await blocker.ask({ type: 'block' })).toBe('blocked');
    for (let n = 0; n < 3; n++) blocker.tell({ type: 'inc', n });
    await system.shutdown();
    expect(exited.seen).toMatchObject([{ worker: 1, restarting: true, error: { code: 'ERR_WORKER_STALLED' } }]);
    expect(restarted.seen).toHaveLength(1);
    // The hang is the one message lost (at-most-once, as for any crash). Every accepted message is handled or
    // dead-lettered, and the three incs queued behind it are not dead letters: the replacement handled them before
    // the poison pill (had they waited past shutdownTimeoutMs, they would be system-shutdown dead letters).
    expect(dead.seen.map((e) => [e.reason, e.message])).toEqual([['worker-crashed', { type: 'block' }]]);
  });

  it('does not report or replace a worker that shutdown terminates: stuck past shutdownTimeoutMs, its messages become system-shutdown dead letters', async () => {
    // The watchdog is on, but slower than the shutdown: the stuck worker is terminated by the shutdown itself.
    system = await ActorSystem.start({ workers: 1, actors: ACTORS, stallTimeoutMs: 5_000, shutdownTimeoutMs: 200, workerRestart: { maxRestarts: 5, backoff: { minMs: 1, maxMs: 5 } } });
    const { key, view: gate } = shareInt32();
    gates.push(gate);
    const worker = recordEvents(system, 'worker-exited');
    const restarted = recordEvents(system, 'worker-restarted');
    const dead = recordEvents(system, 'dead-letter');
    const blocker = await system.spawn(Blocker, { args: { gate: key }, placement: { worker: 1 } });
    expect(await blocker.ask({ type: 'block' })).toBe('blocked');
    blocker.tell({ type: 'inc', n: 0 });
    await system.shutdown();
    expect(worker.seen).toEqual([]);
    expect(restarted.seen).toEqual([]);
    expect(dead.seen.map((e) => [e.reason, e.message])).toEqual([
      ['system-shutdown', { type: 'block' }],
      ['system-shutdown', { type: 'inc', n: 0 }],
    ]);
  });
});
