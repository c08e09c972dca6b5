/**
 * Record framing, shared by the rings (ring.ts) and the journal (journal.ts): the one type of a record's header,
 * the functions that store a record (length word, header words, payload) at a word of a data area and read it back,
 * and the PAD marker that keeps every record in one piece. The words are drawn in layout.ts.
 *
 * A data area is `capacity` bytes (a power of two) starting at byte `base` of a buffer, addressed by free-running
 * Int32 byte counters: a position is `counter & (capacity - 1)`. A record that would cross the end of the area is
 * placed at position 0 of the next lap instead, and the fragment it skipped is marked with `length = PAD`, so every
 * payload can be decoded in place.
 *
 * Contract: plain functions over memory the caller owns; none publishes anything. The ring makes a record visible
 * with its own `tail` store after `writeRecord` returns (a consumer never reads a record, or the PAD before it,
 * that is not published); the journal has a single writer and needs no publication (see journal.ts). The functions
 * allocate nothing, so they can run once per message.
 */
import { PAD, REC_CORR, REC_KIND, REC_LENGTH, REC_SENDER_HI, REC_SENDER_LO, REC_SENDER_THREAD, REC_TARGET_HI, REC_TARGET_LO } from './layout.js';

/**
 * The fixed fields of every record, ring or journal. Transport does not interpret them: `kind` and `corr` are the
 * protocol's (protocol.ts), the ids are 64-bit actor ids split into Int32 halves.
 *
 * Writers pass one reused object per call site and readers fill one reused object, so no header is allocated per
 * message; an object read back from a reader is valid only until its next read.
 */
export interface RecordHeader {
  kind: number;
  targetHi: number;
  targetLo: number;
  senderHi: number;
  senderLo: number;
  senderThread: number;
  /** Correlation id of an ask, a reply or an acknowledged system request; 0 when none. */
  corr: number;
}

/**
 * A header with every field 0, to reuse. Objects that carry a header (this one, a ring reader's `RecordView`, an
 * outbox entry, a `RecoveredRecord`) list its fields first and in this order, so that they share one field layout
 * for the loads in `writeRecord`.
 */
export function recordHeader(): RecordHeader {
  return { kind: 0, targetHi: 0, targetLo: 0, senderHi: 0, senderLo: 0, senderThread: 0, corr: 0 };
}

/**
 * Stores one record at Int32 index `w`: its length, the header `h`, and the payload `payload[start, end)` from byte
 * `payloadOffset` of the record on. The caller has placed the record (`placeRecord`) and owns the space.
 */
export function writeRecord(
  i32: Int32Array,
  u8: Uint8Array,
  w: number,
  payloadOffset: number,
  h: Readonly<RecordHeader>,
  payload: Uint8Array,
  start: number,
  end: number,
): void {
  i32[w + REC_LENGTH] = end - start;
  i32[w + REC_KIND] = h.kind;
  i32[w + REC_TARGET_HI] = h.targetHi;
  i32[w + REC_TARGET_LO] = h.targetLo;
  i32[w + REC_SENDER_HI] = h.senderHi;
  i32[w + REC_SENDER_LO] = h.senderLo;
  i32[w + REC_SENDER_THREAD] = h.senderThread;
  i32[w + REC_CORR] = h.corr;
  copyBytes(u8, (w << 2) + payloadOffset, payload, start, end);
}

/** Reads the header of the record at Int32 index `w` into `into` and returns its payload length. */
export function readRecord(i32: Int32Array, w: number, into: RecordHeader): number {
  into.kind = i32[w + REC_KIND]!;
  into.targetHi = i32[w + REC_TARGET_HI]!;
  into.targetLo = i32[w + REC_TARGET_LO]!;
  into.senderHi = i32[w + REC_SENDER_HI]!;
  into.senderLo = i32[w + REC_SENDER_LO]!;
  into.senderThread = i32[w + REC_SENDER_THREAD]!;
  into.corr = i32[w + REC_CORR]!;
  return i32[w + REC_LENGTH]!;
}

/**
 * Bytes a record of `size` bytes (`recordBytes`, `journalRecordBytes`) uses up when appended at counter `at`:
 * itself, plus the fragment up to the end of the data area when it does not fit before the end.
 */
export function spaceNeeded(at: number, capacity: number, size: number): number {
  const contiguous = capacity - (at & (capacity - 1));
  return size <= contiguous ? size : contiguous + size;
}

/**
 * Where a record of `size` bytes goes when appended at counter `at`: `at` itself when it fits before the end of
 * the data area; otherwise the start of the next lap, after marking the fragment from `at` on with PAD. The caller
 * has checked that `spaceNeeded` bytes are free.
 */
export function placeRecord(i32: Int32Array, base: number, capacity: number, at: number, size: number): number {
  const pos = at & (capacity - 1);
  const contiguous = capacity - pos;
  if (size <= contiguous) return at;
  i32[(base + pos) >> 2] = PAD;
  return (at + contiguous) | 0;
}

/**
 * The counter of the record that starts at or after counter `at`: `at`, or the start of the next lap when `at`
 * holds a PAD marker. Call it only where a record is known to follow (below the published tail): a PAD is always
 * written together with the record after it.
 */
export function skipPad(i32: Int32Array, base: number, capacity: number, at: number): number {
  const pos = at & (capacity - 1);
  return i32[(base + pos) >> 2] === PAD ? (at + (capacity - pos)) | 0 : at;
}

/** Payloads up to this many bytes are copied with a plain byte loop: no native call, no view to look up. */
export const SMALL_COPY = 96;

/** Int32 views over the buffers that large payloads are copied between: made once per buffer, not per message. */
const wordViews = new WeakMap<ArrayBufferLike, Int32Array>();

function wordsOf(buffer: ArrayBufferLike): Int32Array {
  let words = wordViews.get(buffer);
  if (words === undefined) {
    words = new Int32Array(buffer, 0, buffer.byteLength >> 2);
    wordViews.set(buffer, words);
  }
  return words;
}

/**
 * Copies `from[start, end)` to `to` at byte `at` (the two must not overlap), allocating nothing. `to.set(from.subarray(...))` would allocate a
 * view per call, and so does Node 20's `Buffer#copy` for part of a buffer (it builds the same view internally), so
 * only a whole source array goes to `TypedArray#set`. A part of one is copied by a loop: 4 bytes at a time when
 * both ends are 4-byte aligned, which they are on the hot paths (ring and journal payloads start 8-byte aligned,
 * and msgpackr aligns each encoding to 8 bytes of its buffer), else byte by byte.
 */
export function copyBytes(to: Uint8Array, at: number, from: Uint8Array, start: number, end: number): void {
  const length = end - start;
  if (length <= SMALL_COPY) {
    for (let i = 0; i < length; i++) to[at + i] = from[start + i]!;
    return;
  }
  if (start === 0 && end === from.length) {
    to.set(from, at);
    return;
  }
  const src = from.byteOffset + start;
  const dst = to.byteOffset + at;
  let i = 0;
  if (((src | dst) & 3) === 0) {
    const s32 = wordsOf(from.buffer);
    const d32 = wordsOf(to.buffer);
    const s = src >> 2;
    const d = dst >> 2;
    const words = length >> 2;
    for (let k = 0; k < words; k++) d32[d + k] = s32[s + k]!;
    i = words << 2;
  }
  for (; i < length; i++) to[at + i] = from[start + i]!;
}
