/**
 * The CPU-bound service under load, shared by ringmaster's `cpu-service` scenario and its
 * `piscina-service` baseline (and the `service` of `npx ringmaster bench`, with the user's actor): the same request (`bench/lib/cpu-work.mjs`, ~0.1 ms of SHA-256), the same
 * number of threads, the same arrival rates.
 *
 * Saturation: a closed loop keeping SATURATION_WINDOW_PER_THREAD requests per thread outstanding; what
 * completes per second is the most the service can do. The arrival rates are fractions of piscina's
 * saturation (LADDER), measured first in the same run, so both services see the same absolute rates.
 *
 * Each rate is an open loop: request i is due at t0 + i / rate, whether or not earlier ones have
 * finished, and its latency is measured from that intended time, not from when it was actually sent: a
 * service that falls behind (or a generator that was late) shows as queueing in the figures instead of
 * silently lowering the rate (no coordinated omission). After the window, the generator stops and waits
 * for every request it sent, so none is left out.
 *
 * The generator runs on the main thread, as a front end would: when the next request is due within 2 ms
 * it yields with `setImmediate` (keeping its core busy), otherwise it sleeps with `setTimeout`.
 *
 * Main thread only.
 */
import { setImmediate as yieldLoop, setTimeout as sleep } from 'node:timers/promises';
import { LatencyHistogram, nowNs } from './histogram.js';
import type { Measurement, Target } from './scenario.js';

/** Fractions of the reference saturation the open loop runs at. */
export const LADDER = [0.3, 0.5, 0.7, 0.9] as const;
/** Outstanding requests per thread in the closed loop that measures saturation. */
const SATURATION_WINDOW_PER_THREAD = 4;
/** Stop generating when this many requests are outstanding: the service is hopelessly behind. */
const MAX_OUTSTANDING = 50_000;
/** How long the generator waits for the requests still outstanding after a window. */
const DRAIN_TIMEOUT_MS = 20_000;

export const rateKey = (fraction: number): string => `service-${Math.round(fraction * 100)}%`;
export const SATURATION_KEY = 'service-saturation';

/**
 * piscina's saturation in this run, which sets the rates of both scenarios. Module state on purpose: the
 * CLI runs `piscina-service` before `cpu-service` (it `needs` it) in the same process.
 */
let referenceSaturation: number | undefined;

export function setReferenceSaturation(perSecond: number): void {
  referenceSaturation = perSecond;
}

/** piscina's saturation, or `own` (with a note saying so) when the baseline did not run or failed. */
export function ladderReference(own: number): { perSecond: number; note: string } {
  if (referenceSaturation !== undefined) {
    return { perSecond: referenceSaturation, note: 'rates are fractions of piscina-service saturation, this run' };
  }
  return {
    perSecond: own,
    note: 'WARNING: piscina-service saturation unavailable; rates are fractions of this scenario own saturation',
  };
}

export interface Budget {
  readonly measureMs: number;
  readonly warmupMs: number;
}

/** Per rate: half the figure budget (the ladder has four rates and saturation). */
const windowMs = (budget: Budget): number => budget.measureMs / 2;

/** Closed loop with `window` requests outstanding: completions per second. */
export async function measureSaturation(
  budget: Budget,
  threads: number,
  request: (seed: number) => Promise<unknown>,
): Promise<{ completed: number; seconds: number; perSecond: number }> {
  const window = SATURATION_WINDOW_PER_THREAD * threads;
  let seed = 0;
  let completed = 0;
  let measuring = false;
  let stopAt = 0n;
  const lane = async (): Promise<void> => {
    while (nowNs() < stopAt) {
      await request(seed++);
      if (measuring) completed++;
    }
  };
  stopAt = nowNs() + BigInt(Math.round(budget.warmupMs * 1e6));
  await Promise.all(Array.from({ length: window }, lane));
  completed = 0;
  measuring = true;
  const start = nowNs();
  stopAt = start + BigInt(Math.round(windowMs(budget) * 1e6));
  await Promise.all(Array.from({ length: window }, lane));
  const seconds = Number(nowNs() - start) / 1e9;
  return { completed, seconds, perSecond: completed / seconds };
}

export interface OpenLoopFigure {
  readonly rate: number;
  readonly latency: ReturnType<LatencyHistogram['summary']>;
  /** Completions inside the measuring window, per second. */
  readonly perSecond: number;
  readonly completed: number;
  readonly seconds: number;
  /** How late the generator itself sent, p99 in µs (included in the latency, by design). */
  readonly sendLagP99: number;
  /** True when the generator stopped early because too many requests were outstanding. */
  readonly overloaded: boolean;
}

/** One open-loop window at `rate` requests/s, after a warm-up at the same rate. */
export async function openLoop(
  budget: Budget,
  rate: number,
  request: (seed: number) => Promise<unknown>,
): Promise<OpenLoopFigure> {
  const intervalNs = 1e9 / rate;
  const histogram = new LatencyHistogram();
  const lag = new LatencyHistogram();
  let outstanding = 0;
  let drained: (() => void) | undefined;
  let failure: unknown;
  let completedInWindow = 0;
  let overloaded = false;

  const warmNs = BigInt(Math.round((budget.warmupMs / 2) * 1e6));
  const t0 = nowNs();
  const measureStart = t0 + warmNs;
  const measureEnd = measureStart + BigInt(Math.round(windowMs(budget) * 1e6));
  let i = 0;
  for (;;) {
    const now = nowNs();
    if (now >= measureEnd) break;
    if (outstanding >= MAX_OUTSTANDING) {
      overloaded = true;
      break;
    }
    // Send everything that is due, each stamped with its intended time.
    for (let due = t0 + BigInt(Math.round(i * intervalNs)); due <= now && due < measureEnd; ) {
      const intended = due;
      const measured = intended >= measureStart;
      if (measured) lag.record(now - intended);
      outstanding++;
      request(i).then(
        () => {
          const done = nowNs();
          if (measured) histogram.record(done - intended);
          if (done >= measureStart && done < measureEnd) completedInWindow++;
          if (--outstanding === 0) drained?.();
        },
        (error: unknown) => {
          failure ??= error;
          if (--outstanding === 0) drained?.();
        },
      );
      i++;
      due = t0 + BigInt(Math.round(i * intervalNs));
    }
    if (failure !== undefined) break;
    const nextInMs = Number(t0 + BigInt(Math.round(i * intervalNs)) - nowNs()) / 1e6;
    if (nextInMs > 2) await sleep(nextInMs - 1.5);
    else await yieldLoop();
  }
  if (outstanding > 0) {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      new Promise<void>((resolve) => {
        drained = resolve;
      }),
      new Promise<void>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`${outstanding} requests at ${rate.toFixed(0)}/s still outstanding after ${DRAIN_TIMEOUT_MS} ms`)),
          DRAIN_TIMEOUT_MS,
        );
      }),
    ]).finally(() => clearTimeout(timer));
  }
  if (failure !== undefined) throw failure;
  const seconds = Number(measureEnd - measureStart) / 1e9;
  return {
    rate,
    latency: histogram.summary(),
    perSecond: completedInWindow / seconds,
    completed: completedInWindow,
    seconds,
    sendLagP99: lag.summary().p99,
    overloaded,
  };
}

/**
 * A front end's routing over a pool of actors: each request to the one with the fewest requests outstanding,
 * among equals in turn, so a slow reply does not queue more work behind it. `send` asks one member.
 */
export function leastOutstanding<R, A extends unknown[], T>(
  pool: readonly R[],
  send: (ref: R, ...args: A) => Promise<T>,
): (...args: A) => Promise<T> {
  const outstanding = pool.map(() => 0);
  let next = 0;
  return async (...args: A): Promise<T> => {
    let pick = next;
    for (let k = 1; k < pool.length; k++) {
      const j = (next + k) % pool.length;
      if (outstanding[j]! < outstanding[pick]!) pick = j;
    }
    next = (pick + 1) % pool.length;
    outstanding[pick]!++;
    try {
      return await send(pool[pick]!, ...args);
    } finally {
      outstanding[pick]!--;
    }
  };
}

/** Saturation, then the ladder: the measurements and notes of one service. */
export interface ServiceRun {
  /** Shown beside every figure. */
  readonly config?: Measurement['config'];
  /** Told this service's saturation (piscina's sets the run's rates: `setReferenceSaturation`). */
  readonly onSaturation?: (perSecond: number) => void;
  /** The fractions of the reference to run the open loop at; LADDER unless given. */
  readonly ladder?: readonly number[];
  /**
   * The saturation the rates are fractions of: `'own'`, this service's saturation just measured (piscina under the
   * `contended` scenario's hog); a figure the caller measured (ringmaster under the same hog, at piscina's rates);
   * the run's piscina-service saturation when not given.
   */
  readonly reference?: 'own' | { readonly perSecond: number; readonly note: string };
}

export async function measureService(
  budget: Budget,
  progress: (line: string) => void,
  threads: number,
  label: string,
  request: (seed: number) => Promise<unknown>,
  run: ServiceRun = {},
): Promise<{ measurements: Measurement[]; notes: string[]; saturation: number }> {
  const config = run.config ?? {};
  progress(`saturation: closed loop, ${SATURATION_WINDOW_PER_THREAD * threads} outstanding`);
  const saturation = await measureSaturation(budget, threads, request);
  run.onSaturation?.(saturation.perSecond);
  const reference =
    run.reference === 'own'
      ? { perSecond: saturation.perSecond, note: 'rates are fractions of its own saturation, measured just before' }
      : (run.reference ?? ladderReference(saturation.perSecond));
  const measurements: Measurement[] = [
    {
      kind: 'throughput',
      what: `${label}, saturation (closed loop)`,
      compare: SATURATION_KEY,
      messages: saturation.completed,
      seconds: saturation.seconds,
      perSecond: saturation.perSecond,
      config: { ...config, threads, outstanding: SATURATION_WINDOW_PER_THREAD * threads },
    },
  ];
  const rows: string[] = [];
  for (const fraction of run.ladder ?? LADDER) {
    const rate = fraction * reference.perSecond;
    progress(`open loop at ${rate.toFixed(0)} requests/s (${Math.round(fraction * 100)}% of saturation)`);
    const figure = await openLoop(budget, rate, request);
    const what = `${label}, open loop ${Math.round(fraction * 100)}% (${formatRate(rate)}/s)`;
    measurements.push({
      kind: 'latency',
      what,
      compare: rateKey(fraction),
      latency: figure.latency,
      config: { ...config, threads, rate: Math.round(rate) },
    });
    measurements.push({
      kind: 'throughput',
      what,
      compare: `${rateKey(fraction)}-done`,
      messages: figure.completed,
      seconds: figure.seconds,
      perSecond: figure.perSecond,
      imposedRate: true,
    });
    rows.push(
      `${Math.round(fraction * 100)}%: generator send lag p99 ${figure.latency.samples > 0 ? figure.sendLagP99.toFixed(0) : '-'} µs` +
        (figure.overloaded ? `, STOPPED EARLY: ${MAX_OUTSTANDING} requests outstanding` : ''),
    );
  }
  return {
    measurements,
    saturation: saturation.perSecond,
    notes: [
      `${reference.note} (${formatRate(reference.perSecond)}/s)`,
      `latency from each request's intended send time (open loop); ${rows.join('; ')}`,
    ],
  };
}

function formatRate(perSecond: number): string {
  return Math.round(perSecond).toLocaleString('en-US');
}

/** The targets for the service: p99 at 70% and throughput at saturation, against piscina. */
export function serviceTargets(against: string): Target[] {
  return [
    {
      label: 'CPU-bound service p99 at 70% of saturation <= piscina p99 at the same rate',
      compare: rateKey(0.7),
      against: { scenario: against, compare: rateKey(0.7) },
      factor: 1,
      statistic: 'p99',
    },
    {
      label: 'CPU-bound service throughput at saturation >= piscina',
      compare: SATURATION_KEY,
      against: { scenario: against, compare: SATURATION_KEY },
      factor: 1,
    },
  ];
}
