/**
 * `--json`: the report as JSON, each measurement with its ratios against the baseline and its references,
 * and every target checked.
 */
import { baselineFigures, ratioAgainst, referenceRatios } from './figures.js';
import type { Report } from './model.js';
import { evaluateTargets } from './targets.js';

/** The report as JSON, with each measurement's ratios against the baseline alongside it. */
export function toJson(report: Report): string {
  const base = baselineFigures(report);
  const scenarios = report.scenarios.map((outcome) =>
    outcome.status === 'ok'
      ? {
          ...outcome,
          result: {
            ...outcome.result,
            measurements: outcome.result.measurements.map((measurement) => ({
              ...measurement,
              vsBaseline: ratioAgainst(measurement, base.get(measurement.compare)) ?? null,
              vsReferences: referenceRatios(report, measurement).map(({ reference, ratios }) => ({
                ...reference,
                ...(typeof ratios === 'string' ? { ratios: null, missing: ratios } : { ratios }),
              })),
            })),
          },
        }
      : outcome,
  );
  return JSON.stringify({ ...report, scenarios, targets: evaluateTargets(report) }, null, 2);
}
