/**
 * `npx ringmaster bench`: the suite's scenarios on the user's own actor (`bench/user/scenarios.ts`), with the
 * suite's report (`bench/report/`: terminal, `--json`, `--html`) and its `--tune` sweep (`bench/tune/`).
 *
 * A run: the flags (`args.ts`), the module and the definition in it (`target.ts`), one try of the actor in a real
 * system (an actor that never replies is a usage error here, not a timed-out scenario), then the postMessage
 * baselines the selected scenarios compare with, then the scenarios, one at a time. A user's mistake (a flag, the
 * module, the definition, a message) exits 2 with what to do and no stack trace; a failed scenario exits 1 after
 * the report. Progress goes to stderr, the report to stdout. Imports nothing the published package lacks (no
 * piscina, comlink, autocannon, tinybench): `tsconfig.build.json` compiles it into dist/ for `bin/ringmaster.ts`.
 *
 * Main thread only.
 */
import { writeFileSync } from 'node:fs';
import { runScenario } from '../cli/run-scenario.js';
import { isUsageError } from '../cli/engine-flags.js';
import { describeMachine } from '../lib/machine.js';
import type { Scenario } from '../lib/scenario.js';
import { toHtml } from '../report/html.js';
import { toJson } from '../report/json.js';
import type { Report, RunSettings, ScenarioOutcome } from '../report/model.js';
import { formatHeader, formatResults } from '../report/terminal.js';
import { formatTuneReport, tuneScenario } from '../tune/tune-scenario.js';
import { parseUserCli, reproduceUserCommand, type UserCli, USAGE } from './args.js';
import { userBaselines, userScenarios } from './scenarios.js';
import { type BenchTarget, checkTarget, loadTarget } from './target.js';

/** Where the command writes: the process's streams, or a test's. */
export interface Output {
  write(text: string): unknown;
}

/** Runs `ringmaster bench` with `argv` (the arguments after `bench`); resolves to the exit status. */
export async function benchMain(argv: readonly string[], out: Output = process.stdout, err: Output = process.stderr): Promise<number> {
  let cli: UserCli;
  let target: BenchTarget;
  let scenarios: Scenario[];
  try {
    cli = parseUserCli(argv);
    if (cli.help) {
      out.write(USAGE);
      return 0;
    }
    target = await loadTarget(cli.target);
    err.write(`bench: trying ${target.definition.name} once (spawn, ask, tell) on one worker\n`);
    const check = await checkTarget(target);
    scenarios = userScenarios(target, check).filter((scenario) => (cli.scenarios as readonly string[]).includes(scenario.name));
  } catch (error) {
    if (isUsageError(error)) {
      err.write(`ringmaster bench: ${error.message}\n(npx ringmaster bench --help prints the usage)\n`);
      return 2;
    }
    throw error;
  }
  return cli.tune ? runTune(cli, target, scenarios[0]!, out) : runSuite(cli, scenarios, out);
}

async function runSuite(cli: UserCli, chosen: readonly Scenario[], out: Output): Promise<number> {
  const needed = new Set(chosen.flatMap((scenario) => scenario.needs ?? []));
  const baselines = userBaselines.filter((scenario) => needed.has(scenario.name));
  const selected = [...baselines, ...chosen];
  const settings: RunSettings = {
    ...cli.settings,
    baseline: baselines.some((scenario) => scenario.name === 'post-message') ? 'post-message' : null,
  };
  const command = reproduceUserCommand(cli);
  const startedAt = new Date().toISOString();
  const machine = describeMachine();
  if (!cli.json) out.write(`${formatHeader(command, machine, settings)}\n\n`);

  const outcomes: ScenarioOutcome[] = [];
  let leftRunning = false;
  for (const [index, scenario] of selected.entries()) {
    const run = await runScenario(scenario, `[${index + 1}/${selected.length}] ${scenario.name}`, settings);
    outcomes.push(run.outcome);
    if (run.leftRunning) {
      // Its threads could not be stopped and would disturb every later figure: report what there is, then stop.
      leftRunning = true;
      break;
    }
  }
  const report: Report = {
    command,
    startedAt,
    machine,
    settings,
    scenarios: outcomes,
    baselines: baselines.map((scenario) => scenario.name),
    targets: [],
  };
  out.write(cli.json ? `${toJson(report)}\n` : `${formatResults(report)}\n`);
  if (cli.html !== undefined) {
    writeFileSync(cli.html, toHtml(report));
    process.stderr.write(`bench: wrote ${cli.html}\n`);
  }
  if (leftRunning) process.exit(1);
  return outcomes.some((outcome) => outcome.status === 'failed') ? 1 : 0;
}

/** `--tune`: the one scenario once per configuration of the sweep; no baselines (the sweep compares configurations). */
async function runTune(cli: UserCli, target: BenchTarget, scenario: Scenario, out: Output): Promise<number> {
  const machine = describeMachine();
  if (!cli.json) out.write(`${formatHeader(reproduceUserCommand(cli), machine, cli.settings)}\n\n`);
  const result = await tuneScenario(scenario, cli.settings);
  const path = /^(\.{1,2}\/|\/)/.test(target.modulePath) ? target.modulePath : `./${target.modulePath}`;
  const actors = `[new URL('${path}', import.meta.url)]`;
  out.write(formatTuneReport(result, { json: cli.json, machine, settings: cli.settings, actors }));
  if (result.stoppedEarly !== undefined) process.exit(1);
  return result.best.latency === undefined && result.best.throughput === undefined ? 1 : 0;
}
