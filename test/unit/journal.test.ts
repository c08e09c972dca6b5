import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Journal, recoverJournal } from '../../src/transport/journal.js';
import { JS_QUEUED, JS_STARTED, allocateJournal } from '../../src/transport/layout.js';

const RING_BYTES = 4096; // a journal of 16 KiB: small, so compaction and wrap-around happen often
const THREADS = 3;

/** A payload whose bytes say which record it is: [id low byte, id high byte, ...filler]. */
function payload(id: number, size: number): Uint8Array {
  const p = new Uint8Array(Math.max(2, size));
  p[0] = id & 0xff;
  p[1] = (id >> 8) & 0xff;
  for (let i = 2; i < p.length; i++) p[i] = (id + i) & 0xff;
  return p;
}
const idOf = (p: Uint8Array): number => p[0]! | (p[1]! << 8);

function append(j: Journal, id: number, size: number, src = 1, srcEnd = 0): number {
  const p = payload(id, size);
  return j.append({ kind: 1, targetHi: 0, targetLo: id, senderHi: 0, senderLo: 0, senderThread: src, corr: id }, src, srcEnd, p);
}

describe('journal', () => {
  it('gives back the live records in the order they were appended, with their state and fields', () => {
    const sab = allocateJournal(RING_BYTES);
    const j = new Journal(sab);
    const a = append(j, 1, 10);
    const b = append(j, 2, 20);
    append(j, 3, 30);
    j.done(b);
    j.start(a);
    const rec = recoverJournal(sab, THREADS);
    expect(rec.records.map((r) => [idOf(r.payload), r.state, r.corr, r.targetLo])).toEqual([
      [1, JS_STARTED, 1, 1],
      [3, JS_QUEUED, 3, 3],
    ]);
  });

  it('gives back every header field of a record and exactly the payload range it was given', () => {
    const sab = allocateJournal(RING_BYTES);
    const j = new Journal(sab);
    const header = { kind: 3, targetHi: -2147483648, targetLo: 2147483647, senderHi: -1, senderLo: 123456789, senderThread: 2, corr: -987654321 };
    // Over the small-copy size, from an odd offset of a larger buffer (a ring's bytes, say).
    const p = payload(7, 150);
    const larger = new Uint8Array(200).fill(0xee);
    larger.set(p, 13);
    j.append(header, 2, 640, larger, 13, 13 + p.length);
    const [r] = recoverJournal(sab, THREADS).records;
    const { state, payload: back, ...fields } = r!;
    expect(fields).toEqual(header);
    expect(state).toBe(JS_QUEUED);
    expect(back).toEqual(p);
  });

  it('keeps the ring position after the last record taken from each thread, and its counters', () => {
    const sab = allocateJournal(RING_BYTES);
    const j = new Journal(sab);
    append(j, 1, 8, 2, 640);
    j.consumed(2, 512); // stored before a later record's own position: the record wins
    j.consumed(0, 96);
    j.nextLocal = 17;
    j.setSpawnSeen(1, 5);
    const rec = recoverJournal(sab, THREADS);
    expect(rec.consumed).toEqual([96, 0, 640]);
    expect(rec.nextLocal).toBe(17);
    expect(rec.spawnSeen).toEqual([0, 5, 0]);
  });

  it('refuses a record past its live limit instead of overwriting live ones', () => {
    const j = new Journal(allocateJournal(RING_BYTES));
    let refused = false;
    for (let id = 0; id < 1000 && !refused; id++) refused = append(j, id, 200) < 0;
    expect(refused).toBe(true);
    expect(j.liveBytes).toBeLessThanOrEqual(RING_BYTES);
  });

  it('reuses the space of done records even while an old record stays live (compaction)', () => {
    const sab = allocateJournal(RING_BYTES);
    const j = new Journal(sab);
    append(j, 0, 16); // never done: pins the head
    for (let id = 1; id < 2000; id++) {
      const slot = append(j, id, 100);
      expect(slot).toBeGreaterThanOrEqual(0);
      j.done(slot);
    }
    expect(recoverJournal(sab, THREADS).records.map((r) => idOf(r.payload))).toEqual([0]);
  });

  it('recovers exactly the live records, in order, after any sequence of appends, starts and dones (model)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom('append', 'append', 'start', 'done'), fc.nat(), fc.integer({ min: 0, max: 600 })), {
          maxLength: 400,
        }),
        (ops) => {
          const sab = allocateJournal(RING_BYTES);
          const j = new Journal(sab);
          // The model: live records by id in append order, with their slot and state.
          const live: { id: number; slot: number; state: number }[] = [];
          let next = 0;
          for (const [op, pick, size] of ops) {
            if (op === 'append') {
              const slot = append(j, next, size);
              if (slot >= 0) live.push({ id: next, slot, state: JS_QUEUED });
              next = (next + 1) & 0xffff;
            } else if (live.length > 0) {
              const i = pick % live.length;
              if (op === 'start') {
                j.start(live[i]!.slot);
                live[i]!.state = JS_STARTED;
              } else {
                j.done(live[i]!.slot);
                live.splice(i, 1);
              }
            }
          }
          const rec = recoverJournal(sab, THREADS);
          expect(rec.records.map((r) => [idOf(r.payload), r.state])).toEqual(live.map((l) => [l.id, l.state]));
          // The payloads come back intact.
          for (const r of rec.records) expect(r.payload).toEqual(payload(idOf(r.payload), r.payload.length));
        },
      ),
      { seed: 7, numRuns: 300 },
    );
  });

  it('lets the next owner continue after recovery: what it appends is what the next recovery finds', () => {
    const sab = allocateJournal(RING_BYTES);
    const first = new Journal(sab);
    append(first, 1, 10);
    const rec = recoverJournal(sab, THREADS);
    expect(rec.records).toHaveLength(1);
    const second = new Journal(sab);
    const slot = append(second, 2, 10);
    append(second, 3, 10);
    second.done(slot);
    expect(recoverJournal(sab, THREADS).records.map((r) => idOf(r.payload))).toEqual([3]);
  });
});
