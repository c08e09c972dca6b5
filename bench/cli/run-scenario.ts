/**
 * Running one scenario for the CLI: progress lines on stderr, a timeout so that a scenario that hangs is
 * reported as failed instead of hanging the run, other processes' CPU use meanwhile, and the outcome the
 * report reads (its result, or why it failed), with whether it left threads running.
 *
 * Main thread only; one scenario at a time.
 */
import { cpuSnapshot, otherCpuSince } from '../lib/contention.js';
import { LeftRunningError, type Scenario, type ScenarioResult } from '../lib/scenario.js';
import type { RunSettings, ScenarioOutcome } from '../report/model.js';

/** For the progress lines: seconds since the run started. */
const SUITE_START = performance.now();

/**
 * A scenario that hangs (a comlink call to a dead worker never settles) must not hang the run: after
 * this long it is reported as failed. Generous: a scenario takes a few figures' worth of budget.
 */
function scenarioTimeoutMs(settings: RunSettings, figures = 10): number {
  return 30_000 + Math.max(10, figures) * (settings.measureMs + settings.warmupMs);
}

export async function runScenario(
  scenario: Scenario,
  tag: string,
  settings: RunSettings,
): Promise<{ outcome: ScenarioOutcome; leftRunning: boolean }> {
  const progress = (line: string): void => {
    const elapsed = ((performance.now() - SUITE_START) / 1000).toFixed(1);
    process.stderr.write(`${tag} (+${elapsed} s): ${line}\n`);
  };
  progress('starting');
  const started = performance.now();
  const cpuAtStart = cpuSnapshot();
  let timer: NodeJS.Timeout | undefined;
  const timeoutMs = scenarioTimeoutMs(settings, scenario.figures);
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
  });
  const base = (wallMs: number, imposedCpu = 0) => {
    const other = otherCpuSince(cpuAtStart);
    return {
      name: scenario.name,
      description: scenario.description,
      wallMs,
      otherCpu: other === null ? null : Math.max(0, other - imposedCpu),
    };
  };
  try {
    const result: ScenarioResult | 'timeout' = await Promise.race([
      scenario.run({
        quick: settings.quick,
        measureMs: settings.measureMs,
        warmupMs: settings.warmupMs,
        progress,
        engine: settings.engine,
      }),
      timeout,
    ]);
    const wallMs = performance.now() - started;
    if (result === 'timeout') {
      progress(`TIMED OUT after ${(timeoutMs / 1000).toFixed(0)} s`);
      const error = `timed out after ${timeoutMs} ms; its workers may still be running`;
      return { outcome: { ...base(wallMs), status: 'failed', error }, leftRunning: true };
    }
    if (result.leftRunning !== undefined) progress(`LEFT THREADS RUNNING: ${result.leftRunning}`);
    progress(`done in ${(wallMs / 1000).toFixed(1)} s`);
    return { outcome: { ...base(wallMs, result.imposedCpu), status: 'ok', result }, leftRunning: result.leftRunning !== undefined };
  } catch (error) {
    const wallMs = performance.now() - started;
    const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
    progress(`FAILED: ${message}`);
    return {
      outcome: { ...base(wallMs), status: 'failed', error: message.split('\n')[0] ?? message },
      leftRunning: error instanceof LeftRunningError,
    };
  } finally {
    clearTimeout(timer);
  }
}
