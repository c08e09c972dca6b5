// Asks made by actors on another worker, to actors of a worker that is given up on (issue 18: "asks from other
// workers to a given-up worker"). Every one settles with WorkerCrashedError, whatever it was doing when the worker
// was given up: already handled and never to be answered (only the asker's thread can settle it, when it hears of
// the death), still in the ring to the dead worker (the main thread buries it: a worker-crashed dead letter), or
// made after the give-up (at once, on the asker's thread). None waits out its timeout.
import { afterEach, describe, expect, it } from 'vitest';
import { ActorSystem, type ActorRef } from '../../src/index.js';
import { Crasher } from '../fixtures/crash-actors.js';
import { recordEvents } from '../fixtures/events.js';
import { Blocker, openGate } from '../fixtures/gated-actors.js';
import { Asking, type AskingMsg } from '../fixtures/parity-actors.js';
import { shareInt32 } from '../fixtures/shared-memory.js';

const ACTORS = [
  new URL('../fixtures/crash-actors.ts', import.meta.url),
  new URL('../fixtures/gated-actors.ts', import.meta.url),
  new URL('../fixtures/parity-actors.ts', import.meta.url),
];
// Far longer than the test: an ask that settled by its timeout would show as ERR_ASK_TIMEOUT long after the test.
const ASK_MS = 60_000;

/** What `p` settles with, or 'still pending' if it has not settled within a generous `ms`. */
function within<T>(p: Promise<T>, ms = 10_000): Promise<T | 'still pending'> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([p, new Promise<'still pending'>((resolve) => (timer = setTimeout(() => resolve('still pending'), ms)))]).finally(() => clearTimeout(timer));
}

describe('asks from another worker to a worker that is given up on', () => {
  let system: ActorSystem | undefined;
  const gates: Int32Array[] = [];
  afterEach(async () => {
    for (const g of gates.splice(0)) openGate(g);
    await system?.shutdown();
    system = undefined;
  });

  it('settle with WorkerCrashedError: one already handled, those still in its ring, and one made afterwards', async () => {
    // The watchdog ends worker 1 once its Blocker holds it; no restart: it is given up on at once.
    system = await ActorSystem.start({ workers: 2, actors: ACTORS, stallTimeoutMs: 1_000, workerRestart: { maxRestarts: 0 } });
    const s = system;
    const { key, view: gate } = shareInt32();
    gates.push(gate);
    const abandoned = recordEvents(s, 'worker-abandoned');
    const dead = recordEvents(s, 'dead-letter', (e) => e.reason === 'worker-crashed');
    const crasher = await s.spawn(Crasher, { placement: { worker: 1 } });
    const blocker = await s.spawn(Blocker, { args: { gate: key }, placement: { worker: 1 } });
    // One asking actor per ask: each awaits its own ask, and takes no other message meanwhile.
    const askers: ActorRef<AskingMsg, unknown>[] = await Promise.all(Array.from({ length: 5 }, () => s.spawn(Asking, { placement: { worker: 2 } })));
    const ask = (i: number, target: ActorRef, message: unknown) => askers[i]!.ask({ type: 'ask', target, message, timeoutMs: ASK_MS }, { timeoutMs: ASK_MS });

    // Handled, and never answered: only worker 2 hearing of the death can settle it.
    const handled = ask(0, crasher, { type: 'hang-then-reply' });
    expect(await ask(1, crasher, { type: 'ping' })).toEqual({ reply: 'pong' }); // behind it: the first was handled
    // Worker 1 stops reading its rings: these wait in the ring from worker 2.
    expect(await blocker.ask({ type: 'block' })).toBe('blocked');
    const queued = [2, 3].map((i) => ask(i, blocker, { type: 'count' }));

    const [gaveUp] = await abandoned.until(1, 15_000);
    expect(gaveUp).toMatchObject({ worker: 1, error: { code: 'ERR_WORKER_STALLED' } });
    expect(await within(handled)).toEqual({ code: 'ERR_WORKER_CRASHED' });
    expect(await within(Promise.all(queued))).toEqual([{ code: 'ERR_WORKER_CRASHED' }, { code: 'ERR_WORKER_CRASHED' }]);
    // Made after the give-up: refused on worker 2 at once.
    expect(await within(ask(4, blocker, { type: 'count' }))).toEqual({ code: 'ERR_WORKER_CRASHED' });
    // Each is reported once: the 'block' being handled, the two counts that were in the ring, and the one made
    // afterwards.
    await dead.until(4);
    expect(dead.seen.map((e) => e.message)).toEqual([{ type: 'block' }, { type: 'count' }, { type: 'count' }, { type: 'count' }]);
  });
});
