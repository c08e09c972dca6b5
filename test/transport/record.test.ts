/**
 * The record framing (src/transport/record.ts) that the rings and the journal share: every header field and payload
 * byte round-trips at any word of a data area, a record that would cross the end is placed after a PAD at every
 * offset near the end, and nothing outside the record (or the PAD word) is written. The ring and journal tests
 * check the same through their own APIs.
 *
 * Every random input comes from the seeded generator in fixtures/prng.ts, so a failure reproduces.
 */
import { describe, expect, it } from 'vitest';
import { JOURNAL_RECORD_HEADER_BYTES, PAD, RECORD_HEADER_BYTES, align8, recordBytes } from '../../src/transport/layout.js';
import {
  SMALL_COPY,
  copyBytes,
  placeRecord,
  readRecord,
  recordHeader,
  skipPad,
  spaceNeeded,
  writeRecord,
  type RecordHeader,
} from '../../src/transport/record.js';
import { prng } from '../fixtures/prng.js';

const CANARY = 0xcd;

/** Bytes whose value says where they are, so a byte copied from the wrong place shows. */
function sourceBytes(length: number, seed: number): Uint8Array {
  const next = prng(seed);
  return Uint8Array.from({ length }, () => next() & 0xff);
}

/** A header with every field a different, seeded Int32 (the extremes included now and then). */
function randomHeader(next: () => number): RecordHeader {
  const field = (): number => {
    const r = next() % 8;
    return r === 0 ? -2147483648 : r === 1 ? 2147483647 : next() | 0;
  };
  return {
    kind: field(),
    targetHi: field(),
    targetLo: field(),
    senderHi: field(),
    senderLo: field(),
    senderThread: field(),
    corr: field(),
  };
}

/** The offsets of the bytes in `bytes` that differ from `expected`. */
function changedBytes(bytes: Uint8Array, expected: Uint8Array): number[] {
  const out: number[] = [];
  for (let i = 0; i < bytes.length; i++) if (bytes[i] !== expected[i]) out.push(i);
  return out;
}

describe('record framing', () => {
  it('starts a reusable header with every field 0', () => {
    expect(recordHeader()).toEqual({ kind: 0, targetHi: 0, targetLo: 0, senderHi: 0, senderLo: 0, senderThread: 0, corr: 0 });
  });

  it.each([
    ['a ring record', RECORD_HEADER_BYTES],
    ['a journal record', JOURNAL_RECORD_HEADER_BYTES],
  ])('reads back every header field and payload byte of %s, writing nothing outside it', (_, headerBytes) => {
    const next = prng(0x7ec0 + headerBytes);
    const AREA = 4096;
    const sab = new SharedArrayBuffer(AREA);
    const i32 = new Int32Array(sab);
    const u8 = new Uint8Array(sab);
    const source = sourceBytes(1024, 3);
    const back = recordHeader();
    for (let round = 0; round < 500; round++) {
      // Around SMALL_COPY (the loop / word copy boundary), and from any offset of the source (aligned or not).
      const length = round < 8 ? [0, 1, SMALL_COPY - 1, SMALL_COPY, SMALL_COPY + 1, SMALL_COPY + 3, 500, 1000][round]! : next() % 600;
      const start = round % 3 === 0 ? 0 : next() % (source.length - length + 1);
      const size = align8(headerBytes + length);
      const at = (next() % ((AREA - size) / 8 + 1)) * 8;
      const h = randomHeader(next);
      u8.fill(CANARY);

      writeRecord(i32, u8, at >> 2, headerBytes, h, source, start, start + length);

      expect(readRecord(i32, at >> 2, back)).toBe(length);
      expect(back).toEqual(h);
      const payloadAt = at + headerBytes;
      expect(Buffer.compare(u8.subarray(payloadAt, payloadAt + length), source.subarray(start, start + length))).toBe(0);
      // Only the 8 ring-header words and the payload are written; the words a journal adds are its own to write.
      const expected = new Uint8Array(AREA).fill(CANARY);
      expected.set(u8.subarray(at, at + RECORD_HEADER_BYTES), at);
      expected.set(source.subarray(start, start + length), payloadAt);
      const changed = changedBytes(u8, expected);
      if (changed.length > 0) expect.fail(`round ${round} (at ${at}, length ${length}): bytes ${changed.slice(0, 8).join(', ')} changed`);
    }
  });

  it('takes a header as a plain object and never keeps it: a reused header can change at once', () => {
    const sab = new SharedArrayBuffer(256);
    const i32 = new Int32Array(sab);
    const h = { ...recordHeader(), kind: 4, corr: 9 };
    writeRecord(i32, new Uint8Array(sab), 0, RECORD_HEADER_BYTES, h, new Uint8Array(0), 0, 0);
    h.kind = 5;
    h.corr = 10;
    const back = recordHeader();
    readRecord(i32, 0, back);
    expect([back.kind, back.corr]).toEqual([4, 9]);
  });
});

describe('PAD: records never cross the end of the data area', () => {
  const CAPACITY = 1024;
  const BASE = 128; // the data area starts after a header, as in the rings and the journal

  it('places a record at the counter when it fits before the end, and after a PAD at the start of the next lap when not, at every offset near the end', () => {
    const largest = CAPACITY / 2; // recordBytes(maxRecordPayload(CAPACITY))
    // Counters on several laps, one of them across the Int32 overflow: positions are `counter & (capacity - 1)`.
    for (const lap of [0, 5 * CAPACITY, 2 ** 31 - CAPACITY, -CAPACITY]) {
      for (let offset = CAPACITY - largest - 8; offset < CAPACITY; offset += 8) {
        const contiguous = CAPACITY - offset;
        for (const size of new Set([32, contiguous - 8, contiguous, contiguous + 8, largest].filter((s) => s >= 32 && s <= largest))) {
          const sab = new SharedArrayBuffer(BASE + CAPACITY);
          const u8 = new Uint8Array(sab).fill(CANARY);
          const i32 = new Int32Array(sab);
          const at = (lap + offset) | 0;
          const label = `lap ${lap}, offset ${offset}, size ${size}`;

          const placed = placeRecord(i32, BASE, CAPACITY, at, size);

          const expected = new Uint8Array(BASE + CAPACITY).fill(CANARY);
          if (size <= contiguous) {
            expect(placed, label).toBe(at);
            expect(spaceNeeded(at, CAPACITY, size), label).toBe(size);
          } else {
            expect(placed, label).toBe((at + contiguous) | 0);
            expect(placed & (CAPACITY - 1), label).toBe(0);
            expect(spaceNeeded(at, CAPACITY, size), label).toBe(contiguous + size);
            new DataView(expected.buffer).setInt32(BASE + offset, PAD, true);
          }
          // The fragment skipped and the record still fit in an empty area: why the largest record is half of it.
          expect(spaceNeeded(at, CAPACITY, size), label).toBeLessThanOrEqual(CAPACITY);
          const changed = changedBytes(u8, expected);
          if (changed.length > 0) expect.fail(`${label}: bytes ${changed.slice(0, 8).join(', ')} changed`);

          // A reader at `at` finds the record where the writer put it.
          writeRecord(i32, u8, (BASE + (placed & (CAPACITY - 1))) >> 2, RECORD_HEADER_BYTES, { ...recordHeader(), corr: offset }, new Uint8Array(0), 0, 0);
          expect(skipPad(i32, BASE, CAPACITY, at), label).toBe(placed);
          const back = recordHeader();
          readRecord(i32, (BASE + (skipPad(i32, BASE, CAPACITY, at) & (CAPACITY - 1))) >> 2, back);
          expect(back.corr, label).toBe(offset);
        }
      }
    }
  });

  it('reads a record that starts at position 0 as itself, not as padding', () => {
    const sab = new SharedArrayBuffer(BASE + CAPACITY);
    const i32 = new Int32Array(sab);
    writeRecord(i32, new Uint8Array(sab), BASE >> 2, RECORD_HEADER_BYTES, recordHeader(), new Uint8Array(0), 0, 0);
    expect(skipPad(i32, BASE, CAPACITY, 3 * CAPACITY)).toBe(3 * CAPACITY);
  });

  it('never writes before the data area or past its end, whatever the counter', () => {
    const next = prng(11);
    const sab = new SharedArrayBuffer(BASE + CAPACITY + 64);
    const u8 = new Uint8Array(sab);
    const i32 = new Int32Array(sab);
    u8.fill(CANARY);
    let at = 2 ** 31 - 3 * CAPACITY; // crosses the Int32 overflow on the way
    for (let n = 0; n < 5000; n++) {
      const length = next() % (CAPACITY / 2 - RECORD_HEADER_BYTES + 1);
      const size = recordBytes(length);
      at = placeRecord(i32, BASE, CAPACITY, at, size);
      writeRecord(i32, u8, (BASE + (at & (CAPACITY - 1))) >> 2, RECORD_HEADER_BYTES, recordHeader(), sourceBytes(length, n), 0, length);
      at = (at + size) | 0;
    }
    const outside = [...u8.subarray(0, BASE), ...u8.subarray(BASE + CAPACITY)].filter((b) => b !== CANARY);
    expect(outside).toEqual([]);
  });
});

describe('copyBytes', () => {
  it('copies any range to any offset, aligned or not, small or large, and nothing else', () => {
    const next = prng(5);
    // Views that start at their buffer, at an odd byte of it, and 4 bytes into it; plain and shared memory.
    const view = (buffer: ArrayBufferLike, offset: number, seed: number): Uint8Array => {
      const v = new Uint8Array(buffer, offset, 700);
      v.set(sourceBytes(700, seed));
      return v;
    };
    const sources = [
      view(new ArrayBuffer(700), 0, 1),
      view(new ArrayBuffer(710), 3, 2),
      view(new SharedArrayBuffer(704), 4, 3),
      Buffer.from(sourceBytes(700, 4)),
    ];
    for (const source of sources) {
      for (let round = 0; round < 400; round++) {
        const length = round < 6 ? [0, SMALL_COPY, SMALL_COPY + 1, SMALL_COPY + 2, SMALL_COPY + 3, source.length][round]! : next() % 400;
        const start = length === source.length ? 0 : next() % (source.length - length + 1);
        const to = new Uint8Array(new SharedArrayBuffer(1024)).fill(CANARY);
        const at = next() % (to.length - length + 1);
        const before = source.slice();

        copyBytes(to, at, source, start, start + length);

        const expected = new Uint8Array(1024).fill(CANARY);
        expected.set(source.subarray(start, start + length), at);
        const changed = changedBytes(to, expected);
        if (changed.length > 0) expect.fail(`round ${round} (start ${start}, at ${at}, length ${length}): bytes ${changed.slice(0, 8).join(', ')} wrong`);
        expect(Buffer.compare(source, before)).toBe(0);
      }
    }
  });

  it('copies into a view that does not start at its buffer', () => {
    const backing = new Uint8Array(new SharedArrayBuffer(1024)).fill(CANARY);
    const view = backing.subarray(12, 512);
    const source = sourceBytes(300, 4);
    copyBytes(view, 4, source, 8, 208);
    expect(Buffer.compare(backing.subarray(16, 216), source.subarray(8, 208))).toBe(0);
    expect(backing.subarray(0, 16).every((b) => b === CANARY)).toBe(true);
    expect(backing.subarray(216).every((b) => b === CANARY)).toBe(true);
  });
});
