/**
 * Starting ringmaster for a scenario: the `ActorSystem` options the CLI flags stand for (with the actor
 * module every thread loads, `bench/actors/bench-actors.ts`, or the user's for `npx ringmaster bench`), and `withSystem`: start, measure, shut down,
 * and report what the engine did wrong meanwhile. For ringmaster's scenarios, and for the CLI to check
 * its engine flags; the baselines never import it.
 *
 * Main thread only.
 */
import { availableParallelism } from 'node:os';
import { resolveConfig } from '../../src/config.js';
import { ActorSystem, type ResolvedConfig, type SystemOptions } from '../../src/index.js';
import { DEFAULT_BENCH_WORKERS } from '../lib/engine.js';
import { LeftRunningError, type EngineOptions, type ScenarioResult } from '../lib/scenario.js';

/** The module with the benchmark's actors; every worker imports it (through tsx, from source). */
export const BENCH_ACTORS = new URL('../actors/bench-actors.ts', import.meta.url);

/**
 * The `ActorSystem.start` options for the CLI's engine flags (flags not given keep the engine's defaults), with the
 * bench's actors or, for `npx ringmaster bench`, the user's module.
 */
export function systemOptions(engine: EngineOptions, actors: readonly URL[] = [BENCH_ACTORS]): SystemOptions {
  const options: SystemOptions = {
    workers: engine.workers ?? DEFAULT_BENCH_WORKERS,
    actors: [...actors],
  };
  if (engine.waitStrategy !== undefined) options.waitStrategy = engine.waitStrategy;
  if (engine.throughput !== undefined) options.throughput = engine.throughput;
  if (engine.spinIterations !== undefined) options.spinIterations = engine.spinIterations;
  if (engine.ringBytes !== undefined) options.ringBytes = engine.ringBytes;
  return options;
}

/** The complete configuration the flags resolve to; throws the engine's InvalidConfigError on bad values. */
export function resolvedEngine(engine: EngineOptions): ResolvedConfig {
  return resolveConfig(systemOptions(engine));
}

/** Problems the engine reported while a scenario ran, which would make its figures meaningless. */
export interface EngineTrouble {
  deadLetters: number;
  readonly failures: string[];
}

/**
 * Starts a system with the CLI's settings and counts dead letters and actor failures on its event stream:
 * a benchmark whose messages went to dead letters measured something else, so scenarios report them.
 */
export async function startSystem(
  engine: EngineOptions,
  actors?: readonly URL[],
): Promise<{ system: ActorSystem; trouble: EngineTrouble }> {
  const system = await ActorSystem.start(systemOptions(engine, actors));
  const trouble: EngineTrouble = { deadLetters: 0, failures: [] };
  system.events.subscribe((event) => {
    if (event.type === 'dead-letter') trouble.deadLetters++;
    else if (event.type === 'actor-failed') trouble.failures.push(`${event.actor}: ${event.error.message}`);
    else if (event.type === 'worker-exited') {
      trouble.failures.push(`worker ${event.worker} exited with code ${event.code}`);
    }
  });
  return { system, trouble };
}

/** Notes for the report when the engine misbehaved during a scenario; empty when it did not. */
export function troubleNotes(trouble: EngineTrouble): string[] {
  const notes: string[] = [];
  const tag = 'WARNING:';
  if (trouble.deadLetters > 0) notes.push(`${tag} ${trouble.deadLetters} dead letter(s) during the run`);
  for (const failure of trouble.failures.slice(0, 5)) notes.push(`${tag} engine reported ${failure}`);
  if (trouble.failures.length > 5) notes.push(`${tag} and ${trouble.failures.length - 5} more`);
  return notes;
}

/**
 * The workers two actors go on so that their messages cross between two workers; with `--workers 1`
 * both go on worker 1 (the figure is then same-thread, and the scenario says so).
 */
export function twoWorkers(config: Readonly<ResolvedConfig>): { first: number; second: number; crossing: boolean } {
  const crossing = config.workers >= 2;
  return { first: 1, second: crossing ? 2 : 1, crossing };
}

/** How long past the engine's own `shutdownTimeoutMs` a shutdown may take before it counts as hung. */
const SHUTDOWN_GRACE_MS = 5_000;

/** Shuts the system down; returns why it could not (a hang) or undefined once it is down. */
async function stopSystem(system: ActorSystem): Promise<string | undefined> {
  const limitMs = system.config.shutdownTimeoutMs + SHUTDOWN_GRACE_MS;
  let timer: NodeJS.Timeout | undefined;
  const hung = new Promise<'hung'>((resolve) => {
    timer = setTimeout(() => resolve('hung'), limitMs);
  });
  try {
    const outcome = await Promise.race([system.shutdown().then(() => 'down' as const), hung]);
    if (outcome === 'down') return undefined;
    return `system.shutdown() had not settled after ${limitMs} ms: its workers are still running`;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Runs `body` against a system started with the CLI's settings (and `actors`, the bench's by default), then shuts the system down, also when
 * `body` throws. Adds the engine's trouble (dead letters, failures) and the CPU oversubscription of
 * spinning to the notes. A shutdown that hangs does not lose the figures: the result says so in
 * `leftRunning` (or a LeftRunningError is thrown when `body` failed too) and the CLI stops the run.
 */
export async function withSystem(
  engine: EngineOptions,
  body: (system: ActorSystem) => Promise<ScenarioResult>,
  actors?: readonly URL[],
): Promise<ScenarioResult> {
  const { system, trouble } = await startSystem(engine, actors);
  let result: ScenarioResult;
  try {
    result = await body(system);
  } catch (error) {
    const hung = await stopSystem(system);
    if (hung !== undefined) {
      const message = error instanceof Error ? error.message : String(error);
      throw new LeftRunningError(`${message}; then ${hung}`, { cause: error });
    }
    throw error;
  }
  const hung = await stopSystem(system);
  const notes = [...(result.notes ?? []), ...spinNotes(system.config), ...troubleNotes(trouble)];
  if (hung !== undefined) notes.push(`WARNING: ${hung}`);
  return { ...result, notes, ...(hung !== undefined && { leftRunning: hung }) };
}

/** With `spin`, every worker and the main thread keep a CPU busy: more of them than CPUs means time slicing. */
function spinNotes(config: Readonly<ResolvedConfig>): string[] {
  const threads = config.workers + 1;
  const cpus = availableParallelism();
  if (config.waitStrategy !== 'spin' || threads <= cpus) return [];
  return [
    `waitStrategy spin with ${config.workers} worker(s) + the main thread = ${threads} busy threads on ${cpus} CPUs: ` +
      'they take turns in scheduler time slices (milliseconds), which shows in the figures',
  ];
}
