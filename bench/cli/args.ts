/**
 * The benchmark's command line: the usage text, the flags parsed and checked (usage errors, exit 2, say
 * what was wrong), the settings they give every scenario, and the command that reproduces a run.
 */
import { parseArgs } from 'node:util';
import { defaultBaseline, findScenario, ringmasterScenarios, scenarios } from '../scenarios/index.js';
import {
  checkHtml,
  ENGINE_USAGE,
  engineCommand,
  parseRunSettings,
  RUN_FLAGS,
  scenarioNames,
  timingCommand,
  UsageError,
} from './engine-flags.js';

export { UsageError } from './engine-flags.js';

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
      ...RUN_FLAGS,
      all: { type: 'boolean', default: false },
      baseline: { type: 'string' },
      list: { type: 'boolean', default: false },
    },
  });

  const requested = scenarioNames(values.scenario);
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
  checkHtml(values.html);
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
  const { settings, explicit } = parseRunSettings(values, baselineFlag === 'none' ? null : baselineFlag);
  return {
    requested: [...new Set(requested)],
    settings,
    all: values.all,
    json: values.json,
    html: values.html,
    tune: values.tune,
    list: values.list,
    help: values.help,
    explicit: { ...explicit, baseline: values.baseline },
  };
}

export type Cli = ReturnType<typeof parseCli>;

/** The command line that reproduces this run, with the options that were given, in a fixed order. */
export function reproduceCommand(cli: Cli): string {
  const parts = ['npx tsx bench/run.ts'];
  if (cli.requested.length > 0) parts.push(`--scenario ${cli.requested.join(',')}`);
  if (cli.all) parts.push('--all');
  parts.push(...timingCommand(cli.settings, cli.explicit));
  if (cli.explicit.baseline !== undefined) parts.push(`--baseline ${cli.explicit.baseline}`);
  parts.push(...engineCommand(cli.settings.engine));
  if (cli.tune) parts.push('--tune');
  if (cli.json) parts.push('--json');
  if (cli.html !== undefined) parts.push(`--html ${cli.html}`);
  return parts.join(' ');
}
