/**
 * `--tune`: sweeps ringmaster's dispatcher settings on one scenario and prints the best configuration for
 * latency and the best for throughput, as `ActorSystem.start` options ready to paste, with the figures
 * behind the choice.
 *
 * The sweep is a coordinate descent, once per objective: start from the given settings (engine defaults
 * for the flags not given), then for each dimension in turn (DIMENSIONS) try every value with the others
 * held at the best so far, and keep the best. Every configuration runs the whole scenario once (fresh
 * system, warm-up, measure); a configuration both objectives visit is measured once. Dimensions that do
 * not apply are skipped (spinIterations only matters with waitStrategy 'hybrid').
 *
 * Objectives: latency is the geometric mean, over the scenario's latency rows, of sqrt(p50 x p99): the
 * median and the tail count alike (by p99 alone, parking always wins, at 4x the median of spinning; by
 * p50 alone, spinning wins and its tails on 2 cores are milliseconds). Throughput is the geometric mean
 * of its messages/s rows, leaving out those whose rate an open-loop generator imposed (`imposedRate`). A scenario without one of those kinds gets no recommendation for it.
 *
 * Main thread only; runs one scenario at a time, never two.
 */
import { formatConfigCode } from '../lib/engine.js';
import type { EngineOptions, Measurement, Scenario, ScenarioResult } from '../lib/scenario.js';

export interface Dimension {
  readonly key: keyof EngineOptions;
  readonly values: readonly (string | number)[];
  /** Whether the dimension matters for a configuration (spinIterations only with hybrid waits). */
  readonly applies?: (config: EngineOptions) => boolean;
}

export const DIMENSIONS: readonly Dimension[] = [
  { key: 'waitStrategy', values: ['hybrid', 'park', 'spin'] },
  { key: 'spinIterations', values: [2_000, 20_000, 200_000], applies: (c) => c.waitStrategy === 'hybrid' },
  { key: 'throughput', values: [8, 32, 256] },
  { key: 'workers', values: [1, 2, 3] },
  { key: 'ringBytes', values: [1 << 18, 1 << 20, 1 << 22] },
];

export type Objective = 'latency' | 'throughput';

export interface Trial {
  readonly config: EngineOptions;
  /** Geometric mean of latency p99s, µs; null without latency rows or when the run failed. */
  readonly latencyP99: number | null;
  /** The latency objective: geometric mean of sqrt(p50 x p99) over the latency rows, µs. */
  readonly latencyScore: number | null;
  /** Geometric mean of latency p50s, µs (shown beside the p99). */
  readonly latencyP50: number | null;
  /** Geometric mean of messages/s rows; null without throughput rows or when the run failed. */
  readonly perSecond: number | null;
  readonly error?: string;
  /** Other processes' CPU use during the trial, in CPUs (null if unknown). */
  readonly otherCpu: number | null;
}

export interface TuneResult {
  readonly scenario: string;
  readonly start: EngineOptions;
  readonly trials: readonly Trial[];
  readonly best: { readonly [K in Objective]?: { readonly trial: Trial; readonly baseline: Trial } };
  /** Why an objective has no recommendation. */
  readonly skipped: { readonly [K in Objective]?: string };
  /** Set when a run left threads behind and the sweep stopped early. */
  readonly stoppedEarly?: string;
}

export type RunOutcome =
  | { readonly status: 'ok'; readonly result: ScenarioResult; readonly otherCpu: number | null; readonly leftRunning: boolean }
  | { readonly status: 'failed'; readonly error: string; readonly otherCpu: number | null; readonly leftRunning: boolean };

const geomean = (values: readonly number[]): number | null =>
  values.length === 0 || values.some((v) => !(v > 0))
    ? null
    : Math.exp(values.reduce((sum, v) => sum + Math.log(v), 0) / values.length);

function summarise(config: EngineOptions, outcome: RunOutcome): Trial {
  if (outcome.status === 'failed') {
    return {
      config,
      latencyP99: null,
      latencyP50: null,
      latencyScore: null,
      perSecond: null,
      error: outcome.error,
      otherCpu: outcome.otherCpu,
    };
  }
  const ms: readonly Measurement[] = outcome.result.measurements;
  const latencies = ms.flatMap((m) => (m.kind === 'latency' ? [m.latency] : []));
  const rates = ms.flatMap((m) => (m.kind === 'throughput' && m.imposedRate !== true ? [m.perSecond] : []));
  return {
    config,
    latencyP99: geomean(latencies.map((l) => l.p99)),
    latencyP50: geomean(latencies.map((l) => l.p50)),
    latencyScore: geomean(latencies.map((l) => Math.sqrt(l.p50 * l.p99))),
    perSecond: geomean(rates),
    otherCpu: outcome.otherCpu,
  };
}

const score = (trial: Trial, objective: Objective): number | null =>
  objective === 'latency' ? trial.latencyScore : trial.perSecond === null ? null : -trial.perSecond;

/** A stable key for a configuration: the dimensions' values in order. */
const keyOf = (config: EngineOptions): string => DIMENSIONS.map((d) => String(config[d.key])).join('|');

export async function tune(
  scenario: Scenario,
  start: Required<Pick<EngineOptions, 'waitStrategy' | 'spinIterations' | 'throughput' | 'workers' | 'ringBytes'>>,
  run: (config: EngineOptions, label: string) => Promise<RunOutcome>,
): Promise<TuneResult> {
  const trials = new Map<string, Trial>();
  let stoppedEarly: string | undefined;
  let count = 0;
  const measure = async (config: EngineOptions): Promise<Trial | undefined> => {
    const key = keyOf(config);
    const known = trials.get(key);
    if (known !== undefined) return known;
    if (stoppedEarly !== undefined) return undefined;
    count++;
    const label = `[tune ${count}] ${formatConfigCode(config)}`;
    const outcome = await run(config, label);
    const trial = summarise(config, outcome);
    trials.set(key, trial);
    if (outcome.leftRunning) stoppedEarly = `${label} left threads running; the sweep stopped there`;
    return trial;
  };

  const baseline = await measure(start);
  const best: { [K in Objective]?: { trial: Trial; baseline: Trial } } = {};
  const skipped: { [K in Objective]?: string } = {};
  for (const objective of ['latency', 'throughput'] as const) {
    if (baseline === undefined || score(baseline, objective) === null) {
      skipped[objective] =
        baseline?.error !== undefined
          ? `the run with the starting settings failed: ${baseline.error}`
          : `${scenario.name} measures no ${objective === 'latency' ? 'latency' : 'throughput'} figure`;
      continue;
    }
    let current: Trial = baseline;
    for (const dimension of DIMENSIONS) {
      for (const value of dimension.values) {
        const config = { ...current.config, [dimension.key]: value } as EngineOptions;
        if (dimension.applies !== undefined && !dimension.applies(config)) continue;
        const trial = await measure(config);
        const s = trial === undefined ? null : score(trial, objective);
        const c = score(current, objective);
        if (trial !== undefined && s !== null && (c === null || s < c)) current = trial;
      }
    }
    best[objective] = { trial: current, baseline };
  }
  return {
    scenario: scenario.name,
    start,
    trials: [...trials.values()],
    best,
    skipped,
    ...(stoppedEarly !== undefined && { stoppedEarly }),
  };
}
