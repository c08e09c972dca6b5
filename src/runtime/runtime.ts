/**
 * The runtime of one thread (the main thread or a worker): the composition root of the engine on that thread.
 * It builds the parts and wires them; each part is one concept in a file of its own:
 *
 *   sending.ts          tell / send / ask: checks and policies, one encode per message
 *   outbound.ts         routing out: local mailbox, transport, outbox when full, dead letters; replies, reports
 *   inbound.ts          records from the transport: decode, journal, dispatch
 *   delivery.ts         into a mailbox, held until the spawn arrives, or a dead letter
 *   turns.ts            the ready queue and one turn per actor (throughput), async handlers
 *   system-messages.ts  the K_SYSTEM records: spawn, stop, names, supervision, watch, thread deaths
 *   lifecycle.ts        spawn, start, stop, finish stop
 *   supervision.ts      failures and directives (Akka's supervision); watch.ts: death watch
 *   journaling.ts       what a worker journals so a replacement finds it; recovery.ts: what the replacement does
 *   dead-threads.ts     a thread given up on: its asks fail, its records become dead letters
 *   actors.ts           the cells, names and tombstones of this thread
 *   clock.ts            the thread's clock: real, or virtual-clock.ts under manual time
 *
 * Contract: a Runtime is used only by the thread that created it. Other threads reach it only through its
 * transport. `pump()` does one round of work and says whether there was any; a Driver (dispatch/) decides when to
 * call it (spin, park) and is told, through `attach`, when new work appears out of band (an async handler
 * settling, an API call on the main thread).
 */
import type { ActorDefinition, SpawnOptions } from '../actor.js';
import type { ResolvedConfig } from '../config.js';
import type { DriverLink, Pumpable } from '../dispatch/pumpable.js';
import { Placer } from '../dispatch/placement.js';
import { MailboxFullError, toError } from '../errors.js';
import { ENTRY_ASK, ENTRY_TELL } from '../dispatch/mailbox.js';
import { ActorRef, type AskOptions, type RefRuntime } from '../ref.js';
import { Codec } from '../transport/codec.js';
import type { Journal, RecoveredJournal } from '../transport/journal.js';
import { allocateBoundaryTable, allocateCreditTable, allocateDepthTable, maxRecordPayload } from '../transport/layout.js';
import { Credits } from './credits.js';
import { BOUNDED_ID_MIN, creditSlotOf } from './ids.js';
import type { Mesh } from '../transport/mesh.js';
import { MeshTransport } from '../transport/mesh-transport.js';
import { addActorCount } from '../transport/wait.js';
import { R_LIVE, R_RESTARTED, allocateMetricsPage } from '../transport/metrics-layout.js';
import { guardianStrategy } from '../supervision/strategy.js';
import { ActorTable } from './actors.js';
import { PendingAsks } from './asks.js';
import { REAL_CLOCK, type Clock } from './clock.js';
import { AWAITS_THE_TEST, VirtualClock } from './virtual-clock.js';
import type { ActorLogHost } from './actor-log.js';
import { RUNNING, type Cell, type CellHost } from './cell.js';
import { DeadThreads, type BuryReason } from './dead-threads.js';
import { Delivery } from './delivery.js';
import { Inbound } from './inbound.js';
import { holdInRing, mailboxFull } from './intake.js';
import { Journaling, UNJOURNALED, NO_SLOT } from './journaling.js';
import { Lifecycle } from './lifecycle.js';
import { MetricsWriter } from './metrics.js';
import { Outbound, type MainHooks, type Outgoing } from './outbound.js';
import { recover } from './recovery.js';
import type { RemoteGateway, RemoteHost, RemoteWatch } from './remote-host.js';
import { installActorRefCodec } from './ref-codec.js';
import { Sending } from './sending.js';
import { Stopping } from './stopping.js';
import { Supervision } from './supervision.js';
import { SystemMessages } from './system-messages.js';
import { Toolkit } from './toolkit.js';
import { Turns } from './turns.js';
import { DeathWatch } from './watch.js';

export type { MainHooks } from './outbound.js';

/** Stop draining rings into mailboxes past this many queued messages (unless nothing else can run). */
const BACKLOG_HIGH_WATER = 8192;

installActorRefCodec();

export class Runtime implements RefRuntime, CellHost, Pumpable {
  readonly thread: number;
  readonly config: ResolvedConfig;
  readonly mesh: Mesh | undefined;
  readonly asks: PendingAsks;
  /** Real time, or the system's virtual clock under manual time (the same on every thread). */
  readonly clock: Clock;
  /** The clock when it is virtual: a pump starts by firing the timers the test's `advance` made due. */
  readonly #vclock: VirtualClock | undefined;
  /** Stash, timers and receive timeouts of this thread's actors (toolkit.ts). */
  readonly toolkit: Toolkit;
  /** After close(), the API refuses new messages. */
  closed = false;
  /** Where this thread's `ctx.log` records go: the main thread's logger, through reports (actor-log.ts). */
  readonly actorLog: ActorLogHost;
  /**
   * The routee table (layout.ts): the mesh's, shared by every thread; inline, a table of this thread's own
   * (every actor is on it).
   */
  readonly depth: Int32Array;
  /** The stream boundary table (layout.ts): the mesh's; inline, one of this thread's own. */
  readonly boundaries: Float64Array;
  /** This thread's metrics page (the mesh's; inline, one of its own), read by `system.metrics()`. */
  readonly metrics: MetricsWriter;

  readonly #codec: Codec;
  readonly #journal: Journaling;
  readonly #actors: ActorTable;
  readonly #out: Outbound;
  readonly #sending: Sending;
  readonly #credits: Credits;
  readonly #turns: Turns;
  readonly #delivery: Delivery;
  readonly #lifecycle: Lifecycle;
  readonly #stopping: Stopping;
  readonly #sup: Supervision;
  readonly #watch: DeathWatch;
  readonly #system: SystemMessages;
  readonly #inbound: Inbound | undefined;
  readonly #dead: DeadThreads;
  #driver: DriverLink | undefined;

  /** `time`: the virtual-time block, under manual time (a worker finds it in its mesh). */
  constructor(config: ResolvedConfig, thread: number, mesh: Mesh | undefined, journal?: Journal, main?: MainHooks, time = mesh?.time) {
    this.config = config;
    this.thread = thread;
    this.mesh = mesh;
    const vclock = (this.#vclock = time === undefined ? undefined : new VirtualClock(time, thread));
    const clock = (this.clock = vclock ?? REAL_CLOCK);
    this.asks = new PendingAsks(clock);
    const threads = mesh?.threads ?? 1;
    const depth = (this.depth = mesh?.depth ?? new Int32Array(allocateDepthTable()));
    this.boundaries = mesh?.boundaries ?? new Float64Array(allocateBoundaryTable());
    const transport = mesh === undefined ? undefined : new MeshTransport(mesh);
    const metrics = (this.metrics = new MetricsWriter(
      mesh?.metricsPage ?? allocateMetricsPage(config.metrics.maxDefinitions),
      config.metrics.timing,
    ));
    const page = metrics.page;
    const codec = (this.#codec = new Codec(config.maxMessageBytes, this));
    const systemLimit = maxRecordPayload(config.ringBytes);
    const kick = (): void => this.kick();
    const j = (this.#journal = new Journaling(journal));
    const actors = (this.#actors = new ActorTable(thread, threads));
    const asks = this.asks;
    const out = (this.#out = new Outbound(
      thread,
      codec,
      transport,
      j,
      asks,
      systemLimit,
      {
        deliver: (id, entry, msg, sid, st, corr, slot) => this.#delivery.deliver(id, entry, msg, sid, st, corr, slot),
        onSystem: (m, from, target, corr, slot) => this.#system.handle(m, from, target, corr, slot),
        kick,
      },
      main,
      !config.serializeMessages,
    ));
    this.actorLog = { levels: new Set(config.logLevels), report: (m) => out.report(m) };
    const credits = (this.#credits = new Credits(new Int32Array(mesh?.credits.buffer ?? allocateCreditTable()), mesh?.controls ?? [], thread, {
      isDead: (t) => out.isDead(t),
      atRisk: (delta) => j.atRisk(delta),
    }));
    this.#sending = new Sending(thread, config, codec, { out, asks, journal: j, credits }, {
      isClosed: () => this.closed,
      localFull: (id) => mailboxFull(actors.get(id)),
      askedAcross: (to) => (this.#driver?.afterAsk ? this.#driver.afterAsk(to) : this.kick()),
      kick,
    });
    const turns = (this.#turns = new Turns(config.throughput, j, {
      onFailure: (cell, err, msg) => this.#sup.onFailure(cell, err, msg),
      afterSuspendedHandler: (cell) => this.#sup.afterHandler(cell),
      stop: (cell) => this.#stopping.stop(cell),
      finishStop: (cell) => this.#stopping.finishStop(cell),
      replyError: (t, corr, err) => out.reply(t, corr, err, true),
      droppedHead: (cell, kind, msg, sid, st, corr) => {
        out.deadLetter('mailbox-full', cell.ref.name, msg, sid === 0 ? null : actors.nameOf(sid, st));
        if (kind === ENTRY_ASK && corr !== 0) out.reply(st, corr, new MailboxFullError(cell.ref.name, credits.capacity(creditSlotOf(cell.id))), true);
      },
      kick,
    }, depth, metrics, credits));
    const delivery = (this.#delivery = new Delivery(actors, turns, out, j, undefined, credits));
    this.toolkit = new Toolkit({ thread, codec, actors, out, journal: j, turns, delivery, clock, kick });
    const countActors = (delta: number, cell: Cell): void => {
      if (mesh) addActorCount(mesh.controls[thread]!, delta);
      page[cell.metricsAt + R_LIVE]! += delta;
    };
    const stopping = (this.#stopping = new Stopping({ actors, out, journal: j, turns, delivery, credits }, {
      countActors,
      beforeRemove: (cell) => this.toolkit.beforeRemove(cell),
      noteStop: (from, ref) => this.#sup.noteStop(from, ref),
      stopped: (cell) => {
        this.#sup.onStopped(cell);
        this.#watch.onStopped(cell);
      },
    }));
    const lifecycle = (this.#lifecycle = new Lifecycle(
      thread,
      config.placement,
      new Placer(config.workers, mesh?.controls ?? []),
      codec,
      systemLimit,
      { actors, out, journal: j, turns, delivery, stopping, credits },
      {
        isClosed: () => this.closed,
        refRuntime: this,
        cellHost: this,
        countActors,
        metricsRow: (definition) => metrics.rowOf(definition),
        spawnHandled: (id) => this.#watch.flushPending(id),
      },
    ));
    const live = (id: number): Cell | undefined => actors.get(id);
    const sup = (this.#sup = new Supervision({
      thread,
      restarted: (cell) => void page[cell.metricsAt + R_RESTARTED]!++,
      guardian: guardianStrategy(config.guardian),
      cell: live,
      sendSystem: (t, target, m) => out.sendSystem(t, target, m),
      report: (m) => out.report(m),
      stopCell: (cell) => stopping.stop(cell),
      reincarnate: (cell) => this.toolkit.reincarnate(cell),
      resume: (cell) => {
        cell.suspended = false;
        if (cell.status === RUNNING && cell.mailbox.size > 0) turns.schedule(cell);
        this.kick();
      },
      track: (cell, p, done) => turns.track(cell, p, done),
      now: () => clock.now(),
      setTimer: (fn, ms) => clock.setTimer(fn, ms),
      clearTimer: (h) => clock.clearTimer(h as ReturnType<Clock['setTimer']>),
    }));
    const watch = (this.#watch = new DeathWatch({
      cell: live,
      notSpawnedYet: (id) => actors.notSpawnedYet(id),
      sendSystem: (t, target, m) => out.sendSystem(t, target, m),
      deliver: (cell, message) => {
        // Not journaled (watches are not either): lost with a crash of this worker, and counted as such.
        j.atRisk(1);
        // A bounded watcher: the Terminated takes a credit whatever the count (it is never refused).
        if (cell.id >= BOUNDED_ID_MIN) credits.hold(creditSlotOf(cell.id));
        delivery.deliver(cell.id, ENTRY_TELL, message, 0, thread, 0, j.enabled ? UNJOURNALED : NO_SLOT);
      },
    }));
    const dead = (this.#dead = new DeadThreads(codec, { actors, asks, out, watch, stopping }));
    this.#system = new SystemMessages({ actors, lifecycle, stopping, sup, watch, out, journal: j }, { threadDead: (t, cause) => dead.markDead(t, cause) });
    this.#inbound =
      transport === undefined
        ? undefined
        : new Inbound(thread, transport, codec, { journal: j, asks, delivery, system: this.#system, out }, (id) =>
            holdInRing(actors.get(id), asks.size, out.outboxed),
          );
  }

  // ------------------------------------------------------------------ the driver's view (Pumpable)

  attach(driver: DriverLink): void {
    this.#driver = driver;
  }
  /** New work may have appeared out of band: the driver makes sure a pump comes. */
  kick(): void {
    this.#driver?.kick();
  }
  get controls(): readonly Int32Array[] {
    return this.mesh?.controls ?? [];
  }

  get metricsPage(): Float64Array {
    return this.metrics.page;
  }
  get control(): Int32Array | undefined {
    return this.mesh?.controls[this.thread];
  }
  get asyncInFlight(): number {
    return this.#turns.asyncInFlight;
  }
  get pendingAsks(): number {
    return this.asks.size;
  }
  get actorCount(): number {
    return this.#actors.size;
  }
  /** The journal's live bytes and their limit (0 and 0 on the main thread, which keeps none). */
  get journalBytes(): { liveBytes: number; limitBytes: number } {
    const j = this.#journal.journal;
    return { liveBytes: j?.liveBytes ?? 0, limitBytes: j?.liveLimit ?? 0 };
  }
  hasIncoming(): boolean {
    return this.mesh !== undefined && this.mesh.hasData();
  }
  /** Work that can be done without anything arriving: ready actors or records waiting for ring room. */
  hasLocalWork(): boolean {
    return this.#turns.readyCount > 0 || this.#out.outboxed > 0 || (this.#vclock !== undefined && this.#vclock.pending());
  }

  /** One round: drain incoming rings, run one turn of every ready actor, retry outboxes. True if anything ran. */
  pump(): boolean {
    let worked = false;
    const vclock = this.#vclock;
    if (vclock !== undefined) {
      vclock.beginPump();
      if (vclock.poll()) worked = true;
    }
    const inbound = this.#inbound;
    // Intake pauses while mailboxes are deep or the journal is nearly full, unless nothing else could run.
    if (
      inbound !== undefined &&
      ((this.#turns.backlog < BACKLOG_HIGH_WATER && this.#journal.hasRoom(this.config.maxMessageBytes)) || this.#turns.readyCount === 0)
    ) {
      worked = inbound.drain();
    }
    if (this.#dead.hasGraves && this.#dead.drainGraves()) worked = true;
    if (this.#turns.runReady()) worked = true;
    if (this.#out.outboxed > 0 && this.#out.flush()) worked = true;
    if (this.#credits.retry()) worked = true;
    if (vclock !== undefined) vclock.endPump(this.workLeft());
    return worked;
  }

  // ------------------------------------------------------------------ manual time (virtual-time.ts reads these)

  /** The virtual clock moved and this thread has not fired its timers for it yet. */
  get clockBehind(): boolean {
    return this.#vclock !== undefined && this.#vclock.pending();
  }

  /**
   * Work this thread has that needs nothing from outside to go on: ready actors, records waiting for ring room,
   * and handlers awaiting something other than the system (an actor awaiting its own pending ask, or a probe
   * holding a message for the test, waits on the system: the system being quiescent is what it needs).
   */
  workLeft(): number {
    const t = this.#turns;
    return t.readyCount + this.#out.outboxed + (t.asyncInFlight === 0 ? 0 : t.asyncInFlight - this.#awaitingSystem().length);
  }

  /** Names of the actors whose handler awaits something that is not a message, an ask or virtual time. */
  awaitingOutside(): string[] {
    const onSystem = new Set(this.#awaitingSystem());
    const names: string[] = [];
    for (const cell of this.#actors.values()) if (cell.busy && !onSystem.has(cell)) names.push(cell.ref.name);
    const hooks = this.#turns.asyncInFlight - onSystem.size - names.length;
    if (hooks > 0) names.push(`${hooks} postStop hook(s) still awaiting`);
    return names;
  }

  #awaitingSystem(): Cell[] {
    const cells: Cell[] = [];
    for (const cell of this.#actors.values()) {
      if (cell.busy && (cell.asksOut > 0 || (cell.def as { [AWAITS_THE_TEST]?: boolean })[AWAITS_THE_TEST] === true)) cells.push(cell);
    }
    return cells;
  }

  // ------------------------------------------------------------------ refs (RefRuntime) and contexts (CellHost)

  tell(ref: ActorRef, message: unknown): boolean {
    return this.#sending.tell(this.#turns.current, ref, message);
  }
  send(ref: ActorRef, message: unknown): Promise<void> {
    return this.#sending.send(this.#turns.current, ref, message);
  }
  /**
   * @internal `send`, but bad input (MessageTooLargeError, MessageEncodeError) throws here rather than rejecting:
   * ringmaster/streams splits a batch of elements that does not fit, before anything after it is sent.
   */
  sendOrThrow(ref: ActorRef, message: unknown): Promise<void> {
    return this.#sending.send(this.#turns.current, ref, message, true);
  }
  ask(ref: ActorRef, message: unknown, options: AskOptions | undefined): Promise<unknown> {
    return this.#sending.ask(this.#turns.current, ref, message, options);
  }
  tellFrom(cell: Cell, ref: ActorRef, message: unknown): boolean {
    return this.#sending.tell(cell, ref, message);
  }
  sendFrom(cell: Cell, ref: ActorRef, message: unknown): Promise<void> {
    return this.#sending.send(cell, ref, message);
  }
  askFrom(cell: Cell, ref: ActorRef, message: unknown, options: AskOptions | undefined): Promise<unknown> {
    return this.#sending.ask(cell, ref, message, options);
  }
  forward(cell: Cell, ref: ActorRef, message: unknown): void {
    this.#sending.forward(cell, ref, message, this.senderOf(cell)?.name);
  }
  spawnChild(parent: Cell, def: ActorDefinition<any, any, any, any>, options: SpawnOptions<unknown> | undefined): ActorRef {
    return this.#lifecycle.spawnChild(parent, def, options);
  }
  stopRef(from: Cell, ref: ActorRef): void {
    this.#stopping.stopRef(from, ref);
  }
  reply(cell: Cell, value: unknown): void {
    if (!cell.awaitingReply) {
      // Akka's `Sender.Tell(v)`: a reply to a tell from an actor (or a probe) is a message to that actor.
      if (cell.curKind === ENTRY_TELL && cell.curSenderId !== 0) this.#sending.replyTo(cell, this.senderOf(cell)!, value);
      else this.#out.deadLetter('no-asker', cell.ref.name, value, cell.ref.name);
      return;
    }
    try {
      this.#out.reply(cell.curSenderThread, cell.curCorr, value, false);
    } catch (err) {
      // A reply that cannot be sent (unencodable, over maxMessageBytes) still settles the ask, with that error,
      // and the handler sees it at the call.
      cell.curReplied = true;
      this.#out.reply(cell.curSenderThread, cell.curCorr, toError(err), true);
      throw err;
    }
    cell.curReplied = true;
  }
  watch(cell: Cell, ref: ActorRef): void {
    this.#watch.watch(cell, ref);
  }
  unwatch(cell: Cell, ref: ActorRef): void {
    this.#watch.unwatch(cell, ref);
  }
  senderOf(cell: Cell): ActorRef | undefined {
    const id = cell.curSenderId;
    if (id === 0) return undefined;
    const local = this.#actors.get(id);
    if (local !== undefined) return local.ref;
    return new ActorRef(id, cell.curSenderThread, this.#actors.nameOf(id, cell.curSenderThread), this);
  }

  // ------------------------------------------------------------------ the system's and the worker host's view

  /** Spawns an actor; `ackCorr`, when set, is answered once it has started (or failed to). */
  spawn(parent: Cell | undefined, def: ActorDefinition<any, any, any, any>, options: SpawnOptions<unknown> | undefined, ackCorr = 0): ActorRef {
    return this.#lifecycle.spawn(parent, def, options, ackCorr);
  }
  /** Sends a system message; never dropped (it waits in the outbox when the ring is full). */
  sendSystem(thread: number, target: ActorRef | undefined, m: Parameters<Outbound['sendSystem']>[2], corr = 0): void {
    this.#out.sendSystem(thread, target, m, corr);
  }
  /** A replacement worker's first act: see recovery.ts. */
  recover(rec: RecoveredJournal, cause: Error): void {
    this.metrics.resetGauges();
    recover(
      {
        thread: this.thread,
        codec: this.#codec,
        mesh: this.mesh!,
        journal: this.#journal,
        actors: this.#actors,
        asks: this.asks,
        lifecycle: this.#lifecycle,
        system: this.#system,
        delivery: this.#delivery,
        out: this.#out,
        credits: this.#credits,
      },
      rec,
      cause,
    );
  }
  /** Thread `thread` died for good: see dead-threads.ts. */
  markThreadDead(thread: number, cause: unknown): void {
    this.#dead.markDead(thread, cause);
  }
  /** Main thread, after giving up on worker `thread`: see dead-threads.ts. */
  bury(
    thread: number,
    rec: RecoveredJournal,
    rings: { from: number; sab: SharedArrayBuffer }[],
    names: Map<number, string>,
    error: Error,
    reason: BuryReason = 'worker-crashed',
  ): void {
    this.#dead.bury(thread, rec, rings, names, error, reason);
  }
  /** Records still waiting for ring room (shutdown settles what waits on them). */
  takeOutboxes(): Outgoing[] {
    return this.#out.takeAll();
  }
  /** After shutdown: what still waits for ring room becomes dead letters with `reason`. */
  abandonOutboxes(reason: 'system-shutdown'): void {
    this.#credits.abandon();
    this.#out.abandon(reason);
  }
  /** Publishes a dead letter (on the main thread's event stream, from any thread): routers' own reasons. */
  deadLetter(reason: 'superseded' | 'no-routees', target: string, message: unknown): void {
    this.#out.deadLetter(reason, target, message, this.#turns.current?.ref.name ?? null);
  }
  // ------------------------------------------------------------------ a node in a cluster (main thread only)

  /**
   * @internal Makes this (main) thread the node's gateway to other nodes: messages for proxy ids (ids.ts
   * REMOTE_ORIGIN) go to `gateway`, and the returned host lets src/cluster/remoting.ts deliver what comes back.
   */
  installRemote(gateway: RemoteGateway, watch: RemoteWatch): RemoteHost {
    this.#delivery.remote = gateway;
    this.#watch.remote = watch;
    const actors = this.#actors;
    const out = this.#out;
    return {
      inject: (kind, ref, message, senderId, senderName, corr) => this.#sending.inject(kind, ref, message, senderId, senderName, corr),
      settle: (thread, corr, value, isError) => out.reply(thread, corr, value, isError),
      pendingAsk: (target, timeoutMs, thread) => this.asks.create(target, timeoutMs, thread),
      deadLetter: (reason, target, message, sender, error) => out.deadLetter(reason, target, message, sender, error),
      rememberName: (id, name) => actors.rememberName(id, name),
      nameOf: (id, thread) => actors.nameOf(id, thread),
      ref: (id, thread, name) => actors.get(id)?.ref ?? new ActorRef(id, thread, name, this),
      sendSystem: (thread, target, m) => out.sendSystem(thread, target, m),
      kick: () => this.kick(),
    };
  }

  /** Refs of every actor this thread hosts without a parent (top-level actors). */
  topLevel(): ActorRef[] {
    return this.#lifecycle.topLevel();
  }
}
