/**
 * The flags both benchmark commands share (`npx tsx bench/run.ts` and `npx ringmaster bench`): ringmaster's engine
 * settings (`--workers`, `--wait-strategy`, `--throughput`, `--spin-iterations`, `--ring-bytes`), the time per
 * figure (`--quick`, `--duration`, `--warmup`, and `--tune`'s shorter default), the `--scenario` list and the
 * `--html` file, checked, with the usage error (exit 2) that says what was wrong. It imports no scenario, so the
 * published `ringmaster bench` can use it without the suite's baselines (piscina, comlink, autocannon are dev
 * dependencies).
 */
import { InvalidConfigError } from '../../src/index.js';
import { engineConfig } from '../lib/engine.js';
import type { EngineOptions } from '../lib/scenario.js';
import type { RunSettings } from '../report/model.js';
import { resolvedEngine } from '../scenarios/system.js';

/** A mistake on the command line: printed with the usage, exit status 2, never a stack trace. */
export class UsageError extends Error {}

/**
 * Whether `error` is the user's mistake on the command line (exit 2, no stack trace): a UsageError, or the
 * TypeError with a code (ERR_PARSE_ARGS_UNKNOWN_OPTION, ...) that `parseArgs` throws for a flag it does not know.
 */
export const isUsageError = (error: unknown): error is Error =>
  error instanceof UsageError || (error instanceof TypeError && 'code' in error);

const WAIT_STRATEGIES = ['spin', 'park', 'hybrid'] as const;

function parseInteger(flag: string, value: string | undefined, min: number): number | undefined {
  if (value === undefined) return undefined;
  const n = /^\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n) || n < min) throw new UsageError(`${flag} must be an integer >= ${min}, got ${value}`);
  return n;
}

export function parseEngine(values: {
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
export function parseMs(flag: string, value: string | undefined, allowZero: boolean): number | undefined {
  if (value === undefined) return undefined;
  const ms = Number(value);
  if (!Number.isFinite(ms) || ms < 0 || (ms === 0 && !allowZero)) {
    throw new UsageError(`${flag} must be a number of milliseconds ${allowZero ? '>= 0' : '> 0'}, got ${value}`);
  }
  return ms;
}

/** The engine flags for `node:util` `parseArgs`. */
const ENGINE_FLAGS = {
  workers: { type: 'string' },
  'wait-strategy': { type: 'string' },
  throughput: { type: 'string' },
  'spin-iterations': { type: 'string' },
  'ring-bytes': { type: 'string' },
} as const;

/**
 * For `node:util` `parseArgs`: the flags of a run both commands take, the engine flags among them; each command
 * adds its own.
 */
export const RUN_FLAGS = {
  scenario: { type: 'string', multiple: true },
  quick: { type: 'boolean', default: false },
  duration: { type: 'string' },
  warmup: { type: 'string' },
  json: { type: 'boolean', default: false },
  html: { type: 'string' },
  tune: { type: 'boolean', default: false },
  help: { type: 'boolean', default: false },
  ...ENGINE_FLAGS,
} as const;

/** The engine flags' lines of a usage text. */
export const ENGINE_USAGE = `  --workers N                   worker threads (default 2: one actor on each for actor <-> actor)
  --wait-strategy spin|park|hybrid
                                how an idle thread waits for messages (engine default hybrid)
  --throughput N                messages an actor handles per turn (engine default 32)
  --spin-iterations N           idle ring checks before parking, hybrid (engine default 20000)
  --ring-bytes N                bytes per ring between two threads, a power of two (engine default 1048576)
`;

const DEFAULTS = {
  full: { measureMs: 5000, warmupMs: 1000 },
  // CI's smoke run: the whole default suite must stay under a minute on a busy 2-core machine.
  quick: { measureMs: 750, warmupMs: 200 },
  // --tune runs the scenario once per configuration (10 to 20 of them): shorter figures by default.
  tune: { measureMs: 1500, warmupMs: 300 },
} as const;

/** `--scenario`'s values, each a name or a comma list, as the names in the order given. */
export const scenarioNames = (flag: readonly string[] | undefined): string[] =>
  (flag ?? []).flatMap((list) => list.split(',')).map((name) => name.trim()).filter(Boolean);

/** `--html` takes a file name; parseArgs would take the next flag as one. */
export function checkHtml(html: string | undefined): void {
  if (html !== undefined && (html === '' || html.startsWith('--'))) {
    throw new UsageError(`--html needs a file name, got ${JSON.stringify(html)}`);
  }
}

/**
 * The settings every scenario of a run gets: the time per figure (`--duration`, `--warmup`, else the preset of
 * `--quick`, `--tune` or a full run) and the engine flags; `explicit` is what was given, for the command that
 * reproduces the run.
 */
export function parseRunSettings(
  values: {
    quick: boolean;
    tune: boolean;
    duration?: string | undefined;
    warmup?: string | undefined;
  } & Parameters<typeof parseEngine>[0],
  baseline: string | null,
): { settings: RunSettings; explicit: { duration: number | undefined; warmup: number | undefined } } {
  const engine = parseEngine(values);
  const preset = values.quick ? DEFAULTS.quick : values.tune ? DEFAULTS.tune : DEFAULTS.full;
  const duration = parseMs('--duration', values.duration, false);
  const warmup = parseMs('--warmup', values.warmup, true);
  return {
    settings: {
      quick: values.quick,
      measureMs: duration ?? preset.measureMs,
      warmupMs: warmup ?? preset.warmupMs,
      baseline,
      engine,
      engineResolved: engineConfig(resolvedEngine(engine)),
    },
    explicit: { duration, warmup },
  };
}

/** The shared flags of a run as the command that reproduces it writes them, in a fixed order. */
export function timingCommand(settings: RunSettings, explicit: { duration?: number | undefined; warmup?: number | undefined }): string[] {
  const parts: string[] = [];
  if (settings.quick) parts.push('--quick');
  if (explicit.duration !== undefined) parts.push(`--duration ${explicit.duration}`);
  if (explicit.warmup !== undefined) parts.push(`--warmup ${explicit.warmup}`);
  return parts;
}

/** The engine flags that were given, as the command that reproduces a run writes them, in a fixed order. */
export function engineCommand(engine: EngineOptions): string[] {
  const parts: string[] = [];
  if (engine.workers !== undefined) parts.push(`--workers ${engine.workers}`);
  if (engine.waitStrategy !== undefined) parts.push(`--wait-strategy ${engine.waitStrategy}`);
  if (engine.throughput !== undefined) parts.push(`--throughput ${engine.throughput}`);
  if (engine.spinIterations !== undefined) parts.push(`--spin-iterations ${engine.spinIterations}`);
  if (engine.ringBytes !== undefined) parts.push(`--ring-bytes ${engine.ringBytes}`);
  return parts;
}
