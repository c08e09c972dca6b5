/**
 * The dispatcher configuration: its schema, defaults and validation. `resolveConfig` either returns a complete
 * configuration or throws one InvalidConfigError that lists every problem at once.
 */
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import type { z as Zod } from 'zod';
import { InvalidConfigError, type ConfigIssue } from './errors.js';
import { RECORD_HEADER_BYTES, maxRecordPayload } from './transport/layout.js';
import { enabledLevels, isLogger, type LogLevel, type Logger } from './logging/logger.js';
import { orderPhases, type PhaseOptions } from './shutdown/phases.js';
import { SUBJECT_TOKEN, SUBJECT_TOKEN_RULE } from './cluster/token.js';

export type WaitStrategy = 'spin' | 'park' | 'hybrid';
export type PlacementStrategy = 'hash' | 'round-robin' | 'least-loaded';
export type OverflowPolicy = 'backpressure' | 'drop' | 'fail';
/** Which messages `system.metrics()`'s histograms time: none, every 16th (per thread), or every one. */
export type MetricsTiming = 'off' | 'sampled' | 'all';

/** The most actor definitions one thread's metrics page can hold rows for (`metrics.maxDefinitions`). */
export const MAX_METRICS_DEFINITIONS = 4096;

export const defaultWorkers = (): number => Math.max(1, availableParallelism() - 1);

/** The longest delay a Node timer takes (2^31 - 1 ms, about 24.8 days); longer ones fire after 1 ms. */
export const MAX_TIMER_MS = 2 ** 31 - 1;
/** The largest ringBytes: a worker's journal (4 × ringBytes) must stay within Int32 positions. */
export const MAX_RING_BYTES = 1 << 28;
/** The shortest stallTimeoutMs the watchdog can resolve (it looks every stallTimeoutMs / 4, at least 20 ms). */
export const MIN_STALL_TIMEOUT_MS = 100;

const isPowerOfTwo = (n: number): boolean => n > 0 && (n & (n - 1)) === 0;

/**
 * The schema is built on first use, and zod loaded then: workers import this module (through the package's
 * index) but never validate anything, and loading zod costs a worker ~100 ms of boot, which a replacement worker
 * after a crash cannot afford.
 */
/** Cluster names, node ids and roles: one NATS subject token. */
const TOKEN = SUBJECT_TOKEN;
const TOKEN_MESSAGE = SUBJECT_TOKEN_RULE;

function buildSchema(z: typeof Zod) {
  const timerMessage = { message: `must be at most ${MAX_TIMER_MS} ms (2^31 - 1, the longest delay a timer takes)` };
  const ms = () => z.number().max(MAX_TIMER_MS, timerMessage);
  const moduleRef = z.union([z.instanceof(URL), z.string().min(1)]);
  return z
    .object({
      mode: z.enum(['threads', 'inline']).default('threads'),
      workers: z.number().int().min(1).max(64).optional(),
      actors: z.array(moduleRef).default([]),
      throughput: z.number().int().min(1).max(1_000_000).default(32),
      ringBytes: z
        .number()
        .int()
        .min(4096)
        .max(MAX_RING_BYTES, { message: `must be at most ${MAX_RING_BYTES} (2^28: each worker's journal is 4 × ringBytes)` })
        .refine(isPowerOfTwo, { message: 'must be a power of two (for example 262144 or 1048576)' })
        .default(1 << 20),
      waitStrategy: z.enum(['spin', 'park', 'hybrid']).default('hybrid'),
      spinIterations: z.number().int().min(0).max(100_000_000).default(20_000),
      placement: z.enum(['hash', 'round-robin', 'least-loaded']).default('hash'),
      overflow: z.enum(['backpressure', 'drop', 'fail']).default('backpressure'),
      maxMessageBytes: z.number().int().min(64).default(64 * 1024),
      serializeMessages: z.boolean().default(false),
      askTimeoutMs: ms().int().positive().default(5000),
      shutdownTimeoutMs: ms().int().positive().default(10_000),
      workerRestart: z
        .object({
          maxRestarts: z.number().int().min(0).default(5),
          withinMs: ms().int().positive().default(60_000),
          backoff: z
            .object({
              minMs: ms().min(0).default(10),
              maxMs: ms().min(0).default(5_000),
              jitter: z.number().min(0).max(1).default(0.2),
            })
            .strict()
            .refine((b) => b.maxMs >= b.minMs, { message: 'maxMs must be at least minMs', path: ['maxMs'] })
            .prefault({}),
          onGiveUp: z.enum(['stop-actors', 'shutdown']).default('stop-actors'),
          spare: z.boolean().default(true),
        })
        .strict()
        .prefault({}),
      stallTimeoutMs: ms()
        .int()
        .min(0)
        .refine((v) => v <= 0 || v >= MIN_STALL_TIMEOUT_MS, {
          message: `must be 0 (no watchdog) or at least ${MIN_STALL_TIMEOUT_MS} ms: the watchdog cannot tell a shorter stall from its own timer's jitter`,
        })
        .default(10_000),
      resourceLimits: z
        .object({
          maxOldGenerationSizeMb: z.number().positive().optional(),
          maxYoungGenerationSizeMb: z.number().positive().optional(),
          codeRangeSizeMb: z.number().positive().optional(),
          stackSizeMb: z.number().positive().max(1024, { message: 'must be at most 1024 MB (a thread stack; Node uses 4 by default)' }).optional(),
        })
        .strict()
        .optional(),
      coordinatedShutdown: z
        .object({
          defaultPhaseTimeoutMs: ms().int().positive().default(5000),
          phases: z
            .record(
              z.string().min(1),
              z
                .object({
                  timeoutMs: ms().int().positive().optional(),
                  dependsOn: z.array(z.string().min(1)).optional(),
                  recover: z.boolean().optional(),
                })
                .strict(),
            )
            .default({}),
          handleSignals: z.boolean().default(false),
          exitProcess: z.boolean().default(true),
        })
        .strict()
        .superRefine((c, ctx) => {
          for (const p of orderPhases(c.defaultPhaseTimeoutMs, c.phases).problems) {
            ctx.addIssue({ code: 'custom', path: p.path.split('.').slice(1), message: p.message });
          }
        })
        .prefault({}),
      // Actor supervision: how the system guardian handles failures of top-level actors (see strategy.ts).
      guardian: z
        .object({
          strategy: z.enum(['restart', 'stop']).default('restart'),
          maxRetries: z.number().int().min(0).default(10),
          withinMs: ms().positive().default(60_000),
          backoff: z
            .object({
              minMs: ms().min(0),
              maxMs: ms().min(0),
              jitter: z.number().min(0).max(1).optional(),
            })
            .strict()
            .refine((b) => b.maxMs >= b.minMs, { message: 'maxMs must be >= minMs', path: ['maxMs'] })
            .optional(),
        })
        .strict()
        .default({ strategy: 'restart', maxRetries: 10, withinMs: 60_000 }),
      // Checked for its shape only: the instance stays on the main thread (src/logging/logger.ts).
      logger: z
        .custom<Logger>(isLogger, { message: 'must be a pino-compatible logger: an object with error, warn, info, debug and child functions' })
        .optional(),
      // A node of a cluster over NATS (src/cluster/): checked here, kept on the main thread (workers never see it).
      cluster: z
        .object({
          name: z.string().regex(TOKEN, { message: TOKEN_MESSAGE }),
          nodeId: z.string().regex(TOKEN, { message: TOKEN_MESSAGE }).optional(),
          roles: z.array(z.string().regex(TOKEN, { message: TOKEN_MESSAGE })).default([]),
          nats: z
            .object({
              servers: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]),
              user: z.string().optional(),
              pass: z.string().optional(),
              token: z.string().optional(),
              // Passed through to the NATS client (its own checks apply): { caFile, certFile, keyFile, ... }.
              tls: z.record(z.string(), z.unknown()).optional(),
              // A NATS authenticator, e.g. nkeyAuthenticator(seed) or credsAuthenticator(creds) from @nats-io/transport-node.
              authenticator: z.custom<(nonce?: string) => unknown>((v) => typeof v === 'function', { message: 'must be a NATS authenticator function (nkeyAuthenticator, credsAuthenticator, ...)' }).optional(),
            })
            .strict(),
          heartbeatIntervalMs: ms().int().positive().default(1000),
          failureTimeoutMs: ms().int().positive().default(5000),
          selfFenceAfterMs: ms().int().positive().optional(),
          onDowned: z.enum(['shutdown', 'keep-running']).default('shutdown'),
          remoteAskTimeoutMs: ms().int().positive().default(300_000),
          lookupTimeoutMs: ms().int().positive().default(5000),
          reportUnroutedTells: z.boolean().default(true),
        })
        .strict()
        .superRefine((c, ctx) => {
          const fence = c.selfFenceAfterMs ?? Math.floor(c.failureTimeoutMs / 2);
          if (c.heartbeatIntervalMs >= fence) {
            ctx.addIssue({ code: 'custom', path: ['heartbeatIntervalMs'], message: `must be below selfFenceAfterMs (${fence}): a node must heartbeat more than once before it fences itself` });
          }
          if (fence >= c.failureTimeoutMs) {
            ctx.addIssue({ code: 'custom', path: ['selfFenceAfterMs'], message: `must be below failureTimeoutMs (${c.failureTimeoutMs}): a node must stop hosting before the others may down it` });
          }
        })
        .optional(),
      // The metrics page of each thread (transport/metrics-layout.ts): what the histograms time, and its rows.
      metrics: z
        .object({
          timing: z.enum(['off', 'sampled', 'all']).default('sampled'),
          maxDefinitions: z.number().int().min(2).max(MAX_METRICS_DEFINITIONS).default(256),
        })
        .strict()
        .prefault({}),
    })
    .strict()
    .superRefine((c, ctx) => {
      const limit = maxRecordPayload(c.ringBytes);
      if (c.maxMessageBytes > limit) {
        ctx.addIssue({
          code: 'custom',
          path: ['maxMessageBytes'],
          message: `must be at most half of ringBytes minus the ${RECORD_HEADER_BYTES}-byte record header (${limit} for ringBytes ${c.ringBytes}); raise ringBytes or lower maxMessageBytes`,
        });
      }
    });
}

type Schema = ReturnType<typeof buildSchema>;
let schema: Schema | undefined;
function getSchema(): Schema {
  if (schema === undefined) {
    const { z } = createRequire(import.meta.url)('zod') as typeof import('zod');
    schema = buildSchema(z);
  }
  return schema;
}

/**
 * The options of `ActorSystem.start(options)`. Every field is optional; the defaults are the ones given here, and the
 * README's configuration table says when you would change each. An invalid value fails `start` with one
 * `InvalidConfigError` listing every problem. (Written out rather than inferred from the schema, so that editors
 * show these names and comments instead of zod's types; `SchemaMatches` below keeps the two in step.)
 */
export interface SystemOptions {
  /** `'threads'` (default): actors on worker threads. `'inline'`: every actor on the main thread, no workers or rings. */
  mode?: 'threads' | 'inline' | undefined;
  /** Worker threads hosting actors, 1 to 64. Default: the cores available − 1, at least 1. */
  workers?: number | undefined;
  /** URLs (or paths, resolved against the working directory) of the modules that call `defineActor`. Default `[]`. */
  actors?: (URL | string)[] | undefined;
  /** Messages an actor may handle in one turn before the next ready actor runs (1 to 1,000,000). Default 32. */
  throughput?: number | undefined;
  /** Bytes of each ring between two threads: a power of two from 4096 to 2^28. Default 1048576 (1 MiB). */
  ringBytes?: number | undefined;
  /** What an idle worker does: spin, park at once, or spin `spinIterations` rounds then park. Default `'hybrid'`. */
  waitStrategy?: WaitStrategy | undefined;
  /** Empty polling rounds before a hybrid worker parks. Default 20000. */
  spinIterations?: number | undefined;
  /** Default placement of top-level actors. Default `'hash'` (stable hash of the name). */
  placement?: PlacementStrategy | undefined;
  /** What `tell` does when the ring to the actor's thread is full. Default `'backpressure'` (returns false). */
  overflow?: OverflowPolicy | undefined;
  /** Largest encoded message in bytes, at most ringBytes / 2 − the record header. Default 65536. */
  maxMessageBytes?: number | undefined;
  /**
   * Run messages between actors of one thread through the codec, as between threads (Akka's
   * `serialize-messages`): catches unencodable messages and mutation after send, and journals them. Default false:
   * they are passed by reference. The TestKit turns it on.
   */
  serializeMessages?: boolean | undefined;
  /** Default `ask` timeout in ms. Default 5000. */
  askTimeoutMs?: number | undefined;
  /** How long `shutdown()` lets actors drain and run `postStop`, in ms. Default 10000. */
  shutdownTimeoutMs?: number | undefined;
  /** When and how a worker that died is replaced. */
  workerRestart?: WorkerRestartOptions | undefined;
  /** A worker whose loop has not run for this many ms is terminated and replaced; 0 turns it off. Default 10000. */
  stallTimeoutMs?: number | undefined;
  /** Heap and stack limits passed to each worker (`new Worker(..., { resourceLimits })`). Default none. */
  resourceLimits?: WorkerResourceLimits | undefined;
  /** How failures of top-level actors are handled. Default: restart, at most 10 times within 60 s. */
  guardian?: GuardianConfig | undefined;
  /** Akka's coordinated shutdown: phases, their timeouts, and signal handling. */
  coordinatedShutdown?: CoordinatedShutdownOptions | undefined;
  /**
   * A pino-compatible logger (`error`, `warn`, `info`, `debug`, `child`): the engine logs failures, restarts, worker
   * deaths and dead letters to it (levels in docs/semantics.md, "Logging"), and `ctx.log` records from every thread
   * reach it on the main thread. Default none: the engine logs nothing, and `ctx.log` records are dropped.
   */
  logger?: Logger | undefined;
  /** What `system.metrics()` times, and how many actor definitions each thread's page has rows for. */
  metrics?: MetricsOptions | undefined;
  /** Makes this system a node of a cluster over NATS (docs/cluster.md). Default none: nothing needs a server. */
  cluster?: ClusterOptions | undefined;
}

/** `SystemOptions.cluster`: a node of a cluster over NATS. */
export interface ClusterOptions {
  /** The cluster's name: namespaces its NATS subjects and KV buckets. */
  name: string;
  /** This node's id, unique among live nodes. Default `<hostname>-<pid>` (made subject-safe). */
  nodeId?: string | undefined;
  /** Roles of this node (for sharding's `role`). Default `[]`. */
  roles?: string[] | undefined;
  /** Where NATS is, and how to log in (passed to the NATS client). */
  nats: ClusterNatsOptions;
  /** How often this node writes its heartbeat, in ms. Default 1000. */
  heartbeatIntervalMs?: number | undefined;
  /** A member with no heartbeat for this long is unreachable, and downed, in ms. Default 5000. */
  failureTimeoutMs?: number | undefined;
  /** This node stops hosting when its own heartbeat has failed for this long, in ms. Default failureTimeoutMs / 2. */
  selfFenceAfterMs?: number | undefined;
  /** What a node does when it learns that it was downed: shut the system down (Akka's default), or keep running. */
  onDowned?: 'shutdown' | 'keep-running' | undefined;
  /** The longest an ask from another node waits here for its actor's reply, in ms. Default 300000. */
  remoteAskTimeoutMs?: number | undefined;
  /** How long `cluster.lookup` waits for the other node's answer, in ms. Default 5000. */
  lookupTimeoutMs?: number | undefined;
  /**
   * Tells carry a reply subject, so that a tell to a node that died (not yet downed) becomes a 'node-down' dead
   * letter when NATS answers "no responders", instead of a silent loss. Default true; false buys remote tell
   * throughput (docs/cluster.md).
   */
  reportUnroutedTells?: boolean | undefined;
}

/** `ClusterOptions.nats`. */
export interface ClusterNatsOptions {
  /** `nats://host:port` URL(s) of the NATS server(s). */
  servers: string | string[];
  user?: string | undefined;
  pass?: string | undefined;
  token?: string | undefined;
  /** TLS options for the NATS client (`caFile`, `certFile`, `keyFile`, ...), passed through. */
  tls?: Record<string, unknown> | undefined;
  /** A NATS authenticator (`nkeyAuthenticator(seed)`, `credsAuthenticator(creds)`, ... from `@nats-io/transport-node`). */
  authenticator?: ((nonce?: string) => unknown) | undefined;
}

/** `SystemOptions.metrics`: the per-thread metrics page read by `system.metrics()` and the exporters. */
export interface MetricsOptions {
  /**
   * Which handled messages the processing-time and mailbox-wait histograms time (`performance.now()` at enqueue,
   * dequeue and settle): `'off'`, `'sampled'` (every 16th per thread) or `'all'`. Counters are exact whatever this
   * is. Default `'sampled'`.
   */
  timing?: MetricsTiming | undefined;
  /**
   * Rows of each thread's page, 2 to 4096, the last one the `(other)` row that every definition past the others
   * counts in (counted in `overflowedDefinitions`). Default 256 (192 KiB per thread).
   */
  maxDefinitions?: number | undefined;
}

/** `SystemOptions.coordinatedShutdown`: Akka's phases, the user's, and whether SIGTERM/SIGINT run them. */
export interface CoordinatedShutdownOptions {
  /** Timeout of a phase that names none (Akka's 10 s phases keep theirs). Default 5000. */
  defaultPhaseTimeoutMs?: number | undefined;
  /** Settings of Akka's phases (`timeoutMs`, `recover`) and phases of your own (with `dependsOn`). Default `{}`. */
  phases?: Record<string, PhaseOptions> | undefined;
  /** Run the phases on SIGTERM/SIGINT. Default false: a library does not take over signals unasked. */
  handleSignals?: boolean | undefined;
  /** With handleSignals: exit with 128 + the signal number once the phases are done. Default true. */
  exitProcess?: boolean | undefined;
}

/** `SystemOptions.workerRestart`. */
export interface WorkerRestartOptions {
  /** Replacements of one worker allowed within `withinMs`; past it the worker is given up. Default 5. */
  maxRestarts?: number | undefined;
  /** The sliding window `maxRestarts` counts in, in ms. Default 60000. */
  withinMs?: number | undefined;
  /** Delay before a replacement boots. Default `{ minMs: 10, maxMs: 5000, jitter: 0.2 }`. */
  backoff?: WorkerBackoffOptions | undefined;
  /** Past the limit: leave the system running without the worker's actors, or shut it down. Default `'stop-actors'`. */
  onGiveUp?: 'stop-actors' | 'shutdown' | undefined;
  /** Keep one spare worker booted, so that a replacement only has to recover. Default true. */
  spare?: boolean | undefined;
}

/** `SystemOptions.workerRestart.backoff`: `minMs` doubling with each restart in the window, capped at `maxMs`. */
export interface WorkerBackoffOptions {
  /** Default 10. */
  minMs?: number | undefined;
  /** At least `minMs`. Default 5000. */
  maxMs?: number | undefined;
  /** Up to this fraction of the delay (0 to 1) is added at random. Default 0.2. */
  jitter?: number | undefined;
}

/** `SystemOptions.resourceLimits`: Node's `ResourceLimits` of a worker, in MB. */
export interface WorkerResourceLimits {
  maxOldGenerationSizeMb?: number | undefined;
  maxYoungGenerationSizeMb?: number | undefined;
  codeRangeSizeMb?: number | undefined;
  /** At most 1024 (Node's default is 4). */
  stackSizeMb?: number | undefined;
}

/** `SystemOptions.guardian`: the system guardian's strategy for top-level actors. */
export interface GuardianConfig {
  /** Default `'restart'`. */
  strategy?: 'restart' | 'stop' | undefined;
  /** Restarts of one actor within `withinMs`; past it the actor is stopped. Default 10. */
  maxRetries?: number | undefined;
  /** Default 60000. */
  withinMs?: number | undefined;
  /** Delay before each restart; none by default. */
  backoff?: { minMs: number; maxMs: number; jitter?: number | undefined } | undefined;
}

// Compile-time proof that the interface above and the schema accept the same options: `Same` is false when a key,
// an optional mark or a value type differs at any depth (test/unit/config-docs.test.ts shows it failing).
export type Same<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type Assert<T extends true> = T;
export type SchemaMatches = Assert<Same<SystemOptions, Zod.input<Schema>>>;

/** The schema behind `resolveConfig`, for tests that check the documentation against it. */
export const optionsSchema = (): Schema => getSchema();

/** The configuration with every default applied. */
export interface ResolvedConfig extends Omit<Zod.output<Schema>, 'workers' | 'actors' | 'logger' | 'cluster'> {
  workers: number;
  /** Actor modules as absolute URL strings. */
  actors: string[];
  /**
   * The levels the `logger` option had enabled at start (none without one): the workers get this configuration,
   * never the logger itself (it holds functions; it stays on the main thread), and ship only records of these.
   */
  logLevels: LogLevel[];
}

/** The cluster options with their defaults; they stay on the main thread. */
export type ResolvedCluster = NonNullable<Zod.output<Schema>['cluster']>;

export function resolveConfig(options: unknown = {}): ResolvedConfig {
  return resolveOptions(options).config;
}

/** `resolveConfig`, and the cluster options apart (the workers get `config`, never them). */
export function resolveOptions(options: unknown = {}): { config: ResolvedConfig; cluster: ResolvedCluster | undefined } {
  const parsed = getSchema().safeParse(options ?? {});
  if (!parsed.success) {
    const issues: ConfigIssue[] = parsed.error.issues.map((i) => ({
      path: i.path.map(String).join('.'),
      message: i.message,
    }));
    throw new InvalidConfigError(issues);
  }
  const { logger, cluster, ...c } = parsed.data;
  const config = {
    ...c,
    logLevels: enabledLevels(logger),
    workers: c.mode === 'inline' ? 0 : (c.workers ?? defaultWorkers()),
    actors: c.actors.map((a) => toModuleUrl(a)),
  };
  return { config, cluster };
}

function toModuleUrl(a: URL | string): string {
  if (a instanceof URL) return a.href;
  if (/^[a-z][a-z0-9+.-]*:/i.test(a)) return a;
  // A bare path: resolve against the working directory, like the node CLI does.
  return new URL(a, `file://${process.cwd()}/`).href;
}
