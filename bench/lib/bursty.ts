/**
 * Bursty traffic: one round trip, then an idle gap, then the next, so that every request finds the
 * receiver (and the main thread) idle for that long. Short gaps test spinning; long ones test parking
 * and the cost of waking a sleeping thread, which on this 2-core VM is the real cost (docs/platform.md#waking-a-thread: ~6 µs
 * to ~40 µs depending on how long the CPU was idle).
 *
 * How a gap is waited: below 100 µs the main thread spins on the clock (a timed sleep that short takes
 * ~100 µs here: the kernel's timer slack); from 100 µs to 1 ms it sleeps in `Atomics.wait` on a private
 * word with a timeout (descheduled, as an idle thread is; timers cannot sleep that precisely); from 1 ms
 * up it awaits `setTimeout`, so its event loop is idle for real. Each sample times only the round trip,
 * never the gap; the report gives the gaps observed. Shared by the ringmaster scenario and its postMessage baseline, so both see the
 * same gaps.
 *
 * Main thread only.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { LatencyHistogram, nowNs, type LatencySummary } from './histogram.js';
import type { LatencyMeasurement, Target } from './scenario.js';

/** The gaps, in µs: from "the receiver is still spinning" to "every thread has long parked". */
export const BURST_GAPS_US = [10, 100, 1_000, 10_000] as const;

/** Samples each gap gets at least, whatever the budget: a p99 needs a hundred. */
const MIN_SAMPLES = 100;

const sleeper = new Int32Array(new SharedArrayBuffer(4));

async function idle(gapUs: number): Promise<void> {
  if (gapUs >= 1000) await sleep(gapUs / 1000);
  else if (gapUs >= 100) Atomics.wait(sleeper, 0, 0, gapUs / 1000);
  else {
    const until = nowNs() + BigInt(gapUs * 1000);
    while (nowNs() < until);
  }
}

export const burstyKey = (gapUs: number): string => `bursty-${formatGap(gapUs)}`;

export function formatGap(gapUs: number): string {
  return gapUs >= 1000 ? `${gapUs / 1000}ms` : `${gapUs}us`;
}

/** Time per gap: half the figure budget (four gaps make one scenario two figures long), at least MIN_SAMPLES gaps. */
function gapBudgetMs(measureMs: number, gapUs: number): number {
  return Math.max(measureMs / 2, (MIN_SAMPLES * gapUs) / 1000);
}

export interface GapFigure {
  readonly gapUs: number;
  readonly latency: LatencySummary;
  /** The gap actually observed between a reply and the next request, on average (timers overshoot). */
  readonly meanGapUs: number;
}

/** Round trips of `op` with `gapUs` of idleness before each, for the budget; warm-up included. */
export async function sampleWithGap(
  budget: { readonly measureMs: number; readonly warmupMs: number },
  gapUs: number,
  op: () => Promise<unknown>,
): Promise<GapFigure> {
  const warmEnd = nowNs() + BigInt(Math.round((budget.warmupMs / BURST_GAPS_US.length) * 1e6));
  while (nowNs() < warmEnd) {
    await idle(gapUs);
    await op();
  }
  const histogram = new LatencyHistogram();
  let gaps = 0n;
  let last = nowNs();
  const end = last + BigInt(Math.round(gapBudgetMs(budget.measureMs, gapUs) * 1e6));
  while (last < end) {
    await idle(gapUs);
    const start = nowNs();
    gaps += start - last;
    await op();
    last = histogram.recordSince(start);
  }
  const samples = histogram.count;
  return { gapUs, latency: histogram.summary(), meanGapUs: samples > 0 ? Number(gaps) / samples / 1000 : NaN };
}

/** Every gap in turn, as latency measurements keyed `bursty-<gap>`. */
export async function measureBursty(
  budget: { readonly measureMs: number; readonly warmupMs: number },
  progress: (line: string) => void,
  what: string,
  op: () => Promise<unknown>,
  config: LatencyMeasurement['config'] = {},
): Promise<{ measurements: LatencyMeasurement[]; notes: string[] }> {
  const measurements: LatencyMeasurement[] = [];
  const gaps: string[] = [];
  for (const gapUs of BURST_GAPS_US) {
    progress(`round trips with ${formatGap(gapUs)} idle gaps`);
    const figure = await sampleWithGap(budget, gapUs, op);
    measurements.push({
      kind: 'latency',
      what: `${what}, ${formatGap(gapUs)} gaps`,
      compare: burstyKey(gapUs),
      latency: figure.latency,
      config: { ...config, gap: formatGap(gapUs) },
    });
    gaps.push(`${formatGap(gapUs)} -> ${figure.meanGapUs.toFixed(0)} µs`);
  }
  return { measurements, notes: [`gaps asked -> observed on average: ${gaps.join(', ')}`] };
}

/** "Never worse than postMessage": p50 and p99 at every gap. */
export function burstyTargets(against: string): Target[] {
  return BURST_GAPS_US.flatMap((gapUs) =>
    (['p50', 'p99'] as const).map(
      (statistic): Target => ({
        label: `bursty ask ${statistic} <= postMessage ${statistic}, ${formatGap(gapUs)} gaps`,
        compare: burstyKey(gapUs),
        against: { scenario: against, compare: burstyKey(gapUs) },
        factor: 1,
        statistic,
      }),
    ),
  );
}

/** "Within 1.5× of the bare wake-up": p50 at every gap against the wake floor (bench/baselines/wake-floor.ts). */
export function wakeFloorTargets(against: string, factor = 1.5): Target[] {
  return BURST_GAPS_US.map(
    (gapUs): Target => ({
      label: `bursty ask p50 <= ${factor}x the wake floor's p50, ${formatGap(gapUs)} gaps`,
      compare: burstyKey(gapUs),
      against: { scenario: against, compare: burstyKey(gapUs) },
      factor,
      statistic: 'p50',
    }),
  );
}
