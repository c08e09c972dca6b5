/**
 * What a suite run hands to the report: the settings it ran with, the machine, each scenario's outcome (its
 * result, or why it failed), and the targets of the scenarios that were selected. The CLI builds it; the
 * terminal, JSON and HTML reports read it.
 */
import type { MachineInfo } from '../lib/machine.js';
import type { Config, EngineOptions, ScenarioResult, Target } from '../lib/scenario.js';

export interface RunSettings {
  readonly quick: boolean;
  readonly measureMs: number;
  readonly warmupMs: number;
  /** The scenario ratios are computed against, or null for none. */
  readonly baseline: string | null;
  /** ringmaster's settings as given on the command line (absent: the default). */
  readonly engine: EngineOptions;
  /** The settings those resolve to, defaults filled in. */
  readonly engineResolved: Config;
}

interface OutcomeBase {
  readonly name: string;
  readonly description: string;
  readonly wallMs: number;
  /** CPUs' worth of time other processes used while the scenario ran (see lib/contention.ts); null if unknown. */
  readonly otherCpu: number | null;
}

export type ScenarioOutcome =
  | (OutcomeBase & { readonly status: 'ok'; readonly result: ScenarioResult })
  | (OutcomeBase & { readonly status: 'failed'; readonly error: string });

export interface Report {
  readonly command: string;
  readonly startedAt: string;
  readonly machine: MachineInfo;
  readonly settings: RunSettings;
  readonly scenarios: readonly ScenarioOutcome[];
  /**
   * Which of those scenarios are the alternatives and floors ringmaster is compared with (postMessage, piscina, ...):
   * the HTML page draws them after ringmaster's. The CLI says; the report knows no scenario.
   */
  readonly baselines: readonly string[];
  /** The targets of the scenarios that were selected, checked whether or not their scenario succeeded. */
  readonly targets: readonly ScenarioTarget[];
}

/** A target with the scenario that declares it. */
export type ScenarioTarget = Target & { readonly scenario: string };
