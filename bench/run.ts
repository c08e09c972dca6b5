/**
 * The benchmark CLI: `npx tsx bench/run.ts [--scenario NAME[,NAME]] [--all] [--quick] [--json] [--duration MS]
 * [--workers N] [--wait-strategy spin|park|hybrid] [--throughput N] [--spin-iterations N]`.
 *
 * Runs the selected scenarios from `bench/scenarios/index.ts` one after another (never two at once:
 * this machine has two cores and every scenario needs both), prints progress to stderr and the report
 * to stdout, and exits by itself once every scenario has cleaned up. Without `--scenario` it runs
 * ringmaster's scenarios (`--all`: every scenario). The baseline scenario, and the scenarios a selected
 * one `needs` for its targets and references, are added to the run when they were not selected, so
 * ratios always compare figures measured in the same run.
 *
 * The flags are parsed in `cli/args.ts`; `cli/run-scenario.ts` runs one scenario (progress, timeout,
 * outcome); this file chooses what runs, prints the report, and drives `--tune`.
 */
import { writeFileSync } from 'node:fs';
import { parseCli, reproduceCommand, USAGE, type Cli } from './cli/args.js';
import { isUsageError } from './cli/engine-flags.js';
import { runScenario } from './cli/run-scenario.js';
import { describeMachine } from './lib/machine.js';
import type { Scenario } from './lib/scenario.js';
import { toHtml } from './report/html.js';
import { toJson } from './report/json.js';
import type { Report, ScenarioOutcome } from './report/model.js';
import { formatHeader, formatResults } from './report/terminal.js';
import { baselineNames, findScenario, ringmasterScenarios, scenarios, withNeeds } from './scenarios/index.js';
import { formatTuneReport, tuneScenario } from './tune/tune-scenario.js';

/**
 * What runs: the requested scenarios (ringmaster's by default, every one with `--all`), the baseline,
 * and whatever they need for their targets and references; in registry order, baselines first.
 */
function selectScenarios(cli: Cli): Scenario[] {
  const chosen = cli.all
    ? [...scenarios]
    : cli.requested.length === 0
      ? [...ringmasterScenarios]
      : cli.requested.map((name) => findScenario(name)!);
  const baseline = cli.settings.baseline;
  if (baseline !== null) chosen.push(findScenario(baseline)!);
  return withNeeds(chosen);
}

async function main(): Promise<void> {
  let cli: Cli;
  try {
    cli = parseCli(process.argv.slice(2));
  } catch (error) {
    if (isUsageError(error)) {
      process.stderr.write(`bench: ${error.message}\n\n${USAGE}`);
      process.exitCode = 2;
      return;
    }
    throw error;
  }
  if (cli.help) {
    process.stdout.write(USAGE);
    return;
  }
  if (cli.list) {
    const width = Math.max(...scenarios.map((scenario) => scenario.name.length));
    const byDefault = new Set(selectScenarios({ ...cli, requested: [], all: false }).map((scenario) => scenario.name));
    for (const scenario of scenarios) {
      const mark = byDefault.has(scenario.name) ? '*' : ' ';
      process.stdout.write(`${mark} ${scenario.name.padEnd(width)}  ${scenario.description}\n`);
    }
    process.stdout.write('\n* runs by default (without --scenario); --all runs every scenario\n');
    return;
  }

  if (cli.tune) {
    await runTune(cli);
    return;
  }

  const command = reproduceCommand(cli);
  const startedAt = new Date().toISOString();
  const machine = describeMachine();
  const selected = selectScenarios(cli);
  if (!cli.json) process.stdout.write(`${formatHeader(command, machine, cli.settings)}\n\n`);
  if (cli.requested.length > 0) {
    const added = selected.map((scenario) => scenario.name).filter((name) => !cli.requested.includes(name));
    if (added.length > 0) {
      process.stderr.write(
        `bench: added ${added.join(', ')}: the baseline for ratios and what the selected scenarios compare against\n`,
      );
    }
  }

  const outcomes: ScenarioOutcome[] = [];
  let leftRunning = false;
  for (const [index, scenario] of selected.entries()) {
    const run = await runScenario(scenario, `[${index + 1}/${selected.length}] ${scenario.name}`, cli.settings);
    outcomes.push(run.outcome);
    if (run.leftRunning) {
      // It timed out or its shutdown hung: its workers cannot be cleaned up and may still hold the
      // CPUs (and keep the process alive). Stop here, report, and exit explicitly below.
      leftRunning = true;
      const skipped = selected.slice(index + 1).map((next) => next.name);
      if (skipped.length > 0) {
        process.stderr.write(`bench: skipped ${skipped.join(', ')}: ${scenario.name} left threads running\n`);
      }
      break;
    }
  }

  // Every selected scenario's targets, also those of a scenario that failed or was skipped: a target
  // without a figure is reported as missed, never left out.
  const targets = selected.flatMap((scenario) =>
    (scenario.targets ?? []).map((target) => ({ ...target, scenario: scenario.name })),
  );
  const report: Report = {
    command,
    startedAt,
    machine,
    settings: cli.settings,
    scenarios: outcomes,
    baselines: baselineNames.filter((name) => outcomes.some((outcome) => outcome.name === name)),
    targets,
  };
  process.stdout.write(cli.json ? `${toJson(report)}\n` : `${formatResults(report)}\n`);
  if (cli.html !== undefined) {
    writeFileSync(cli.html, toHtml(report));
    process.stderr.write(`bench: wrote ${cli.html}\n`);
  }

  if (outcomes.some((outcome) => outcome.status === 'failed')) process.exitCode = 1;
  if (leftRunning) process.exit(1);
}

/**
 * `--tune`: the chosen scenario's needs run once (piscina-service sets the service's rates), then the
 * scenario once per configuration of the sweep (`bench/tune/tune.ts`).
 */
async function runTune(cli: Cli): Promise<void> {
  const scenario = findScenario(cli.requested[0]!)!;
  const machine = describeMachine();
  process.stdout.write(`${formatHeader(reproduceCommand(cli), machine, cli.settings)}\n\n`);
  for (const need of withNeeds([scenario]).filter((s) => s !== scenario)) {
    const run = await runScenario(need, `[tune, needed] ${need.name}`, cli.settings);
    if (run.leftRunning) {
      process.stderr.write(`bench: ${need.name} left threads running; not tuning beside them\n`);
      process.exit(1);
    }
  }
  const result = await tuneScenario(scenario, cli.settings);
  process.stdout.write(formatTuneReport(result, { json: cli.json, machine, settings: cli.settings }));
  if (result.stoppedEarly !== undefined) process.exit(1);
}

await main();