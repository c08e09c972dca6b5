/**
 * The terminal report: the header (machine, settings, the command that reproduces the run), then the
 * latency, throughput and other tables with their ratios against the baseline, other comparisons, other
 * processes' CPU use, notes, failures and the targets.
 */
import type { MachineInfo } from '../lib/machine.js';
import { isAbsolute, type Config } from '../lib/scenario.js';
import { baselineFigures, ratioAgainst, referenceRatios } from './figures.js';
import type { Report, RunSettings } from './model.js';
import { BUSY_NEIGHBOURS } from './load.js';
import { evaluateTargets, type TargetOutcome } from './targets.js';

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
