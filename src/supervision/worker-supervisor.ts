/**
 * The main thread's supervisor of worker threads: it starts them, notices every way one dies (an uncaught throw or
 * rejection, `process.exit`, running out of heap, and a hung loop caught by the heartbeat watchdog), and starts a
 * replacement on the same shared memory after a backoff, within the restart intensity of `workerRestart`. What the
 * replacement does with that memory (re-create actors, queue their messages again) is the runtime's `recover`.
 *
 * Contract: main thread only. It knows workers, not actors: the ActorSystem gets its hooks and keeps the registry.
 */
import { Worker } from 'node:worker_threads';
import type { Remote } from 'comlink';
import type { ResolvedConfig } from '../config.js';
import { wrapControl, type WorkerAssignment, type WorkerBoot, type WorkerControl, type WorkerStats } from '../control.js';
import { CorruptMemoryError, WorkerBootError, WorkerStalledError, serializeError } from '../errors.js';
import { CTL_HEARTBEAT } from '../transport/layout.js';
import { isParked } from '../transport/wait.js';
import type { MeshMemory } from '../transport/mesh.js';
import { RestartTracker } from './restarts.js';
import { workerEntry } from './worker-entry.js';

export interface WorkerSupervisorHooks {
  /** A worker died outside shutdown; `restartInMs` is null when it will not be replaced. */
  died(thread: number, code: number, cause: Error, restartInMs: number | null, restarts: number): void;
  /** A replacement is about to boot: what it must find in its rings first goes there now. */
  replacing(thread: number): void;
  /** The replacement has booted and recovered (its report of what it recovered comes through its ring). */
  replaced(thread: number, restarts: number): void;
  /** The restart intensity was exceeded: the worker stays dead. */
  gaveUp(thread: number, cause: Error, restarts: number): void;
}

/** Silence allowed to a parked worker: it wakes (and beats) at least once per second. */
const PARKED_STALL_MS = 2500;
/** How long shutdown waits for a worker to end its loop when asked, before terminating it. */
const EXIT_GRACE_MS = 1000;

type SlotState = 'booting' | 'up' | 'waiting' | 'dead';
/** What a replacement started from scratch (no spare) is allowed beyond stallTimeoutMs to load the actor modules. */
export const BOOT_LOAD_MS = 30_000;

/**
 * Whether a worker died of corrupt shared memory (a CorruptMemoryError, whose code comlink does not carry across:
 * its name then says it). A replacement would meet the same memory, so the worker is given up on at once.
 */
function isCorruptMemory(err: unknown): boolean {
  if (err instanceof CorruptMemoryError) return true;
  const e = err as { code?: unknown; name?: unknown } | null;
  return e !== null && typeof e === 'object' && (e.code === 'ERR_CORRUPT_MEMORY' || e.name === 'CorruptMemoryError');
}

/** The error as a RingmasterError with its code, when comlink carried only its name and message. */
function withCode(err: unknown): unknown {
  if (!isCorruptMemory(err) || (err as { code?: unknown }).code === 'ERR_CORRUPT_MEMORY') return err;
  const e = err as Error;
  return Object.assign(new CorruptMemoryError('shared memory', e.message), { message: e.message, stack: e.stack });
}

/** One worker thread as the main thread holds it; a spare has no owner until it is assigned a slot. */
interface Handle {
  worker: Worker;
  control: Remote<WorkerControl>;
  exited: Promise<number>;
  owner: Slot | undefined;
  /** The first 'error' event (the cause of death when it exits). */
  error: unknown;
  /** A spare whose modules are loaded. */
  ready: boolean;
}

interface Slot {
  thread: number;
  state: SlotState;
  handle: Handle | undefined;
  tracker: RestartTracker;
  restarts: number;
  timer: NodeJS.Timeout | undefined;
  /** Heartbeat value last seen, and when it last moved (main thread clock). */
  beat: number;
  beatAt: number;
  /** Set by the watchdog before it terminates the worker, so its death has the right cause. */
  stalled: boolean;
}

export class WorkerSupervisor {
  readonly #config: ResolvedConfig;
  readonly #mesh: MeshMemory;
  readonly #journals: SharedArrayBuffer[];
  readonly #hooks: WorkerSupervisorHooks;
  readonly #slots: Slot[] = [];
  readonly #entry = workerEntry();
  #stopping = false;
  /** A worker booted in advance, modules loaded, that a dead worker's slot takes over (workerRestart.spare). */
  #spare: Handle | undefined;
  #watchdog: NodeJS.Timeout | undefined;
  #lastTick = 0;

  constructor(config: ResolvedConfig, mesh: MeshMemory, journals: SharedArrayBuffer[], hooks: WorkerSupervisorHooks) {
    this.#config = config;
    this.#mesh = mesh;
    this.#journals = journals;
    this.#hooks = hooks;
  }

  /** Starts every worker; rejects with WorkerBootError when one fails to boot (no restarts at start). */
  async startAll(): Promise<void> {
    const policy = this.#config.workerRestart;
    for (let thread = 1; thread <= this.#config.workers; thread++) {
      const slot: Slot = {
        thread,
        state: 'booting',
        handle: undefined,
        tracker: new RestartTracker({ maxRetries: policy.maxRestarts, withinMs: policy.withinMs, backoff: policy.backoff }),
        restarts: 0,
        timer: undefined,
        beat: 0,
        beatAt: 0,
        stalled: false,
      };
      this.#slots.push(slot);
      await this.#boot(slot, undefined);
    }
    if (this.#config.stallTimeoutMs > 0) {
      this.#lastTick = performance.now();
      const every = Math.max(20, Math.min(1000, this.#config.stallTimeoutMs / 4));
      this.#watchdog = setInterval(() => this.#check(), every).unref();
    }
    if (policy.spare && policy.maxRestarts > 0) void this.#bootSpare();
  }

  /** Whether `thread` runs now (false while it waits for a restart, or after giving up). */
  isUp(thread: number): boolean {
    return this.#slots[thread - 1]?.state === 'up';
  }

  /** The stats of every running worker that answers; one that dies before answering is left out (comlink never rejects). */
  async stats(): Promise<WorkerStats[]> {
    const up = this.#slots.filter((s) => s.state === 'up' && s.handle !== undefined);
    const answers = await Promise.all(
      up.map((s) => {
        const h = s.handle!;
        return Promise.race([h.control.stats().catch(() => undefined), h.exited.then(() => undefined)]);
      }),
    );
    return answers.filter((a): a is WorkerStats => a !== undefined);
  }

  /**
   * Under manual time, for NotQuiescentError: what `thread` says awaits outside the system; undefined when it is
   * not up or does not answer within `ms` (a handler in a synchronous loop never lets the control call run).
   */
  async awaitingOutside(thread: number, ms: number): Promise<string[] | undefined> {
    const s = this.#slots[thread - 1];
    if (s?.state !== 'up' || s.handle === undefined) return undefined;
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), ms)));
    try {
      return await Promise.race([s.handle.control.awaitingOutside().catch(() => undefined), s.handle.exited.then(() => undefined), late]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Shutdown: no more restarts; asks every running worker to finish its loop, then terminates them all. */
  async stopAll(): Promise<void> {
    this.#stopping = true;
    clearInterval(this.#watchdog);
    for (const s of this.#slots) clearTimeout(s.timer);
    // A comlink call to a dead worker never settles: race each exit call with the worker's own exit.
    let grace: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.all(
      this.#slots.map((s) => {
        const h = s.handle;
        return s.state === 'up' && h ? Promise.race([h.control.exit().catch(() => {}), h.exited]) : undefined;
      }),
    ).then(() => clearTimeout(grace), () => clearTimeout(grace)),
      // A worker stuck in a synchronous loop never answers: terminate it after a grace period (terminate stops
      // even a spinning worker).
      new Promise<void>((resolve) => (grace = setTimeout(resolve, EXIT_GRACE_MS))),
    ]);
    await this.terminateAll();
  }

  async terminateAll(): Promise<void> {
    this.#stopping = true;
    clearInterval(this.#watchdog);
    const handles = this.#slots.map((s) => {
      clearTimeout(s.timer);
      return s.handle;
    });
    handles.push(this.#spare);
    this.#spare = undefined;
    await Promise.all(
      handles.map(async (h) => {
        if (h === undefined) return;
        await h.worker.terminate();
        await h.exited;
      }),
    );
  }

  /** Starts a worker thread; its death is routed to whichever slot owns it by then. */
  #spawn(data: WorkerBoot): Handle {
    const worker = new Worker(this.#entry.url, {
      workerData: data,
      ...(this.#config.resourceLimits !== undefined && { resourceLimits: this.#config.resourceLimits }),
    });
    const h: Handle = { worker, control: wrapControl(worker), exited: Promise.resolve(0), owner: undefined, error: undefined, ready: false };
    // Listeners in the same tick as `new Worker`: an 'error' event without one crashes the main thread.
    h.exited = new Promise<number>((resolve) => {
      worker.on('error', (err) => {
        h.error ??= err;
      });
      worker.on('exit', (code) => {
        resolve(code);
        if (h.owner !== undefined) {
          if (h.owner.handle === h) this.#died(h.owner, code, h.error);
        } else if (this.#spare === h) {
          // A spare that dies idle is not replaced at once (no hot loop): the next restart boots normally.
          this.#spare = undefined;
        }
      });
    });
    return h;
  }

  async #bootSpare(): Promise<void> {
    if (this.#stopping || this.#spare !== undefined) return;
    const h = this.#spawn({ spare: true, config: this.#config, entry: this.#entry.host });
    this.#spare = h;
    try {
      await Promise.race([h.control.ready(), h.exited]);
      h.ready = this.#spare === h;
    } catch {
      // It died while loading: the exit listener has dropped it.
    }
  }

  /**
   * Starts the worker of `slot` and waits until it is ready (after recovering, for a replacement). A replacement
   * takes over the spare when one is ready (its modules are loaded: only the assignment and the recovery remain),
   * and a new spare boots behind it.
   */
  async #boot(slot: Slot, restart: WorkerAssignment['restart']): Promise<void> {
    const { thread } = slot;
    const assignment: WorkerAssignment = {
      thread,
      mesh: this.#mesh,
      journal: this.#journals[thread - 1]!,
      ...(restart !== undefined && { restart }),
    };
    slot.state = 'booting';
    slot.stalled = false;
    const spare = restart !== undefined && this.#spare?.ready === true ? this.#spare : undefined;
    let h: Handle;
    if (spare !== undefined) {
      this.#spare = undefined;
      h = spare;
    } else {
      h = this.#spawn({ ...assignment, config: this.#config, entry: this.#entry.host });
    }
    h.owner = slot;
    slot.handle = h;
    const died = h.exited.then((code) => {
      throw new WorkerBootError(thread, h.error ?? new Error(`exited with code ${code} while booting`));
    });
    // The boot's own watchdog: a replacement recovers its actors (postRestart, or preStart) inside `assume` or
    // before answering `ready`, before the heartbeat watchdog looks at the slot, so one that loops there would
    // leave the slot 'booting' forever. Recovery gets stallTimeoutMs, as a turn would: from now for a spare (its
    // modules are loaded), from its first beat for a worker started now (actor-host.ts beats once its modules are
    // loaded, which takes seconds from source on a busy machine; it gets BOOT_LOAD_MS for that). Only
    // replacements: the first boot is `ActorSystem.start`'s, which fails on its own.
    let bootTimer: ReturnType<typeof setInterval> | undefined;
    const stalled =
      restart === undefined
        ? undefined
        : new Promise<never>((_, reject) => {
            const control = new Int32Array(this.#mesh.controls[thread]!);
            const beat0 = Atomics.load(control, CTL_HEARTBEAT);
            const t0 = performance.now();
            let loadedAt = spare !== undefined ? t0 : undefined;
            const limit = this.#config.stallTimeoutMs;
            bootTimer = setInterval(() => {
              const now = performance.now();
              if (loadedAt === undefined && Atomics.load(control, CTL_HEARTBEAT) !== beat0) loadedAt = now;
              if (loadedAt === undefined ? now - t0 > limit + BOOT_LOAD_MS : now - loadedAt > limit) {
                slot.stalled = true;
                reject(new WorkerStalledError(thread, limit));
              }
            }, Math.max(10, Math.min(250, limit / 4)));
          });
    try {
      const booted = spare !== undefined ? h.control.assume(assignment) : h.control.ready();
      await Promise.race(stalled === undefined ? [booted, died] : [booted, died, stalled]);
    } catch (err) {
      // It threw while recovering (a spare's `assume`) but is still alive: that is a failure of the slot like a
      // death while booting. Terminating it lets its exit listener count and report it; the slot never stays
      // 'booting'.
      if (slot.handle === h) {
        h.error ??= withCode(err);
        void h.worker.terminate();
      }
      throw err;
    } finally {
      if (bootTimer !== undefined) clearInterval(bootTimer);
    }
    slot.state = 'up';
    slot.beat = Atomics.load(new Int32Array(this.#mesh.controls[thread]!), CTL_HEARTBEAT);
    slot.beatAt = performance.now();
    if (spare !== undefined) void this.#bootSpare();
  }

  #died(slot: Slot, code: number, error: unknown): void {
    slot.handle = undefined;
    if (this.#stopping) {
      slot.state = 'dead';
      return;
    }
    const cause: Error = slot.stalled
      ? new WorkerStalledError(slot.thread, this.#config.stallTimeoutMs)
      : error instanceof Error
        ? (withCode(error) as Error)
        : new Error(`worker ${slot.thread} exited with code ${code}`);
    const decision = slot.tracker.onFailure(performance.now());
    if (!decision.restart || isCorruptMemory(cause)) {
      slot.state = 'dead';
      this.#hooks.died(slot.thread, code, cause, null, slot.restarts);
      this.#hooks.gaveUp(slot.thread, cause, slot.restarts);
      return;
    }
    slot.state = 'waiting';
    const delay = Math.round(decision.delayMs);
    this.#hooks.died(slot.thread, code, cause, delay, slot.restarts);
    slot.timer = setTimeout(() => {
      slot.timer = undefined;
      if (this.#stopping) return;
      slot.restarts++;
      this.#hooks.replacing(slot.thread);
      this.#boot(slot, { cause: serializeError(cause), restarts: slot.restarts }).then(
        () => this.#hooks.replaced(slot.thread, slot.restarts),
        // A replacement that dies while booting is handled by its exit listener (it counts as another failure).
        () => {},
      );
    }, delay);
  }

  /** The watchdog: a worker whose heartbeat has not moved for stallTimeoutMs is terminated (and replaced). */
  #check(): void {
    const now = performance.now();
    const limit = this.#config.stallTimeoutMs;
    // If the main thread itself was blocked, what we saw is stale: start the observation again.
    const stale = now - this.#lastTick > limit / 2;
    this.#lastTick = now;
    for (const slot of this.#slots) {
      if (slot.state !== 'up' || slot.handle === undefined) continue;
      const control = new Int32Array(this.#mesh.controls[slot.thread]!);
      const beat = Atomics.load(control, CTL_HEARTBEAT);
      // A parked worker beats only when its driver's sweeper wakes it (every PARK_TIMEOUT_MS): give it that long too.
      const allowed = isParked(control) ? Math.max(limit, PARKED_STALL_MS) : limit;
      if (beat !== slot.beat || stale) {
        slot.beat = beat;
        slot.beatAt = now;
      } else if (now - slot.beatAt > allowed && !slot.stalled) {
        slot.stalled = true;
        void slot.handle.worker.terminate();
      }
    }
  }
}
