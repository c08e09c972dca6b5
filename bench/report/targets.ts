/**
 * Checking the targets (`Scenario.targets`) against a run's figures: each is a pass or a miss, and a
 * target whose figure is missing (its scenario failed or did not run) is a miss with the reason.
 */
import { isAbsolute, type LatencyStatistic, type Measurement, type Reference } from '../lib/scenario.js';
import { findFigure } from './figures.js';
import type { Report } from './model.js';

/** A target checked against this run's figures. Anything not measured is a miss, with the reason. */
export interface TargetOutcome {
  readonly scenario: string;
  readonly label: string;
  readonly status: 'pass' | 'miss';
  /** The figures compared (a percentile in µs, messages/s, or a value in its unit); null when not measured. */
  readonly ours: number | null;
  /** The other scenario's figure, or the limit of an absolute target. */
  readonly theirs: number | null;
  /** ours / theirs. */
  readonly ratio: number | null;
  /** The figure must be `<=` factor x theirs (lower is better) or `>=` (higher is better); null when not measured. */
  readonly relation: '<=' | '>=' | null;
  /** 1 for an absolute target. */
  readonly factor: number;
  readonly absolute: boolean;
  readonly unit: string | null;
  /** Why there is no figure, when there is none. */
  readonly reason?: string;
}

/** A measurement's figure for a target: the percentile asked for, messages/s, or the value. */
function targetFigure(
  measurement: Measurement,
  statistic: LatencyStatistic | undefined,
): { value: number; unit: string; lowerIsBetter: boolean } {
  switch (measurement.kind) {
    case 'latency':
      return { value: measurement.latency[statistic ?? 'p50'], unit: `µs ${statistic ?? 'p50'}`, lowerIsBetter: true };
    case 'throughput':
      return { value: measurement.perSecond, unit: 'msgs/s', lowerIsBetter: false };
    case 'value':
      return { value: measurement.value, unit: measurement.unit, lowerIsBetter: measurement.better === 'lower' };
  }
}

/**
 * Checks every target against this run's figures. A target whose figures are missing (its scenario or
 * the one it is held against failed, or did not run) is a miss, with the reason.
 */
export function evaluateTargets(report: Report): TargetOutcome[] {
  return report.targets.map((target): TargetOutcome => {
    const absolute = isAbsolute(target);
    const factor = absolute ? 1 : target.factor;
    const base = { scenario: target.scenario, label: target.label, factor, absolute };
    const unmeasured = (reason: string): TargetOutcome => ({
      ...base,
      status: 'miss',
      ours: null,
      theirs: null,
      ratio: null,
      relation: null,
      unit: null,
      reason,
    });
    const ours = findFigure(report, target.scenario, target.compare);
    const theirs = absolute ? null : findFigure(report, target.against.scenario, target.against.compare);
    if (typeof ours === 'string' || typeof theirs === 'string') {
      return unmeasured([ours, theirs].filter((figure): figure is string => typeof figure === 'string').join('; '));
    }
    const mine = targetFigure(ours, target.statistic);
    let other: number;
    if (theirs === null) other = (target as { limit: number }).limit;
    else {
      if (theirs.kind !== ours.kind) {
        const against = (target as { against: Reference }).against;
        return unmeasured(
          `${target.scenario} '${target.compare}' is ${ours.kind}, ${against.scenario} '${against.compare}' is ${theirs.kind}`,
        );
      }
      other = targetFigure(theirs, target.statistic).value;
    }
    if (!Number.isFinite(mine.value) || !Number.isFinite(other)) {
      return unmeasured(`a figure is not a number (${mine.value} vs ${other}): no samples?`);
    }
    const ratio = mine.value / other;
    const pass = mine.lowerIsBetter ? ratio <= factor : ratio >= factor;
    return {
      ...base,
      status: pass ? 'pass' : 'miss',
      ours: mine.value,
      theirs: other,
      ratio,
      relation: mine.lowerIsBetter ? '<=' : '>=',
      unit: mine.unit,
    };
  });
}
