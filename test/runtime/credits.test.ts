// The credits of bounded mailboxes (src/runtime/credits.ts) on their own: one table, two Credits as two threads'
// would hold (a sender and a host), no engine around them.
import { describe, expect, it } from 'vitest';
import { InvalidOperationError } from '../../src/errors.js';
import { type CreditWait, Credits, OV_BACKPRESSURE, OV_DROP_HEAD } from '../../src/runtime/credits.js';
import { BOUNDED_ID_MIN, creditSlotOf, makeId, originOf, counterOf } from '../../src/runtime/ids.js';
import { allocateControl, allocateCreditTable, CREDIT_SLOTS, CTL_DOORBELL, CTL_PARKED } from '../../src/transport/layout.js';

function pair() {
  const table = new Int32Array(allocateCreditTable());
  const dead = new Set<number>();
  let atRisk = 0;
  const host = { isDead: (t: number) => dead.has(t), atRisk: (d: number) => void (atRisk += d) };
  return { sender: new Credits(table, [], 0, host), host: new Credits(table, [], 1, host), dead, atRisk: () => atRisk };
}

function waiter(log: string[], id: string, thread = 1): CreditWait {
  return { thread, go: () => log.push(`go ${id}`), abandon: () => log.push(`abandoned ${id}`) };
}

describe('credits', () => {
  it('hands out at most capacity credits; each one given back can be taken again', () => {
    const { sender, host } = pair();
    const slot = sender.allocate(2, OV_BACKPRESSURE, 'a');
    expect([sender.take(slot), sender.take(slot), sender.take(slot)]).toEqual([true, true, false]);
    expect(host.held(slot)).toBe(2);
    host.giveBack(slot);
    expect([sender.take(slot), sender.take(slot)]).toEqual([true, false]);
  });

  it('lets waiting sends go in order as credits come back, and refuses a take while one waits (no overtaking)', () => {
    const { sender, host, atRisk } = pair();
    const slot = sender.allocate(1, OV_BACKPRESSURE, 'a');
    expect(sender.take(slot)).toBe(true);
    const log: string[] = [];
    sender.wait(slot, waiter(log, 'x'));
    sender.wait(slot, waiter(log, 'y'));
    expect(log).toEqual([]);
    expect(atRisk()).toBe(2); // held in the sender's memory only
    host.giveBack(slot);
    // A credit is free, but 'x' waits for it: a new take must not jump the queue.
    expect(sender.take(slot)).toBe(false);
    expect(sender.retry()).toBe(true);
    expect(log).toEqual(['go x']);
    host.giveBack(slot);
    sender.retry();
    expect(log).toEqual(['go x', 'go y']);
    expect(sender.waiting).toBe(0);
    expect(atRisk()).toBe(0);
    expect(host.held(slot)).toBe(1);
  });

  it("rings a parked waiting thread's doorbell when the host gives a credit back, however often its own retries failed", () => {
    const table = new Int32Array(allocateCreditTable());
    const controls = [new Int32Array(allocateControl()), new Int32Array(allocateControl())];
    const h = { isDead: () => false, atRisk: () => {} };
    const sender = new Credits(table, controls, 0, h);
    const host = new Credits(table, controls, 1, h);
    const slot = sender.allocate(1, OV_BACKPRESSURE, 'a');
    sender.take(slot);
    host.giveBack(slot); // nobody waits: nobody is rung
    sender.take(slot);
    expect(Atomics.load(controls[0]!, CTL_DOORBELL)).toBe(0);
    const log: string[] = [];
    sender.wait(slot, waiter(log, 'x'));
    sender.retry();
    sender.retry();
    Atomics.store(controls[0]!, CTL_PARKED, 1); // the sender's thread parks
    host.giveBack(slot);
    expect(Atomics.load(controls[0]!, CTL_DOORBELL)).toBe(1);
    sender.retry();
    expect(log).toEqual(['go x']);
  });

  it('lets a wait for a thread that died for good go without a credit (its post reports it), and abandons the rest at shutdown', () => {
    const { sender, host, dead } = pair();
    const a = sender.allocate(1, OV_BACKPRESSURE, 'a');
    const b = sender.allocate(1, OV_BACKPRESSURE, 'b');
    sender.take(a);
    sender.take(b);
    const log: string[] = [];
    sender.wait(a, waiter(log, 'to-dead', 2));
    sender.wait(b, waiter(log, 'to-live', 1));
    dead.add(2);
    sender.retry();
    expect(log).toEqual(['go to-dead']);
    expect(host.held(a)).toBe(1);
    sender.abandon();
    expect(log).toEqual(['go to-dead', 'abandoned to-live']);
    expect(sender.waiting).toBe(0);
  });

  it('holds a credit whatever the count (drop-head), and gives back what a dead worker held in memory only', () => {
    const { sender, host } = pair();
    const slot = sender.allocate(1, OV_DROP_HEAD, 'a');
    sender.hold(slot);
    sender.hold(slot);
    expect(host.held(slot)).toBe(2);
    host.addAtRisk(slot, 2);
    expect(host.reclaimAtRisk(slot)).toBe(2);
    expect(host.held(slot)).toBe(0);
    expect(host.reclaimAtRisk(slot)).toBe(0);
  });

  it(`refuses a slot past the table's ${CREDIT_SLOTS - 1}, saying what to do; a freed slot serves again`, () => {
    const { sender } = pair();
    const slots: number[] = [];
    for (let i = 1; i < CREDIT_SLOTS; i++) slots.push(sender.allocate(1, OV_BACKPRESSURE, 'x'));
    expect(new Set(slots).size).toBe(CREDIT_SLOTS - 1);
    expect(() => sender.allocate(1, OV_BACKPRESSURE, 'one-too-many')).toThrow(InvalidOperationError);
    expect(() => sender.allocate(1, OV_BACKPRESSURE, 'one-too-many')).toThrow(/spawn of 'one-too-many'.*bounded mailbox are alive already/);
    sender.free(slots[5]!);
    expect(sender.allocate(1, OV_BACKPRESSURE, 'again')).toBe(slots[5]);
  });
});

describe('actor ids with a credit slot', () => {
  it('keep their origin thread and counter, and only they are at or above BOUNDED_ID_MIN', () => {
    const id = makeId(64, 2 ** 32 - 1, CREDIT_SLOTS - 1);
    expect(Number.isSafeInteger(id)).toBe(true);
    expect([originOf(id), counterOf(id), creditSlotOf(id)]).toEqual([64, 2 ** 32 - 1, CREDIT_SLOTS - 1]);
    expect(makeId(1, 1, 1)).toBeGreaterThanOrEqual(BOUNDED_ID_MIN);
    const unbounded = makeId(64, 2 ** 32 - 1);
    expect(unbounded).toBeLessThan(BOUNDED_ID_MIN);
    expect([originOf(unbounded), creditSlotOf(unbounded)]).toEqual([64, 0]);
  });
});
