/**
 * The benchmark CLI: `npx tsx bench/run.ts [--scenario NAME[,NAME]] [--quick] [--json] [--duration MS]`.
 *
 * Runs the selected scenarios from `bench/scenarios/index.ts` one after another (never two at once:
 * this machine has two cores and every scenario needs both), prints progress to stderr and the report
 * to stdout, and exits by itself once every scenario has cleaned up. The baseline scenario is added to
 * the run when it was not selected, so ratios always compare figures measured in the same run.
 */
import { parseArgs } from 'node:util';
import { cpuSnapshot, otherCpuSince } from './contention.js';
import { describeMachine } from './machine.js';
import { formatHeader, formatResults, toJson, type Report, type RunSettings, type ScenarioOutcome } from './report.js';
import type { Scenario, ScenarioResult } from './scenario.js';
import { defaultBaseline, findScenario, scenarios } from './scenarios/index.js';

const DEFAULTS = {
  full: { measureMs: 5000, warmupMs: 1000 },
  quick: { measureMs: 1000, warmupMs: 250 },
} as const;

const USAGE = `Usage: npx tsx bench/run.ts [options]

  --scenario NAME   run only NAME (repeatable, or a comma list); default: all
  --quick           1000 ms per figure + 250 ms warm-up instead of 5000 + 1000
  --duration MS     measuring time per figure (each latency or throughput row)
  --warmup MS       warm-up time before each figure
  --baseline NAME   scenario the ratios divide by (default ${defaultBaseline}); "none" for no ratios
  --json            print the report as JSON on stdout (progress stays on stderr)
  --list            list the scenarios and exit
  --help            this text
`;

class UsageError extends Error {}

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
      quick: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      duration: { type: 'string' },
      warmup: { type: 'string' },
      baseline: { type: 'string' },
      list: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
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
  const preset = values.quick ? DEFAULTS.quick : DEFAULTS.full;
  const duration = parseMs('--duration', values.duration, false);
  const warmup = parseMs('--warmup', values.warmup, true);
  return {
    requested: [...new Set(requested)],
    settings: {
      quick: values.quick,
      measureMs: duration ?? preset.measureMs,
      warmupMs: warmup ?? preset.warmupMs,
      baseline: baselineFlag === 'none' ? null : baselineFlag,
    } satisfies RunSettings,
    json: values.json,
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
  if (cli.settings.quick) parts.push('--quick');
  if (cli.explicit.duration !== undefined) parts.push(`--duration ${cli.explicit.duration}`);
  if (cli.explicit.warmup !== undefined) parts.push(`--warmup ${cli.explicit.warmup}`);
  if (cli.explicit.baseline !== undefined) parts.push(`--baseline ${cli.explicit.baseline}`);
  if (cli.json) parts.push('--json');
  return parts.join(' ');
}

function selectScenarios(cli: Cli): Scenario[] {
  const selected = cli.requested.length === 0 ? [...scenarios] : cli.requested.map((name) => findScenario(name)!);
  const baseline = cli.settings.baseline;
  if (baseline !== null && !selected.some((scenario) => scenario.name === baseline)) {
    selected.unshift(findScenario(baseline)!);
  }
  return selected;
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
  index: number,
  total: number,
  settings: RunSettings,
): Promise<{ outcome: ScenarioOutcome; timedOut: boolean }> {
  const tag = `[${index + 1}/${total}] ${scenario.name}`;
  const progress = (line: string): void => {
    process.stderr.write(`${tag}: ${line}\n`);
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
      scenario.run({ quick: settings.quick, measureMs: settings.measureMs, warmupMs: settings.warmupMs, progress }),
      timeout,
    ]);
    const wallMs = performance.now() - started;
    if (result === 'timeout') {
      progress(`TIMED OUT after ${(timeoutMs / 1000).toFixed(0)} s`);
      const error = `timed out after ${timeoutMs} ms; its workers may still be running`;
      return { outcome: { ...base(wallMs), status: 'failed', error }, timedOut: true };
    }
    progress(`done in ${(wallMs / 1000).toFixed(1)} s`);
    return { outcome: { ...base(wallMs), status: 'ok', result }, timedOut: false };
  } catch (error) {
    const wallMs = performance.now() - started;
    const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
    progress(`FAILED: ${message}`);
    return { outcome: { ...base(wallMs), status: 'failed', error: message.split('\n')[0] ?? message }, timedOut: false };
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
    for (const scenario of scenarios) process.stdout.write(`${scenario.name.padEnd(width)}  ${scenario.description}\n`);
    return;
  }

  const command = reproduceCommand(cli);
  const startedAt = new Date().toISOString();
  const machine = describeMachine();
  const selected = selectScenarios(cli);
  if (!cli.json) process.stdout.write(`${formatHeader(command, machine, cli.settings)}\n\n`);
  if (cli.settings.baseline !== null && cli.requested.length > 0 && !cli.requested.includes(cli.settings.baseline)) {
    process.stderr.write(`bench: added ${cli.settings.baseline} as the baseline for ratios (--baseline none to skip)\n`);
  }

  const outcomes: ScenarioOutcome[] = [];
  let timedOut = false;
  for (const [index, scenario] of selected.entries()) {
    const run = await runScenario(scenario, index, selected.length, cli.settings);
    outcomes.push(run.outcome);
    if (run.timedOut) {
      // Its workers cannot be cleaned up and may still hold the CPUs: stop here, report, and exit
      // explicitly below.
      timedOut = true;
      const skipped = selected.slice(index + 1).map((next) => next.name);
      if (skipped.length > 0) process.stderr.write(`bench: skipped ${skipped.join(', ')} after the timeout\n`);
      break;
    }
  }

  const report: Report = { command, startedAt, machine, settings: cli.settings, scenarios: outcomes };
  process.stdout.write(cli.json ? `${toJson(report)}\n` : `${formatResults(report)}\n`);

  if (outcomes.some((outcome) => outcome.status === 'failed')) process.exitCode = 1;
  if (timedOut) process.exit(1);
}

await main();
