/**
 * `system.metrics()`: a snapshot read from every thread's metrics page (transport/metrics-layout.ts) and from the
 * rings' own head and tail words. Reading sends no message and waits for nothing, so it answers while a worker
 * is stuck in a synchronous loop, which is when the figures matter most.
 *
 * Contract: main thread (it owns the memory); reads only. Figures of one snapshot are each exact at the moment
 * they were read, but not one consistent cut: a message may already count as processed and not yet in its
 * histogram.
 */
import type { MetricsTiming } from '../config.js';
import type { DeadLetterReason } from '../protocol.js';
import { RING_HEAD, RING_HEADER_BYTES, RING_TAIL } from '../transport/layout.js';
import {
  BUCKETS,
  MH_DEAD_LETTERS,
  MH_OVERFLOWED,
  MH_PARKS,
  MH_ROWS,
  MH_WAKES,
  R_FAILED,
  R_LIVE,
  R_PROCESSED,
  R_PROCESSING,
  R_QUEUED,
  R_RESTARTED,
  R_WAIT,
  bucketBound,
  nameSlot,
  rowWord,
} from '../transport/metrics-layout.js';
import { DEAD_LETTER_REASONS } from './reasons.js';

/** A distribution of durations, in the buckets of `MetricsSnapshot.bucketBounds`. */
export interface HistogramSnapshot {
  /** Durations timed. */
  count: number;
  /** Their sum, in seconds. */
  sum: number;
  /** Per bucket (not cumulative): `buckets[k]` counts durations in (bucketBounds[k - 1], bucketBounds[k]]. */
  buckets: number[];
}

/** One actor definition on one thread: the row labels are bounded by (never one per actor). */
export interface DefinitionMetrics {
  /** The definition's name, or `'(other)'`: the row of every definition past `metrics.maxDefinitions` - 1. */
  definition: string;
  thread: number;
  /** Actors of it alive on the thread now. */
  actors: number;
  /** Entries in their mailboxes now (exact): messages, timer ticks and stops waiting, not those still in a ring. */
  mailboxDepth: number;
  /** Handlings that ran and settled, failed ones included: each message once (a stashed and unstashed one twice). */
  processed: number;
  /** Messages whose handler threw or rejected. */
  failed: number;
  /** Restarts by its supervisor (a re-creation after a worker crash is not one). */
  restarts: number;
  /** Handler time, from the call to the settling of its promise (timed per `metrics.timing`). */
  processingTime: HistogramSnapshot;
  /** Time in the mailbox, from entering it to its handler's call (timed per `metrics.timing`). */
  mailboxWait: HistogramSnapshot;
}

export interface ThreadMetrics {
  /** 0 is the main thread. */
  thread: number;
  /** Whether the thread runs: a worker that died and waits for its replacement, or was given up on, is not up. */
  up: boolean;
  /** Times its loop parked (slept until a message), and times a ring on its doorbell woke it. */
  parks: number;
  wakes: number;
  /** Definitions counted in the `(other)` row because the page had no row left for them. */
  overflowedDefinitions: number;
  /** One entry per definition that has had an actor on this thread (rows never go away). */
  definitions: DefinitionMetrics[];
}

/** The bytes waiting in the ring from thread `from` to thread `to`: written and not yet read. */
export interface RingMetrics {
  from: number;
  to: number;
  usedBytes: number;
  capacityBytes: number;
}

export interface MetricsSnapshot {
  /** `metrics.timing`: what the histograms time. */
  timing: MetricsTiming;
  /** Upper bounds of the histogram buckets, in seconds (1 µs × 2^k, then Infinity). */
  bucketBounds: number[];
  /** Every thread, the main thread (0) first; inline, the main thread alone. */
  threads: ThreadMetrics[];
  /** Every row of every thread (the `definitions` of `threads`, flattened). */
  definitions: DefinitionMetrics[];
  /** Dead letters published on the event stream, by reason, since the system started. */
  deadLetters: Record<DeadLetterReason, number>;
  /** Every ring between two threads (none inline). */
  rings: RingMetrics[];
}

/** What the reader needs: each thread's page, the rings, and who is up. */
export interface MetricsSource {
  timing: MetricsTiming;
  pages: readonly SharedArrayBuffer[];
  threads: number;
  /** Index `from * threads + to`; null on the diagonal. */
  rings: readonly (SharedArrayBuffer | null)[];
  isUp(thread: number): boolean;
}

export const BUCKET_BOUNDS: readonly number[] = Array.from({ length: BUCKETS }, (_, k) => bucketBound(k));

export function readMetrics(src: MetricsSource): MetricsSnapshot {
  const threads = src.pages.map((sab, t) => readThread(sab, t, src.isUp(t)));
  const main = new Float64Array(src.pages[0]!);
  const deadLetters = {} as Record<DeadLetterReason, number>;
  DEAD_LETTER_REASONS.forEach((r, i) => {
    deadLetters[r] = main[MH_DEAD_LETTERS + i]!;
  });
  const rings: RingMetrics[] = [];
  for (let from = 0; from < src.threads; from++) {
    for (let to = 0; to < src.threads; to++) {
      const sab = src.rings[from * src.threads + to];
      if (sab) rings.push({ from, to, ...ringOccupancy(sab) });
    }
  }
  return {
    timing: src.timing,
    bucketBounds: [...BUCKET_BOUNDS],
    threads,
    definitions: threads.flatMap((t) => t.definitions),
    deadLetters,
    rings,
  };
}

function readThread(sab: SharedArrayBuffer, thread: number, up: boolean): ThreadMetrics {
  const page = new Float64Array(sab);
  const lengths = new Int32Array(sab);
  const bytes = new Uint8Array(sab);
  const rows = page[MH_ROWS]!;
  const decoder = new TextDecoder();
  const definitions: DefinitionMetrics[] = [];
  for (let row = 0; row < rows; row++) {
    const at = nameSlot(row);
    // Published after the name's bytes (runtime/metrics.ts): a length seen means the whole name is there.
    const len = Atomics.load(lengths, at / 4);
    if (len === 0) continue;
    const w = rowWord(rows, row);
    definitions.push({
      definition: decoder.decode(bytes.slice(at + 4, at + 4 + len)),
      thread,
      actors: page[w + R_LIVE]!,
      mailboxDepth: page[w + R_QUEUED]!,
      processed: page[w + R_PROCESSED]!,
      failed: page[w + R_FAILED]!,
      restarts: page[w + R_RESTARTED]!,
      processingTime: histogram(page, w + R_PROCESSING),
      mailboxWait: histogram(page, w + R_WAIT),
    });
  }
  return {
    thread,
    up,
    parks: page[MH_PARKS]!,
    wakes: page[MH_WAKES]!,
    overflowedDefinitions: page[MH_OVERFLOWED]!,
    definitions,
  };
}

function histogram(page: Float64Array, base: number): HistogramSnapshot {
  const buckets = Array.from(page.subarray(base, base + BUCKETS));
  let count = 0;
  for (const n of buckets) count += n;
  return { count, sum: page[base + BUCKETS]!, buckets };
}

/** Bytes written and not yet read: head first, so that the tail read after it is never behind it. */
function ringOccupancy(sab: SharedArrayBuffer): { usedBytes: number; capacityBytes: number } {
  const i32 = new Int32Array(sab, 0, RING_HEADER_BYTES / 4);
  const head = Atomics.load(i32, RING_HEAD);
  const tail = Atomics.load(i32, RING_TAIL);
  const capacityBytes = sab.byteLength - RING_HEADER_BYTES;
  // Free-running Int32 counters: their difference modulo 2^32 (the consumer may move on between the two loads).
  const used = (tail - head) | 0;
  return { usedBytes: Math.min(Math.max(used, 0), capacityBytes), capacityBytes };
}
