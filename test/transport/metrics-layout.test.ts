/**
 * The drawing at the top of src/transport/metrics-layout.ts, as numbers, and the page's writer
 * (src/runtime/metrics.ts) on a page of its own: rows in order of first use, the (other) row, and a replacement
 * that continues its predecessor's rows.
 */
import { describe, expect, it } from 'vitest';
import { MetricsWriter } from '../../src/runtime/metrics.js';
import {
  BUCKETS,
  MH_DEAD_LETTERS,
  MH_MAX_REASONS,
  MH_OVERFLOWED,
  MH_ROWS,
  MH_VERSION,
  METRICS_VERSION,
  NAMES_OFFSET,
  NAME_SLOT_BYTES,
  R_LIVE,
  R_PROCESSED,
  R_PROCESSING,
  R_PROCESSING_SUM,
  R_QUEUED,
  R_WAIT,
  R_WAIT_SUM,
  ROW_WORDS,
  allocateMetricsPage,
  bucketBound,
  bucketOf,
  metricsPageBytes,
  rowWord,
} from '../../src/transport/metrics-layout.js';
import { DEAD_LETTER_REASONS } from '../../src/metrics/reasons.js';

describe('the metrics page layout', () => {
  it('matches the drawing: a 512-byte header, 256-byte name slots, 64-word rows', () => {
    expect(NAMES_OFFSET).toBe(512);
    expect(NAME_SLOT_BYTES).toBe(256);
    expect(ROW_WORDS).toBe(64);
    expect([R_LIVE, R_QUEUED, R_PROCESSED, R_PROCESSING, R_PROCESSING_SUM, R_WAIT, R_WAIT_SUM]).toEqual([0, 1, 2, 8, 35, 36, 63]);
    expect(metricsPageBytes(256)).toBe(512 + 256 * 256 + 256 * 512); // 192.5 KiB
    expect(rowWord(4, 0) * 8).toBe(512 + 4 * 256);
    expect(rowWord(4, 3) + ROW_WORDS).toBe(metricsPageBytes(4) / 8);
    expect(MH_DEAD_LETTERS + DEAD_LETTER_REASONS.length).toBeLessThanOrEqual(MH_DEAD_LETTERS + MH_MAX_REASONS);
  });

  it('writes its version and row count at allocation', () => {
    const page = new Float64Array(allocateMetricsPage(5));
    expect([page[MH_VERSION], page[MH_ROWS]]).toEqual([METRICS_VERSION, 5]);
  });

  it('puts a duration in the smallest bucket of 1 µs × 2^k that holds it, and past 2^25 µs in the last', () => {
    const us = (n: number) => n / 1000; // bucketOf takes ms
    expect([0, -1, Number.NaN, us(1)].map(bucketOf)).toEqual([0, 0, 0, 0]);
    expect([us(1.01), us(2), us(2.01), us(4), us(5000), us(2 ** 25), us(2 ** 25 + 1)].map(bucketOf)).toEqual([1, 1, 2, 2, 13, 25, 26]);
    expect(bucketBound(0)).toBe(1e-6);
    expect(bucketBound(13)).toBe(0.008192);
    expect(bucketBound(BUCKETS - 1)).toBe(Number.POSITIVE_INFINITY);
  });
});

describe('MetricsWriter', () => {
  it('gives rows in order of first use, one per definition, and the last row to every definition past them', () => {
    const w = new MetricsWriter(allocateMetricsPage(3), 'off');
    expect([w.rowOf('A'), w.rowOf('B'), w.rowOf('A')]).toEqual([rowWord(3, 0), rowWord(3, 1), rowWord(3, 0)]);
    expect([w.rowOf('C'), w.rowOf('D'), w.rowOf('C')]).toEqual([rowWord(3, 2), rowWord(3, 2), rowWord(3, 2)]);
    expect(w.page[MH_OVERFLOWED]).toBe(2);
    expect(w.rowOf('x'.repeat(300))).toBe(rowWord(3, 2)); // a name longer than a slot: (other) too
  });

  it('continues the rows of the page it finds, and resets only their gauges', () => {
    const sab = allocateMetricsPage(4);
    const first = new MetricsWriter(sab, 'off');
    const a = first.rowOf('A');
    first.page[a + R_LIVE] = 3;
    first.page[a + R_QUEUED] = 7;
    first.page[a + R_PROCESSED] = 11;
    const next = new MetricsWriter(sab, 'sampled');
    expect(next.rowOf('A')).toBe(a);
    expect(next.rowOf('B')).toBe(rowWord(4, 1));
    next.resetGauges();
    expect([next.page[a + R_LIVE], next.page[a + R_QUEUED], next.page[a + R_PROCESSED]]).toEqual([0, 0, 11]);
  });
});
