/**
 * Printing a `--tune` result: every configuration tried with its figures, then the best configuration
 * per objective as an `ActorSystem.start` call to paste.
 */
import { formatConfigCode } from '../lib/engine.js';
import type { Objective, Trial, TuneResult } from './tune.js';

const fmt = (value: number | null, unit: string): string => {
  if (value === null || !Number.isFinite(value)) return '-';
  if (unit === '/s') return `${Math.round(value).toLocaleString('en-US')}/s`;
  return value < 10 ? `${value.toFixed(2)} µs` : value < 100 ? `${value.toFixed(1)} µs` : `${Math.round(value)} µs`;
};

function trialLine(trial: Trial): string {
  const parts: string[] = [];
  if (trial.latencyScore !== null) {
    parts.push(
      `latency score ${fmt(trial.latencyScore, 'µs')} (p50 ${fmt(trial.latencyP50, 'µs')}, p99 ${fmt(trial.latencyP99, 'µs')})`,
    );
  }
  if (trial.perSecond !== null) parts.push(`throughput ${fmt(trial.perSecond, '/s')}`);
  const figures = trial.error !== undefined ? `FAILED: ${trial.error}` : parts.join(', ') || 'no figure';
  const busy = trial.otherCpu !== null && trial.otherCpu > 0.1 ? `  (other processes ${trial.otherCpu.toFixed(2)} CPUs)` : '';
  return `  ${formatConfigCode(trial.config)}\n      ${figures}${busy}`;
}

/** `actors` is the code of the `actors` option in the snippet to paste (a placeholder unless given). */
export function formatTune(result: TuneResult, actors = '[/* your modules */]'): string {
  const lines = [
    `Tuning ${result.scenario}: ${result.trials.length} configuration(s), coordinate descent from ${formatConfigCode(result.start)}`,
    'latency score = geometric mean over the latency rows of sqrt(p50 x p99); throughput = geometric mean of the messages/s rows (rates imposed by an open loop left out)',
    '',
    'Tried',
    ...result.trials.map(trialLine),
  ];
  for (const objective of ['latency', 'throughput'] as const satisfies readonly Objective[]) {
    lines.push('');
    const best = result.best[objective];
    if (best === undefined) {
      lines.push(`Best for ${objective}: none (${result.skipped[objective] ?? 'no figure'})`);
      continue;
    }
    const { trial, baseline } = best;
    const why =
      objective === 'latency'
        ? `score ${fmt(trial.latencyScore, 'µs')} (p50 ${fmt(trial.latencyP50, 'µs')}, p99 ${fmt(trial.latencyP99, 'µs')}) ` +
          `against ${fmt(baseline.latencyScore, 'µs')} (p50 ${fmt(baseline.latencyP50, 'µs')}, ` +
          `p99 ${fmt(baseline.latencyP99, 'µs')}) with the starting settings`
        : `${fmt(trial.perSecond, '/s')} against ${fmt(baseline.perSecond, '/s')} with the starting settings`;
    lines.push(`Best for ${objective} on ${result.scenario}: ${why}`);
    lines.push(`  await ActorSystem.start(${formatConfigCode(trial.config).replace(/^\{ /, `{ actors: ${actors}, `)});`);
  }
  if (result.stoppedEarly !== undefined) lines.push('', `WARNING: ${result.stoppedEarly}`);
  const busy = result.trials.filter((t) => t.otherCpu !== null && t.otherCpu > 0.1).length;
  if (busy > 0) lines.push('', `WARNING: other processes used CPU during ${busy} trial(s): rerun on an idle machine before trusting the choice.`);
  lines.push('', 'One run per configuration: differences under ~20% are within the noise of this machine; rerun to confirm.');
  return lines.join('\n');
}
