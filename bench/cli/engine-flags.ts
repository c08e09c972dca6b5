/**
 * The flags both benchmark commands share (`npx tsx bench/run.ts` and `npx ringmaster bench`): ringmaster's engine
 * settings (`--workers`, `--wait-strategy`, `--throughput`, `--spin-iterations`, `--ring-bytes`) and the time per
 * figure, checked, with the usage error (exit 2) that says what was wrong. It imports no scenario, so the published
 * `ringmaster bench` can use it without the suite's baselines (piscina, comlink, autocannon are dev dependencies).
 */
import { InvalidConfigError } from '../../src/index.js';
import type { EngineOptions } from '../lib/scenario.js';
import { resolvedEngine } from '../scenarios/system.js';

/** A mistake on the command line: printed with the usage, exit status 2, never a stack trace. */
export class UsageError extends Error {}

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
export const ENGINE_FLAGS = {
  workers: { type: 'string' },
  'wait-strategy': { type: 'string' },
  throughput: { type: 'string' },
  'spin-iterations': { type: 'string' },
  'ring-bytes': { type: 'string' },
} as const;

/** The engine flags' lines of a usage text. */
export const ENGINE_USAGE = `  --workers N                   worker threads (default 2: one actor on each for actor <-> actor)
  --wait-strategy spin|park|hybrid
                                how an idle thread waits for messages (engine default hybrid)
  --throughput N                messages an actor handles per turn (engine default 32)
  --spin-iterations N           idle ring checks before parking, hybrid (engine default 20000)
  --ring-bytes N                bytes per ring between two threads, a power of two (engine default 1048576)
`;
