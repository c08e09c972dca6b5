/**
 * Turns a run's results into a terminal report or JSON.
 *
 * Ratios: every figure is divided by the baseline scenario's figure with the same `compare` key and
 * the same kind, measured in the same run. A latency ratio below 1 and a throughput ratio above 1
 * both mean "better than the baseline".
 */
import type { MachineInfo } from './lib/machine.js';
import {
  isAbsolute,
  type CompareKey,
  type Config,
  type EngineOptions,
  type LatencyStatistic,
  type Measurement,
  type Reference,
  type ScenarioResult,
  type Target,
} from './lib/scenario.js';

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
  /** CPUs' worth of time other processes used while the scenario ran (see contention.ts); null if unknown. */
  readonly otherCpu: number | null;
}

export type ScenarioOutcome =
  | (OutcomeBase & { readonly status: 'ok'; readonly result: ScenarioResult })
  | (OutcomeBase & { readonly status: 'failed'; readonly error: string });

/** Above this many CPUs' worth of other processes' load, the report warns that figures are disturbed. */
const BUSY_NEIGHBOURS = 0.1;

export interface Report {
  readonly command: string;
  readonly startedAt: string;
  readonly machine: MachineInfo;
  readonly settings: RunSettings;
  readonly scenarios: readonly ScenarioOutcome[];
  /** The targets of the scenarios that were selected, checked whether or not their scenario succeeded. */
  readonly targets: readonly ScenarioTarget[];
}

/** A target with the scenario that declares it. */
export type ScenarioTarget = Target & { readonly scenario: string };

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
function findFigure(report: Report, scenario: string, compare: CompareKey): Measurement | string {
  const outcome = report.scenarios.find((candidate) => candidate.name === scenario);
  if (outcome === undefined) return `${scenario} did not run`;
  if (outcome.status === 'failed') return `${scenario} failed: ${outcome.error}`;
  const measurement = outcome.result.measurements.find((candidate) => candidate.compare === compare);
  return measurement ?? `${scenario} measured no '${compare}' figure`;
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

// ---------------------------------------------------------------------------------------------------
// JSON

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

// ---------------------------------------------------------------------------------------------------
// Text

export function formatHeader(
  command: string,
  machine: MachineInfo,
  settings: RunSettings,
): string {
  const load = machine.loadAverage.map((value) => value.toFixed(2)).join(' ');
  const lines = [
    'ringmaster benchmarks',
    `command   ${command}`,
    `machine   ${machine.cpuModel}, ${machine.cores} cores (availableParallelism ${machine.availableParallelism}), ` +
      `${machine.memoryGiB.toFixed(1)} GiB, ${machine.os}`,
    `node      ${machine.node} (V8 ${machine.v8}); one clock read costs ${machine.clockReadNs.toFixed(0)} ns`,
    `load avg  ${load} (1, 5, 15 min, at start)`,
    `budget    ${settings.measureMs} ms measuring + ${settings.warmupMs} ms warm-up per figure` +
      (settings.quick ? ' (--quick)' : ''),
    `engine    ringmaster ${formatConfig(settings.engineResolved)}` +
      (Object.keys(settings.engine).length === 0
        ? ' (defaults)'
        : ` (given: ${formatConfig(settings.engine as Config)})`),
    settings.baseline === null
      ? 'baseline  none (--baseline none)'
      : `baseline  ${settings.baseline}: ratios divide a figure by the baseline's figure of the same kind`,
  ];
  return lines.join('\n');
}

export function formatResults(report: Report): string {
  const base = baselineFigures(report);
  const baseName = report.settings.baseline;
  // Without a baseline the ratio columns would always be empty: leave them out.
  const withRatios = <T>(cells: T[], ratioCells: T[]): T[] => (baseName === null ? cells : [...cells, ...ratioCells]);
  const latencyRows: string[][] = [];
  const throughputRows: string[][] = [];
  const valueRows: string[][] = [];
  const notes: string[] = [];
  const failures: string[] = [];
  const others: string[] = [];

  for (const outcome of report.scenarios) {
    if (outcome.status === 'failed') {
      failures.push(`${outcome.name}: ${outcome.error}`);
      continue;
    }
    for (const measurement of outcome.result.measurements) {
      const ratios = ratioAgainst(measurement, base.get(measurement.compare));
      if (measurement.kind === 'latency') {
        const l = measurement.latency;
        latencyRows.push(
          withRatios(
            [
              outcome.name,
              measurement.what,
              formatCount(l.samples),
              formatMicros(l.p50),
              formatMicros(l.p90),
              formatMicros(l.p99),
              formatMicros(l.p999),
              formatMicros(l.max),
            ],
            [
              ratios?.kind === 'latency' ? formatRatio(ratios.p50) : '',
              ratios?.kind === 'latency' ? formatRatio(ratios.p99) : '',
            ],
          ),
        );
      } else if (measurement.kind === 'value') {
        valueRows.push([
          outcome.name,
          measurement.what,
          `${formatMicros(measurement.value)} ${measurement.unit}`,
          measurement.better === 'lower' ? 'lower' : 'higher',
        ]);
      } else {
        throughputRows.push(
          withRatios(
            [
              outcome.name,
              measurement.what,
              formatCount(measurement.messages),
              measurement.seconds.toFixed(2),
              formatCount(Math.round(measurement.perSecond)),
            ],
            [ratios?.kind === 'throughput' ? formatRatio(ratios.perSecond) : ''],
          ),
        );
      }
      if (measurement.config !== undefined) {
        notes.push(`${outcome.name}, ${measurement.what}: ${formatConfig(measurement.config)}`);
      }
      for (const { reference, ratios } of referenceRatios(report, measurement)) {
        const line = `${outcome.name}, ${measurement.what} ÷ ${reference.scenario} '${reference.compare}'`;
        if (typeof ratios === 'string') others.push(`${line}: not available (${ratios})`);
        else if (ratios.kind === 'latency') {
          others.push(`${line}: p50 ${formatRatio(ratios.p50)}, p99 ${formatRatio(ratios.p99)}`);
        } else others.push(`${line}: ${formatRatio(ratios.perSecond)}`);
      }
    }
    for (const note of outcome.result.notes ?? []) notes.push(`${outcome.name}: ${note}`);
  }

  const sections: string[] = [];
  if (latencyRows.length > 0) {
    sections.push(
      'Latency, µs (lower is better)\n' +
        table(
          withRatios(
            ['scenario', 'what', 'samples', 'p50', 'p90', 'p99', 'p99.9', 'max'],
            [`p50 ÷ ${baseName}`, `p99 ÷ ${baseName}`],
          ),
          latencyRows,
          [false, false, true, true, true, true, true, true, true, true],
        ),
    );
  }
  if (throughputRows.length > 0) {
    sections.push(
      'Throughput, messages/s (higher is better)\n' +
        table(
          withRatios(['scenario', 'what', 'messages', 'seconds', 'msgs/s'], [`÷ ${baseName}`]),
          throughputRows,
          [false, false, true, true, true, true],
        ),
    );
  }
  if (valueRows.length > 0) {
    sections.push(
      'Other figures\n' + table(['scenario', 'what', 'figure', 'better'], valueRows, [false, false, true, false]),
    );
  }
  if (others.length > 0) sections.push('Other comparisons\n' + others.map((line) => `  ${line}`).join('\n'));
  const loads = report.scenarios.filter((outcome) => outcome.otherCpu !== null);
  if (loads.length > 0) {
    const busy = loads.some((outcome) => (outcome.otherCpu ?? 0) > BUSY_NEIGHBOURS);
    sections.push(
      `CPU used by other processes meanwhile, in CPUs (of ${report.machine.availableParallelism})\n  ` +
        loads.map((outcome) => `${outcome.name} ${(outcome.otherCpu ?? 0).toFixed(2)}`).join(', ') +
        (busy ? '\n  WARNING: the machine was not idle; tails (p99 and up) are disturbed. Rerun when it is idle.' : ''),
    );
  }
  if (notes.length > 0) sections.push('Notes\n' + notes.map((note) => `  ${note}`).join('\n'));
  if (failures.length > 0) sections.push('FAILED\n' + failures.map((failure) => `  ${failure}`).join('\n'));
  const targets = evaluateTargets(report);
  if (targets.length > 0) {
    const passed = targets.filter((target) => target.status === 'pass').length;
    const heading = `Targets: ${passed} of ${targets.length} met, against figures of this run`;
    const lines = targets.map(formatTarget);
    // The verdicts stand as printed; say when they were taken beside busy neighbours.
    const involved = new Set(
      report.targets.flatMap((target) => (isAbsolute(target) ? [target.scenario] : [target.scenario, target.against.scenario])),
    );
    const busy = report.scenarios.filter(
      (outcome) => involved.has(outcome.name) && (outcome.otherCpu ?? 0) > BUSY_NEIGHBOURS,
    );
    if (busy.length > 0) {
      lines.push(
        `  (measured while other processes used CPU: ${busy
          .map((outcome) => `${outcome.name} ${(outcome.otherCpu ?? 0).toFixed(2)}`)
          .join(', ')} CPUs; rerun on an idle machine before trusting these verdicts)`,
      );
    }
    sections.push(`${heading}\n${lines.join('\n')}`);
  }
  return sections.join('\n\n');
}

function formatTarget(target: TargetOutcome): string {
  const status = target.status === 'pass' ? 'PASS' : 'MISS';
  if (target.ours === null || target.theirs === null || target.ratio === null) {
    return `  ${status}  ${target.label}: not measured (${target.reason ?? 'no figure'})`;
  }
  const figure = (value: number): string =>
    target.unit === 'msgs/s' ? formatCount(Math.round(value)) : `${formatMicros(value)}`;
  if (target.absolute) {
    return (
      `  ${status}  ${target.label}: ${figure(target.ours)} ${target.unit ?? ''} ` +
      `(needs ${target.relation ?? ''} ${figure(target.theirs)})`
    );
  }
  return (
    `  ${status}  ${target.label}: ${figure(target.ours)} vs ${figure(target.theirs)} ${target.unit ?? ''} = ` +
    `${formatRatio(target.ratio)} (needs ${target.relation ?? ''} ${formatRatio(target.factor)})`
  );
}

function table(headers: readonly string[], rows: readonly (readonly string[])[], alignRight: readonly boolean[]): string {
  const widths = headers.map((header, column) =>
    Math.max(header.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, column) => {
        const width = widths[column] ?? 0;
        return alignRight[column] === true ? cell.padStart(width) : cell.padEnd(width);
      })
      .join('  ')
      .trimEnd();
  const rule = widths.map((width) => '-'.repeat(width)).join('  ');
  return [line(headers), rule, ...rows.map(line)].map((text) => `  ${text}`).join('\n');
}

/** Three significant figures at most, never scientific notation. */
function formatMicros(us: number): string {
  if (!Number.isFinite(us)) return '-';
  if (us < 10) return us.toFixed(2);
  if (us < 100) return us.toFixed(1);
  return us.toFixed(0);
}

function formatCount(n: number): string {
  return n.toLocaleString('en-US', { maximumFractionDigits: 0 });
}

function formatRatio(ratio: number): string {
  if (!Number.isFinite(ratio)) return '-';
  if (ratio >= 10) return `${ratio.toFixed(0)}×`;
  if (ratio >= 1) return `${ratio.toFixed(2)}×`;
  return `${ratio.toPrecision(2)}×`;
}

function formatConfig(config: Config): string {
  return Object.entries(config)
    .map(([key, value]) => `${key}=${String(value)}`)
    .join(', ');
}
