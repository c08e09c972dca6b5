/**
 * A worker's journal: the part of its mailboxes that must outlive the worker. Records taken from the rings (and
 * messages a worker sends to itself) are copied here before they go into an actor's in-memory mailbox, and marked
 * DONE once handled; a spawn record stays live as long as its actor. When a worker dies, its replacement reads back
 * the live records (`recoverJournal`) and re-creates the actors and their queued messages from them, in order.
 *
 * Contract: one owner thread writes a journal (plain stores: nobody reads it concurrently); after the owner died,
 * exactly one thread (its replacement, or the main thread giving up on it) reads it back. The layout is drawn in
 * layout.ts; records are framed as in the rings (record.ts), with four words of the journal's own after the header.
 *
 * Space: records are appended at `tail` and the space before `head` is reused once every record up to it is DONE.
 * A record whose actor is slow pins `head`, so when free space runs short the live records between head and tail
 * are compacted: copied, in order, to the tail (same slot, so the mailbox entries that refer to them follow). Live
 * bytes are capped at a quarter of the capacity, which keeps room for that copy and makes it cheap (each compaction
 * copies at most a quarter while at least half the capacity of appends separates two compactions).
 */
import { CorruptMemoryError } from '../errors.js';
import {
  JOURNAL_HEADER_BYTES,
  JOURNAL_RECORD_HEADER_BYTES,
  JR_SLOT,
  JR_SRC_END,
  JR_SRC_THREAD,
  JR_STATE,
  JS_DONE,
  JS_QUEUED,
  JS_STARTED,
  JS_STASHED,
  J_CONSUMED,
  J_HEAD,
  J_LAST_CORR,
  J_MAX_THREADS,
  J_NEXT_LOCAL,
  J_SPAWN_SEEN,
  J_TAIL,
  J_UNJOURNALED,
  REC_LENGTH,
  journalRecordBytes,
} from './layout.js';
import { placeRecord, readRecord, recordHeader, skipPad, writeRecord, type RecordHeader } from './record.js';

export class Journal {
  readonly capacity: number;
  /** The whole buffer as bytes, for decoding payloads in place. */
  readonly bytes: Buffer;
  readonly #i32: Int32Array;
  readonly #u8: Uint8Array;
  readonly #mask: number;
  /** At most this many bytes of live records. */
  readonly #liveLimit: number;
  /** Free space kept beyond the live bytes so that a compaction can always copy them (plus padding). */
  readonly #slack: number;
  #head: number;
  #tail: number;
  #live = 0;
  /** Journal position of each live slot's record; slots are recycled through `#free`. */
  #slotPos = new Int32Array(256);
  #free = new Int32Array(256);
  #freeCount = 0;
  #nextSlot = 0;

  constructor(sab: SharedArrayBuffer) {
    this.capacity = sab.byteLength - JOURNAL_HEADER_BYTES;
    this.#mask = this.capacity - 1;
    this.#i32 = new Int32Array(sab);
    this.#u8 = new Uint8Array(sab);
    this.bytes = Buffer.from(sab);
    this.#liveLimit = this.capacity >> 2;
    // A PAD before a wrapped copy is shorter than the record after it, and the largest record is just over half a
    // ring (a ring record's largest payload plus the 48-byte header: capacity / 8 + 16 bytes): one ring covers it.
    this.#slack = this.capacity >> 2;
    this.#head = this.#i32[J_HEAD]!;
    this.#tail = this.#i32[J_TAIL]!;
  }

  /** Bytes of records not yet DONE. */
  get liveBytes(): number {
    return this.#live;
  }

  /** The most bytes of live records it holds (a quarter of the capacity: see the header). */
  get liveLimit(): number {
    return this.#liveLimit;
  }

  /** True when a record of `payloadBytes` would fit under the live limit. */
  hasRoom(payloadBytes: number): boolean {
    return this.#live + journalRecordBytes(payloadBytes) <= this.#liveLimit;
  }

  /**
   * Appends a record with header `h` and payload `payload[start, end)` in state QUEUED and returns its slot, or -1
   * when the live limit is reached (the caller keeps the message in memory only, and counts it with
   * `addUnjournaled`). `srcThread` and `srcEnd` are the ring it was taken from and the ring position just past it
   * (-1 and 0 for a record the thread wrote to itself). Header and payload are copied.
   */
  append(
    h: Readonly<RecordHeader>,
    srcThread: number,
    srcEnd: number,
    payload: Uint8Array,
    start = 0,
    end: number = payload.length,
  ): number {
    const size = journalRecordBytes(end - start);
    if (this.#live + size > this.#liveLimit) return -1;
    if (this.capacity - ((this.#tail - this.#head) | 0) < size * 2 + this.#live + this.#slack) this.#compact();
    const slot = this.#takeSlot();
    const w = this.#place(size);
    const i32 = this.#i32;
    writeRecord(i32, this.#u8, w, JOURNAL_RECORD_HEADER_BYTES, h, payload, start, end);
    i32[w + JR_STATE] = JS_QUEUED;
    i32[w + JR_SRC_THREAD] = srcThread;
    i32[w + JR_SRC_END] = srcEnd;
    i32[w + JR_SLOT] = slot;
    this.#slotPos[slot] = this.#tail;
    this.#tail = (this.#tail + size) | 0;
    i32[J_TAIL] = this.#tail;
    this.#live += size;
    return slot;
  }

  /** The record's handler began (or, for a spawn record, the spawn was acknowledged). */
  start(slot: number): void {
    this.#i32[this.#word(this.#slotPos[slot]!) + JR_STATE] = JS_STARTED;
  }

  /** The record was stashed, as the `seq`th stash on this thread (see JS_STASHED); it stays live. */
  stash(slot: number, seq: number): void {
    this.#i32[this.#word(this.#slotPos[slot]!) + JR_STATE] = JS_STASHED + (seq & 0x3fffffff);
  }

  /** The record is handled: its space can be reused once the records before it are done too. */
  done(slot: number): void {
    const pos = this.#slotPos[slot]!;
    const w = this.#word(pos);
    const i32 = this.#i32;
    i32[w + JR_STATE] = JS_DONE;
    this.#live -= journalRecordBytes(i32[w + REC_LENGTH]!);
    if (this.#freeCount === this.#free.length) this.#free = grow(this.#free);
    this.#free[this.#freeCount++] = slot;
    if (pos === this.#head) this.#advanceHead();
  }

  /** Records the ring position just past the last record taken from thread `from`'s ring. */
  consumed(from: number, end: number): void {
    this.#i32[J_CONSUMED + from] = end;
  }

  addUnjournaled(delta: number): void {
    this.#i32[J_UNJOURNALED]! += delta;
  }

  get nextLocal(): number {
    return this.#i32[J_NEXT_LOCAL]!;
  }
  set nextLocal(n: number) {
    this.#i32[J_NEXT_LOCAL] = n;
  }
  /** The last ask correlation id this thread used: a replacement continues after it, so late replies to the dead
   * worker's asks cannot settle the new worker's. */
  set lastCorr(corr: number) {
    this.#i32[J_LAST_CORR] = corr;
  }
  spawnSeen(from: number): number {
    return this.#i32[J_SPAWN_SEEN + from]!;
  }
  setSpawnSeen(from: number, counter: number): void {
    this.#i32[J_SPAWN_SEEN + from] = counter;
  }

  #word(pos: number): number {
    return (JOURNAL_HEADER_BYTES + (pos & this.#mask)) >> 2;
  }

  #takeSlot(): number {
    if (this.#freeCount > 0) return this.#free[--this.#freeCount]!;
    const slot = this.#nextSlot++;
    if (slot === this.#slotPos.length) this.#slotPos = grow(this.#slotPos);
    return slot;
  }

  /** Reserves `size` contiguous bytes at the tail (padding to the start when needed); returns the header word. */
  #place(size: number): number {
    this.#tail = placeRecord(this.#i32, JOURNAL_HEADER_BYTES, this.capacity, this.#tail, size);
    return this.#word(this.#tail);
  }

  #advanceHead(): void {
    const i32 = this.#i32;
    let head = this.#head;
    const tail = this.#tail;
    while (head !== tail) {
      head = skipPad(i32, JOURNAL_HEADER_BYTES, this.capacity, head);
      const w = this.#word(head);
      if (i32[w + JR_STATE] !== JS_DONE) break;
      head = (head + journalRecordBytes(i32[w + REC_LENGTH]!)) | 0;
    }
    this.#head = head;
    i32[J_HEAD] = head;
  }

  /**
   * Copies every live record between head and tail to the tail, in order, and moves head past the old copies.
   * The tail is published after each copy and the head only at the end: a crash in between leaves two copies of
   * some records with the same slot, and recovery keeps the first.
   */
  #compact(): void {
    const i32 = this.#i32;
    const u8 = this.#u8;
    const end = this.#tail;
    let p = this.#head;
    while (p !== end) {
      p = skipPad(i32, JOURNAL_HEADER_BYTES, this.capacity, p);
      const w = this.#word(p);
      const size = journalRecordBytes(i32[w + REC_LENGTH]!);
      if (i32[w + JR_STATE] !== JS_DONE) {
        const to = this.#place(size);
        u8.copyWithin(to << 2, w << 2, (w << 2) + size);
        this.#slotPos[i32[w + JR_SLOT]!] = this.#tail;
        this.#tail = (this.#tail + size) | 0;
        i32[J_TAIL] = this.#tail;
      }
      p = (p + size) | 0;
    }
    this.#head = end;
    i32[J_HEAD] = end;
    this.#advanceHead();
  }
}

/** A live record read back from a dead worker's journal: its header, state, and a private copy of its payload. */
export interface RecoveredRecord extends RecordHeader {
  /** JS_QUEUED, JS_STARTED, or JS_STASHED + the stash sequence number. */
  state: number;
  payload: Uint8Array;
}

export interface RecoveredJournal {
  /** Live records in journal order (the order they were taken). */
  records: RecoveredRecord[];
  /** Per source thread: the ring position just past the last record the dead worker took (-1: none recorded). */
  consumed: number[];
  spawnSeen: number[];
  nextLocal: number;
  lastCorr: number;
  /** Messages the dead worker held in memory only (its journal was full, or they waited for room in a ring). */
  unjournaled: number;
}

/**
 * Reads back what a dead worker left in its journal and empties the journal for the next owner (the counters
 * `nextLocal` and `spawnSeen` stay: ids must never be reused).
 */
export function recoverJournal(sab: SharedArrayBuffer, threads: number): RecoveredJournal {
  const i32 = new Int32Array(sab);
  const u8 = new Uint8Array(sab);
  const capacity = sab.byteLength - JOURNAL_HEADER_BYTES;
  const mask = capacity - 1;
  const consumed: number[] = [];
  const spawnSeen: number[] = [];
  for (let t = 0; t < Math.min(threads, J_MAX_THREADS); t++) {
    consumed.push(i32[J_CONSUMED + t]!);
    spawnSeen.push(i32[J_SPAWN_SEEN + t]!);
  }
  const records: RecoveredRecord[] = [];
  const seen = new Set<number>();
  const tail = i32[J_TAIL]!;
  let p = i32[J_HEAD]!;
  const corrupt = (detail: string): CorruptMemoryError => new CorruptMemoryError('a worker journal', detail);
  if (((tail - p) | 0) < 0 || ((tail - p) | 0) > capacity) throw corrupt(`head ${p} and tail ${tail} are ${(tail - p) | 0} bytes apart`);
  while (p !== tail) {
    p = skipPad(i32, JOURNAL_HEADER_BYTES, capacity, p);
    if (((tail - p) | 0) <= 0) throw corrupt(`a pad at ${p} jumps past the tail ${tail}`);
    const w = (JOURNAL_HEADER_BYTES + (p & mask)) >> 2;
    // A record journaled just before the consumed position was stored still counts as consumed.
    const src = i32[w + JR_SRC_THREAD]!;
    const srcEnd = i32[w + JR_SRC_END]!;
    if (src >= 0 && src < consumed.length && ((srcEnd - consumed[src]!) | 0) > 0) consumed[src] = srcEnd;
    const slot = i32[w + JR_SLOT]!;
    const state = i32[w + JR_STATE]!;
    const length = i32[w + REC_LENGTH]!;
    const size = length < 0 || length > capacity ? -1 : journalRecordBytes(length);
    if (size < 0 || size > ((tail - p) | 0) || (p & mask) + size > capacity) throw corrupt(`record of length ${length} at ${p}`);
    if (state !== JS_DONE && !seen.has(slot)) {
      seen.add(slot);
      const header = recordHeader();
      readRecord(i32, w, header);
      const at = (w << 2) + JOURNAL_RECORD_HEADER_BYTES;
      records.push({ ...header, state, payload: u8.slice(at, at + length) });
    }
    p = (p + journalRecordBytes(length)) | 0;
  }
  const unjournaled = i32[J_UNJOURNALED]!;
  i32[J_HEAD] = tail;
  i32[J_UNJOURNALED] = 0;
  return { records, consumed, spawnSeen, nextLocal: i32[J_NEXT_LOCAL]!, lastCorr: i32[J_LAST_CORR]!, unjournaled };
}

function grow(a: Int32Array<ArrayBuffer>): Int32Array<ArrayBuffer> {
  const b = new Int32Array(a.length * 2);
  b.set(a);
  return b;
}
