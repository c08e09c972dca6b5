/**
 * The metrics page: one SharedArrayBuffer per thread (the main thread's included, and the only one inline),
 * allocated by the main thread with the rings, so that it can read every thread's figures at any moment without a
 * message, even while that thread is stuck in a synchronous loop, and so that a replacement worker continues its
 * predecessor's counters instead of starting from 0.
 *
 * ```
 *  byte 0                512                                512 + 256 × rows
 *  +---------------------+----------------------------------+-------------------------------------------+
 *  | header (Float64)    | name slots, 256 bytes each:      | rows, 64 Float64 words (512 bytes) each,   |
 *  | [0] version         | [0] byte length (Int32, 0 = free)| one per actor definition hosted here:      |
 *  | [1] rows            | [4..] the definition's name,     | [0] live   [1] queued   [2] processed      |
 *  | [2] overflowed      |       UTF-8, at most 252 bytes   | [3] failed [4] restarted [5..7] unused      |
 *  | [3] parks [4] wakes |                                  | [8..34] processing-time buckets, [35] sum  |
 *  | [8 + r] dead letters|                                  | [36..62] mailbox-wait buckets,   [63] sum  |
 *  |   of reason r       |                                  |                                            |
 *  +---------------------+----------------------------------+-------------------------------------------+
 * ```
 * `rows` (the page's capacity, `metrics.maxDefinitions`) and `version` are written by the main thread at
 * allocation, before any other thread sees the page. Everything else has one writer, the page's thread (the dead
 * letters: the main thread, which publishes them; a worker given up on: the main thread once it is dead).
 *
 * Rows are given out in the order definitions first spawn an actor on the thread. A row's name slot is filled
 * before it is used, and its length is published with `Atomics.store` after the bytes (rare: once per definition),
 * so a reader that sees a length reads the whole name. The last row is the **other** row: once every other row is
 * taken, the actors of further definitions are counted there, and `overflowed` counts how many definitions that
 * is (names longer than 252 UTF-8 bytes go there too). Nothing is dropped: the sums over rows stay exact.
 *
 * Counters and histogram buckets are Float64 written with plain stores: an Atomics operation per counter would
 * be a locked instruction per message on the hot path, for no gain, since only one thread writes a page. A Float64
 * store is one aligned 8-byte store on the 64-bit machines Node runs on (x64, arm64), which other threads see
 * whole; the ECMAScript memory model does not promise that for Float64 elements (only integer elements are
 * tear-free), so a reader could in theory see a torn value, which no supported platform produces. Values from one
 * read are not a consistent cut across counters (a message may show as processed before its bucket does).
 *
 * Histogram buckets are exponential: bucket k (0..25) counts durations of at most 2^k µs (1 µs to ~33.5 s), and
 * bucket 26 the longer ones. Counts are per bucket (not cumulative); sums are in seconds.
 */

export const METRICS_VERSION = 1;

/** Float64 words of the header. */
export const MH_WORDS = 64;
export const MH_VERSION = 0;
export const MH_ROWS = 1;
export const MH_OVERFLOWED = 2;
export const MH_PARKS = 3;
export const MH_WAKES = 4;
/** Float64 index of the dead-letter counter of reason index `r` (DEAD_LETTER_REASONS order, metrics/reasons.ts). */
export const MH_DEAD_LETTERS = 8;
/** The most dead-letter reasons the header has room for. */
export const MH_MAX_REASONS = MH_WORDS - MH_DEAD_LETTERS;

/** Bytes of one name slot: an Int32 length, then the UTF-8 bytes. */
export const NAME_SLOT_BYTES = 256;
export const NAME_MAX_BYTES = NAME_SLOT_BYTES - 4;
export const NAMES_OFFSET = MH_WORDS * 8;

/** Float64 words of one row, relative to the row's start. */
export const ROW_WORDS = 64;
export const R_LIVE = 0;
export const R_QUEUED = 1;
export const R_PROCESSED = 2;
export const R_FAILED = 3;
export const R_RESTARTED = 4;
/** Buckets per histogram: 26 bounded (2^0 .. 2^25 µs) and one for longer. */
export const BUCKETS = 27;
export const R_PROCESSING = 8;
export const R_PROCESSING_SUM = R_PROCESSING + BUCKETS;
export const R_WAIT = R_PROCESSING_SUM + 1;
export const R_WAIT_SUM = R_WAIT + BUCKETS;

/** The name the other row carries. */
export const OTHER_ROW = '(other)';

/** Bytes of a page with room for `rows` definitions (the last one the other row). */
export function metricsPageBytes(rows: number): number {
  return NAMES_OFFSET + rows * NAME_SLOT_BYTES + rows * ROW_WORDS * 8;
}

/** Float64 index of row `row`'s first word. */
export function rowWord(rows: number, row: number): number {
  return (NAMES_OFFSET + rows * NAME_SLOT_BYTES) / 8 + row * ROW_WORDS;
}

/** Byte offset of row `row`'s name slot. */
export function nameSlot(row: number): number {
  return NAMES_OFFSET + row * NAME_SLOT_BYTES;
}

export function allocateMetricsPage(rows: number): SharedArrayBuffer {
  const sab = new SharedArrayBuffer(metricsPageBytes(rows));
  const f64 = new Float64Array(sab);
  f64[MH_VERSION] = METRICS_VERSION;
  f64[MH_ROWS] = rows;
  return sab;
}

/** Upper bound of bucket `k` in seconds (Infinity for the last). */
export function bucketBound(k: number): number {
  return k >= BUCKETS - 1 ? Number.POSITIVE_INFINITY : 2 ** k / 1e6;
}

/** The bucket of a duration in ms: the smallest k with ms ≤ 2^k µs. */
export function bucketOf(ms: number): number {
  const us = ms * 1000;
  if (!(us > 1)) return 0; // negative, zero and NaN (a clock that did not move) count as the shortest
  if (us > 2 ** 25) return BUCKETS - 1;
  return 32 - Math.clz32(Math.ceil(us) - 1);
}
