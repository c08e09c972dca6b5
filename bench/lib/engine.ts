/**
 * ringmaster's settings as a bench run sees them: the worker count when `--workers` is not given, the
 * settings a measurement records next to its figure (`engineConfig`), and a configuration written as the
 * options object to paste (`formatConfigCode`, for `--tune`). Starting a system with them is
 * `bench/scenarios/system.ts`; the baselines read only `DEFAULT_BENCH_WORKERS`, to match thread counts.
 */
import type { ResolvedConfig } from '../../src/index.js';
import type { Config, EngineOptions } from './scenario.js';

/**
 * Workers when `--workers` is not given: the actor-to-actor scenarios need two, one actor on each. The
 * engine's own default (availableParallelism - 1) would be 1 on a 2-core machine.
 */
export const DEFAULT_BENCH_WORKERS = 2;

/** The settings worth printing next to a figure. */
export function engineConfig(config: Readonly<ResolvedConfig>): Config {
  return {
    workers: config.workers,
    waitStrategy: config.waitStrategy,
    spinIterations: config.spinIterations,
    throughput: config.throughput,
    ringBytes: config.ringBytes,
  };
}

/** The order `formatConfigCode` prints the settings in. */
const ORDER: readonly (keyof EngineOptions)[] = ['workers', 'waitStrategy', 'spinIterations', 'throughput', 'ringBytes'];

/** `{ workers: 2, waitStrategy: 'hybrid', ... }`: the options object, keys in a fixed order. */
export function formatConfigCode(config: EngineOptions): string {
  const fields = ORDER.filter((key) => config[key] !== undefined).map((key) => {
    const value = config[key];
    if (typeof value === 'string') return `${key}: '${value}'`;
    if (key === 'ringBytes' && typeof value === 'number') return `${key}: ${formatBytes(value)}`;
    return `${key}: ${String(value)}`;
  });
  return `{ ${fields.join(', ')} }`;
}

/** Powers of two as `1 << n` (what a reader would type), anything else as a number. */
function formatBytes(bytes: number): string {
  const shift = Math.log2(bytes);
  return Number.isInteger(shift) ? `1 << ${shift}` : String(bytes);
}
