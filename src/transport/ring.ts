/**
 * A single-producer single-consumer ring of variable-length framed records in a SharedArrayBuffer.
 *
 * Contract: exactly one thread holds the RingWriter and exactly one other thread holds the RingReader of a ring.
 * Either side may be replaced by a new object on a new thread (a restarted worker): both read their starting
 * index back from shared memory. A producer that dies mid-write never published its `tail`, so a half-written
 * record is never visible.
 *
 * Publication follows ringbuf.js: each side loads the other's index once with `Atomics.load`, copies the record,
 * and publishes its own index with one `Atomics.store` (sequentially consistent, so it also orders the record's
 * plain writes before it). A full ring is a `false` return value, never an exception. How a record is framed
 * (header words, payload, PAD) is record.ts's, shared with the journal.
 */
import { RECORD_HEADER_BYTES, RING_HEAD, RING_HEADER_BYTES, RING_TAIL, maxRecordPayload, recordBytes } from './layout.js';
import { CorruptMemoryError } from '../errors.js';
import { placeRecord, readRecord, recordHeader, skipPad, spaceNeeded, writeRecord, type RecordHeader } from './record.js';

/** The record a RingReader is at: its header, and where its payload lies. Reused: never hold on to it. */
export interface RecordView extends RecordHeader {
  /** Byte offset of the payload inside `RingReader.bytes` (the whole SharedArrayBuffer). */
  payloadStart: number;
  payloadLength: number;
}

function capacityOf(sab: SharedArrayBuffer): number {
  return sab.byteLength - RING_HEADER_BYTES;
}

export class RingWriter {
  readonly capacity: number;
  readonly #mask: number;
  readonly #i32: Int32Array;
  readonly #u8: Uint8Array;
  #tail: number;
  /** Last head seen; refreshed from shared memory only when the cached value says the ring is full. */
  #head: number;

  constructor(sab: SharedArrayBuffer) {
    this.capacity = capacityOf(sab);
    this.#mask = this.capacity - 1;
    this.#i32 = new Int32Array(sab);
    this.#u8 = new Uint8Array(sab);
    this.#tail = Atomics.load(this.#i32, RING_TAIL);
    this.#head = Atomics.load(this.#i32, RING_HEAD);
  }

  /** The largest payload this ring can ever accept (`maxRecordPayload`). */
  get maxPayloadBytes(): number {
    return maxRecordPayload(this.capacity);
  }

  /**
   * Appends one record with header `h` and payload `payload[start, end)`. Returns false, writing nothing, when the
   * ring lacks room right now. Header and payload are copied; the caller may reuse both at once (and should: one
   * header object per call site keeps the hot path free of allocation).
   */
  tryWrite(h: Readonly<RecordHeader>, payload: Uint8Array, start = 0, end: number = payload.length): boolean {
    const size = recordBytes(end - start);
    const cap = this.capacity;
    let tail = this.#tail;
    const need = spaceNeeded(tail, cap, size);
    if (cap - ((tail - this.#head) | 0) < need) {
      this.#head = Atomics.load(this.#i32, RING_HEAD);
      if (cap - ((tail - this.#head) | 0) < need) return false;
    }
    const i32 = this.#i32;
    // Never split a record: past a fragment too short for it, it goes to position 0 (the fragment becomes PAD).
    tail = placeRecord(i32, RING_HEADER_BYTES, cap, tail, size);
    writeRecord(i32, this.#u8, (RING_HEADER_BYTES + (tail & this.#mask)) >> 2, RECORD_HEADER_BYTES, h, payload, start, end);
    tail = (tail + size) | 0;
    this.#tail = tail;
    Atomics.store(i32, RING_TAIL, tail);
    return true;
  }

  /** Bytes not yet consumed (an upper bound from the producer's side). */
  get usedBytes(): number {
    return (this.#tail - Atomics.load(this.#i32, RING_HEAD)) | 0;
  }
}

export class RingReader {
  readonly capacity: number;
  /** The whole SharedArrayBuffer as bytes, for decoding payloads in place (Buffer, so msgpackr can read it). */
  readonly bytes: Buffer;
  readonly record: RecordView = { ...recordHeader(), payloadStart: 0, payloadLength: 0 };
  readonly #mask: number;
  readonly #i32: Int32Array;
  /** Consumer position: the start of the record `record` describes, or of the next one. */
  #head: number;
  /** Size of the record currently described by `record` (0 when none): consumed by the next `next()`. */
  #pending = 0;
  #tail: number;

  constructor(sab: SharedArrayBuffer) {
    this.capacity = capacityOf(sab);
    this.#mask = this.capacity - 1;
    this.#i32 = new Int32Array(sab);
    this.bytes = Buffer.from(sab);
    this.#head = Atomics.load(this.#i32, RING_HEAD);
    this.#tail = this.#head;
  }

  /**
   * Moves past the previous record (if any) and describes the next one in `record`. The payload stays valid
   * until the next call to `next()` or `release()`. Returns false when the ring is empty.
   */
  next(): boolean {
    let head = (this.#head + this.#pending) | 0;
    this.#pending = 0;
    if (head === this.#tail) {
      this.#tail = Atomics.load(this.#i32, RING_TAIL);
      if (head === this.#tail) {
        this.#head = head;
        return false;
      }
    }
    const available = (this.#tail - head) | 0;
    head = skipPad(this.#i32, RING_HEADER_BYTES, this.capacity, head);
    const at = RING_HEADER_BYTES + (head & this.#mask);
    const r = this.record;
    const length = readRecord(this.#i32, at >> 2, r);
    // Every read is bounded by what the producer published: a corrupt length or tail is an error, never a read
    // past the tail (nor a loop over garbage).
    const left = (this.#tail - head) | 0;
    if (available > this.capacity || left <= 0 || length < 0 || length > this.capacity || recordBytes(length) > left || (head & this.#mask) + recordBytes(length) > this.capacity) {
      throw new CorruptMemoryError('a ring', `record of length ${length} at position ${head}, ${available} bytes published`);
    }
    r.payloadStart = at + RECORD_HEADER_BYTES;
    r.payloadLength = length;
    this.#head = head;
    this.#pending = recordBytes(length);
    return true;
  }

  /**
   * Leaves the record `record` describes in the ring: the next `next()` describes it again, and `release` does
   * not free it (a consumer that cannot take it yet: backpressure).
   */
  unread(): void {
    this.#pending = 0;
  }

  /** The ring position just past the record `record` describes (what `release` would publish). */
  get end(): number {
    return (this.#head + this.#pending) | 0;
  }

  /**
   * A replacement consumer skips what its dead predecessor had already taken (and journaled) without releasing:
   * moves the consumer position forward to `position`, never back.
   */
  skipTo(position: number): void {
    if (((position - this.#head - this.#pending) | 0) <= 0) return;
    this.#head = position;
    this.#pending = 0;
    this.#tail = position;
    Atomics.store(this.#i32, RING_HEAD, position);
  }

  /** Publishes the consumer position so the producer can reuse the space of every record read so far. */
  release(): void {
    const head = (this.#head + this.#pending) | 0;
    this.#head = head;
    this.#pending = 0;
    Atomics.store(this.#i32, RING_HEAD, head);
  }

  /** True when a record is waiting (cheap: one atomic load at most). */
  hasData(): boolean {
    return ((this.#head + this.#pending) | 0) !== Atomics.load(this.#i32, RING_TAIL);
  }
}
