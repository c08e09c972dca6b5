/**
 * Coordinated shutdown, Akka's way: named phases run one after another (phases.ts orders them), the tasks of one
 * phase run concurrently, and a phase ends when all its tasks settled or its timeout passed. A failed or timed-out
 * task is published as `shutdown-phase-failed` and the next phase runs (unless the phase says `recover: false`:
 * then only the last one does). The last phase, `actor-system-terminate`, begins with the engine's own shutdown
 * (which closes the system to messages from outside the actors at once; the phase's tasks run beside it) and ends
 * when it is done: bounded by `shutdownTimeoutMs` instead of the phase timeout.
 *
 * `run` is idempotent: every caller gets the promise of the first run. With `handleSignals`, the first SIGTERM or
 * SIGINT starts a run and the process exits with 128 + the signal's number when it ends (Node's convention for a
 * process killed by a signal); a second signal exits at once. Node removes its default exit once a listener is
 * installed (docs/platform.md cites it), which is why a library listens only when asked.
 *
 * Contract: main thread only, one per ActorSystem.
 */
import { constants } from 'node:os';
import { InvalidArgumentError, InvalidOperationError } from '../errors.js';
import type { EventStream } from '../events.js';
import { TERMINATE_PHASE, orderPhases, type Phase, type PhaseOptions } from './phases.js';

/** Why a run started. */
export type ShutdownReason =
  | { kind: 'actor-system-terminate' }
  | { kind: 'signal'; signal: 'SIGTERM' | 'SIGINT' }
  | { kind: 'custom'; detail: string };

export type ShutdownTask = (reason: ShutdownReason) => unknown;

/** `coordinatedShutdown`, as resolved by the configuration. */
export interface CoordinatedShutdownConfig {
  defaultPhaseTimeoutMs: number;
  phases: Record<string, PhaseOptions>;
  handleSignals: boolean;
  exitProcess: boolean;
}

interface Task {
  name: string;
  fn: ShutdownTask;
}

const SIGNALS = ['SIGTERM', 'SIGINT'] as const;

export class CoordinatedShutdown {
  readonly #phases: Phase[];
  readonly #tasks = new Map<string, Task[]>();
  readonly #events: EventStream;
  readonly #terminate: () => Promise<void>;
  readonly #config: CoordinatedShutdownConfig;
  /** Phases that have started (a task added to one of them could never run). */
  readonly #started = new Set<string>();
  #run: Promise<void> | undefined;
  #reason: ShutdownReason | undefined;
  #listeners: { signal: (typeof SIGNALS)[number]; fn: () => void }[] = [];

  constructor(config: CoordinatedShutdownConfig, events: EventStream, terminate: () => Promise<void>) {
    this.#config = config;
    // Checked by the configuration's schema already: problems here cannot happen.
    this.#phases = orderPhases(config.defaultPhaseTimeoutMs, config.phases).phases;
    for (const p of this.#phases) this.#tasks.set(p.name, []);
    this.#events = events;
    this.#terminate = terminate;
  }

  /** @internal Called once the system has started: with handleSignals, SIGTERM and SIGINT run the phases. */
  listen(): void {
    if (!this.#config.handleSignals || this.#listeners.length > 0 || this.#run !== undefined) return;
    for (const signal of SIGNALS) {
      const fn = (): void => this.#onSignal(signal);
      process.on(signal, fn);
      this.#listeners.push({ signal, fn });
    }
  }

  /** The phases in the order they run. */
  get phases(): readonly string[] {
    return this.#phases.map((p) => p.name);
  }

  /** Why the run started; undefined until one did. */
  get reason(): ShutdownReason | undefined {
    return this.#reason;
  }

  /**
   * Adds a task to `phase`, run with the others of that phase when the shutdown reaches it. `name` is for reports.
   * A task for a phase that has already started would never run: it is refused with InvalidOperationError.
   */
  addTask(phase: string, name: string, fn: ShutdownTask): void {
    this.#add(phase, name, fn);
  }

  /** Like addTask; the function returned removes the task again (true if it had not started yet). */
  addCancellableTask(phase: string, name: string, fn: ShutdownTask): () => boolean {
    const task = this.#add(phase, name, fn);
    return () => {
      if (this.#started.has(phase)) return false;
      const list = this.#tasks.get(phase)!;
      const i = list.indexOf(task);
      if (i < 0) return false;
      list.splice(i, 1);
      return true;
    };
  }

  /** Runs every phase, once: later calls (and `system.shutdown()`) get the same promise, whatever their reason. */
  run(reason: ShutdownReason): Promise<void> {
    if (this.#run !== undefined) return this.#run;
    try {
      checkReason(reason);
    } catch (err) {
      return Promise.reject(err);
    }
    this.#reason = reason;
    this.#run = this.#runPhases(reason);
    return this.#run;
  }

  #add(phase: string, name: string, fn: ShutdownTask): Task {
    const list = this.#tasks.get(phase);
    if (list === undefined) {
      throw new InvalidArgumentError(`unknown shutdown phase '${phase}'; the phases are: ${this.phases.join(', ')}`);
    }
    if (typeof name !== 'string' || name === '') throw new InvalidArgumentError(`a shutdown task needs a non-empty name, got ${String(name)}`);
    if (typeof fn !== 'function') throw new InvalidArgumentError(`shutdown task '${name}' must be a function, got ${typeof fn}`);
    if (this.#started.has(phase)) {
      throw new InvalidOperationError(`shutdown phase '${phase}' has already started: task '${name}' would never run`);
    }
    const task = { name, fn };
    list.push(task);
    return task;
  }

  async #runPhases(reason: ShutdownReason): Promise<void> {
    let skipping = false;
    for (const phase of this.#phases) {
      this.#started.add(phase.name);
      const last = phase.name === TERMINATE_PHASE;
      if (skipping && !last) continue;
      const ok = await this.#runPhase(phase, reason, last);
      if (!ok && !phase.recover) skipping = true;
    }
    this.#unlisten();
  }

  /** The phase's tasks, concurrently, within its timeout. False if one failed or the timeout passed. */
  async #runPhase(phase: Phase, reason: ShutdownReason, last: boolean): Promise<boolean> {
    const tasks = this.#tasks.get(phase.name)!;
    let ok = true;
    const report = (task: string, error: Error, timedOut: boolean): void => {
      ok = false;
      this.#events.publish({ type: 'shutdown-phase-failed', phase: phase.name, task, error, timedOut });
    };
    // The last phase begins with the engine's own shutdown, which closes the system to messages from outside the
    // actors at once (its tasks run beside it, as Akka's do); it is bounded by shutdownTimeoutMs, not cut here.
    const engine = last ? this.#terminate() : undefined;
    const pending = new Set<string>();
    const runs = tasks.map(async (t) => {
      pending.add(t.name);
      try {
        await t.fn(reason);
      } catch (err) {
        report(t.name, err instanceof Error ? err : new Error(String(err)), false);
      } finally {
        pending.delete(t.name);
      }
    });
    if (runs.length > 0) {
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<true>((resolve) => {
        timer = setTimeout(() => resolve(true), phase.timeoutMs);
      });
      const late = await Promise.race([Promise.all(runs).then(() => false as const), timedOut]);
      clearTimeout(timer);
      if (late) {
        for (const name of pending) {
          report(name, new Error(`shutdown task '${name}' of phase '${phase.name}' did not finish within ${phase.timeoutMs} ms`), true);
        }
      }
    }
    if (engine !== undefined) await engine;
    return ok;
  }

  #unlisten(): void {
    for (const { signal, fn } of this.#listeners) process.off(signal, fn);
    this.#listeners = [];
  }

  #onSignal(signal: (typeof SIGNALS)[number]): void {
    const code = 128 + constants.signals[signal];
    if (this.#run !== undefined) {
      // A second signal while the phases run: the operator insists.
      process.exit(code);
    }
    // The listeners stay until the phases are done, so a second signal meanwhile comes here, not to Node's default.
    void this.run({ kind: 'signal', signal }).then(() => {
      if (this.#config.exitProcess) process.exit(code);
      process.exitCode = code;
    });
  }
}

function checkReason(reason: ShutdownReason): void {
  const ok =
    reason !== null &&
    typeof reason === 'object' &&
    (reason.kind === 'actor-system-terminate' ||
      (reason.kind === 'signal' && (reason.signal === 'SIGTERM' || reason.signal === 'SIGINT')) ||
      (reason.kind === 'custom' && typeof reason.detail === 'string'));
  if (!ok) {
    throw new InvalidArgumentError(
      `a shutdown reason is { kind: 'actor-system-terminate' }, { kind: 'signal', signal: 'SIGTERM' | 'SIGINT' } or { kind: 'custom', detail: string }, got ${JSON.stringify(reason)}`,
    );
  }
}
