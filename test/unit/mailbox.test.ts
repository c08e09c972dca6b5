import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ENTRY_ASK, ENTRY_TELL, Mailbox } from '../../src/dispatch/mailbox.js';
import { Queue } from '../../src/dispatch/queue.js';

describe('Mailbox', () => {
  it('returns entries in FIFO order with every field, across growth and wrap-around', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.constant('push'), fc.constant('shift')), { maxLength: 500 }), (ops) => {
        const mb = new Mailbox();
        const model: number[] = [];
        let seq = 0;
        for (const op of ops) {
          if (op === 'push') {
            const n = seq++;
            mb.push(n % 2 ? ENTRY_ASK : ENTRY_TELL, { n }, n * 4294967296 + 7, n % 5, n | 1, n * 3 - 2);
            model.push(n);
          } else if (model.length > 0) {
            const n = model.shift()!;
            expect(mb.headMsg).toEqual({ n });
            expect(mb.headKind).toBe(n % 2 ? ENTRY_ASK : ENTRY_TELL);
            expect(mb.headSenderId).toBe(n * 4294967296 + 7);
            expect(mb.headSenderThread).toBe(n % 5);
            expect(mb.headCorr).toBe(n | 1);
            expect(mb.headSlot).toBe(n * 3 - 2);
            mb.shift();
          }
          expect(mb.size).toBe(model.length);
        }
      }),
      { seed: 42, numRuns: 200 },
    );
  });
});

describe('Queue', () => {
  it('keeps FIFO order through compaction', () => {
    const q = new Queue<number>();
    for (let i = 0; i < 5000; i++) q.push(i);
    for (let i = 0; i < 4000; i++) expect(q.shift()).toBe(i);
    for (let i = 5000; i < 6000; i++) q.push(i);
    expect(q.size).toBe(2000);
    expect(q.peek()).toBe(4000);
    expect(q.clear()).toEqual(Array.from({ length: 2000 }, (_, k) => 4000 + k));
    expect(q.shift()).toBeUndefined();
  });
});
