/**
 * `--html FILE`: the report as one self-contained page (inline CSS and SVG, no script, nothing fetched),
 * for people who would rather look than read: per scenario with latency figures, a latency-by-percentile
 * plot (log latency against "nines": p0, p90, p99, p99.9, p99.99), with the figures it is compared with
 * (the baseline's and the references') drawn dashed, and each line's sample count; then the same tables and targets
 * as the terminal. ringmaster's own scenarios come first, the baselines after them. A scenario measured while other
 * processes used CPU carries the terminal's warning: at the top of the page, on its plot, and under the targets.
 */
import type { LatencySummary } from '../lib/histogram.js';
import { isAbsolute, type LatencyMeasurement, type Measurement } from '../lib/scenario.js';
import { baselineFigures, ratioAgainst, referenceRatios } from './figures.js';
import { disturbed, loadList } from './load.js';
import type { Report, ScenarioOutcome } from './model.js';
import { evaluateTargets } from './targets.js';

const COLOURS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#17becf', '#8c564b', '#e377c2'];
const WIDTH = 760;
const HEIGHT = 320;
const MARGIN = { left: 64, right: 16, top: 16, bottom: 40 };
/** The x axis ends at p99.999 (5 nines); p100 (the max) is drawn there. */
const MAX_NINES = 5;

const escapeHtml = (text: string): string =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Percentile (0-100) to "nines": p90 -> 1, p99 -> 2, p99.9 -> 3. */
const nines = (percentile: number): number =>
  percentile >= 100 ? MAX_NINES : Math.min(MAX_NINES, Math.log10(100 / (100 - percentile)));

interface Series {
  /** The scenario that measured it. */
  readonly scenario: string;
  readonly label: string;
  readonly latency: LatencySummary;
  readonly dashed: boolean;
}

/** Points of a summary: its distribution, or the five percentiles every summary has. */
function points(latency: LatencySummary): [number, number][] {
  const raw =
    latency.distribution ??
    ([
      [50, latency.p50],
      [90, latency.p90],
      [99, latency.p99],
      [99.9, latency.p999],
      [100, latency.max],
    ] as const);
  return raw.filter(([, us]) => Number.isFinite(us) && us > 0).map(([p, us]) => [nines(p), us]);
}

function plot(title: string, series: readonly Series[], report: Report): string {
  const all = series.flatMap((s) => points(s.latency).map(([, us]) => us));
  if (all.length === 0) return '';
  const lo = Math.floor(Math.log10(Math.min(...all)));
  const hi = Math.max(lo + 1, Math.ceil(Math.log10(Math.max(...all))));
  const plotW = WIDTH - MARGIN.left - MARGIN.right;
  const plotH = HEIGHT - MARGIN.top - MARGIN.bottom;
  const x = (n: number): number => MARGIN.left + (n / MAX_NINES) * plotW;
  const y = (us: number): number => MARGIN.top + plotH - ((Math.log10(us) - lo) / (hi - lo)) * plotH;
  const parts: string[] = [];
  for (let decade = lo; decade <= hi; decade++) {
    const yy = y(10 ** decade).toFixed(1);
    const label = 10 ** decade >= 1000 ? `${10 ** (decade - 3)} ms` : `${10 ** decade} µs`;
    parts.push(`<line x1="${MARGIN.left}" x2="${WIDTH - MARGIN.right}" y1="${yy}" y2="${yy}" class="grid"/>`);
    parts.push(`<text x="${MARGIN.left - 6}" y="${yy}" class="ylab">${escapeHtml(label)}</text>`);
  }
  const xLabels = ['p0', 'p90', 'p99', 'p99.9', 'p99.99', 'max'];
  for (let n = 0; n <= MAX_NINES; n++) {
    const xx = x(n).toFixed(1);
    parts.push(`<line x1="${xx}" x2="${xx}" y1="${MARGIN.top}" y2="${HEIGHT - MARGIN.bottom}" class="grid"/>`);
    parts.push(`<text x="${xx}" y="${HEIGHT - MARGIN.bottom + 16}" class="xlab">${xLabels[n]}</text>`);
  }
  series.forEach((s, index) => {
    const colour = COLOURS[index % COLOURS.length]!;
    const path = points(s.latency)
      .map(([n, us]) => `${x(n).toFixed(1)},${y(us).toFixed(1)}`)
      .join(' ');
    parts.push(
      `<polyline points="${path}" fill="none" stroke="${colour}" stroke-width="2"` +
        `${s.dashed ? ' stroke-dasharray="6 4"' : ''}><title>${escapeHtml(s.label)}</title></polyline>`,
    );
  });
  const legend = series
    .map((s, index) => {
      const colour = COLOURS[index % COLOURS.length]!;
      return `<li><span class="swatch${s.dashed ? ' dashed' : ''}" style="border-color:${colour}"></span>${escapeHtml(s.label)} ` +
        `<span class="dim">p50 ${fmt(s.latency.p50)} µs, p99 ${fmt(s.latency.p99)} µs, ` +
        `${s.latency.samples.toLocaleString('en-US')} samples</span></li>`;
    })
    .join('');
  const busy = disturbed(report, new Set(series.map((s) => s.scenario)));
  const warning =
    busy.length === 0
      ? ''
      : `<p class="warn">Measured while other processes used CPU (${escapeHtml(loadList(busy))} CPUs): ` +
        'the tails (p99 and up) of this plot are disturbed.</p>';
  return (
    `<figure><figcaption>${escapeHtml(title)}</figcaption>${warning}` +
    `<svg viewBox="0 0 ${WIDTH} ${HEIGHT}" width="${WIDTH}" height="${HEIGHT}" role="img" aria-label="${escapeHtml(title)}">` +
    `${parts.join('')}<text x="${MARGIN.left + plotW / 2}" y="${HEIGHT - 4}" class="xlab">percentile</text></svg>` +
    `<ul class="legend">${legend}</ul></figure>`
  );
}

function fmt(value: number): string {
  if (!Number.isFinite(value)) return '-';
  if (value < 10) return value.toFixed(2);
  if (value < 100) return value.toFixed(1);
  return Math.round(value).toLocaleString('en-US');
}

const ratio = (value: number): string => (Number.isFinite(value) ? `${value.toPrecision(value >= 10 ? 3 : 2)}×` : '-');

function table(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const head = headers.map((h) => `<th>${escapeHtml(h)}</th>`).join('');
  const body = rows.map((row) => `<tr>${row.map((cell) => `<td>${escapeHtml(cell)}</td>`).join('')}</tr>`).join('');
  return `<table><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`;
}

/** Latency figures this measurement is compared with: the baseline's and its references'. */
function comparedWith(report: Report, measurement: Measurement, base: Map<string, Measurement>): Series[] {
  const out: Series[] = [];
  const baseline = base.get(measurement.compare);
  if (baseline?.kind === 'latency' && baseline !== measurement) {
    const scenario = report.settings.baseline ?? '';
    out.push({ scenario, label: `${scenario}: ${baseline.what}`, latency: baseline.latency, dashed: true });
  }
  for (const reference of measurement.references ?? []) {
    const outcome = report.scenarios.find((candidate) => candidate.name === reference.scenario);
    if (outcome?.status !== 'ok') continue;
    const figure = outcome.result.measurements.find((candidate) => candidate.compare === reference.compare);
    if (figure?.kind === 'latency') {
      out.push({ scenario: reference.scenario, label: `${reference.scenario}: ${figure.what}`, latency: figure.latency, dashed: true });
    }
  }
  return out;
}

/** ringmaster's scenarios first, then the baselines (`Report.baselines`), each group in run order. */
function oursFirst(outcomes: readonly ScenarioOutcome[], baselines: readonly string[]): ScenarioOutcome[] {
  const isBaseline = (name: string): boolean => baselines.includes(name);
  return [...outcomes.filter((o) => !isBaseline(o.name)), ...outcomes.filter((o) => isBaseline(o.name))];
}

export function toHtml(report: Report): string {
  const base = baselineFigures(report);
  const figures: string[] = [];
  const latencyRows: string[][] = [];
  const throughputRows: string[][] = [];
  const valueRows: string[][] = [];
  const notes: string[] = [];
  // Baselines compared key by key (bursty gaps, service rates) are drawn with their ringmaster scenario.
  const targetAgainst = new Map<string, string>();
  for (const target of report.targets) {
    if ('against' in target) targetAgainst.set(target.scenario, target.against.scenario);
  }
  for (const outcome of oursFirst(report.scenarios, report.baselines)) {
    if (outcome.status === 'failed') {
      notes.push(`${outcome.name} FAILED: ${outcome.error}`);
      continue;
    }
    const latencies = outcome.result.measurements.filter((m): m is LatencyMeasurement => m.kind === 'latency');
    if (latencies.length > 0) {
      const series: Series[] = latencies.map((m) => ({ scenario: outcome.name, label: m.what, latency: m.latency, dashed: false }));
      const seen = new Set<LatencySummary>(latencies.map((m) => m.latency));
      const against = report.scenarios.find((candidate) => candidate.name === targetAgainst.get(outcome.name));
      const extra: Series[] = [];
      for (const m of latencies) {
        for (const s of comparedWith(report, m, base)) extra.push(s);
        if (against?.status === 'ok' && against.name !== outcome.name) {
          const twin = against.result.measurements.find((candidate) => candidate.compare === m.compare);
          if (twin?.kind === 'latency') {
            extra.push({ scenario: against.name, label: `${against.name}: ${twin.what}`, latency: twin.latency, dashed: true });
          }
        }
      }
      for (const s of extra) {
        if (seen.has(s.latency)) continue;
        seen.add(s.latency);
        series.push(s);
      }
      figures.push(plot(`${outcome.name}: ${outcome.description}`, series, report));
    }
    for (const m of outcome.result.measurements) {
      const vs = ratioAgainst(m, base.get(m.compare));
      if (m.kind === 'latency') {
        const l = m.latency;
        latencyRows.push([
          outcome.name,
          m.what,
          l.samples.toLocaleString('en-US'),
          fmt(l.p50),
          fmt(l.p90),
          fmt(l.p99),
          fmt(l.p999),
          fmt(l.max),
          vs?.kind === 'latency' ? `${ratio(vs.p50)} / ${ratio(vs.p99)}` : '',
        ]);
      } else if (m.kind === 'throughput') {
        throughputRows.push([
          outcome.name,
          m.what,
          Math.round(m.perSecond).toLocaleString('en-US'),
          vs?.kind === 'throughput' ? ratio(vs.perSecond) : '',
        ]);
      } else {
        valueRows.push([outcome.name, m.what, `${fmt(m.value)} ${m.unit}`, `${m.better} is better`]);
      }
      for (const { reference, ratios } of referenceRatios(report, m)) {
        const line = `${outcome.name}, ${m.what} ÷ ${reference.scenario}`;
        if (typeof ratios === 'string') notes.push(`${line}: not available (${ratios})`);
        else if (ratios.kind === 'latency') notes.push(`${line}: p50 ${ratio(ratios.p50)}, p99 ${ratio(ratios.p99)}`);
        else notes.push(`${line}: ${ratio(ratios.perSecond)}`);
      }
    }
    for (const note of outcome.result.notes ?? []) notes.push(`${outcome.name}: ${note}`);
  }
  const targets = evaluateTargets(report);
  const targetRows = targets
    .map((t) => {
      const figure =
        t.ours === null || t.theirs === null
          ? `not measured (${t.reason ?? 'no figure'})`
          : t.absolute
            ? `${fmt(t.ours)} ${t.unit ?? ''} (needs ${t.relation ?? ''} ${fmt(t.theirs)})`
            : `${fmt(t.ours)} vs ${fmt(t.theirs)} ${t.unit ?? ''} = ${ratio(t.ratio ?? NaN)} (needs ${t.relation ?? ''} ${ratio(t.factor)})`;
      return `<tr class="${t.status}"><td>${t.status === 'pass' ? 'PASS' : 'MISS'}</td><td>${escapeHtml(t.label)}</td><td>${escapeHtml(figure)}</td></tr>`;
    })
    .join('');
  const m = report.machine;
  const baseName = report.settings.baseline ?? 'none';
  const loads = report.scenarios.filter((outcome) => outcome.otherCpu !== null);
  const busy = disturbed(report);
  const busyWarning =
    busy.length === 0
      ? ''
      : `<p class="warn"><strong>WARNING: the machine was not idle.</strong> Other processes used CPU while these ` +
        `scenarios ran (in CPUs, of ${m.availableParallelism}): ${escapeHtml(loadList(busy))}. Their tails (p99 and up) ` +
        'are disturbed; rerun when the machine is idle.</p>';
  const involved = new Set(report.targets.flatMap((t) => (isAbsolute(t) ? [t.scenario] : [t.scenario, t.against.scenario])));
  const busyTargets = disturbed(report, involved);
  const targetsWarning =
    busyTargets.length === 0
      ? ''
      : `<p class="warn">Measured while other processes used CPU: ${escapeHtml(loadList(busyTargets))} CPUs; rerun on an ` +
        'idle machine before trusting these verdicts.</p>';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>ringmaster benchmarks ${escapeHtml(report.startedAt)}</title>
<style>
body{font:14px/1.45 system-ui,sans-serif;margin:2em auto;max-width:1000px;padding:0 1em;color:#222}
h1{font-size:1.5em}h2{font-size:1.2em;margin-top:2em}
table{border-collapse:collapse;margin:.5em 0;font-variant-numeric:tabular-nums}
th,td{border-bottom:1px solid #ddd;padding:3px 8px;text-align:right}th:nth-child(-n+2),td:nth-child(-n+2){text-align:left}
tr.pass td:first-child{color:#1a7f37;font-weight:bold}tr.miss td:first-child{color:#c62828;font-weight:bold}
.targets td{text-align:left}
figure{margin:1.5em 0}figcaption{font-weight:bold;margin-bottom:.3em}
svg .grid{stroke:#e4e4e4}svg .ylab{font-size:11px;text-anchor:end;dominant-baseline:middle;fill:#555}
svg .xlab{font-size:11px;text-anchor:middle;fill:#555}
.legend{list-style:none;padding:0;margin:.3em 0}.legend li{margin:.1em 0}
.swatch{display:inline-block;width:24px;border-top:3px solid;margin-right:6px;vertical-align:middle}
.swatch.dashed{border-top-style:dashed}.dim{color:#777}
dl{display:grid;grid-template-columns:max-content 1fr;gap:2px 12px}dt{color:#666}dd{margin:0}
pre{white-space:pre-wrap}
.warn{background:#fff4e5;border-left:4px solid #e65100;padding:.4em .8em;margin:.5em 0}
</style></head><body>
<h1>ringmaster benchmarks</h1>
<dl>
<dt>command</dt><dd><code>${escapeHtml(report.command)}</code></dd>
<dt>started</dt><dd>${escapeHtml(report.startedAt)}</dd>
<dt>machine</dt><dd>${escapeHtml(`${m.cpuModel}, ${m.cores} cores, ${m.memoryGiB.toFixed(1)} GiB, ${m.os}`)}</dd>
<dt>node</dt><dd>${escapeHtml(`${m.node} (V8 ${m.v8}); load average at start ${m.loadAverage.map((v) => v.toFixed(2)).join(' ')}`)}</dd>
<dt>budget</dt><dd>${report.settings.measureMs} ms measuring + ${report.settings.warmupMs} ms warm-up per figure${report.settings.quick ? ' (--quick)' : ''}</dd>
<dt>engine</dt><dd>${escapeHtml(Object.entries(report.settings.engineResolved).map(([k, v]) => `${k}=${String(v)}`).join(', '))}</dd>
<dt>baseline</dt><dd>${escapeHtml(baseName)}</dd>
${loads.length > 0 ? `<dt>other processes</dt><dd>CPU they used during each scenario, in CPUs (of ${m.availableParallelism}): ${escapeHtml(loadList(loads))}</dd>` : ''}
</dl>
${busyWarning}
<h2>Targets</h2>
<table class="targets"><tbody>${targetRows}</tbody></table>
${targetsWarning}
<h2>Latency distributions</h2>
<p>Latency (log scale) against percentile; dashed lines are the figures a scenario is compared with, measured in the same run. ringmaster's scenarios first, then the baselines.</p>
${figures.join('\n')}
<h2>Latency, µs</h2>
${table(['scenario', 'what', 'samples', 'p50', 'p90', 'p99', 'p99.9', 'max', `÷ ${baseName} p50 / p99`], latencyRows)}
<h2>Throughput, per second</h2>
${table(['scenario', 'what', 'per second', `÷ ${baseName}`], throughputRows)}
${valueRows.length > 0 ? `<h2>Other figures</h2>\n${table(['scenario', 'what', 'figure', ''], valueRows)}` : ''}
<h2>Notes</h2>
<pre>${escapeHtml(notes.join('\n'))}</pre>
</body></html>
`;
}
