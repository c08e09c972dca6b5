/**
 * ActorSystem: the main-thread facade. It validates the configuration, allocates the shared memory, starts the
 * workers, keeps the registry of names, publishes events, and shuts everything down so the process can exit.
 *
 * Contract: main thread only. Workers talk to it through their rings (registrations, dead letters, failures) and
 * answer its control calls (comlink) for boot and exit.
 */
import type { ActorDefinition, SpawnOptions } from './actor.js';
import { resolveOptions, type ResolvedConfig, type SystemOptions } from './config.js';
import type { Cluster } from './cluster/cluster.js';
import type { WorkerStats } from './control.js';
import { MainDriver } from './dispatch/main-driver.js';
import { REASON_INDEX } from './metrics/reasons.js';
import { readMetrics, type MetricsSnapshot } from './metrics/snapshot.js';
import { clearGauges } from './runtime/metrics.js';
import { MH_DEAD_LETTERS } from './transport/metrics-layout.js';
import {
  CorruptMemoryError,
  InvalidArgumentError,
  InvalidOperationError,
  NameTakenError,
  SystemStoppedError,
  WorkerCrashedError,
  deserializeError,
  serializeError,
} from './errors.js';
import { EventStream } from './events.js';
import { eventRecord } from './logging/event-log.js';
import { LogSink, type Logger } from './logging/logger.js';
import { importModule } from './loader.js';
import type { SystemMessage } from './protocol.js';
import { ActorRef } from './ref.js';
import { validateActorName } from './runtime/names.js';
import { Runtime } from './runtime/runtime.js';
import { isRemoteId } from './runtime/ids.js';
import { spawnPool } from './routing/head.js';
import type { PoolRouter } from './routing/pool.js';
import type { RouterRef } from './routing/router-ref.js';
import { installRouterCodec } from './routing/wire.js';
import { WorkerSupervisor } from './supervision/worker-supervisor.js';
import { recoverJournal, type RecoveredJournal } from './transport/journal.js';
import { RING_TAIL, allocateJournal, allocateTimeBlock } from './transport/layout.js';
import { VirtualTime } from './runtime/virtual-time.js';
import { CoordinatedShutdown } from './shutdown/coordinated-shutdown.js';
import { STREAMS_HOST, type StreamsHost } from './streams/host.js';
import { Mesh, allocateMesh, type MeshMemory } from './transport/mesh.js';

/** @internal Options of ActorSystem.start that only the TestKit sets. */
export interface InternalStartOptions {
  /** Manual time: every thread runs on one virtual clock that only `virtualTime` moves (runtime/virtual-time.ts). */
  manualTime?: boolean;
}

installRouterCodec();

/** How long a spawn may wait for the actor's preStart when no askTimeoutMs is longer. */
const SPAWN_TIMEOUT_MS = 30_000;

export class ActorSystem {
  readonly config: Readonly<ResolvedConfig>;
  readonly events: EventStream;
  /** The `logger` option behind its guard, or undefined: then the engine logs nothing. */
  readonly #log: LogSink | undefined;
  readonly #rt: Runtime;
  readonly #driver: MainDriver;
  readonly #mesh: MeshMemory | undefined;
  readonly #journals: SharedArrayBuffer[];
  #supervisor: WorkerSupervisor | undefined;
  #cluster: Cluster | undefined;
  /** Workers that died and will be replaced: when, and how many restarts the replacement makes. */
  readonly #down = new Map<number, { at: number; restarts: number; cause: Error }>();
  readonly #byName = new Map<string, ActorRef>();
  /**
   * Every live actor's name by id, for dead letters whose reporting thread did not know the sender's name (a
   * replacement worker recovering messages knows no names yet; the main thread learns only those announced to
   * it): they name it `#id@thread`, and the event says the name.
   */
  readonly #nameById = new Map<number, string>();
  readonly #reserved = new Set<string>();
  /**
   * Top-level actors by name, from the moment their spawn is sent (before they register): shutdown stops each,
   * also one whose spawn it overtook.
   */
  readonly #topLevel = new Map<string, ActorRef>();
  /** Workers given up on: their journals and rings were already read back. */
  readonly #buried = new Set<number>();
  /** Names of each parent's children, so a stopped parent frees them even before their own reports arrive. */
  readonly #children = new Map<string, Set<string>>();
  #shutdown: Promise<void> | undefined;
  /**
   * Akka's coordinated shutdown: add tasks to its phases (`addTask(phase, name, fn)`); `run(reason)` and
   * `shutdown()` run them, then the engine's own shutdown in the last phase (src/shutdown/coordinated-shutdown.ts).
   */
  readonly coordinatedShutdown: CoordinatedShutdown;
  /** @internal Under manual time: the controller of the virtual clock (the TestKit's `tk.time`). */
  readonly virtualTime: VirtualTime | undefined;

  private constructor(config: ResolvedConfig, mesh: MeshMemory | undefined, time: SharedArrayBuffer | undefined, logger: Logger | undefined) {
    this.config = config;
    const log = (this.#log = logger === undefined ? undefined : new LogSink(logger));
    this.events = new EventStream(
      log === undefined
        ? undefined
        : (err, e) => log.write('error', { event: e.type, err }, `an event subscriber threw on '${e.type}'`),
    );
    // Subscribed first, so that an event is logged before user subscribers see it (and even if one of them throws).
    if (log !== undefined) this.events.subscribe((e) => {
      const r = eventRecord(e);
      log.write(r.level, r.fields, r.msg);
    });
    this.#mesh = mesh;
    this.coordinatedShutdown = new CoordinatedShutdown(config.coordinatedShutdown, this.events, () => this.#terminate());
    this.#journals = mesh === undefined ? [] : Array.from({ length: config.workers }, () => allocateJournal(config.ringBytes));
    const rt = (this.#rt = new Runtime(config, 0, mesh ? new Mesh(mesh, 0) : undefined, undefined, { onSystem: (m, from) => this.#onReport(m, from) }, time));
    this.#driver = new MainDriver(rt, config.waitStrategy, config.spinIterations);
    if (time !== undefined) {
      const controls = rt.mesh?.controls ?? [];
      this.virtualTime = new VirtualTime(time, {
        workers: config.workers,
        rings: mesh?.rings ?? [],
        controls,
        isUp: (t) => this.#supervisor?.isUp(t) ?? false,
        mainWorkLeft: () => rt.workLeft(),
        mainPending: () => rt.clockBehind,
        mainAwaitingOutside: () => rt.awaitingOutside(),
        workerAwaitingOutside: (t) => this.#supervisor?.awaitingOutside(t, 500) ?? Promise.resolve(undefined),
        kickMain: () => this.#driver.kick(),
      });
    }
  }

  /**
   * Validates `options` (throwing InvalidConfigError with every problem), loads the actor modules on this thread,
   * starts the workers and waits until each has loaded them too.
   */
  static async start(options: SystemOptions = {}, internal: InternalStartOptions = {}): Promise<ActorSystem> {
    const { config, cluster } = resolveOptions(options);
    for (const url of config.actors) await importModule(url);
    const mesh = config.workers > 0 ? allocateMesh(config.workers + 1, config.ringBytes, config.metrics.maxDefinitions) : undefined;
    // Under manual time the block travels in the mesh memory, so every worker (and every replacement) finds it.
    const time = internal.manualTime === true ? allocateTimeBlock(config.workers + 1) : undefined;
    if (mesh !== undefined && time !== undefined) mesh.time = time;
    // The schema has checked its shape; the instance never goes into `config` (workers get that).
    const system = new ActorSystem(config, mesh, time, options?.logger ?? undefined);
    if (mesh !== undefined) {
      const supervisor = new WorkerSupervisor(config, mesh, system.#journals, {
        died: (thread, code, cause, restartInMs, restarts) => system.#workerDied(thread, code, cause, restartInMs, restarts),
        replacing: (thread) => system.#replacing(thread),
        replaced: () => system.#driver.kick(),
        gaveUp: (thread, cause, restarts) => system.#gaveUp(thread, cause, restarts),
      });
      system.#supervisor = supervisor;
      try {
        await supervisor.startAll();
      } catch (err) {
        await supervisor.terminateAll();
        system.#driver.stop();
        throw err;
      }
    }
    system.#driver.kick();
    if (cluster !== undefined) {
      try {
        const { startCluster } = await import('./cluster/cluster.js');
        system.#cluster = await startCluster(
          {
            maxMessageBytes: config.maxMessageBytes,
            workers: config.workers,
            install: (gateway, watch) => system.#rt.installRemote(gateway, watch),
            lookup: (name) => system.lookup(name),
            shutdown: () => void system.shutdown(),
          },
          cluster,
        );
      } catch (err) {
        await system.#terminate();
        throw err;
      }
      const c = system.#cluster;
      system.coordinatedShutdown.addTask('cluster-leave', 'leave the cluster', () => c.leave());
    }
    system.coordinatedShutdown.listen();
    return system;
  }

  /**
   * This node's cluster (membership, events, `lookup` of actors on other nodes) when started with `cluster`;
   * undefined otherwise (docs/cluster.md).
   */
  get cluster(): Cluster | undefined {
    return this.#cluster;
  }

  /** @internal the trace ring (src/transport/trace.ts) when RINGMASTER_TRACE=1, for bench/trace.ts. */
  traceBuffer(): SharedArrayBuffer | undefined {
    return this.#mesh?.trace;
  }

  /**
   * @internal The free-running tails of the rings from the main thread to each thread (index = thread; 0 and
   * inline: 0): what tests read to count the records a call wrote, without a counter on the hot path.
   */
  ringTailsFromMain(): number[] {
    const mesh = this.#mesh;
    if (mesh === undefined) return [0];
    return Array.from({ length: mesh.threads }, (_, t) => {
      const sab = mesh.rings[t];
      return sab ? Atomics.load(new Int32Array(sab), RING_TAIL) : 0;
    });
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
      validateActorName(name);
      if (this.#byName.has(name) || this.#reserved.has(name)) throw new NameTakenError(name);
      this.#reserved.add(name);
    }
    try {
      const { corr, promise } = this.#rt.asks.create(
        name ?? definition?.name,
        Math.max(SPAWN_TIMEOUT_MS, this.config.askTimeoutMs),
        -1,
        undefined,
        true,
      );
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
      this.#topLevel.set(ref.name, ref);
      this.#driver.kick();
      await promise;
      return ref as ActorRef<M, R>;
    } finally {
      if (name !== undefined) this.#reserved.delete(name);
    }
  }

  /**
   * Spawns a pool router (`Pool.<kind>(n, Def, options)` from 'ringmaster/routing'): its head on the main thread,
   * and the routees, its children, placed by the pool's placement. Resolves once the head has spawned them; the
   * RouterRef routes on the calling thread (the main thread, or a main-thread actor), straight to a routee.
   */
  spawnRouter<M, R>(pool: PoolRouter<M, R>, options?: { name?: string }): Promise<RouterRef<M, R>> {
    return spawnPool(this, this.#rt, pool, options);
  }

  /** @internal What ringmaster/streams needs of the system to place islands (src/streams/materialize.ts). */
  get [STREAMS_HOST](): StreamsHost {
    return {
      boundaries: this.#rt.boundaries,
      inline: this.#mesh === undefined,
      spawn: (def, options) => this.spawn(def as ActorDefinition<unknown, unknown, unknown, unknown>, options as SpawnOptions<unknown>),
      stop: (ref) => this.stop(ref),
    };
  }

  /** The ref of a running actor by its name (`parent/child` for children), or undefined. */
  lookup<M = unknown, R = unknown>(name: string): ActorRef<M, R> | undefined {
    return this.#byName.get(name) as ActorRef<M, R> | undefined;
  }

  /** Stops an actor (children first, then postStop); resolves once it has stopped. */
  stop<M, R>(ref: ActorRef<M, R>): Promise<void> {
    const r = ref as unknown as ActorRef;
    // A bare `system.stop()` is the likeliest slip (the system's own is `shutdown()`): say so, not a TypeError.
    if (!(r instanceof ActorRef)) {
      return Promise.reject(
        new InvalidArgumentError(
          `system.stop(ref) stops one actor and needs the ActorRef of a spawned actor, got ${kindOf(r)}; ` +
            'to stop the whole system call system.shutdown(); to stop a pool call routerRef.stop()',
        ),
      );
    }
    // An actor of another node is stopped by its own node (Akka too stops only local actors from outside).
    if (isRemoteId(r.id)) {
      return Promise.reject(
        new InvalidOperationError(`system.stop(${r.name}): that actor runs on another node; only its node can stop it (send it a message that makes it stop itself)`),
      );
    }
    // After shutdown every actor is stopped, and no thread is left to answer.
    if (this.#finished) return Promise.resolve();
    const { corr, promise } = this.#rt.asks.create(r.name, this.config.shutdownTimeoutMs, r.thread, undefined, true);
    this.#rt.sendSystem(r.thread, r, { type: 'stop' }, corr);
    this.#driver.kick();
    return promise.then(() => undefined);
  }

  /**
   * A snapshot of the metrics pages of every thread (the main thread's included, and inline the only one), the
   * dead letters by reason and the rings' occupancy, read from shared memory: no message is sent, so it answers
   * even while a worker is stuck in a synchronous loop. Per actor definition and thread, never per actor
   * (src/metrics/snapshot.ts says what each figure counts; `ringmaster/prometheus` exports them).
   */
  metrics(): MetricsSnapshot {
    const mesh = this.#mesh;
    return readMetrics({
      timing: this.config.metrics.timing,
      pages: mesh?.metrics ?? [this.#rt.metrics.buffer],
      threads: mesh?.threads ?? 1,
      rings: mesh?.rings ?? [],
      isUp: (t) => t === 0 || (this.#supervisor?.isUp(t) ?? false),
    });
  }

  /** Per-worker figures from the workers' control channels. */
  async stats(): Promise<WorkerStats[]> {
    return this.#supervisor?.stats() ?? [];
  }

  /**
   * Graceful shutdown: runs the coordinated shutdown's phases (`coordinatedShutdown.run({ kind:
   * 'actor-system-terminate' })`, the same promise as any other run), whose last phase is the engine's own: it
   * refuses new messages from outside the actors, lets every top-level actor process what is already in its
   * mailbox (a poison pill queued behind it), stops children before parents and runs postStop, all within
   * `shutdownTimeoutMs`; then rejects the asks still pending and stops the workers. Afterwards nothing of the
   * system keeps the process alive.
   */
  shutdown(): Promise<void> {
    return this.coordinatedShutdown.run({ kind: 'actor-system-terminate' });
  }

  /** The engine's own shutdown: the end of the coordinated shutdown's last phase. Runs once. */
  #terminate(): Promise<void> {
    this.#shutdown ??= this.#doShutdown();
    return this.#shutdown;
  }

  /** Set once shutdown() has finished: the threads are gone. */
  #finished = false;

  async #doShutdown(): Promise<void> {
    const rt = this.#rt;
    rt.closed = true;
    const stops: Promise<unknown>[] = [];
    for (const [name, ref] of this.#topLevel) {
      // Tied to the actor's thread, so a worker given up on meanwhile settles it at once.
      const { corr, promise } = rt.asks.create(name, this.config.shutdownTimeoutMs, ref.thread, undefined, true);
      rt.sendSystem(ref.thread, ref, { type: 'poison' }, corr);
      stops.push(promise);
    }
    this.#driver.kick();
    await Promise.allSettled(stops);
    rt.asks.rejectAll(() => new SystemStoppedError('the ask was still waiting for its reply'));
    await this.#supervisor?.stopAll();
    this.#buryWorkersAtShutdown();
    // Workers are gone but their last records (dead letters, reports) are still in shared memory, and the graves
    // give back what they left a batch per pump.
    for (let i = 0; i < 10_000 && rt.pump(); i++);
    rt.abandonOutboxes('system-shutdown');
    await this.#cluster?.close();
    this.#finished = true;
    this.#driver.stop();
  }

  /**
   * The workers are gone: what each had taken and not finished (its journal: a worker stuck past
   * shutdownTimeoutMs, or one down waiting for its replacement) and what still waited in the rings to it becomes
   * 'system-shutdown' dead letters, one per message, instead of vanishing with the memory.
   */
  #buryWorkersAtShutdown(): void {
    const mesh = this.#mesh;
    if (mesh === undefined) return;
    const error = new SystemStoppedError('the message was still waiting for its actor when shutdownTimeoutMs ended');
    for (let thread = 1; thread <= this.config.workers; thread++) {
      if (this.#buried.has(thread)) continue;
      const names = new Map<number, string>();
      for (const [name, ref] of this.#byName) if (ref.thread === thread) names.set(ref.id, name);
      const { journal } = this.#lastWords(thread);
      this.#rt.bury(thread, journal, this.#ringsTo(thread), names, error, 'system-shutdown');
    }
  }

  #ringsTo(thread: number): { from: number; sab: SharedArrayBuffer }[] {
    const mesh = this.#mesh!;
    const rings: { from: number; sab: SharedArrayBuffer }[] = [];
    for (let t = 0; t < mesh.threads; t++) {
      const sab = mesh.rings[t * mesh.threads + thread];
      if (sab) rings.push({ from: t, sab });
    }
    return rings;
  }

  /** A worker died outside shutdown. When it will be replaced, everything waits for its replacement. */
  #workerDied(thread: number, code: number, cause: Error, restartInMs: number | null, restarts: number): void {
    if (restartInMs !== null) this.#down.set(thread, { at: performance.now(), restarts: restarts + 1, cause });
    this.events.publish({ type: 'worker-exited', worker: thread, code, error: cause, restarting: restartInMs !== null, restarts });
  }

  /**
   * A replacement for `thread` is about to boot. Its recovered actors know their children on the same worker (from
   * its journal) but not those elsewhere: the registry tells it, on the ring it reads right after recovering. The
   * other threads announce their actors' names to it again.
   */
  #replacing(thread: number): void {
    for (const [parentName, kids] of this.#children) {
      const parent = this.#byName.get(parentName);
      if (parent === undefined || parent.thread !== thread) continue;
      const children = [...kids].map((k) => this.#byName.get(k)).filter((k): k is ActorRef => k !== undefined && k.thread !== thread);
      if (children.length > 0) this.#rt.sendSystem(thread, undefined, { type: 'adopt', parent, children });
    }
    for (let t = 0; t <= this.config.workers; t++) {
      if (t !== thread) this.#rt.sendSystem(t, undefined, { type: 'thread-restarted', thread });
    }
    this.#driver.kick();
  }

  /**
   * Past the restart intensity: the worker stays dead. Asks waiting on it fail with WorkerCrashedError on every
   * thread; what its journal and incoming rings still held, and every later message to it, becomes a
   * 'worker-crashed' dead letter; its actors' names are free again.
   */
  #gaveUp(thread: number, cause: Error, restarts: number): void {
    this.#down.delete(thread);
    const rt = this.#rt;
    const names = new Map<number, string>();
    for (const [name, ref] of this.#byName) {
      if (ref.thread !== thread) continue;
      names.set(ref.id, name);
      this.#byName.delete(name);
      this.#topLevel.delete(name);
      this.#forgetChildren(name);
    }
    rt.markThreadDead(thread, cause);
    // It will never write its page again: nothing of it lives or waits any more (its counters stay).
    if (this.#mesh !== undefined) clearGauges(this.#mesh.metrics[thread]!);
    for (let t = 1; t <= this.config.workers; t++) {
      if (t !== thread) rt.sendSystem(t, undefined, { type: 'thread-dead', thread, error: serializeError(cause) });
    }
    this.#buried.add(thread);
    const { journal, corrupt } = this.#lastWords(thread);
    rt.bury(thread, journal, this.#ringsTo(thread), names, new WorkerCrashedError(thread, cause));
    // A journal found corrupt only now lost what it held: the event says so rather than the death's own cause
    // (which worker-exited reported).
    this.events.publish({ type: 'worker-abandoned', worker: thread, restarts, error: corrupt ?? cause });
    this.#driver.kick();
    if (this.config.workerRestart.onGiveUp === 'shutdown') void this.shutdown();
  }

  /**
   * What a worker given up on left in its journal. A corrupt journal (the reason it was given up on, or found
   * now) gives nothing back: its records cannot be trusted, and the CorruptMemoryError in worker-abandoned says so.
   */
  #lastWords(thread: number): { journal: RecoveredJournal; corrupt?: CorruptMemoryError } {
    try {
      return { journal: recoverJournal(this.#journals[thread - 1]!, this.#mesh!.threads) };
    } catch (err) {
      if (!(err instanceof CorruptMemoryError)) throw err;
      return { journal: { records: [], consumed: [], spawnSeen: [], nextLocal: 0, lastCorr: 0, unjournaled: 0 }, corrupt: err };
    }
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

  /** A dead letter's sender as its thread named it, or the name, when that was `#id@thread` and the actor lives. */
  #senderName(sender: string | null): string | null {
    // (A live actor may be named like that too: its name is the name.)
    if (sender === null || sender.charCodeAt(0) !== 35 /* '#' */ || this.#byName.has(sender)) return sender;
    const at = sender.indexOf('@');
    return (at > 1 && this.#nameById.get(Number(sender.slice(1, at)))) || sender;
  }

  #onReport(m: SystemMessage, from: number): void {
    switch (m.type) {
      case 'registered': {
        // A top-level actor spawned here is registered under the ref spawn() returned, not the copy the report
        // decoded: one ref and one name string per actor on this thread, not two.
        const spawned = this.#topLevel.get(m.ref.name);
        const ref = spawned !== undefined && spawned.id === m.ref.id ? spawned : m.ref;
        this.#byName.set(ref.name, ref);
        this.#nameById.set(ref.id, ref.name);
        if (m.parent !== null) {
          let kids = this.#children.get(m.parent.name);
          if (kids === undefined) this.#children.set(m.parent.name, (kids = new Set()));
          kids.add(m.ref.name);
        }
        // A recovered actor is the same actor: the worker-restarted event counts them.
        if (!m.recovered) this.events.publish({ type: 'actor-started', actor: ref.name, thread: ref.thread });
        return;
      }
      case 'recovered': {
        const down = this.#down.get(from);
        // Every worker reports what it recovered; only a replacement's report is a restart (a first boot has none).
        if (down === undefined) return;
        this.#down.delete(from);
        this.events.publish({
          type: 'worker-restarted',
          worker: from,
          error: down.cause,
          restarts: down.restarts,
          downMs: performance.now() - down.at,
          actors: m.actors,
          messages: m.messages,
          redelivered: m.redelivered,
          lost: m.lost,
          unjournaled: m.unjournaled,
        });
        return;
      }
      case 'unregistered': {
        if (this.#byName.get(m.ref.name)?.id === m.ref.id) this.#byName.delete(m.ref.name);
        this.#nameById.delete(m.ref.id);
        // An actor stops only after its children: their own reports may still be on another thread's ring, but
        // their names are already free.
        this.#forgetChildren(m.ref.name);
        const slash = m.ref.name.lastIndexOf('/');
        if (slash > 0) this.#children.get(m.ref.name.slice(0, slash))?.delete(m.ref.name);
        if (this.#topLevel.get(m.ref.name)?.id === m.ref.id) this.#topLevel.delete(m.ref.name);
        this.events.publish({ type: 'actor-stopped', actor: m.ref.name, thread: m.ref.thread });
        return;
      }
      case 'dead-letter':
        // Counted where it is published, whichever thread it came from (the main thread's page: its one writer).
        this.#rt.metrics.page[MH_DEAD_LETTERS + REASON_INDEX[m.reason]]!++;
        this.events.publish({
          type: 'dead-letter',
          reason: m.reason,
          target: m.target,
          message: m.message,
          sender: this.#senderName(m.sender),
          ...(m.error !== undefined ? { error: deserializeError(m.error) } : {}),
          ...(m.interrupted === true ? { interrupted: true as const } : {}),
        });
        return;
      case 'actor-failed':
        this.events.publish({ type: 'actor-failed', actor: m.actor, definition: m.definition, error: deserializeError(m.error), directive: m.directive });
        return;
      case 'log':
        // A ctx.log record, from this thread or (in order per actor) from a worker's ring.
        this.#log?.write(m.level, m.fields === undefined ? m.bindings : { ...m.bindings, ...m.fields }, m.msg, m.args);
        return;
      case 'actor-restarted':
        this.events.publish({ type: 'actor-restarted', actor: m.actor, definition: m.definition, thread: m.thread, error: deserializeError(m.error) });
        return;
      default:
        return;
    }
  }
}

/** What a wrong argument was, for an error message: `undefined`, `null`, `a RouterRef`, `a number`. */
function kindOf(value: unknown): string {
  if (value === undefined || value === null) return String(value);
  if (typeof value === 'object') return `an object (${(value as object).constructor?.name ?? 'no prototype'})`;
  return `a ${typeof value}`;
}
