/**
 * ActorSystem: the main-thread facade. It validates the configuration, allocates the shared memory, starts the
 * workers, keeps the registry of names, publishes events, and shuts everything down so the process can exit.
 *
 * Contract: main thread only. Workers talk to it through their rings (registrations, dead letters, failures) and
 * answer its control calls (comlink) for boot and exit.
 */
import { Worker } from 'node:worker_threads';
import type { Remote } from 'comlink';
import type { ActorDefinition, SpawnOptions } from './actor.js';
import { resolveConfig, type ResolvedConfig, type SystemOptions } from './config.js';
import { wrapControl, type WorkerControl, type WorkerStats } from './control.js';
import { MainDriver } from './dispatch/driver.js';
import {
  InvalidArgumentError,
  NameTakenError,
  SystemStoppedError,
  WorkerBootError,
  deserializeError,
  serializeError,
} from './errors.js';
import { EventStream } from './events.js';
import { importModule } from './loader.js';
import type { SystemMessage } from './protocol.js';
import type { ActorRef } from './ref.js';
import { Runtime } from './runtime/runtime.js';
import { Mesh, allocateMesh, type MeshMemory } from './transport/mesh.js';

/** What a worker receives in `workerData`. */
export interface WorkerBoot {
  thread: number;
  mesh: MeshMemory;
  config: ResolvedConfig;
}

interface WorkerSlot {
  thread: number;
  worker: Worker;
  control: Remote<WorkerControl>;
  exited: Promise<number>;
}

/** How long a spawn may wait for the actor's preStart when no askTimeoutMs is longer. */
const SPAWN_TIMEOUT_MS = 30_000;

export class ActorSystem {
  readonly config: Readonly<ResolvedConfig>;
  readonly events = new EventStream();
  readonly #rt: Runtime;
  readonly #driver: MainDriver;
  readonly #workers: WorkerSlot[] = [];
  readonly #byName = new Map<string, ActorRef>();
  readonly #reserved = new Set<string>();
  readonly #topLevel = new Set<string>();
  /** Names of each parent's children, so a stopped parent frees them even before their own reports arrive. */
  readonly #children = new Map<string, Set<string>>();
  #shutdown: Promise<void> | undefined;

  private constructor(config: ResolvedConfig, mesh: MeshMemory | undefined) {
    this.config = config;
    this.#rt = new Runtime(config, 0, mesh ? new Mesh(mesh, 0) : undefined);
    this.#rt.main = { onSystem: (m, from) => this.#onReport(m, from) };
    this.#driver = new MainDriver(this.#rt, config.waitStrategy, config.spinIterations);
  }

  /**
   * Validates `options` (throwing InvalidConfigError with every problem), loads the actor modules on this thread,
   * starts the workers and waits until each has loaded them too.
   */
  static async start(options: SystemOptions = {}): Promise<ActorSystem> {
    const config = resolveConfig(options);
    for (const url of config.actors) await importModule(url);
    const mesh = config.workers > 0 ? allocateMesh(config.workers + 1, config.ringBytes) : undefined;
    const system = new ActorSystem(config, mesh);
    if (mesh !== undefined) {
      try {
        await system.#startWorkers(mesh);
      } catch (err) {
        await system.#terminateWorkers();
        system.#driver.stop();
        throw err;
      }
    }
    system.#driver.kick();
    return system;
  }

  /** Number of worker threads (0 in inline mode). */
  get workers(): number {
    return this.config.workers;
  }

  /**
   * Spawns a top-level actor and resolves once it has started (its preStart has run). Rejects with NameTakenError,
   * UnknownDefinitionError (listing the known ones), or ActorFailedError when init/preStart throws.
   */
  async spawn<S, M, A, R>(definition: ActorDefinition<S, M, A, R>, options?: SpawnOptions<A>): Promise<ActorRef<M, R>> {
    if (this.#rt.closed) throw new SystemStoppedError(`spawn of '${definition?.name}'`);
    const name = options?.name;
    if (name !== undefined) {
      if (typeof name !== 'string' || name.length === 0 || name.includes('/')) {
        throw new InvalidArgumentError(`an actor name must be a non-empty string without '/', got ${JSON.stringify(name)}`);
      }
      if (this.#byName.has(name) || this.#reserved.has(name)) throw new NameTakenError(name);
      this.#reserved.add(name);
    }
    try {
      const { corr, promise } = this.#rt.asks.create(name ?? definition?.name, Math.max(SPAWN_TIMEOUT_MS, this.config.askTimeoutMs));
      let ref: ActorRef;
      try {
        ref = this.#rt.spawn(undefined, definition as ActorDefinition<any, any, any, any>, options as SpawnOptions<unknown>, corr);
      } catch (err) {
        this.#rt.asks.reject(corr, err as Error);
        await promise.catch(() => {});
        throw err;
      }
      // If the hosting worker dies before acknowledging, the spawn fails with WorkerCrashedError.
      this.#rt.asks.setThread(corr, ref.thread);
      this.#topLevel.add(ref.name);
      this.#driver.kick();
      await promise;
      return ref as ActorRef<M, R>;
    } finally {
      if (name !== undefined) this.#reserved.delete(name);
    }
  }

  /** The ref of a running actor by its name (`parent/child` for children), or undefined. */
  lookup<M = unknown, R = unknown>(name: string): ActorRef<M, R> | undefined {
    return this.#byName.get(name) as ActorRef<M, R> | undefined;
  }

  /** Stops an actor (children first, then postStop); resolves once it has stopped. */
  stop<M, R>(ref: ActorRef<M, R>): Promise<void> {
    const r = ref as unknown as ActorRef;
    const { corr, promise } = this.#rt.asks.create(r.name, this.config.shutdownTimeoutMs, r.thread);
    this.#rt.sendSystem(r.thread, r, { type: 'stop' }, corr);
    this.#driver.kick();
    return promise.then(() => undefined);
  }

  /** Per-worker figures from the workers' control channels. */
  async stats(): Promise<WorkerStats[]> {
    return Promise.all(this.#workers.map((w) => w.control.stats()));
  }

  /**
   * Graceful shutdown: refuses new messages from outside the actors, lets every top-level actor process what is
   * already in its mailbox (a poison pill queued behind it), stops children before parents and runs postStop,
   * all within `shutdownTimeoutMs`; then rejects the asks still pending and stops the workers. Afterwards nothing
   * of the system keeps the process alive.
   */
  shutdown(): Promise<void> {
    this.#shutdown ??= this.#doShutdown();
    return this.#shutdown;
  }

  async #doShutdown(): Promise<void> {
    const rt = this.#rt;
    rt.closed = true;
    const stops: Promise<unknown>[] = [];
    for (const name of this.#topLevel) {
      const ref = this.#byName.get(name);
      if (ref === undefined) continue;
      const { corr, promise } = rt.asks.create(name, this.config.shutdownTimeoutMs);
      rt.sendSystem(ref.thread, ref, { type: 'poison' }, corr);
      stops.push(promise);
    }
    this.#driver.kick();
    await Promise.allSettled(stops);
    rt.asks.rejectAll(() => new SystemStoppedError('the ask was still waiting for its reply'));
    // A comlink call to a dead worker never settles: race each exit call with the worker's own exit.
    await Promise.all(this.#workers.map((w) => Promise.race([w.control.exit().catch(() => {}), w.exited])));
    await this.#terminateWorkers();
    // Workers are gone but their last records (dead letters, reports) are still in shared memory.
    for (let i = 0; i < 4 && rt.pump(); i++);
    for (const o of rt.takeOutboxes()) o.done?.();
    this.#driver.stop();
  }

  async #startWorkers(mesh: MeshMemory): Promise<void> {
    const entry = workerEntry();
    for (let thread = 1; thread <= this.config.workers; thread++) {
      const boot: WorkerBoot = { thread, mesh, config: this.config };
      const worker = new Worker(entry.url, { workerData: { ...boot, entry: entry.host } });
      let exitCode = -1;
      let bootError: unknown;
      // Listeners in the same tick as `new Worker`: an 'error' event without one crashes the main thread.
      const exited = new Promise<number>((resolve) => {
        worker.on('error', (err) => {
          bootError ??= err;
        });
        worker.on('exit', (code) => {
          exitCode = code;
          resolve(code);
          if (this.#shutdown === undefined) this.#workerDied(thread, code, bootError);
        });
      });
      const control = wrapControl(worker);
      this.#workers.push({ thread, worker, control, exited });
      const ready = control.ready();
      const died = exited.then((code) => {
        throw new WorkerBootError(thread, bootError ?? new Error(`exited with code ${code} while booting`));
      });
      await Promise.race([ready, died]);
      void exitCode;
    }
  }

  /**
   * A worker died outside shutdown. Its actors are gone (restarting workers is not built yet): asks waiting on it
   * fail with WorkerCrashedError on every thread, and later messages to it become 'worker-crashed' dead letters.
   */
  #workerDied(thread: number, code: number, error: unknown): void {
    const cause = error ?? new Error(`worker ${thread} exited with code ${code}`);
    this.#rt.markThreadDead(thread, cause);
    for (const w of this.#workers) {
      if (w.thread !== thread) this.#rt.sendSystem(w.thread, undefined, { type: 'thread-dead', thread, error: serializeError(cause) });
    }
    for (const [name, ref] of this.#byName) {
      if (ref.thread === thread) {
        this.#byName.delete(name);
        this.#topLevel.delete(name);
      }
    }
    this.events.publish({ type: 'worker-exited', worker: thread, code, error: error instanceof Error ? error : null });
    this.#driver.kick();
  }

  async #terminateWorkers(): Promise<void> {
    await Promise.all(
      this.#workers.map(async (w) => {
        await w.worker.terminate();
        await w.exited;
      }),
    );
  }

  #forgetChildren(name: string): void {
    const kids = this.#children.get(name);
    if (kids === undefined) return;
    this.#children.delete(name);
    for (const kid of kids) {
      this.#byName.delete(kid);
      this.#forgetChildren(kid);
    }
  }

  #onReport(m: SystemMessage, _from: number): void {
    switch (m.type) {
      case 'registered':
        this.#byName.set(m.ref.name, m.ref);
        if (m.parent !== null) {
          let kids = this.#children.get(m.parent.name);
          if (kids === undefined) this.#children.set(m.parent.name, (kids = new Set()));
          kids.add(m.ref.name);
        }
        this.events.publish({ type: 'actor-started', actor: m.ref.name, thread: m.ref.thread });
        return;
      case 'unregistered': {
        if (this.#byName.get(m.ref.name)?.id === m.ref.id) this.#byName.delete(m.ref.name);
        // An actor stops only after its children: their own reports may still be on another thread's ring, but
        // their names are already free.
        this.#forgetChildren(m.ref.name);
        const slash = m.ref.name.lastIndexOf('/');
        if (slash > 0) this.#children.get(m.ref.name.slice(0, slash))?.delete(m.ref.name);
        this.#topLevel.delete(m.ref.name);
        this.events.publish({ type: 'actor-stopped', actor: m.ref.name, thread: m.ref.thread });
        return;
      }
      case 'dead-letter':
        this.events.publish({ type: 'dead-letter', reason: m.reason, target: m.target, message: m.message, sender: m.sender });
        return;
      case 'actor-failed':
        this.events.publish({ type: 'actor-failed', actor: m.actor, error: deserializeError(m.error), directive: m.directive });
        return;
      case 'actor-restarted':
        this.events.publish({ type: 'actor-restarted', actor: m.actor, thread: m.thread, error: deserializeError(m.error) });
        return;
      default:
        return;
    }
  }
}

/**
 * Which file a worker runs. From `dist/` (compiled JS) it is `dist/workers/actor-host.js`. From source (tests, tsx),
 * Node 20 cannot start a `.ts` worker, so a small JS bootstrap registers tsx inside the worker and imports the host.
 */
function workerEntry(): { url: URL; host: string } {
  const self = import.meta.url;
  if (/\.ts$/.test(new URL(self).pathname)) {
    return {
      url: new URL('../workers/source-bootstrap.mjs', self),
      host: new URL('../workers/actor-host.ts', self).href,
    };
  }
  const host = new URL('../workers/actor-host.js', self);
  return { url: host, host: host.href };
}
