/**
 * The control channel between the main thread and a worker: comlink over the worker's message port. Control calls
 * are rare (boot, stats, exit); messages never take this path, they go through the rings.
 */
import { expose, wrap, type Endpoint, type Remote } from 'comlink';
import nodeAdapter from 'comlink/dist/umd/node-adapter.js';
import type { MessagePort, Worker } from 'node:worker_threads';
import type { WorkerAssignment } from './supervision/worker-supervisor.js';

export interface WorkerStats {
  thread: number;
  actors: number;
  asyncInFlight: number;
  /** Times the worker's loop parked (went to sleep until a message) since it started. */
  parks: number;
  /** Empty polling rounds the worker allows itself before parking now (adaptive, at most spinIterations). */
  spinBudget: number;
}

/** What a worker exposes to the main thread. */
export interface WorkerControl {
  /** Resolves once the worker has loaded the actor modules and runs its loop (a spare: once it waits). */
  ready(): { thread: number; definitions: string[] };
  /** A spare becomes thread `a.thread`: it attaches the shared memory, recovers, and runs its loop. */
  assume(a: WorkerAssignment): { thread: number; definitions: string[] };
  stats(): WorkerStats;
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
