/**
 * The shared-memory layout: every offset into every SharedArrayBuffer that ringmaster uses is named here, except
 * the metrics pages', which have a module of their own (metrics-layout.ts).
 *
 * The main thread allocates all of this memory and hands it to workers through `workerData`, so it outlives any
 * worker that uses it (a replacement worker re-attaches to the same buffers).
 *
 * ## One ring (one SharedArrayBuffer per sender-thread → receiver-thread pair)
 *
 * ```
 *  byte 0          64              128                                    128 + capacity
 *  +---------------+---------------+--------------------------------------+
 *  | TAIL line     | HEAD line     | data: framed records, capacity =     |
 *  | [0] tail      | [16] head     | 2^k bytes; each record starts        |
 *  | written by    | written by    | 8-byte aligned and is never split    |
 *  | the producer  | the consumer  | (see PAD below)                      |
 *  +---------------+---------------+--------------------------------------+
 * ```
 * `[i]` is an Int32 index into the buffer (byte 4i).
 * `tail` and `head` are free-running byte counters (Int32, wrapping); a position is `counter & mask`. They sit on
 * separate 64-byte lines so the producer and the consumer never write the same cache line (LMAX Disruptor padding).
 *
 * ## One record
 * ```
 *  Int32 word: 0        1      2         3         4         5         6          7        8
 *             +--------+------+---------+---------+---------+---------+----------+--------+----------------+
 *             | length | kind | tgt hi  | tgt lo  | snd hi  | snd lo  | snd thrd | corr   | payload bytes  |
 *             +--------+------+---------+---------+---------+---------+----------+--------+----------------+
 * ```
 * `length` is the payload length in bytes; words 1-7 are a `RecordHeader` (record.ts), and the payload starts at
 * byte RECORD_HEADER_BYTES (32). The record occupies `recordBytes(length) = align8(RECORD_HEADER_BYTES + length)`
 * bytes. A record that would run past the end of the data area is not split: the producer writes `length = PAD`
 * at the current position and continues at position 0, so a consumer can decode every payload in place. Hence
 * the largest record is half the data area (`maxRecordPayload`): the fragment it may skip is then always shorter
 * than itself, and the two fit in an empty ring.
 *
 * ## Per-thread control block (one SharedArrayBuffer per thread, main included)
 * ```
 *  byte 0            64               128             192              256
 *  +-----------------+----------------+---------------+----------------+
 *  | [0] doorbell    | [16] parked    | [32] actors   | [48] heartbeat |
 *  +-----------------+----------------+---------------+----------------+
 * ```
 * `doorbell` is a counter a producer bumps and notifies only when `parked` is 1; only the parked thread itself ever
 * writes `parked` (a producer clearing it could wipe a fresh park and lose a wake-up). `actors` is the number of
 * actors the thread hosts, read by the least-loaded placement strategy from any thread. `heartbeat` is a
 * counter the thread's loop bumps; the main thread's watchdog declares a worker hung when it stops moving.
 *
 * ## Per-worker journal (one SharedArrayBuffer per worker)
 * ```
 *  Int32 word: 0      1      2             3            4           5 + t          70 + t          byte 544
 *             +------+------+-------------+------------+-----------+--------------+---------------+------------------+
 *             | tail | head | unjournaled | next local | last corr | consumed[t]  | spawn seen[t] | data: journal    |
 *             |      |      |             | id         |           | t = 0 .. 64  | t = 0 .. 64   | records, 4 ×     |
 *             |      |      |             |            |           |              |               | ringBytes        |
 *             +------+------+-------------+------------+-----------+--------------+---------------+------------------+
 * ```
 * `tail` and `head` are free-running byte counters over the data area, as in a ring; records never split and PAD
 * like the rings. `unjournaled` counts the messages the worker holds in memory only. `next local id` is the
 * worker's spawn counter and `last corr` the last ask correlation id it issued (a replacement continues after
 * both, so ids are never reused). `consumed[t]` is the position just past the last record taken from thread t's
 * ring into this worker, `spawn seen[t]` the highest spawn counter seen from thread t; t covers the most threads a
 * mesh can have (J_MAX_THREADS: 64 workers and the main thread). The header is those 135 words rounded up to 8
 * bytes (JOURNAL_HEADER_BYTES, 544), so the data area starts 8-byte aligned.
 *
 * Only the worker owning a journal writes it, and only a worker that replaces it after a crash reads it back, so
 * none of it needs atomics. What it holds is the worker's recoverable state: every message taken from a ring (or
 * sent to itself) and not yet handled, the spawn record of every actor it hosts, and stops not yet finished.
 *
 * ## One journal record
 * ```
 *  Int32 word: 0      1      2       3       4       5       6          7      8       9          10        11     12
 *             +------+------+-------+-------+-------+-------+----------+------+-------+----------+---------+------+---------
 *             | len  | kind | tgt hi| tgt lo| snd hi| snd lo| snd thrd | corr | state | src thrd | src end | slot | payload
 *             +------+------+-------+-------+-------+-------+----------+------+-------+----------+---------+------+---------
 *              '---------- the same words as a ring record -------------------' '----- the journal's own -------'
 * ```
 * Words 0-7 are framed exactly like a ring record's (record.ts writes both), and the payload starts at byte
 * JOURNAL_RECORD_HEADER_BYTES (48). `state` is QUEUED, STARTED (its handler began, or a spawn was acknowledged) or
 * DONE; `src thrd`/`src end` say which ring it came from and the ring position just past it (-1 for records a
 * thread wrote to itself), so that a replacement worker resumes each ring after the last record journaled; `slot`
 * identifies a record that compaction moved (a crash mid-move leaves two copies with one slot: the first is kept).
 *
 * ## Virtual-time block (one SharedArrayBuffer per system, only under manual time: the TestKit's `manualTime`)
 * ```
 *  byte 0                 8                  64 + 64t                                  96 + 64t      128 + 64t
 *  +----------------------+------------------+----------------------------------------+-------------+
 *  | [0] epoch (Int32)    | now (Float64)    | [0] seen epoch [1] pumping [2] busy    | next due    |  ... one
 *  | written by main only | main only        | [3] activity  (Int32, thread t only)   | (Float64)   |  line per
 *  +----------------------+------------------+----------------------------------------+-------------+  thread
 * ```
 * `now` is the virtual clock every thread reads (`ctx.now()`, timers, receive timeouts, ask deadlines, backoff);
 * the main thread moves it and then bumps `epoch`, which tells each thread to fire its timers due by `now`. Line
 * 1 + t belongs to thread t: the last epoch it fired timers for, whether it is inside a pump right now, how much
 * work it had left when its last pump ended (ready actors, outbox records, handlers awaiting something that is
 * not virtual time), a counter bumped at the start of every pump, and the earliest due time of its timers
 * (Infinity: none). The main thread reads them to tell whether the whole system is quiescent
 * (src/runtime/virtual-time.ts), without a message, even while a worker is busy.
 *
 * ## Routee table (one SharedArrayBuffer per system: pool routers, src/routing/)
 * ```
 *  byte 0                 64                     128                      64 × DEPTH_SLOTS
 *  +----------------------+----------------------+-------------------------+
 *  | slot 0: [0] pending  | slot 1: [16] pending |  ... one line per slot  |
 *  |         [1] tag      |         [17] tag     |                         |
 *  +----------------------+----------------------+-------------------------+
 * ```
 * A pool holds one slot for itself and one per routee. A routee's `pending` (smallest-mailbox pools only) counts
 * the messages routed to it and not yet handled: a sender on any thread adds 1 (`Atomics.add`) for each message a
 * router accepted for it, before writing the record, and the routee's host thread subtracts 1 (never below 0)
 * when a handler of that routee settles; it covers records still in a ring, the mailbox and the one being
 * handled. A routee's `tag` is its pool's tag while it is in the pool, 0 once the pool's head removed it. The
 * pool's own slot holds a version in `tag`, new at every removal and at the pool's stop. Tags and versions come
 * from one strictly increasing sequence per system, so a slot that another pool reuses never shows a number a
 * reader saw before: a RouterRef copied to another thread reads its pool's version, and re-reads the tags only
 * when it moved. Only the main thread (where pool heads live) hands out slots and writes tags and versions. One
 * line per slot: senders and hosts write different slots without false sharing.
 *
 * ## Credit table (one SharedArrayBuffer per system: bounded mailboxes, runtime/credits.ts)
 * ```
 *  Int32 word: 0            1     ...   8 × s + 0   8 × s + 1   8 × s + 2   8 × s + 3   8 × s + 4
 *             +------------+-----      +-----------+-----------+-----------+-----------+-----------+---
 *             | next slot  |  ...      | held      | capacity  | overflow  | waiters   | at risk   | ...
 *             +------------+-----      +-----------+-----------+-----------+-----------+-----------+---
 *              slot 0: the allocator    slot s (1 .. CREDIT_SLOTS - 1): one bounded actor
 * ```
 * An actor whose definition has a bounded mailbox gets a slot when it is spawned, and the slot is part of its id
 * (ids.ts), so that every thread holding its ref (or only its id, as a record's sender) finds the slot without a
 * message. `held` counts the credits taken: a sender on any thread adds 1 (`Atomics.add`) before it writes the
 * record and takes it back when `held` was already at `capacity`; the hosting thread subtracts 1 when the message
 * leaves the mailbox (its handler starts, or it is dropped or dead-lettered). So `held` covers the records still in
 * rings or waiting in a sender's outbox for ring room, and the mailbox; nothing else. `capacity` and `overflow`
 * (credits.ts OV_*) are written by the spawning thread
 * before the ref exists. `waiters` is 1 while some thread holds a `send` waiting for a credit: the host that gives a
 * credit back clears it and rings every thread's doorbell. `at risk` counts the messages the host holds for the
 * actor in memory only (unjournaled, see the journal): a replacement after a crash gives those credits back, since
 * the messages died with the worker. `next slot` hands out slots that no thread has freed yet (`Atomics.add`); a
 * freed slot goes to its freeing thread's own list (a slot whose old messages still hold credits starts that full).
 *
 * ## Stream boundary table (one SharedArrayBuffer per system: ringmaster/streams islands, src/streams/)
 * ```
 *  byte:  128 × b                    128 × b + 64
 *        +---------------------------+---------------------------+---
 *        | emitted (Float64), line   | consumed (Float64), line  |  ... two cache lines per boundary b
 *        +---------------------------+---------------------------+---
 * ```
 * One pair per async boundary of a running stream: `emitted` counts the elements the upstream island sent across
 * it, written only by that island's thread, and `consumed` those the downstream island handed on, written only by
 * its thread (plain Float64 stores, one writer each, on a cache line of its own: the two islands write theirs per
 * element); `stats()` reads both from the main thread without a message.
 * Only the main thread (where graphs are materialized) hands out pairs, and zeroes one before reuse.
 */

/** Bytes in one cache line; indexes written by different threads live on different lines. */
export const CACHE_LINE_BYTES = 64;
const LINE_WORDS = CACHE_LINE_BYTES / 4;

// ---- ring header (Int32 indexes): one cache line each ----
export const RING_TAIL = 0;
export const RING_HEAD = RING_TAIL + LINE_WORDS;
export const RING_HEADER_BYTES = (RING_HEAD + LINE_WORDS) * 4;

// ---- record header (Int32 indexes relative to the record start); words 1-7 are a RecordHeader (record.ts) ----
export const REC_LENGTH = 0;
export const REC_KIND = 1;
export const REC_TARGET_HI = 2;
export const REC_TARGET_LO = 3;
export const REC_SENDER_HI = 4;
export const REC_SENDER_LO = 5;
export const REC_SENDER_THREAD = 6;
export const REC_CORR = 7;
export const RECORD_HEADER_WORDS = REC_CORR + 1;
export const RECORD_HEADER_BYTES = RECORD_HEADER_WORDS * 4;
/** Records start on 8-byte boundaries. */
export const RECORD_ALIGN = 8;
/** A `length` of PAD marks the rest of the data area as unused; the consumer skips to position 0. */
export const PAD = -1;

// ---- per-thread control block (Int32 indexes): one cache line each ----
export const CTL_DOORBELL = 0;
export const CTL_PARKED = CTL_DOORBELL + LINE_WORDS;
export const CTL_ACTORS = CTL_PARKED + LINE_WORDS;
export const CTL_HEARTBEAT = CTL_ACTORS + LINE_WORDS;
/**
 * Until when (`Date.now()` in ms, as Int32: `Date.now() | 0`, compared wrap-safe) this thread saw the machine
 * oversubscribed (its spin was preempted): every thread's spin gate reads all of these (dispatch/spin-gate.ts).
 */
export const CTL_CONTENDED_UNTIL = CTL_HEARTBEAT + LINE_WORDS;
export const CONTROL_BYTES = (CTL_CONTENDED_UNTIL + LINE_WORDS) * 4;

// ---- virtual-time block: Int32 indexes, except the Float64 indexes VT_NOW and vtNextDue ----
export const VT_EPOCH = 0;
/** Float64 index of `now` (byte 8). */
export const VT_NOW = 1;
/** Int32 index of thread t's line: `vtLine(t) + VT_SEEN` etc. */
export const vtLine = (t: number): number => (t + 1) * LINE_WORDS;
export const VT_SEEN = 0;
export const VT_PUMPING = 1;
export const VT_BUSY = 2;
export const VT_ACTIVITY = 3;
/** Float64 index of thread t's earliest due timer (byte 32 of its line). */
export const vtNextDue = (t: number): number => (vtLine(t) + 8) / 2;

export function allocateTimeBlock(threads: number): SharedArrayBuffer {
  const sab = new SharedArrayBuffer((threads + 1) * CACHE_LINE_BYTES);
  const f64 = new Float64Array(sab);
  for (let t = 0; t < threads; t++) f64[vtNextDue(t)] = Number.POSITIVE_INFINITY;
  return sab;
}

// ---- journal header (Int32 indexes) ----
export const J_TAIL = 0;
export const J_HEAD = 1;
export const J_UNJOURNALED = 2;
export const J_NEXT_LOCAL = 3;
/** The last ask correlation id the worker issued (not the next one). */
export const J_LAST_CORR = 4;
/** Most threads a mesh can have: 64 workers and the main thread. */
export const J_MAX_THREADS = 65;
export const J_CONSUMED = J_LAST_CORR + 1;
export const J_SPAWN_SEEN = J_CONSUMED + J_MAX_THREADS;
export const JOURNAL_HEADER_WORDS = J_SPAWN_SEEN + J_MAX_THREADS;
export const JOURNAL_HEADER_BYTES = align8(JOURNAL_HEADER_WORDS * 4);

// ---- journal record header (Int32 indexes relative to the record start): a ring record header, then these ----
export const JR_STATE = RECORD_HEADER_WORDS;
export const JR_SRC_THREAD = JR_STATE + 1;
export const JR_SRC_END = JR_STATE + 2;
export const JR_SLOT = JR_STATE + 3;
export const JOURNAL_RECORD_HEADER_WORDS = JR_SLOT + 1;
export const JOURNAL_RECORD_HEADER_BYTES = JOURNAL_RECORD_HEADER_WORDS * 4;
export const JS_QUEUED = 0;
export const JS_STARTED = 1;
export const JS_DONE = 2;
/**
 * Stashed by its actor (`ctx.stash()`): live, and delivered first by a replacement. The state word holds
 * JS_STASHED + the stash sequence number, so a replacement restores the stash order (which an unstash and a
 * re-stash can make differ from the journal order).
 */
export const JS_STASHED = 16;

/** Bytes one journal record of `payloadBytes` occupies. */
export function journalRecordBytes(payloadBytes: number): number {
  return align8(JOURNAL_RECORD_HEADER_BYTES + payloadBytes);
}

/** A worker's journal holds four rings' worth, so that compaction always has room (see journal.ts). */
export function allocateJournal(ringBytes: number): SharedArrayBuffer {
  return new SharedArrayBuffer(JOURNAL_HEADER_BYTES + 4 * ringBytes);
}

/** `n` rounded up to a multiple of RECORD_ALIGN. */
export function align8(n: number): number {
  return (n + (RECORD_ALIGN - 1)) & ~(RECORD_ALIGN - 1);
}

/** Bytes one record of `payloadBytes` occupies in a ring. */
export function recordBytes(payloadBytes: number): number {
  return align8(RECORD_HEADER_BYTES + payloadBytes);
}

/**
 * The largest payload one record can carry in a ring of `ringBytes` data bytes: the record is at most half the ring,
 * so the fragment it may have to skip before the end of the data area (see PAD) is always shorter than itself and
 * both fit in an empty ring. The limit for `maxMessageBytes`, for system messages, and for `RingWriter`.
 */
export function maxRecordPayload(ringBytes: number): number {
  return (ringBytes >> 1) - RECORD_HEADER_BYTES;
}

export function allocateRing(capacityBytes: number): SharedArrayBuffer {
  if (!Number.isInteger(capacityBytes) || capacityBytes < 1024 || (capacityBytes & (capacityBytes - 1)) !== 0) {
    throw new RangeError(`ring capacity must be a power of two of at least 1024 bytes, got ${capacityBytes}`);
  }
  return new SharedArrayBuffer(RING_HEADER_BYTES + capacityBytes);
}

export function allocateControl(): SharedArrayBuffer {
  return new SharedArrayBuffer(CONTROL_BYTES);
}

/** Slots of the routee table: pools and pool routees alive at once in one system (a pool of n takes n + 1). */
export const DEPTH_SLOTS = 4096;
/** Int32 index of slot `i`'s pending count (a pool's slot: its id): one cache line per slot. */
export const depthWord = (slot: number): number => slot * LINE_WORDS;
/** Int32 index of slot `i`'s tag (a routee's pool id while it is in the pool; a pool's slot: its version). */
export const tagWord = (slot: number): number => slot * LINE_WORDS + 1;

export function allocateDepthTable(): SharedArrayBuffer {
  return new SharedArrayBuffer(DEPTH_SLOTS * CACHE_LINE_BYTES);
}

// ---- credit table (Int32 indexes): bounded mailboxes ----
/** Slots of the credit table: bounded-mailbox actors alive at once in one system, plus slot 0 (the allocator). */
export const CREDIT_SLOTS = 8192;
const CREDIT_WORDS = 8;
/** Int32 index of the next never-used slot (slot 0's first word). */
export const CR_NEXT = 0;
export const crHeld = (slot: number): number => slot * CREDIT_WORDS;
export const crCapacity = (slot: number): number => slot * CREDIT_WORDS + 1;
export const crOverflow = (slot: number): number => slot * CREDIT_WORDS + 2;
export const crWaiters = (slot: number): number => slot * CREDIT_WORDS + 3;
export const crAtRisk = (slot: number): number => slot * CREDIT_WORDS + 4;

export function allocateCreditTable(): SharedArrayBuffer {
  const sab = new SharedArrayBuffer(CREDIT_SLOTS * CREDIT_WORDS * 4);
  new Int32Array(sab)[CR_NEXT] = 1;
  return sab;
}

// ---- stream boundary table (Float64 indexes) ----
/** Async boundaries of running streams alive at once in one system. */
export const BOUNDARY_SLOTS = 4096;
/** Float64 words per boundary: two cache lines, one per writer (no false sharing between the two islands). */
const BOUNDARY_WORDS = (2 * CACHE_LINE_BYTES) / 8;
export const bdEmitted = (b: number): number => b * BOUNDARY_WORDS;
export const bdConsumed = (b: number): number => b * BOUNDARY_WORDS + CACHE_LINE_BYTES / 8;

export function allocateBoundaryTable(): SharedArrayBuffer {
  return new SharedArrayBuffer(BOUNDARY_SLOTS * BOUNDARY_WORDS * 8);
}
