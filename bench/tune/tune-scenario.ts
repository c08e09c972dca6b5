/**
 * `--tune` as both benchmark commands run it (`npx tsx bench/run.ts` and `npx ringmaster bench`): the sweep of
 * `tune.ts` with each configuration a whole run of the scenario (`bench/cli/run-scenario.ts`), and its report,
 * JSON or the terminal's. What each command runs before the sweep (the suite's needs, the user's header) stays
 * with the command.
 *
 * Main thread only.
 */
import { runScenario } from '../cli/run-scenario.js';
import { engineConfig } from '../lib/engine.js';
import type { MachineInfo } from '../lib/machine.js';
import type { Scenario } from '../lib/scenario.js';
import type { RunSettings } from '../report/model.js';
import { resolvedEngine } from '../scenarios/system.js';
import { formatTune } from './tune-format.js';
import { type RunOutcome, type TuneResult, tune } from './tune.js';

/** Sweeps from the engine `settings` name (engine defaults for the rest); every other setting is kept per run. */
export function tuneScenario(scenario: Scenario, settings: RunSettings): Promise<TuneResult> {
  const start = resolvedEngine(settings.engine);
  return tune(
    scenario,
    {
      workers: start.workers,
      waitStrategy: start.waitStrategy,
      spinIterations: start.spinIterations,
      throughput: start.throughput,
      ringBytes: start.ringBytes,
    },
    async (config, label): Promise<RunOutcome> => {
      const run: RunSettings = { ...settings, engine: config, engineResolved: engineConfig(resolvedEngine(config)) };
      const { outcome, leftRunning } = await runScenario(scenario, label, run);
      return outcome.status === 'ok'
        ? { status: 'ok', result: outcome.result, otherCpu: outcome.otherCpu, leftRunning }
        : { status: 'failed', error: outcome.error, otherCpu: outcome.otherCpu, leftRunning };
    },
  );
}

/** The sweep's report: JSON with the machine and settings, or the terminal's with `actors` in the code to paste. */
export function formatTuneReport(
  result: TuneResult,
  report: { readonly json: boolean; readonly machine: MachineInfo; readonly settings: RunSettings; readonly actors?: string },
): string {
  return report.json
    ? `${JSON.stringify({ machine: report.machine, settings: report.settings, ...result }, null, 2)}\n`
    : `${formatTune(result, report.actors)}\n`;
}
