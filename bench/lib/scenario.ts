/**
 * The contract between the benchmark CLI (`bench/run.ts`) and a scenario.
 *
 * A scenario is one module that exports a `Scenario`: it starts whatever it needs (workers, an actor
 * system), takes one or more measurements, and cleans up everything it started before its promise
 * settles, so that the process can exit when the last scenario is done. Register it in
 * `bench/scenarios/index.ts`.
 *
 * Measurements carry a `compare` key: the report divides each figure by the figure with the same key
 * from the baseline scenario of the same run (postMessage by default), so a ringmaster round trip
 * that uses `compare: 'round-trip'` is shown as a ratio of the postMessage round trip.
 */
import type { LatencySummary } from './histogram.js';

/**
 * ringmaster's dispatcher settings from the CLI (`--workers`, `--wait-strategy`, `--throughput`,
 * `--spin-iterations`, `--ring-bytes`) or from a `--tune` sweep; a field left out means "the default"
 * (see `bench/scenarios/system.ts`). Baselines ignore it.
 */
export interface EngineOptions {
  readonly workers?: number;
  readonly waitStrategy?: 'spin' | 'park' | 'hybrid';
  readonly throughput?: number;
  readonly spinIterations?: number;
  readonly ringBytes?: number;
}

/** What the CLI hands to every scenario. */
export interface ScenarioOptions {
  /** `--quick`: the CLI already shortened `measureMs` and `warmupMs`; use it for anything else you size. */
  readonly quick: boolean;
  /** Time to spend measuring each figure (each `Measurement`), after warm-up. */
  readonly measureMs: number;
  /** Time to spend warming up before each figure (JIT, worker start, caches); not recorded. */
  readonly warmupMs: number;
  /** Reports what the scenario is doing now; the CLI prints it to stderr. */
  progress(line: string): void;
  /** ringmaster's settings for the scenarios that start an `ActorSystem`. */
  readonly engine: EngineOptions;
}

/** Values worth printing next to a figure: thread counts, batch sizes, wait strategies. */
export type Config = Readonly<Record<string, string | number | boolean>>;

/**
 * The comparison keys the baselines provide. Other strings are allowed; a key the baseline scenario
 * does not measure just gets no ratio.
 */
export type CompareKey = 'round-trip' | 'one-way' | 'one-way-batched' | (string & {});

/**
 * A second comparison, next to the `--baseline` ratio: the figure with key `compare` from `scenario`
 * of the same run (for example an actor ping-pong against the `shared-word` floor).
 */
export interface Reference {
  readonly scenario: string;
  readonly compare: CompareKey;
}

/** A latency figure: one histogram of individual operations. */
export interface LatencyMeasurement {
  readonly kind: 'latency';
  /** Short label for the table row, such as `round trip {type:'get'} -> number`. */
  readonly what: string;
  readonly compare: CompareKey;
  readonly latency: LatencySummary;
  readonly config?: Config;
  /** Figures of other scenarios to divide this one by as well (reported under "Other comparisons"). */
  readonly references?: readonly Reference[];
}

/** A throughput figure: how many messages crossed in how long. */
export interface ThroughputMeasurement {
  readonly kind: 'throughput';
  readonly what: string;
  readonly compare: CompareKey;
  readonly messages: number;
  readonly seconds: number;
  /** `messages / seconds`. */
  readonly perSecond: number;
  /**
   * True when an open-loop generator imposed the rate: the figure says whether the receiver kept up, not how
   * fast it can go, so `--tune` leaves it out of its throughput objective.
   */
  readonly imposedRate?: boolean;
  readonly config?: Config;
  readonly references?: readonly Reference[];
}

/**
 * A single figure that is neither a latency histogram nor a message rate, such as the CPU an idle system
 * uses. No ratio column against the baseline; targets may hold it against a limit or another value.
 */
export interface ValueMeasurement {
  readonly kind: 'value';
  readonly what: string;
  readonly compare: CompareKey;
  readonly value: number;
  /** Printed after the value, such as `% of one core`. */
  readonly unit: string;
  readonly better: 'lower' | 'higher';
  readonly config?: Config;
  readonly references?: readonly Reference[];
}

export type Measurement = LatencyMeasurement | ThroughputMeasurement | ValueMeasurement;

export interface ScenarioResult {
  readonly measurements: readonly Measurement[];
  /** Anything a reader needs to interpret the figures (a caveat, a setting the scenario chose). */
  readonly notes?: readonly string[];
  /**
   * Set when the scenario measured but could not stop the threads it started (the engine's shutdown
   * hung): its figures are reported, then the CLI stops the run, since those threads would disturb every
   * later figure and keep the process alive, and exits explicitly.
   */
  readonly leftRunning?: string;
  /**
   * CPUs' worth of load the scenario put on the machine on purpose, from another process (the `contended`
   * scenario's hog): the CLI subtracts it from what other processes used, so that the report's "machine was not
   * idle" warning speaks only of load nobody asked for.
   */
  readonly imposedCpu?: number;
}

/** What a scenario throws when it failed and could not stop the threads it started either. */
export class LeftRunningError extends Error {
  override readonly name = 'LeftRunningError';
}

/** The latency percentile a target compares: the targets use p50 and p99. */
export type LatencyStatistic = 'p50' | 'p90' | 'p99' | 'p999' | 'max';

/**
 * A goal a scenario's figure must meet against another scenario's figure of the same kind, measured in
 * the same run. Declared on the scenario (not in its result) so that a scenario that failed still
 * shows its targets, as missed. Latency: this scenario's `statistic` (default p50) <= `factor` x the
 * other's. Throughput: this scenario's messages/s >= `factor` x the other's. Value: in the direction
 * the measurement's `better` says.
 */
export interface RelativeTarget {
  /** The line the report prints, such as `ask round-trip p50 <= 1/10 of postMessage ping-pong p50`. */
  readonly label: string;
  /** This scenario's figure: its first measurement with this compare key. */
  readonly compare: CompareKey;
  /** The figure it is held against: the first measurement of `scenario` with `compare`. */
  readonly against: Reference;
  readonly factor: number;
  /** Latency only: the percentile compared; p50 when left out. */
  readonly statistic?: LatencyStatistic;
}

/**
 * A goal against a fixed limit rather than another figure (idle CPU under 1% of a core): the figure must
 * be <= `limit` when lower is better (latency, a value with `better: 'lower'`), >= when higher is.
 */
export interface AbsoluteTarget {
  readonly label: string;
  readonly compare: CompareKey;
  readonly limit: number;
  readonly statistic?: LatencyStatistic;
}

export type Target = RelativeTarget | AbsoluteTarget;

export const isAbsolute = (target: Target): target is AbsoluteTarget => 'limit' in target;

export interface Scenario {
  /** Unique, kebab-case; what `--scenario` matches. */
  readonly name: string;
  /** One sentence for `--list` and the report. */
  readonly description: string;
  /**
   * Scenarios whose figures this one's targets and references divide by: the CLI runs them too (first)
   * when this one is selected, so every comparison is made within one run.
   */
  readonly needs?: readonly string[];
  /** Goals the report checks and prints as PASS or MISS lines. */
  readonly targets?: readonly Target[];
  /** How many figures (warm-up plus measurement each) it takes, when more than 10: its timeout grows with it. */
  readonly figures?: number;
  /**
   * Measures and cleans up. Must not leave workers, timers or handles alive when it settles, also when
   * it throws: use try/finally (see `WorkerGroup` in `bench/lib/workers.ts`).
   */
  run(options: ScenarioOptions): Promise<ScenarioResult>;
}
