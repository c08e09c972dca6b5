/**
 * The command line of `npx ringmaster bench`: its usage, its flags parsed and checked (usage errors, exit 2, say
 * what was wrong), and the command that reproduces a run. The engine flags and the time per figure are the suite's
 * (`bench/cli/engine-flags.ts`), with the same defaults.
 */
import { parseArgs } from 'node:util';
import {
  checkHtml,
  ENGINE_USAGE,
  engineCommand,
  parseRunSettings,
  RUN_FLAGS,
  scenarioNames,
  timingCommand,
  UsageError,
} from '../cli/engine-flags.js';
import type { TargetFlags } from './target.js';

/** The scenarios, by the names `--scenario` takes, in run order. */
export const USER_SCENARIOS = ['ask-round-trip', 'bursty', 'one-way', 'service'] as const;
export type UserScenario = (typeof USER_SCENARIOS)[number];

export const USAGE = `Usage: npx ringmaster bench --module FILE --definition NAME --message JSON [options]

Benchmarks one of your actors: the ask round trip, the same after idle gaps (bursty), one-way tell
throughput, and one copy of it per worker as a service under open-loop load; beside postMessage,
measured in the same run. Prints the report of \`npm run bench\` (terminal, --json, --html).

Your actor:
  --module FILE      the module that defines it, as you give it to the actors option (.js, .mjs;
                     .ts on Node 22.18+, or with tsx installed)
  --definition NAME  the actor: an export of the module, or the name given to defineActor
  --args JSON        its spawn args (default: none)
  --message JSON     a message it answers with ctx.reply: the round trip, bursty and the service ask it
  --tell JSON        the message of the one-way scenario (default: --message); best one it does not answer
  --messages FILE    a module exporting ask and tell (each a message, or a function (i) => message) and
                     args; --message, --tell and --args take precedence over its exports

What runs:
  --scenario NAME    only NAME (repeatable, or a comma list): ${USER_SCENARIOS.join(', ')}
                     (default: all four, and the postMessage figures they are compared with)
  --quick            750 ms per figure + 200 ms warm-up instead of 5000 + 1000
  --duration MS      measuring time per figure
  --warmup MS        warm-up time before each figure
  --json             print the report as JSON on stdout (progress stays on stderr)
  --html FILE        also write the report as a self-contained HTML page with latency plots
  --tune             sweep the dispatcher settings (wait strategy, spin iterations, throughput, workers,
                     ring size) on the one --scenario given (default ask-round-trip), and print the best
                     configuration as ActorSystem.start options (1500 + 300 ms per figure by default)
  --help             this text

ringmaster's settings (ActorSystem options); postMessage ignores them:
${ENGINE_USAGE}`;

export function parseUserCli(argv: readonly string[]) {
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    allowPositionals: false,
    options: {
      module: { type: 'string' },
      definition: { type: 'string' },
      args: { type: 'string' },
      message: { type: 'string' },
      tell: { type: 'string' },
      messages: { type: 'string' },
      ...RUN_FLAGS,
    },
  });
  const requested = scenarioNames(values.scenario);
  const unknown = requested.filter((name) => !(USER_SCENARIOS as readonly string[]).includes(name));
  if (unknown.length > 0) throw new UsageError(`unknown scenario ${unknown.join(', ')}; known: ${USER_SCENARIOS.join(', ')}`);
  checkHtml(values.html);
  const chosen = [...new Set(requested)] as UserScenario[];
  if (values.tune) {
    if (chosen.length > 1) throw new UsageError(`--tune sweeps one scenario; got ${chosen.join(', ')}`);
    if (values.html !== undefined) throw new UsageError('--tune prints its own report; --html is for benchmark runs');
  }
  // The baseline is set by the run: post-message when it runs, none otherwise.
  const { settings, explicit } = parseRunSettings(values, null);
  const scenarios: UserScenario[] =
    chosen.length > 0 ? USER_SCENARIOS.filter((name) => chosen.includes(name)) : values.tune ? ['ask-round-trip'] : [...USER_SCENARIOS];
  const target: TargetFlags = {
    module: values.module,
    definition: values.definition,
    args: values.args,
    message: values.message,
    tell: values.tell,
    messages: values.messages,
  };
  return {
    target,
    scenarios,
    settings,
    json: values.json,
    html: values.html,
    tune: values.tune,
    help: values.help,
    explicit: { ...explicit, scenarios: chosen },
  };
}

export type UserCli = ReturnType<typeof parseUserCli>;

/** A value quoted for a POSIX shell. */
const quote = (text: string): string => (/^[\w./:@%+=,-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`);

/** The command line that reproduces this run, with the options that were given, in a fixed order. */
export function reproduceUserCommand(cli: UserCli): string {
  const parts = ['npx ringmaster bench'];
  const t = cli.target;
  const flag = (name: string, value: string | undefined): void => {
    if (value !== undefined) parts.push(`--${name} ${quote(value)}`);
  };
  flag('module', t.module);
  flag('definition', t.definition);
  flag('args', t.args);
  flag('message', t.message);
  flag('tell', t.tell);
  flag('messages', t.messages);
  if (cli.explicit.scenarios.length > 0) parts.push(`--scenario ${cli.explicit.scenarios.join(',')}`);
  parts.push(...timingCommand(cli.settings, cli.explicit));
  parts.push(...engineCommand(cli.settings.engine));
  if (cli.tune) parts.push('--tune');
  if (cli.json) parts.push('--json');
  if (cli.html !== undefined) parts.push(`--html ${quote(cli.html)}`);
  return parts.join(' ');
}
