// A cell (src/runtime/cell.ts) on its own: its status and six flags share one integer, its rarely used parts are
// created on first write, and its mailbox on first use; callers read and write all of them as plain fields.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ActorDefinition } from '../../src/actor.js';
import { ENTRY_ASK, NO_SLOT } from '../../src/dispatch/mailbox.js';
import { ActorRef } from '../../src/ref.js';
import { Cell, RUNNING, STOPPED, STOPPING, type CellHost } from '../../src/runtime/cell.js';

const receive = (): void => {};
const def = { name: 'cell.Test', behavior: { receive } } as unknown as ActorDefinition<any, any, any, any>;
const newCell = (): Cell => new Cell({} as CellHost, new ActorRef(7, 1, 'a', undefined), def, undefined, undefined);

const FLAGS = ['scheduled', 'busy', 'suspended', 'handling', 'curReplied', 'curStashed'] as const;

describe('Cell', () => {
  it('starts running, with every flag clear, nothing of its own yet, and receive as its behavior', () => {
    const c = newCell();
    expect(c.status).toBe(RUNNING);
    for (const f of FLAGS) expect(c[f]).toBe(false);
    expect([c.children, c.behaviors, c.announced, c.stopAcks, c.stopSlots, c.watchSlots]).toEqual([undefined, undefined, undefined, undefined, undefined, undefined]);
    expect([c.stash, c.timers, c.curTimer, c.idle, c.curMsg]).toEqual([undefined, undefined, undefined, undefined, undefined]);
    expect([c.childSeq, c.asksOut, c.curKind, c.curCorr, c.curSenderId, c.curSenderThread, c.curSlot]).toEqual([0, 0, 0, 0, 0, 0, -1]);
    expect(c.receive).toBe(receive);
    expect(c.id).toBe(7);
  });

  it('makes no mailbox while only its fields are read, and one on the first look at its mailbox', () => {
    const c = newCell();
    void [c.curKind, c.curMsg, c.curSlot, c.awaitingReply, c.children, c.stash];
    c.children = undefined; // clearing what was never set allocates nothing either
    expect(c.mailboxIfAny).toBeUndefined();
    expect(c.mailbox.size).toBe(0);
    expect(c.mailboxIfAny).toBe(c.mailbox);
  });

  it('keeps the status and the six flags apart: any sequence of writes reads back as a plain object would', () => {
    const write = fc.oneof(
      fc.record({ field: fc.constantFrom(...FLAGS), value: fc.boolean() }),
      fc.record({ field: fc.constant('status' as const), value: fc.constantFrom(RUNNING, STOPPING, STOPPED) }),
    );
    fc.assert(
      fc.property(fc.array(write, { maxLength: 40 }), (writes) => {
        const c = newCell();
        const model: Record<string, number | boolean> = { status: RUNNING };
        for (const f of FLAGS) model[f] = false;
        for (const w of writes) {
          (c as unknown as Record<string, unknown>)[w.field] = w.value;
          model[w.field] = w.value;
        }
        expect(c.status).toBe(model.status);
        for (const f of FLAGS) expect(c[f]).toBe(model[f]);
      }),
    );
  });

  it('keeps the entry being handled with its mailbox: an ask not yet answered awaits its reply', () => {
    const c = newCell();
    c.mailbox.push(ENTRY_ASK, 'm', 4294967297, 2, 11, NO_SLOT);
    c.curKind = c.mailbox.headKind;
    c.curSenderId = c.mailbox.headSenderId;
    c.curCorr = c.mailbox.headCorr;
    expect([c.curKind, c.curSenderId, c.curCorr]).toEqual([ENTRY_ASK, 4294967297, 11]);
    expect(c.awaitingReply).toBe(true);
    c.curReplied = true;
    expect(c.awaitingReply).toBe(false);
  });

  it('makes its behavior stack on the first become, and goes back to receive without one', () => {
    const c = newCell();
    const other = (): void => {};
    c.behaviorStack.become(other);
    expect(c.receive).toBe(other);
    c.behaviors = undefined; // what a restart does (toolkit.ts reincarnate)
    expect(c.receive).toBe(receive);
  });
});
