// The turns of one thread (src/runtime/turns.ts) on their own: the ready queue, `throughput`, async handlers,
// poison pills and failures, with a fake host and real cells and mailboxes.
import { describe, expect, it } from 'vitest';
import type { ActorDefinition } from '../../src/actor.js';
import { ENTRY_ASK, ENTRY_POISON, ENTRY_TELL, NO_SLOT } from '../../src/dispatch/mailbox.js';
import { ActorRef } from '../../src/ref.js';
import { Cell, RUNNING, STOPPING, type CellHost } from '../../src/runtime/cell.js';
import { Journaling } from '../../src/runtime/journaling.js';
import { Turns } from '../../src/runtime/turns.js';

type Receive = (state: unknown, msg: unknown) => unknown;

function world(throughput: number) {
  const log: string[] = [];
  const failures: { actor: string; err: unknown; msg: unknown }[] = [];
  const errorReplies: { corr: number; err: Error }[] = [];
  const stopped: string[] = [];
  let kicks = 0;
  const turns = new Turns(throughput, new Journaling(undefined), {
    onFailure: (cell, err, msg) => failures.push({ actor: cell.ref.name, err, msg }),
    afterSuspendedHandler: () => {},
    stop: (cell) => {
      stopped.push(cell.ref.name);
      cell.status = STOPPING;
    },
    finishStop: () => {},
    replyError: (_t, corr, err) => errorReplies.push({ corr, err }),
    droppedHead: () => {},
    kick: () => kicks++,
  });
  let nextId = 1;
  const actor = (name: string, receive: Receive): Cell => {
    const def = { name, behavior: { receive } } as unknown as ActorDefinition<any, any, any, any>;
    const id = nextId++;
    return new Cell({} as CellHost, new ActorRef(id, 0, name, undefined), def, undefined, undefined);
  };
  const tell = (cell: Cell, msg: unknown, entry = ENTRY_TELL, corr = 0): void => {
    cell.mailbox.push(entry, msg, 0, 0, corr, NO_SLOT);
    turns.backlog++;
    turns.schedule(cell);
  };
  return { turns, actor, tell, log, failures, errorReplies, stopped, kicks: () => kicks };
}

describe('Turns', () => {
  it('handles at most `throughput` messages of one actor per turn, then gives the next actor its turn', () => {
    const w = world(2);
    const a = w.actor('a', (_s, m) => void w.log.push(`a${m}`));
    const b = w.actor('b', (_s, m) => void w.log.push(`b${m}`));
    for (let i = 1; i <= 3; i++) w.tell(a, i);
    for (let i = 1; i <= 3; i++) w.tell(b, i);
    expect(w.turns.runReady()).toBe(true);
    expect(w.log).toEqual(['a1', 'a2', 'b1', 'b2']);
    w.turns.runReady();
    expect(w.log).toEqual(['a1', 'a2', 'b1', 'b2', 'a3', 'b3']);
    expect(w.turns.backlog).toBe(0);
    expect(w.turns.runReady()).toBe(false);
  });

  it('schedules an actor once however many messages it is given', () => {
    const w = world(100);
    const a = w.actor('a', (_s, m) => void w.log.push(String(m)));
    for (let i = 0; i < 5; i++) w.tell(a, i);
    expect(w.turns.readyCount).toBe(1);
  });

  it('gives an actor whose handler returned a promise no next message until it settles, while others run', async () => {
    const w = world(10);
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const slow = w.actor('slow', (_s, m) => {
      w.log.push(`slow${m}`);
      return m === 1 ? gate : undefined;
    });
    const other = w.actor('other', (_s, m) => void w.log.push(`other${m}`));
    w.tell(slow, 1);
    w.tell(slow, 2);
    w.tell(other, 1);
    w.turns.runReady();
    expect(w.log).toEqual(['slow1', 'other1']);
    expect(slow.busy).toBe(true);
    expect(w.turns.asyncInFlight).toBe(1);
    w.turns.runReady();
    expect(w.log).toEqual(['slow1', 'other1']);
    release();
    await gate;
    await Promise.resolve();
    expect(slow.busy).toBe(false);
    expect(w.turns.asyncInFlight).toBe(0);
    w.turns.runReady();
    expect(w.log).toEqual(['slow1', 'other1', 'slow2']);
  });

  it('is the implicit sender only while a handler runs synchronously', async () => {
    const w = world(10);
    const seen: (string | undefined)[] = [];
    const a = w.actor('a', async () => {
      seen.push(w.turns.current?.ref.name);
      await Promise.resolve();
      seen.push(w.turns.current?.ref.name);
    });
    w.tell(a, 'x');
    w.turns.runReady();
    await new Promise((r) => setImmediate(r));
    expect(seen).toEqual(['a', undefined]);
  });

  it('stops an actor at its poison pill, after the messages queued before it, and handles none after', () => {
    const w = world(10);
    const a = w.actor('a', (_s, m) => void w.log.push(String(m)));
    w.tell(a, 1);
    w.tell(a, undefined, ENTRY_POISON);
    w.tell(a, 2);
    w.turns.runReady();
    expect(w.log).toEqual(['1']);
    expect(w.stopped).toEqual(['a']);
  });

  it('fails the pending ask and hands the failure to supervision when a handler throws', () => {
    const w = world(10);
    const boom = new Error('boom');
    const a = w.actor('a', () => {
      throw boom;
    });
    w.tell(a, 'q', ENTRY_ASK, 42);
    w.turns.runReady();
    expect(w.errorReplies).toHaveLength(1);
    expect(w.errorReplies[0]!.corr).toBe(42);
    expect(w.errorReplies[0]!.err.name).toBe('ActorFailedError');
    expect(w.failures).toEqual([{ actor: 'a', err: boom, msg: 'q' }]);
  });

  it('reports a rejected async handler like a throw, once it settles', async () => {
    const w = world(10);
    const a = w.actor('a', () => Promise.reject(new Error('late')));
    w.tell(a, 'm');
    w.turns.runReady();
    expect(w.failures).toHaveLength(0);
    await new Promise((r) => setImmediate(r));
    expect(w.failures.map((f) => (f.err as Error).message)).toEqual(['late']);
    expect(a.status).toBe(RUNNING);
  });

  it('takes no message for a suspended actor, and schedules it again only once resumed', () => {
    const w = world(10);
    const a = w.actor('a', (_s, m) => void w.log.push(String(m)));
    a.suspended = true;
    w.tell(a, 1);
    expect(w.turns.readyCount).toBe(0);
    a.suspended = false;
    w.turns.schedule(a);
    w.turns.runReady();
    expect(w.log).toEqual(['1']);
  });

  describe('handlers that return a misbehaving thenable', () => {
    /** A thenable that calls `then`'s callbacks as `misbehave` says, synchronously. */
    const thenable = (misbehave: (ok: (v?: unknown) => void, fail: (e: unknown) => void) => void) => ({
      then(ok: (v?: unknown) => void, fail: (e: unknown) => void) {
        misbehave(ok, fail);
      },
    });

    it.each([
      ['that fulfils twice', (ok: (v?: unknown) => void) => (ok(1), ok(2))],
      ['that fulfils and then rejects', (ok: (v?: unknown) => void, fail: (e: unknown) => void) => (ok(1), fail(new Error('late')))],
      ['that rejects twice', (_ok: unknown, fail: (e: unknown) => void) => (fail(new Error('a')), fail(new Error('b')))],
    ])('counts a thenable %s as one settled handler, and the actor takes its next message once', (_, misbehave) => {
      const w = world(10);
      const a = w.actor('a', (_s, m) => {
        w.log.push(String(m));
        return m === 1 ? thenable(misbehave as never) : undefined;
      });
      w.tell(a, 1);
      w.tell(a, 2);
      w.turns.runReady();
      w.turns.runReady();
      expect(w.turns.asyncInFlight).toBe(0);
      expect(a.busy).toBe(false);
      expect(w.log).toEqual(['1', '2']);
      expect(w.failures.length).toBeLessThanOrEqual(1);
    });

    it('treats a thenable whose then throws as a failed handler, leaving the actor not busy', () => {
      const w = world(10);
      const a = w.actor('a', () => ({
        then() {
          throw new Error('then threw');
        },
      }));
      w.tell(a, 1);
      w.turns.runReady();
      expect(w.turns.asyncInFlight).toBe(0);
      expect(a.busy).toBe(false);
      expect(w.failures.map((f) => (f.err as Error).message)).toEqual(['then threw']);
    });
  });
});
