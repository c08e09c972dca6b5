/**
 * The contract between the main thread and a worker, outside the rings: what a worker receives at boot (`WorkerBoot`,
 * in `workerData`), and the control channel, comlink over the worker's message port. Control calls are rare (boot,
 * stats, exit); messages never take this path, they go through the rings.
 *
 * Contract: both sides. The main thread (src/supervision/worker-supervisor.ts) builds the boot data and calls
 * `wrapControl`; the worker (workers/actor-host.ts) reads the boot data and calls `exposeControl`. Nothing here may
 * import either side, so that neither thread loads the other's code.
 */
import { expose, wrap, type Endpoint, type Remote } from 'comlink';
import nodeAdapter from 'comlink/dist/umd/node-adapter.js';
import type { MessagePort, Worker } from 'node:worker_threads';
import type { ResolvedConfig } from './config.js';
import type { SerializedError } from './errors.js';
import type { MeshMemory } from './transport/mesh.js';

/** Which thread a worker is, and its shared memory: in `workerData`, or later through `assume` for a spare. */
export interface WorkerAssignment {
  thread: number;
  mesh: MeshMemory;
  journal: SharedArrayBuffer;
  /** Set when this worker replaces one that died. */
  restart?: { cause: SerializedError; restarts: number };
}

/** What a worker receives in `workerData`: its assignment, or `spare: true` (it waits for one, modules loaded). */
export type WorkerBoot = (WorkerAssignment | { spare: true }) & {
  config: ResolvedConfig;
  /**
   * The host module to import (compiled JS, or the TypeScript source through a bootstrap): see
   * src/supervision/worker-entry.ts. workers/source-bootstrap.mjs reads this field by name.
   */
  entry: string;
};

export interface WorkerStats {
  thread: number;
  actors: number;
  asyncInFlight: number;
  /** Times the worker's loop parked (went to sleep until a message) since it started. */
  parks: number;
  /** Empty polling rounds the worker allows itself before parking now (adaptive, at most spinIterations). */
  spinBudget: number;
  /**
   * Spins the spin gate stopped or refused (src/dispatch/spin-gate.ts), by reason: more of the system's threads
   * wanting a CPU than the machine has (`crowded`), a thread of the system preempted lately (`contended`), this
   * worker's own spin preempted (`preempted`). All 0 with `waitStrategy: 'spin'` or `'park'`.
   */
  spinStops: { crowded: number; contended: number; preempted: number };
  /**
   * The worker's journal (src/transport/journal.ts): bytes of live records (a spawn record per actor it hosts, plus
   * the messages taken and not yet handled), and the most it may hold (`ringBytes`). A spawn or message that would
   * pass the limit is refused (JournalFullError) or held in memory only, so this is how close the worker is.
   */
  journal: { liveBytes: number; limitBytes: number };
}

/** What a worker exposes to the main thread. */
export interface WorkerControl {
  /** Resolves once the worker has loaded the actor modules and runs its loop (a spare: once it waits). */
  ready(): { thread: number; definitions: string[] };
  /** A spare becomes thread `a.thread`: it attaches the shared memory, recovers, and runs its loop. */
  assume(a: WorkerAssignment): { thread: number; definitions: string[] };
  stats(): WorkerStats;
  /** Under manual time, for NotQuiescentError: the actors whose handler awaits something outside the system. */
  awaitingOutside(): string[];
  /** Stops the worker's loop after a last round of work; the main thread then terminates it. */
  exit(): void;
}

// The adapter is a UMD module whose module.exports is the function itself; its typings describe an ES default.
const adapter = nodeAdapter as unknown as { default?: unknown };
const nodeEndpoint = (typeof adapter === 'function' ? adapter : adapter.default) as (port: unknown) => Endpoint;

export function exposeControl(api: WorkerControl, port: MessagePort): void {
  expose(api, nodeEndpoint(port));
}

export function wrapControl(worker: Worker): Remote<WorkerControl> {
  return wrap<WorkerControl>(nodeEndpoint(worker));
}
