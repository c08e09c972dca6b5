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
 * plain writes before it). A full ring is a `false` return value, never an exception.
 */
import {
  PAD,
  RECORD_HEADER_BYTES,
  REC_CORR,
  REC_KIND,
  REC_LENGTH,
  REC_SENDER_HI,
  REC_SENDER_LO,
  REC_SENDER_THREAD,
  REC_TARGET_HI,
  REC_TARGET_LO,
  RING_HEAD,
  RING_HEADER_BYTES,
  RING_TAIL,
  maxRecordPayload,
  recordBytes,
} from './layout.js';

/** The fixed header fields of one record, as the consumer sees them. Reused: never hold on to it. */
export interface RecordView {
  kind: number;
  targetHi: number;
  targetLo: number;
  senderHi: number;
  senderLo: number;
  senderThread: number;
  corr: number;
  /** Byte offset of the payload inside `RingReader.bytes` (the whole SharedArrayBuffer). */
  payloadStart: number;
  payloadLength: number;
}

/** Payloads up to this many bytes are copied with a plain loop. */
export const SMALL_COPY = 96;

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
   * Appends one record whose payload is `payload[start, end)`. Returns false, writing nothing, when the ring lacks
   * room right now. The payload is copied; the caller may reuse it at once.
   */
  tryWrite(
    kind: number,
    targetHi: number,
    targetLo: number,
    senderHi: number,
    senderLo: number,
    senderThread: number,
    corr: number,
    payload: Uint8Array,
    start = 0,
    end: number = payload.length,
  ): boolean {
    const length = end - start;
    const size = recordBytes(length);
    const cap = this.capacity;
    let tail = this.#tail;
    let pos = tail & this.#mask;
    const contiguous = cap - pos;
    const need = size <= contiguous ? size : contiguous + size;
    if (cap - ((tail - this.#head) | 0) < need) {
      this.#head = Atomics.load(this.#i32, RING_HEAD);
      if (cap - ((tail - this.#head) | 0) < need) return false;
    }
    const i32 = this.#i32;
    if (size > contiguous) {
      // Never split a record: mark the fragment as padding and start again at position 0.
      i32[(RING_HEADER_BYTES + pos) >> 2] = PAD;
      tail = (tail + contiguous) | 0;
      pos = 0;
    }
    const w = (RING_HEADER_BYTES + pos) >> 2;
    i32[w + REC_LENGTH] = length;
    i32[w + REC_KIND] = kind;
    i32[w + REC_TARGET_HI] = targetHi;
    i32[w + REC_TARGET_LO] = targetLo;
    i32[w + REC_SENDER_HI] = senderHi;
    i32[w + REC_SENDER_LO] = senderLo;
    i32[w + REC_SENDER_THREAD] = senderThread;
    i32[w + REC_CORR] = corr;
    const at = RING_HEADER_BYTES + pos + RECORD_HEADER_BYTES;
    if (length <= SMALL_COPY) {
      // A byte loop beats TypedArray.set / Buffer.copy for small payloads (no view allocation, no native call).
      const u8 = this.#u8;
      for (let i = 0; i < length; i++) u8[at + i] = payload[start + i]!;
    } else {
      this.#u8.set(start === 0 && end === payload.length ? payload : payload.subarray(start, end), at);
    }
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
  readonly record: RecordView = {
    kind: 0,
    targetHi: 0,
    targetLo: 0,
    senderHi: 0,
    senderLo: 0,
    senderThread: 0,
    corr: 0,
    payloadStart: 0,
    payloadLength: 0,
  };
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
    const i32 = this.#i32;
    let pos = head & this.#mask;
    let w = (RING_HEADER_BYTES + pos) >> 2;
    let length = i32[w + REC_LENGTH]!;
    if (length === PAD) {
      head = (head + (this.capacity - pos)) | 0;
      pos = 0;
      w = RING_HEADER_BYTES >> 2;
      length = i32[w + REC_LENGTH]!;
    }
    const r = this.record;
    r.kind = i32[w + REC_KIND]!;
    r.targetHi = i32[w + REC_TARGET_HI]!;
    r.targetLo = i32[w + REC_TARGET_LO]!;
    r.senderHi = i32[w + REC_SENDER_HI]!;
    r.senderLo = i32[w + REC_SENDER_LO]!;
    r.senderThread = i32[w + REC_SENDER_THREAD]!;
    r.corr = i32[w + REC_CORR]!;
    r.payloadStart = RING_HEADER_BYTES + pos + RECORD_HEADER_BYTES;
    r.payloadLength = length;
    this.#head = head;
    this.#pending = recordBytes(length);
    return true;
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
