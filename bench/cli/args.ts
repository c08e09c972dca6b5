/**
 * The benchmark's command line: the usage text, the flags parsed and checked (usage errors, exit 2, say
 * what was wrong), the settings they give every scenario, and the command that reproduces a run.
 */
import { parseArgs } from 'node:util';
import { engineConfig } from '../lib/engine.js';
import type { RunSettings } from '../report/model.js';
import { defaultBaseline, findScenario, ringmasterScenarios, scenarios } from '../scenarios/index.js';
import { resolvedEngine } from '../scenarios/system.js';
import { ENGINE_FLAGS, ENGINE_USAGE, parseEngine, parseMs, UsageError } from './engine-flags.js';

export { UsageError } from './engine-flags.js';

const DEFAULTS = {
  full: { measureMs: 5000, warmupMs: 1000 },
  // CI's smoke run: the whole default suite must stay under a minute on a busy 2-core machine.
  quick: { measureMs: 750, warmupMs: 200 },
  // --tune runs the scenario once per configuration (10 to 20 of them): shorter figures by default.
  tune: { measureMs: 1500, warmupMs: 300 },
} as const;

export const USAGE = `Usage: npx tsx bench/run.ts [options]

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
${ENGINE_USAGE}`;

export function parseCli(argv: readonly string[]) {
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
      ...ENGINE_FLAGS,
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

export type Cli = ReturnType<typeof parseCli>;

/** The command line that reproduces this run, with the options that were given, in a fixed order. */
export function reproduceCommand(cli: Cli): string {
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
