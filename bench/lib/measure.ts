/**
 * Measuring loops shared by all scenarios: warm up for a time, then measure for a time.
 *
 * Every loop is driven by time, not by a count, so `--duration` bounds a run whatever the operation
 * costs. Each latency sample is timed individually (two clock reads, ~100 ns together, are included
 * in every figure; that matters only for the sub-microsecond shared-memory floor).
 */
import { LatencyHistogram, nowNs, type LatencySummary } from './histogram.js';

export interface Budget {
  readonly warmupMs: number;
  readonly measureMs: number;
}

export interface ThroughputFigure {
  readonly messages: number;
  readonly seconds: number;
  readonly perSecond: number;
}

const msToNs = (ms: number): bigint => BigInt(Math.round(ms * 1e6));

/** Times `op` (an asynchronous round trip) back to back, one at a time. */
export async function sampleLatencyAsync(
  budget: Budget,
  op: () => Promise<unknown>,
): Promise<LatencySummary> {
  let end = nowNs() + msToNs(budget.warmupMs);
  while (nowNs() < end) await op();

  const histogram = new LatencyHistogram();
  let now = nowNs();
  end = now + msToNs(budget.measureMs);
  while (now < end) {
    const start = nowNs();
    await op();
    now = histogram.recordSince(start);
  }
  return histogram.summary();
}

/**
 * Times `op` (a synchronous round trip, such as spinning on shared memory) back to back. Blocks the
 * event loop for the whole budget, on purpose: a spinning round trip is measured without the loop.
 */
export function sampleLatencySync(budget: Budget, op: () => void): LatencySummary {
  let end = nowNs() + msToNs(budget.warmupMs);
  while (nowNs() < end) op();

  const histogram = new LatencyHistogram();
  let now = nowNs();
  end = now + msToNs(budget.measureMs);
  while (now < end) {
    const start = nowNs();
    op();
    now = histogram.recordSince(start);
  }
  return histogram.summary();
}

/**
 * Runs `round` repeatedly; each call sends a burst and resolves, with the number of messages the
 * receiver confirmed, once the receiver has them all. Rounds keep the receiver's backlog bounded; the
 * one acknowledgement per round is a negligible part of a round that lasts milliseconds.
 */
export async function measureThroughput(
  budget: Budget,
  round: () => Promise<number>,
): Promise<ThroughputFigure> {
  let end = nowNs() + msToNs(budget.warmupMs);
  while (nowNs() < end) await round();

  let messages = 0;
  const start = nowNs();
  end = start + msToNs(budget.measureMs);
  let now = start;
  while (now < end) {
    messages += await round();
    now = nowNs();
  }
  const seconds = Number(now - start) / 1e9;
  return { messages, seconds, perSecond: messages / seconds };
}
