/**
 * Ratios: every figure is divided by the baseline scenario's figure with the same `compare` key and
 * the same kind, measured in the same run. A latency ratio below 1 and a throughput ratio above 1
 * both mean "better than the baseline". A measurement's `references` are divided out the same way.
 */
import type { CompareKey, Measurement, Reference } from '../lib/scenario.js';
import type { Report } from './model.js';

/** A figure divided by the baseline's: latency p50 and p99, or throughput. */
export type Ratios =
  | { readonly kind: 'latency'; readonly p50: number; readonly p99: number }
  | { readonly kind: 'throughput'; readonly perSecond: number };

export function ratioAgainst(measurement: Measurement, base: Measurement | undefined): Ratios | undefined {
  if (base === undefined) return undefined;
  if (measurement.kind === 'latency' && base.kind === 'latency') {
    return {
      kind: 'latency',
      p50: measurement.latency.p50 / base.latency.p50,
      p99: measurement.latency.p99 / base.latency.p99,
    };
  }
  if (measurement.kind === 'throughput' && base.kind === 'throughput') {
    return { kind: 'throughput', perSecond: measurement.perSecond / base.perSecond };
  }
  return undefined;
}

/** The baseline's measurements by compare key; empty when the baseline did not run or failed. */
export function baselineFigures(report: Report): Map<string, Measurement> {
  const figures = new Map<string, Measurement>();
  const base = report.scenarios.find((outcome) => outcome.name === report.settings.baseline);
  if (base?.status !== 'ok') return figures;
  for (const measurement of base.result.measurements) {
    if (!figures.has(measurement.compare)) figures.set(measurement.compare, measurement);
  }
  return figures;
}

/** The first measurement of `scenario` with `compare`, or why there is none. */
export function findFigure(report: Report, scenario: string, compare: CompareKey): Measurement | string {
  const outcome = report.scenarios.find((candidate) => candidate.name === scenario);
  if (outcome === undefined) return `${scenario} did not run`;
  if (outcome.status === 'failed') return `${scenario} failed: ${outcome.error}`;
  const measurement = outcome.result.measurements.find((candidate) => candidate.compare === compare);
  return measurement ?? `${scenario} measured no '${compare}' figure`;
}

/** A measurement's references (`Measurement.references`) divided out, or why one is not available. */
export function referenceRatios(
  report: Report,
  measurement: Measurement,
): { reference: Reference; ratios: Ratios | string }[] {
  return (measurement.references ?? []).map((reference) => {
    const figure = findFigure(report, reference.scenario, reference.compare);
    if (typeof figure === 'string') return { reference, ratios: figure };
    const ratios = ratioAgainst(measurement, figure);
    return { reference, ratios: ratios ?? `${reference.scenario} '${reference.compare}' is another kind of figure` };
  });
}
