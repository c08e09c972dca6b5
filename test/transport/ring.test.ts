/**
 * The SPSC ring (src/transport/ring.ts) on one thread: record framing, FIFO order under random interleavings,
 * wrap-around at every offset, what a full ring does, and re-attaching to a ring whose user was replaced.
 * The two-thread test is in ring-two-threads.test.ts.
 *
 * Every random input is seeded, so a failure reproduces: fast-check prints its seed and path, and the hand-rolled
 * generator below is a pure function of its seed.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  PAD,
  RECORD_HEADER_BYTES,
  RING_HEAD,
  RING_HEADER_BYTES,
  RING_TAIL,
  allocateRing,
  recordBytes,
} from '../../src/transport/layout.js';
import { recordHeader, type RecordHeader } from '../../src/transport/record.js';
import { RingReader, RingWriter } from '../../src/transport/ring.js';
import { prng } from '../fixtures/prng.js';

const FC_SEED = 0x5eed_2024;

/** The payload of record `seq`: `length` bytes from a PRNG seeded with the sequence number. */
function payloadFor(seq: number, length: number): Uint8Array {
  const next = prng(seq * 2654435761);
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = next() & 0xff;
  return out;
}

/** Header fields of record `seq`, each derived differently (some negative) so a swapped field cannot pass. */
function headerFor(seq: number): RecordHeader {
  return {
    kind: seq & 0xff,
    targetHi: seq ^ 0x0f0f,
    targetLo: -seq - 1,
    senderHi: Math.imul(seq, 3),
    senderLo: ~seq,
    senderThread: seq % 5,
    corr: seq,
  };
}

function writeSeq(writer: RingWriter, seq: number, length: number): boolean {
  return writer.tryWrite(headerFor(seq), payloadFor(seq, length));
}

/** Asserts that `reader.record` is record `seq` with a `length`-byte payload, every header field and byte intact. */
function expectRecord(reader: RingReader, seq: number, length: number): void {
  const { payloadStart, payloadLength, ...header } = reader.record;
  expect(header).toEqual(headerFor(seq));
  expect(payloadLength).toBe(length);
  expect(Buffer.compare(reader.bytes.subarray(payloadStart, payloadStart + payloadLength), payloadFor(seq, length))).toBe(0);
}

/** The header of the filler records `advanceTo` writes. */
const FILLER: RecordHeader = { ...recordHeader(), corr: -1 };

/** Writes and reads back filler records until the ring's position is `offset` (0, or 32..capacity-8). */
function advanceTo(writer: RingWriter, reader: RingReader, offset: number): void {
  // Every record is at least 32 bytes and never crosses the end, so positions 8..24 are unreachable; chunks of
  // at most capacity/2 keep each filler under maxPayloadBytes and sum to `offset` without crossing the end.
  let remaining = offset;
  while (remaining > 0) {
    const chunk = remaining > writer.capacity / 2 ? writer.capacity / 4 : remaining;
    expect(writer.tryWrite(FILLER, new Uint8Array(chunk - RECORD_HEADER_BYTES))).toBe(true);
    expect(reader.next()).toBe(true);
    remaining -= chunk;
  }
  reader.release();
}

type Op = { op: 'write'; length: number } | { op: 'read' } | { op: 'release' };

/**
 * Runs `ops` against a ring and against a model of its byte accounting, with a sequence verifier on the reader.
 * The model says a write fits exactly when the free bytes cover the record, plus the fragment up to the end of the
 * data area when the record does not fit before it (records are padded, never split).
 */
function runAgainstModel(capacity: number, ops: readonly Op[], startCounter = 0): void {
  const sab = allocateRing(capacity);
  const i32 = new Int32Array(sab);
  Atomics.store(i32, RING_TAIL, startCounter | 0);
  Atomics.store(i32, RING_HEAD, startCounter | 0);
  const writer = new RingWriter(sab);
  const reader = new RingReader(sab);

  // For each record written: its payload length and the model tail just past it (what releasing it frees up to).
  const written: { length: number; end: number }[] = [];
  let tail = startCounter; // unbounded model counters: no Int32 wrapping here
  let releasedHead = startCounter;
  let readCount = 0;
  let lastRejected: number | undefined;

  for (const step of ops) {
    if (step.op === 'write') {
      const size = recordBytes(step.length);
      const contiguous = capacity - (tail % capacity);
      const need = size <= contiguous ? size : contiguous + size;
      const fits = capacity - (tail - releasedHead) >= need;
      const seq = written.length;
      expect(writeSeq(writer, seq, step.length), `write of record ${seq} (${step.length} bytes)`).toBe(fits);
      if (fits) {
        tail += need;
        written.push({ length: step.length, end: tail });
      } else {
        lastRejected = step.length;
      }
      expect(writer.usedBytes).toBe(tail - releasedHead);
    } else if (step.op === 'read') {
      const expected = written[readCount];
      expect(reader.next()).toBe(expected !== undefined);
      if (expected !== undefined) expectRecord(reader, readCount++, expected.length);
    } else {
      reader.release();
      releasedHead = written[readCount - 1]?.end ?? releasedHead;
    }
  }

  // Drain: nothing lost, nothing duplicated, nothing extra.
  while (reader.next()) {
    const expected = written[readCount];
    expect(expected, `record ${readCount} was never written`).toBeDefined();
    expectRecord(reader, readCount++, expected?.length ?? -1);
  }
  reader.release();
  expect(readCount).toBe(written.length);
  expect(reader.hasData()).toBe(false);
  // The last write refused for lack of room succeeds once everything is read.
  if (lastRejected !== undefined) expect(writeSeq(writer, written.length, lastRejected)).toBe(true);
}

describe('RingWriter and RingReader', () => {
  it('reads back a written record with every header field and payload byte intact', () => {
    const sab = allocateRing(1024);
    const writer = new RingWriter(sab);
    const reader = new RingReader(sab);
    const payload = Uint8Array.from({ length: 37 }, (_, i) => (i * 53 + 7) & 0xff);

    const written: RecordHeader = {
      kind: 3,
      targetHi: -2147483648,
      targetLo: 2147483647,
      senderHi: -1,
      senderLo: 123456789,
      senderThread: 9,
      corr: -987654321,
    };
    expect(writer.tryWrite(written, payload)).toBe(true);
    expect(reader.hasData()).toBe(true);
    expect(reader.next()).toBe(true);

    const { payloadStart, payloadLength, ...header } = reader.record;
    expect(header).toEqual(written);
    expect(payloadLength).toBe(37);
    expect([...reader.bytes.subarray(payloadStart, payloadStart + payloadLength)]).toEqual([...payload]);
    expect(reader.next()).toBe(false);
  });

  it('copies the payload, so the caller may reuse its buffer at once', () => {
    const sab = allocateRing(1024);
    const writer = new RingWriter(sab);
    const reader = new RingReader(sab);
    const scratch = payloadFor(1, 20);
    writeSeq(writer, 1, 20);
    scratch.fill(0);
    expect(writer.tryWrite({ ...recordHeader(), corr: 2 }, scratch)).toBe(true);

    expect(reader.next()).toBe(true);
    expectRecord(reader, 1, 20);
    expect(reader.next()).toBe(true);
    expect(reader.record.payloadLength).toBe(20);
  });

  it('copies exactly payload[start, end) of a larger buffer, small or large, whatever the alignment of start', () => {
    const sab = allocateRing(4096);
    const writer = new RingWriter(sab);
    const reader = new RingReader(sab);
    const source = payloadFor(99, 1200);
    for (const length of [0, 5, 96, 97, 301, 1000]) {
      for (let start = 0; start < 8; start++) {
        expect(writer.tryWrite(headerFor(start), source, start, start + length)).toBe(true);
        expect(reader.next()).toBe(true);
        const { payloadStart, payloadLength } = reader.record;
        expect(payloadLength).toBe(length);
        expect(Buffer.compare(reader.bytes.subarray(payloadStart, payloadStart + length), source.subarray(start, start + length))).toBe(0);
        reader.release();
      }
    }
  });

  it('delivers records in FIFO order, losing and duplicating none, under any interleaving of writes and reads', () => {
    const op: fc.Arbitrary<Op> = fc.oneof(
      { weight: 5, arbitrary: fc.record({ op: fc.constant('write' as const), length: fc.integer({ min: 0, max: 300 }) }) },
      { weight: 2, arbitrary: fc.constant({ op: 'read' as const }) },
      { weight: 1, arbitrary: fc.constant({ op: 'release' as const }) },
    );
    // size 'max': fast-check's default 'small' size keeps arrays to a handful of operations, too few to fill a ring.
    fc.assert(
      fc.property(fc.constantFrom(1024, 2048), fc.array(op, { maxLength: 400, size: 'max' }), (capacity, ops) => {
        runAgainstModel(capacity, ops);
      }),
      { seed: FC_SEED, numRuns: 300 },
    );
  });

  it('keeps order when the free-running counters overflow the Int32 range', () => {
    const next = prng(42);
    const ops: Op[] = Array.from({ length: 5000 }, (): Op => {
      const r = next() % 8;
      return r < 4 ? { op: 'write', length: next() % 301 } : r < 7 ? { op: 'read' } : { op: 'release' };
    });
    // Just below 2^31 (the counters turn negative) and just below 2^32 (they pass through 0 again).
    runAgainstModel(1024, ops, 2 ** 31 - 5 * 64);
    runAgainstModel(2048, ops, 2 ** 32 - 5 * 64);
  });

  it('places a record that would cross the end of the data area at position 0, intact, at every start offset', () => {
    const capacity = 1024;
    const maxPayload = new RingWriter(allocateRing(capacity)).maxPayloadBytes;
    const offsets = [0];
    for (let o = RECORD_HEADER_BYTES; o < capacity; o += 8) offsets.push(o);

    const crossedAt = new Set<number>();
    for (const offset of offsets) {
      // Around the boundary (`fitsExactly` ends the record at the end of the data area, one more byte crosses it),
      // plus the smallest and largest payloads.
      const fitsExactly = capacity - offset - RECORD_HEADER_BYTES;
      const lengths = [0, 1, 7, fitsExactly - 8, fitsExactly - 1, fitsExactly, fitsExactly + 1, fitsExactly + 8, maxPayload];
      for (const length of new Set(lengths.filter((n) => n >= 0 && n <= maxPayload))) {
        const sab = allocateRing(capacity);
        const writer = new RingWriter(sab);
        const reader = new RingReader(sab);
        advanceTo(writer, reader, offset);
        const bytes = new Uint8Array(sab);
        bytes.fill(0xcd, RING_HEADER_BYTES); // canary over the whole data area

        // What the data area must hold afterwards: the canary, except the record and (if wrapped) the PAD word.
        const expected = bytes.slice();
        const size = recordBytes(length);
        let pos = offset;
        if (size > capacity - offset) {
          new DataView(expected.buffer).setInt32(RING_HEADER_BYTES + offset, PAD, true);
          pos = 0;
          crossedAt.add(offset);
        }
        const seq = offset * 1000 + length;
        const h = headerFor(seq);
        const words = [length, h.kind, h.targetHi, h.targetLo, h.senderHi, h.senderLo, h.senderThread, h.corr];
        const view = new DataView(expected.buffer);
        words.forEach((w, i) => view.setInt32(RING_HEADER_BYTES + pos + 4 * i, w, true));
        expected.set(payloadFor(seq, length), RING_HEADER_BYTES + pos + RECORD_HEADER_BYTES);

        expect(writeSeq(writer, seq, length), `offset ${offset}, length ${length}`).toBe(true);
        // Only the data area: the TAIL word in the header moved, as it should.
        if (Buffer.compare(bytes.subarray(RING_HEADER_BYTES), expected.subarray(RING_HEADER_BYTES)) !== 0) {
          expect.fail(`offset ${offset}, length ${length}: bytes outside the record (or the PAD word) changed`);
        }
        expect(reader.next()).toBe(true);
        expect(reader.record.payloadStart).toBe(RING_HEADER_BYTES + pos + RECORD_HEADER_BYTES);
        expectRecord(reader, seq, length);
        expect(reader.next()).toBe(false);
      }
    }
    // A record can cross the end only where less than the largest record fits before it.
    expect([...crossedAt]).toEqual(offsets.filter((o) => capacity - o < recordBytes(maxPayload)));
  });

  it('accepts a payload of maxPayloadBytes at every position of an empty ring', () => {
    for (const capacity of [1024, 2048]) {
      for (let offset = 0; offset < capacity; offset = offset === 0 ? RECORD_HEADER_BYTES : offset + 8) {
        const sab = allocateRing(capacity);
        const writer = new RingWriter(sab);
        const reader = new RingReader(sab);
        advanceTo(writer, reader, offset);
        expect(writeSeq(writer, offset, writer.maxPayloadBytes), `capacity ${capacity}, offset ${offset}`).toBe(true);
        expect(reader.next()).toBe(true);
        expectRecord(reader, offset, writer.maxPayloadBytes);
      }
    }
  });

  it('never writes the header bytes around the tail and head words', () => {
    const sab = allocateRing(1024);
    const bytes = new Uint8Array(sab);
    const canary = (i: number): number => (i * 29 + 0x5a) & 0xff;
    const tailWord = [RING_TAIL * 4, RING_TAIL * 4 + 4];
    const headWord = [RING_HEAD * 4, RING_HEAD * 4 + 4];
    const isIndexByte = (i: number): boolean =>
      (i >= tailWord[0]! && i < tailWord[1]!) || (i >= headWord[0]! && i < headWord[1]!);
    for (let i = 0; i < RING_HEADER_BYTES; i++) if (!isIndexByte(i)) bytes[i] = canary(i);

    const writer = new RingWriter(sab);
    const reader = new RingReader(sab);
    const next = prng(7);
    let written = 0;
    let read = 0;
    const lengths: number[] = [];
    for (let step = 0; step < 20_000; step++) {
      if (next() % 2 === 0) {
        const length = next() % 301;
        if (writeSeq(writer, written, length)) {
          lengths[written++] = length;
        }
      } else {
        if (reader.next()) expectRecord(reader, read, lengths[read++]!);
        if (next() % 3 === 0) reader.release();
      }
    }
    expect(read).toBeGreaterThan(1000); // the ring wrapped many times

    const changed: number[] = [];
    for (let i = 0; i < RING_HEADER_BYTES; i++) if (!isIndexByte(i) && bytes[i] !== canary(i)) changed.push(i);
    expect(changed).toEqual([]);
  });

  it('refuses a record when the ring is full, writing nothing', () => {
    const sab = allocateRing(1024);
    const writer = new RingWriter(sab);
    let count = 0;
    while (writeSeq(writer, count, 0)) count++;
    // 32-byte records fill all 1024 bytes: none is wasted.
    expect(count).toBe(1024 / recordBytes(0));

    const before = new Uint8Array(sab).slice();
    expect(writeSeq(writer, count, 0)).toBe(false);
    expect(writeSeq(writer, count, 200)).toBe(false);
    expect(new Uint8Array(sab)).toEqual(before);
  });

  it('makes space available to the writer on release(), not on next()', () => {
    const sab = allocateRing(1024);
    const writer = new RingWriter(sab);
    const reader = new RingReader(sab);
    const full = 1024 / recordBytes(0);
    for (let seq = 0; seq < full; seq++) expect(writeSeq(writer, seq, 0)).toBe(true);

    expect(reader.next()).toBe(true);
    expectRecord(reader, 0, 0);
    expect(writeSeq(writer, full, 0)).toBe(false);

    reader.release();
    expect(writeSeq(writer, full, 0)).toBe(true);
    expect(writeSeq(writer, full + 1, 0)).toBe(false);

    for (let seq = 1; seq <= full; seq++) {
      expect(reader.next()).toBe(true);
      expectRecord(reader, seq, 0);
    }
    expect(reader.next()).toBe(false);
  });

  it('lets a new RingWriter over the same buffer append after the records of the writer it replaces', () => {
    const sab = allocateRing(1024);
    const first = new RingWriter(sab);
    const reader = new RingReader(sab);
    advanceTo(first, reader, 1000); // so the records below wrap around the end
    for (let seq = 0; seq < 5; seq++) expect(writeSeq(first, seq, 40)).toBe(true);

    const replacement = new RingWriter(sab);
    for (let seq = 5; seq < 10; seq++) expect(writeSeq(replacement, seq, 40)).toBe(true);

    for (let seq = 0; seq < 10; seq++) {
      expect(reader.next()).toBe(true);
      expectRecord(reader, seq, 40);
    }
    expect(reader.next()).toBe(false);
  });

  it('lets a new RingWriter see the space released before it was created', () => {
    const sab = allocateRing(1024);
    const first = new RingWriter(sab);
    const reader = new RingReader(sab);
    const full = 1024 / recordBytes(0);
    for (let seq = 0; seq < full; seq++) expect(writeSeq(first, seq, 0)).toBe(true);
    expect(reader.next()).toBe(true);
    reader.release();

    const replacement = new RingWriter(sab);
    expect(writeSeq(replacement, full, 0)).toBe(true);
    expect(writeSeq(replacement, full + 1, 0)).toBe(false);
  });

  it('lets a new RingReader over the same buffer resume at the first record its predecessor did not release', () => {
    const sab = allocateRing(1024);
    const writer = new RingWriter(sab);
    const first = new RingReader(sab);
    advanceTo(writer, first, 1000);
    for (let seq = 0; seq < 10; seq++) expect(writeSeq(writer, seq, 24)).toBe(true);

    for (let seq = 0; seq < 4; seq++) {
      expect(first.next()).toBe(true);
      expectRecord(first, seq, 24);
    }
    first.release();
    // Read but never released: a reader that dies here has not handed these back, so they are delivered again.
    expect(first.next()).toBe(true);
    expect(first.next()).toBe(true);

    const replacement = new RingReader(sab);
    for (let seq = 4; seq < 10; seq++) {
      expect(replacement.next()).toBe(true);
      expectRecord(replacement, seq, 24);
    }
    expect(replacement.next()).toBe(false);
  });
});

describe('allocateRing', () => {
  it.each([0, 8, 512, 1000, 1023, 1025, 1536, 3000, -1024, 1024.5, Number.NaN, Number.POSITIVE_INFINITY])(
    'rejects a capacity of %s bytes with a RangeError',
    (capacity) => {
      expect(() => allocateRing(capacity)).toThrow(RangeError);
    },
  );

  it.each([1024, 2048, 65536])('allocates the header lines plus %s data bytes', (capacity) => {
    const sab = allocateRing(capacity);
    expect(sab.byteLength).toBe(RING_HEADER_BYTES + capacity);
    expect(new RingWriter(sab).capacity).toBe(capacity);
    expect(new RingReader(sab).capacity).toBe(capacity);
  });
});
