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
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { InvalidConfigError } from '../src/index.js';
import { cpuSnapshot, otherCpuSince } from './lib/contention.js';
import { engineConfig } from './lib/engine.js';
import { describeMachine } from './lib/machine.js';
import { LeftRunningError, type EngineOptions, type Scenario, type ScenarioResult } from './lib/scenario.js';
import { toHtml } from './report/html.js';
import { toJson } from './report/json.js';
import type { Report, RunSettings, ScenarioOutcome } from './report/model.js';
import { formatHeader, formatResults } from './report/terminal.js';
import { defaultBaseline, findScenario, ringmasterScenarios, scenarios, withNeeds } from './scenarios/index.js';
import { resolvedEngine } from './scenarios/system.js';
import { formatTune } from './tune/tune-format.js';
import { tune, type RunOutcome } from './tune/tune.js';

const DEFAULTS = {
  full: { measureMs: 5000, warmupMs: 1000 },
  // CI's smoke run: the whole default suite must stay under a minute on a busy 2-core machine.
  quick: { measureMs: 750, warmupMs: 200 },
  // --tune runs the scenario once per configuration (10 to 20 of them): shorter figures by default.
  tune: { measureMs: 1500, warmupMs: 300 },
} as const;

const USAGE = `Usage: npx tsx bench/run.ts [options]

  --scenario NAME   run only NAME (repeatable, or a comma list), plus what it needs;
                    default: ringmaster's scenarios and the baselines they compare against
  --all             run every scenario (comlink and piscina too)
  --quick           750 ms per figure + 200 ms warm-up instead of 5000 + 1000 (CI smoke run)
  --duration MS     measuring time per figure (each latency or throughput row)
  --warmup MS       warm-up time before each figure
  --baseline NAME   scenario the ratios divide by (default ${defaultBaseline}); "none" for no ratios
  --json            print the report as JSON on stdout (progress stays on stderr)
  --html FILE       also write the report as a self-contained HTML page with latency plots
  --tune            sweep ringmaster's settings (wait strategy, spin iterations, throughput,
                    workers, ring size) on the one --scenario given, and print the best
                    configuration for latency and for throughput (1500 + 300 ms per figure
                    unless --quick, --duration or --warmup say otherwise)
  --list            list the scenarios and exit
  --help            this text

ringmaster's settings (ActorSystem options) for its scenarios; the baselines ignore them:
  --workers N                   worker threads (default 2: one actor on each for actor <-> actor)
  --wait-strategy spin|park|hybrid
                                how an idle thread waits for messages (engine default hybrid)
  --throughput N                messages an actor handles per turn (engine default 32)
  --spin-iterations N           idle ring checks before parking, hybrid (engine default 20000)
  --ring-bytes N                bytes per ring between two threads, a power of two (engine default 1048576)
`;

class UsageError extends Error {}

/** For the progress lines: seconds since the run started. */
const SUITE_START = performance.now();

const WAIT_STRATEGIES = ['spin', 'park', 'hybrid'] as const;

function parseInteger(flag: string, value: string | undefined, min: number): number | undefined {
  if (value === undefined) return undefined;
  const n = /^\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n) || n < min) throw new UsageError(`${flag} must be an integer >= ${min}, got ${value}`);
  return n;
}

function parseEngine(values: {
  workers?: string | undefined;
  'wait-strategy'?: string | undefined;
  throughput?: string | undefined;
  'spin-iterations'?: string | undefined;
  'ring-bytes'?: string | undefined;
}): EngineOptions {
  const strategy = values['wait-strategy'];
  if (strategy !== undefined && !(WAIT_STRATEGIES as readonly string[]).includes(strategy)) {
    throw new UsageError(`--wait-strategy must be one of ${WAIT_STRATEGIES.join(', ')}, got ${strategy}`);
  }
  const workers = parseInteger('--workers', values.workers, 1);
  const throughput = parseInteger('--throughput', values.throughput, 1);
  const spinIterations = parseInteger('--spin-iterations', values['spin-iterations'], 0);
  const ringBytes = parseInteger('--ring-bytes', values['ring-bytes'], 1);
  const engine: EngineOptions = {
    ...(workers !== undefined && { workers }),
    ...(strategy !== undefined && { waitStrategy: strategy as (typeof WAIT_STRATEGIES)[number] }),
    ...(throughput !== undefined && { throughput }),
    ...(spinIterations !== undefined && { spinIterations }),
    ...(ringBytes !== undefined && { ringBytes }),
  };
  // The engine's own limits (for example at most 64 workers), as a usage error rather than a failed scenario.
  try {
    resolvedEngine(engine);
  } catch (error) {
    if (error instanceof InvalidConfigError) throw new UsageError(error.message);
    throw error;
  }
  return engine;
}

/** `--duration` must be positive (no time, no samples); `--warmup` may be 0. */
function parseMs(flag: string, value: string | undefined, allowZero: boolean): number | undefined {
  if (value === undefined) return undefined;
  const ms = Number(value);
  if (!Number.isFinite(ms) || ms < 0 || (ms === 0 && !allowZero)) {
    throw new UsageError(`${flag} must be a number of milliseconds ${allowZero ? '>= 0' : '> 0'}, got ${value}`);
  }
  return ms;
}

function parseCli(argv: readonly string[]) {
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    allowPositionals: false,
    options: {
      scenario: { type: 'string', multiple: true },
      all: { type: 'boolean', default: false },
      quick: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      html: { type: 'string' },
      tune: { type: 'boolean', default: false },
      duration: { type: 'string' },
      warmup: { type: 'string' },
      baseline: { type: 'string' },
      list: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
      workers: { type: 'string' },
      'wait-strategy': { type: 'string' },
      throughput: { type: 'string' },
      'spin-iterations': { type: 'string' },
      'ring-bytes': { type: 'string' },
    },
  });

  const requested = (values.scenario ?? []).flatMap((list) => list.split(',')).map((name) => name.trim()).filter(Boolean);
  const unknown = requested.filter((name) => findScenario(name) === undefined);
  if (unknown.length > 0) {
    throw new UsageError(
      `unknown scenario ${unknown.join(', ')}; known: ${scenarios.map((scenario) => scenario.name).join(', ')}`,
    );
  }
  const baselineFlag = values.baseline ?? defaultBaseline;
  if (baselineFlag !== 'none' && findScenario(baselineFlag) === undefined) {
    throw new UsageError(`--baseline ${baselineFlag} is not a scenario; use one of --list, or "none"`);
  }
  if (values.all && requested.length > 0) throw new UsageError('--all and --scenario exclude each other');
  if (values.html !== undefined && (values.html === '' || values.html.startsWith('--'))) {
    throw new UsageError(`--html needs a file name, got ${JSON.stringify(values.html)}`);
  }
  if (values.tune) {
    if (requested.length !== 1) {
      throw new UsageError(
        `--tune needs exactly one --scenario of ringmaster's: ${ringmasterScenarios.map((s) => s.name).join(', ')}`,
      );
    }
    if (!ringmasterScenarios.some((scenario) => scenario.name === requested[0])) {
      throw new UsageError(`--tune: ${requested[0]} does not start ringmaster, so its settings change nothing there`);
    }
    if (values.all) throw new UsageError('--tune and --all exclude each other');
    if (values.html !== undefined) throw new UsageError('--tune prints its own report; --html is for suite runs');
  }
  const engine = parseEngine(values);
  const preset = values.quick ? DEFAULTS.quick : values.tune ? DEFAULTS.tune : DEFAULTS.full;
  const duration = parseMs('--duration', values.duration, false);
  const warmup = parseMs('--warmup', values.warmup, true);
  return {
    requested: [...new Set(requested)],
    settings: {
      quick: values.quick,
      measureMs: duration ?? preset.measureMs,
      warmupMs: warmup ?? preset.warmupMs,
      baseline: baselineFlag === 'none' ? null : baselineFlag,
      engine,
      engineResolved: engineConfig(resolvedEngine(engine)),
    } satisfies RunSettings,
    all: values.all,
    json: values.json,
    html: values.html,
    tune: values.tune,
    list: values.list,
    help: values.help,
    explicit: { duration, warmup, baseline: values.baseline },
  };
}

type Cli = ReturnType<typeof parseCli>;

/** The command line that reproduces this run, with the options that were given, in a fixed order. */
function reproduceCommand(cli: Cli): string {
  const parts = ['npx tsx bench/run.ts'];
  if (cli.requested.length > 0) parts.push(`--scenario ${cli.requested.join(',')}`);
  if (cli.all) parts.push('--all');
  if (cli.settings.quick) parts.push('--quick');
  if (cli.explicit.duration !== undefined) parts.push(`--duration ${cli.explicit.duration}`);
  if (cli.explicit.warmup !== undefined) parts.push(`--warmup ${cli.explicit.warmup}`);
  if (cli.explicit.baseline !== undefined) parts.push(`--baseline ${cli.explicit.baseline}`);
  const engine = cli.settings.engine;
  if (engine.workers !== undefined) parts.push(`--workers ${engine.workers}`);
  if (engine.waitStrategy !== undefined) parts.push(`--wait-strategy ${engine.waitStrategy}`);
  if (engine.throughput !== undefined) parts.push(`--throughput ${engine.throughput}`);
  if (engine.spinIterations !== undefined) parts.push(`--spin-iterations ${engine.spinIterations}`);
  if (engine.ringBytes !== undefined) parts.push(`--ring-bytes ${engine.ringBytes}`);
  if (cli.tune) parts.push('--tune');
  if (cli.json) parts.push('--json');
  if (cli.html !== undefined) parts.push(`--html ${cli.html}`);
  return parts.join(' ');
}

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

/**
 * A scenario that hangs (a comlink call to a dead worker never settles) must not hang the run: after
 * this long it is reported as failed. Generous: a scenario takes a few figures' worth of budget.
 */
function scenarioTimeoutMs(settings: RunSettings): number {
  return 30_000 + 10 * (settings.measureMs + settings.warmupMs);
}

async function runScenario(
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
  const timeoutMs = scenarioTimeoutMs(settings);
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
  });
  const base = (wallMs: number) => ({
    name: scenario.name,
    description: scenario.description,
    wallMs,
    otherCpu: otherCpuSince(cpuAtStart),
  });
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
    return { outcome: { ...base(wallMs), status: 'ok', result }, leftRunning: result.leftRunning !== undefined };
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

async function main(): Promise<void> {
  let cli: Cli;
  try {
    cli = parseCli(process.argv.slice(2));
  } catch (error) {
    if (error instanceof UsageError || (error instanceof TypeError && 'code' in error)) {
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
  const report: Report = { command, startedAt, machine, settings: cli.settings, scenarios: outcomes, targets };
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
  const start = resolvedEngine(cli.settings.engine);
  const result = await tune(
    scenario,
    {
      workers: start.workers,
      waitStrategy: start.waitStrategy,
      spinIterations: start.spinIterations,
      throughput: start.throughput,
      ringBytes: start.ringBytes,
    },
    async (config, label): Promise<RunOutcome> => {
      const settings: RunSettings = { ...cli.settings, engine: config, engineResolved: engineConfig(resolvedEngine(config)) };
      const { outcome, leftRunning } = await runScenario(scenario, label, settings);
      return outcome.status === 'ok'
        ? { status: 'ok', result: outcome.result, otherCpu: outcome.otherCpu, leftRunning }
        : { status: 'failed', error: outcome.error, otherCpu: outcome.otherCpu, leftRunning };
    },
  );
  process.stdout.write(cli.json ? `${JSON.stringify({ machine, settings: cli.settings, ...result }, null, 2)}\n` : `${formatTune(result)}\n`);
  if (result.stoppedEarly !== undefined) process.exit(1);
}

await main();
