// Shared memory written by something else than ringmaster (fuzzed, seeded): every read of a ring and every journal
// recovery ends, either with records that lie inside what was published or with CorruptMemoryError, never a
// read past the tail nor a loop that does not end.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CorruptMemoryError } from '../../src/errors.js';
import { Journal, recoverJournal } from '../../src/transport/journal.js';
import { RECORD_HEADER_BYTES, REC_LENGTH, allocateJournal, allocateRing } from '../../src/transport/layout.js';
import { RingReader, RingWriter } from '../../src/transport/ring.js';

const header = (id: number) => ({ kind: 1, targetHi: 0, targetLo: id, senderHi: 0, senderLo: 0, senderThread: 1, corr: id });
const CAPACITY = 4096;

describe('corrupt shared memory', () => {
  it('never reads a ring past its tail: each read either lies within what was published or throws CorruptMemoryError (seed 18)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40 }),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 })), { minLength: 1, maxLength: 4 }),
        (records, corruptions) => {
          const sab = allocateRing(CAPACITY);
          const writer = new RingWriter(sab);
          for (let i = 0; i < records; i++) writer.tryWrite(header(i), new Uint8Array(i % 50));
          const i32 = new Int32Array(sab);
          for (const [at, value] of corruptions) i32[at % i32.length] = value;
          const reader = new RingReader(sab);
          let read = 0;
          try {
            while (reader.next()) {
              expect(reader.record.payloadLength).toBeGreaterThanOrEqual(0);
              expect(reader.record.payloadStart + reader.record.payloadLength).toBeLessThanOrEqual(sab.byteLength);
              if (++read > CAPACITY) throw new Error('read more records than the ring can hold: past its tail');
            }
          } catch (err) {
            expect(err).toBeInstanceOf(CorruptMemoryError);
          }
        },
      ),
      { seed: 18, numRuns: 500 },
    );
  });

  it('refuses a ring record with a negative length with CorruptMemoryError', () => {
    const sab = allocateRing(CAPACITY);
    new RingWriter(sab).tryWrite(header(1), new Uint8Array(8));
    const i32 = new Int32Array(sab);
    const reader = new RingReader(sab);
    expect(reader.next()).toBe(true);
    const lengthWord = ((reader.record.payloadStart - RECORD_HEADER_BYTES) >> 2) + REC_LENGTH;
    const fresh = new RingReader(sab);
    i32[lengthWord] = -48;
    expect(() => fresh.next()).toThrow(CorruptMemoryError);
  });

  it('ends journal recovery with records or CorruptMemoryError, whatever the corruption (seed 18)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 30 }),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 })), { minLength: 1, maxLength: 4 }),
        (records, corruptions) => {
          const sab = allocateJournal(CAPACITY);
          const j = new Journal(sab);
          for (let i = 0; i < records; i++) j.append(header(i), 1, i * 64, new Uint8Array(i % 40));
          const i32 = new Int32Array(sab);
          for (const [at, value] of corruptions) i32[at % i32.length] = value;
          try {
            const rec = recoverJournal(sab, 3);
            expect(rec.records.length).toBeLessThanOrEqual(sab.byteLength / 32);
          } catch (err) {
            expect(err).toBeInstanceOf(CorruptMemoryError);
          }
        },
      ),
      { seed: 18, numRuns: 500 },
    );
  });
});
