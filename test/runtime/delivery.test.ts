// Delivery into mailboxes (src/runtime/delivery.ts) on its own: what happens to messages for an actor whose spawn
// request has not arrived.
import { describe, expect, it } from 'vitest';
import { ENTRY_ASK, ENTRY_TELL, NO_SLOT } from '../../src/dispatch/mailbox.js';
import { ActorTable } from '../../src/runtime/actors.js';
import { Delivery, EARLY_HOLD_MS } from '../../src/runtime/delivery.js';
import { makeId } from '../../src/runtime/ids.js';
import { Journaling } from '../../src/runtime/journaling.js';
import type { Outbound } from '../../src/runtime/outbound.js';
import type { Turns } from '../../src/runtime/turns.js';

function world() {
  const actors = new ActorTable(1, 3); // this is thread 1 of 3
  const deadLetters: { reason: string; target: string; message: unknown }[] = [];
  const errorReplies: { thread: number; corr: number; code: string }[] = [];
  const out = {
    deadLetter: (reason: string, target: string, message: unknown) => deadLetters.push({ reason, target, message }),
    reply: (thread: number, corr: number, err: { code: string }) => errorReplies.push({ thread, corr, code: err.code }),
  } as unknown as Outbound;
  const delivery = new Delivery(actors, {} as Turns, out, new Journaling(undefined));
  return { actors, delivery, deadLetters, errorReplies };
}

describe('Delivery of messages for an actor whose spawn has not arrived', () => {
  const spawnedBy2 = makeId(2, 7); // spawned by thread 2, hosted here

  it('holds a message from a third thread for an id its origin thread may still be spawning', () => {
    const w = world();
    w.delivery.deliver(spawnedBy2, ENTRY_TELL, 'early', 0, 0, 0, NO_SLOT);
    expect(w.deadLetters).toEqual([]);
    expect(w.actors.holdingEarly).toBe(true);
  });

  it('reports what it held as for an actor that does not exist once EARLY_HOLD_MS have passed, failing held asks', () => {
    const w = world();
    w.delivery.deliver(spawnedBy2, ENTRY_TELL, 'told', 0, 0, 0, NO_SLOT);
    w.delivery.deliver(spawnedBy2, ENTRY_ASK, 'asked', 0, 0, 41, NO_SLOT);
    w.delivery.expireEarly(performance.now() + EARLY_HOLD_MS);
    expect(w.deadLetters.map((d) => [d.reason, d.message])).toEqual([
      ['actor-stopped', 'told'],
      ['actor-stopped', 'asked'],
    ]);
    expect(w.errorReplies).toEqual([{ thread: 0, corr: 41, code: 'ERR_ACTOR_STOPPED' }]);
    expect(w.actors.holdingEarly).toBe(false);
  });

  it('keeps holding what has waited less than EARLY_HOLD_MS', () => {
    const w = world();
    w.delivery.deliver(spawnedBy2, ENTRY_TELL, 'told', 0, 0, 0, NO_SLOT);
    w.delivery.expireEarly(performance.now() + EARLY_HOLD_MS / 2);
    expect(w.deadLetters).toEqual([]);
  });

  it("reports at once a message from the id's own origin thread, which would have sent the spawn first", () => {
    const w = world();
    w.delivery.deliver(spawnedBy2, ENTRY_ASK, 'asked', 0, 2, 9, NO_SLOT);
    expect(w.deadLetters.map((d) => d.reason)).toEqual(['actor-stopped']);
    expect(w.errorReplies).toEqual([{ thread: 2, corr: 9, code: 'ERR_ACTOR_STOPPED' }]);
    expect(w.actors.holdingEarly).toBe(false);
  });
});
