// DeathWatch on its own (src/runtime/watch.ts), with a fake runtime: the bookkeeping that the engine tests cannot
// observe from outside.
import { describe, expect, it } from 'vitest';
import type { SystemMessage } from '../../src/protocol.js';
import { ActorRef } from '../../src/ref.js';
import { RUNNING, STOPPED, type Cell } from '../../src/runtime/cell.js';
import { DeathWatch } from '../../src/runtime/watch.js';

function world() {
  const cells = new Map<number, Cell>();
  const sent: { to: number; m: SystemMessage }[] = [];
  const delivered: { to: string; actor: string }[] = [];
  const notSpawned = new Set<number>();
  const dw = new DeathWatch({
    cell: (id) => cells.get(id),
    notSpawnedYet: (id) => notSpawned.has(id),
    sendSystem: (_t, target, m) => sent.push({ to: target.id, m }),
    deliver: (cell, message) => delivered.push({ to: cell.ref.name, actor: message.actor.name }),
  });
  const cell = (id: number, name: string): Cell => {
    const c = { id, ref: new ActorRef(id, 1, name, undefined), status: RUNNING } as unknown as Cell;
    cells.set(id, c);
    return c;
  };
  /** Delivers every system message sent so far to the DeathWatch, as the runtimes would. */
  const route = (): void => {
    for (const { to, m } of sent.splice(0)) {
      if (m.type === 'watch') dw.onWatch(m.watcher, m.target);
      else if (m.type === 'unwatch') dw.onUnwatch(to, m.watcher);
      else if (m.type === 'terminated') dw.onTerminated(to, m.actor);
    }
  };
  const stop = (c: Cell): void => {
    dw.onStopped(c);
    (c as { status: number }).status = STOPPED;
    cells.delete(c.id);
  };
  return { dw, cell, sent, delivered, route, stop, notSpawned };
}

describe('DeathWatch bookkeeping', () => {
  it('forgets a watcher that stopped, so the watched actor sends it nothing when it stops', () => {
    const w = world();
    const watcher = w.cell(1, 'w');
    const x = w.cell(2, 'x');
    w.dw.watch(watcher, x.ref);
    w.route();
    w.stop(watcher);
    expect(w.sent.map((s) => s.m.type)).toEqual(['unwatch']);
    w.route();
    w.stop(x);
    expect(w.sent).toEqual([]);
  });

  it('holds a watch that arrives before the watched actor was spawned, and answers it once the spawn arrives', () => {
    const w = world();
    const watcher = w.cell(1, 'w');
    const later = new ActorRef(2, 1, 'x', undefined);
    w.notSpawned.add(2);
    w.dw.watch(watcher, later);
    w.route();
    expect(w.sent).toEqual([]); // held, not answered as "gone"
    w.notSpawned.delete(2);
    const x = w.cell(2, 'x');
    w.dw.flushPending(2);
    w.stop(x);
    w.route();
    expect(w.delivered).toEqual([{ to: 'w', actor: 'x' }]);
  });

  it('answers a held watch with Terminated when the spawn it waited for failed', () => {
    const w = world();
    const watcher = w.cell(1, 'w');
    w.notSpawned.add(2);
    w.dw.watch(watcher, new ActorRef(2, 1, 'x', undefined));
    w.route();
    w.notSpawned.delete(2);
    w.dw.flushPending(2); // no cell: the spawn failed
    w.route();
    expect(w.delivered).toEqual([{ to: 'w', actor: 'x' }]);
  });
});
