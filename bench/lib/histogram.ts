/**
 * Latency recording: nanoseconds in, a summary in microseconds out.
 *
 * Backed by `perf_hooks.createHistogram`, Node's built-in HDR histogram (3 significant figures, so a
 * percentile is exact to 0.1%), which needs no allocation per sample and no dependency.
 */
import { createHistogram, type RecordableHistogram } from 'node:perf_hooks';

/** Percentiles and extremes of one latency histogram, in microseconds. */
export interface LatencySummary {
  readonly samples: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly p999: number;
  readonly min: number;
  readonly max: number;
  readonly mean: number;
  /**
   * The whole distribution as [percentile (0-100), µs] pairs at PLOT_PERCENTILES (denser towards the
   * tail): what the HTML report plots. Absent where a summary was built by hand.
   */
  readonly distribution?: readonly (readonly [number, number])[];
}

/** Where the distribution is sampled for plots: evenly in the body, then every "nine" of the tail. */
const PLOT_PERCENTILES = [
  0, 5, 10, 20, 30, 40, 50, 60, 70, 75, 80, 85, 90, 92.5, 95, 96.8, 98, 99, 99.5, 99.68, 99.8, 99.9, 99.95, 99.968,
  99.98, 99.99, 100,
];

/** Reads the monotonic clock in nanoseconds (about 50 ns per call here). */
export const nowNs = (): bigint => process.hrtime.bigint();

export class LatencyHistogram {
  readonly #histogram: RecordableHistogram = createHistogram();

  /** Records one latency in nanoseconds. */
  record(ns: number | bigint): void {
    // The HDR histogram rejects values below 1; a 0 ns reading is a clock-resolution artefact.
    if (typeof ns === 'bigint') this.#histogram.record(ns < 1n ? 1n : ns);
    else this.#histogram.record(ns < 1 ? 1 : Math.round(ns));
  }

  /** Records the time since `startNs` (a `nowNs()` reading) and returns the current reading. */
  recordSince(startNs: bigint): bigint {
    const end = nowNs();
    this.record(end - startNs);
    return end;
  }

  get count(): number {
    return this.#histogram.count;
  }

  reset(): void {
    this.#histogram.reset();
  }

  summary(): LatencySummary {
    const h = this.#histogram;
    const us = (ns: number): number => ns / 1000;
    if (h.count === 0) {
      return { samples: 0, p50: NaN, p90: NaN, p99: NaN, p999: NaN, min: NaN, max: NaN, mean: NaN };
    }
    return {
      samples: h.count,
      p50: us(h.percentile(50)),
      p90: us(h.percentile(90)),
      p99: us(h.percentile(99)),
      p999: us(h.percentile(99.9)),
      min: us(h.min),
      max: us(h.max),
      mean: us(h.mean),
      // percentile(0) is a RangeError: p0 is the minimum.
      distribution: PLOT_PERCENTILES.map(
        (percentile) => [percentile, us(percentile === 0 ? h.min : h.percentile(percentile))] as const,
      ),
    };
  }
}
