/**
 * The writer side of this thread's metrics page (transport/metrics-layout.ts): which row each actor definition
 * counts in, and the few writes the rest of the runtime makes into it. The counting itself is inline where it
 * happens (turns.ts, delivery into a mailbox, lifecycle, supervision), as plain writes `page[row + R_...]++`: this
 * class is only looked at when an actor is created, not per message.
 *
 * Contract: one MetricsWriter per Runtime, used only by its thread (the page's one writer). A replacement worker
 * builds its writer over its predecessor's page: the rows it finds keep their definitions and their counters.
 */
import type { MetricsTiming } from '../config.js';
import {
  BUCKETS,
  MH_OVERFLOWED,
  MH_ROWS,
  NAME_MAX_BYTES,
  OTHER_ROW,
  R_LIVE,
  R_QUEUED,
  nameSlot,
  bucketOf,
  rowWord,
} from '../transport/metrics-layout.js';

/**
 * `timingMask` per `metrics.timing`: a message is timed when `(++tick & mask) === 0`, so 'all' times every one,
 * 'sampled' every 16th, and 'off' (-1) none, tested first with one comparison.
 */
export const TIMING_MASK: Record<MetricsTiming, number> = { off: -1, sampled: 15, all: 0 };

export class MetricsWriter {
  /** The page, as Float64 words: what the hot path writes into. */
  readonly page: Float64Array;
  readonly buffer: SharedArrayBuffer;
  readonly timingMask: number;
  readonly #lengths: Int32Array;
  readonly #bytes: Uint8Array;
  readonly #rows: number;
  /** Definition name -> the Float64 index of its row. */
  readonly #rowOf = new Map<string, number>();
  #used = 0;

  constructor(sab: SharedArrayBuffer, timing: MetricsTiming) {
    this.buffer = sab;
    this.page = new Float64Array(sab);
    this.timingMask = TIMING_MASK[timing];
    this.#lengths = new Int32Array(sab);
    this.#bytes = new Uint8Array(sab);
    const rows = (this.#rows = this.page[MH_ROWS]!);
    // A replacement worker: the rows its predecessor named are its own (the other row's name maps to it too).
    const decoder = new TextDecoder();
    for (let row = 0; row < rows; row++) {
      const at = nameSlot(row);
      const len = Atomics.load(this.#lengths, at / 4);
      if (len === 0) continue;
      this.#rowOf.set(decoder.decode(this.#bytes.slice(at + 4, at + 4 + len)), rowWord(rows, row));
      if (row < rows - 1) this.#used = row + 1;
    }
  }

  /** The Float64 index of the row `definition` counts in: its own, or the other row once the page is full. */
  rowOf(definition: string): number {
    const known = this.#rowOf.get(definition);
    if (known !== undefined) return known;
    const rows = this.#rows;
    const encoded = new TextEncoder().encode(definition);
    const last = rows - 1;
    let word: number;
    if (this.#used < last && encoded.length <= NAME_MAX_BYTES && definition !== OTHER_ROW) {
      word = this.#name(this.#used++, encoded);
    } else {
      // The other row is named when first used. (A replacement worker knows only the names in the slots, so a
      // definition its predecessor had already sent here is counted in `overflowed` once more.)
      word = rowWord(rows, last);
      if (!this.#rowOf.has(OTHER_ROW)) this.#rowOf.set(OTHER_ROW, this.#name(last, new TextEncoder().encode(OTHER_ROW)));
      this.page[MH_OVERFLOWED]!++;
    }
    this.#rowOf.set(definition, word);
    return word;
  }

  #name(row: number, encoded: Uint8Array): number {
    const at = nameSlot(row);
    this.#bytes.set(encoded, at + 4);
    // After the bytes: a reader that sees the length sees the name (the only Atomics on this page; once per row).
    Atomics.store(this.#lengths, at / 4, encoded.length);
    return rowWord(this.#rows, row);
  }

  /**
   * A replacement worker, before it recovers: its predecessor's actors and mailboxes died with it, and recovery
   * counts them again as it re-creates them. Counters (processed, failed, ...) carry on.
   */
  resetGauges(): void {
    const page = this.page;
    for (const word of this.#rowOf.values()) {
      page[word + R_LIVE] = 0;
      page[word + R_QUEUED] = 0;
    }
  }
}

/** Main thread, for a worker given up on (it will never write its page again): nothing lives or waits there now. */
export function clearGauges(sab: SharedArrayBuffer): void {
  const page = new Float64Array(sab);
  const rows = page[MH_ROWS]!;
  for (let row = 0; row < rows; row++) {
    page[rowWord(rows, row) + R_LIVE] = 0;
    page[rowWord(rows, row) + R_QUEUED] = 0;
  }
}

/** Counts a duration of `ms` in the histogram starting at Float64 index `base` of `page`: its bucket and its sum. */
export function observe(page: Float64Array, base: number, ms: number): void {
  page[base + bucketOf(ms)]!++;
  page[base + BUCKETS]! += ms / 1000;
}
