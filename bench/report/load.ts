/**
 * Other processes' CPU use during each scenario, as every report shows it: on a 2-core machine one busy neighbour
 * moves p99 by milliseconds, so a figure measured beside one carries a warning wherever it is shown.
 */
import type { Report, ScenarioOutcome } from './model.js';

/** Above this many CPUs' worth of other processes' load, a report warns that the figures are disturbed. */
export const BUSY_NEIGHBOURS = 0.1;

/** The scenarios (all, or those named) that ran while other processes used more than BUSY_NEIGHBOURS CPUs. */
export function disturbed(report: Report, names?: ReadonlySet<string>): ScenarioOutcome[] {
  return report.scenarios.filter((o) => (names === undefined || names.has(o.name)) && (o.otherCpu ?? 0) > BUSY_NEIGHBOURS);
}

/** `ask-round-trip 0.35, bursty 0.20`: scenario names with the CPUs other processes used meanwhile. */
export const loadList = (outcomes: readonly ScenarioOutcome[]): string =>
  outcomes.map((o) => `${o.name} ${(o.otherCpu ?? 0).toFixed(2)}`).join(', ');
