/**
 * The runtime of one thread (the main thread or a worker): it routes messages to local actors or into the ring of
 * the thread hosting them, drains incoming rings into mailboxes, runs actor turns, and settles asks.
 *
 * Contract: a Runtime is used only by the thread that created it. Other threads reach it only through the rings
 * of its Mesh. `pump()` does one round of work and says whether there was any; a Driver decides when to call it
 * (spin, park). Everything that can make new work appear out of band (an async handler settling, an API call on the
 * main thread) calls `kick`, which the Driver turns into a wake-up.
 */
import { findDefinition, knownDefinitions, type ActorDefinition, type SpawnOptions } from '../actor.js';
import type { ResolvedConfig } from '../config.js';
import { ENTRY_ASK, ENTRY_POISON, ENTRY_TELL, NO_SLOT, Queue, UNJOURNALED } from '../dispatch/mailbox.js';
import { Placer } from '../dispatch/placement.js';
import {
  ActorFailedError,
  ActorStoppedError,
  InvalidArgumentError,
  WorkerCrashedError,
  MailboxFullError,
  MessageTooLargeError,
  NameTakenError,
  SystemStoppedError,
  UnknownDefinitionError,
  deserializeError,
  serializeError,
  type SerializedError,
} from '../errors.js';
import {
  K_ASK,
  K_REPLY,
  K_REPLY_ERROR,
  K_SYSTEM,
  K_TELL,
  type DeadLetterReason,
  type SystemMessage,
} from '../protocol.js';
import { ActorRef, refId, type RefRuntime } from '../ref.js';
import { Codec, installRefExtension } from '../transport/codec.js';
import { JS_STARTED, maxRecordPayload } from '../transport/layout.js';
import type { Journal, RecoveredJournal, RecoveredRecord } from '../transport/journal.js';
import type { Mesh } from '../transport/mesh.js';
import { recordHeader, type RecordHeader } from '../transport/record.js';
import { RingReader, type RecordView } from '../transport/ring.js';
import { addActorCount, wake } from '../transport/wait.js';
import { PendingAsks } from './asks.js';
import { Cell, RUNNING, STOPPED, STOPPING, type CellHost } from './cell.js';
import { guardianStrategy } from '../supervision/strategy.js';
import { Supervision } from './supervisor.js';
import { DeathWatch } from './watch.js';

const TWO_32 = 4294967296;
/** Stop draining rings into mailboxes past this many queued messages (unless nothing else can run). */
const BACKLOG_HIGH_WATER = 8192;
/** Records taken from one ring per pump before the others get their turn. */
const DRAIN_BATCH = 1024;
/** Remembered names of stopped actors, for dead-letter reports. */
const TOMBSTONES = 4096;
/** Remembered names of remote senders. */
const NAMES = 65536;

/** A record that waits on this thread for room in a full ring. */
interface Outgoing extends RecordHeader {
  bytes: Uint8Array;
  done: (() => void) | undefined;
}

/** Hooks the main thread installs to receive what workers report. */
export interface MainHooks {
  onSystem(m: SystemMessage, fromThread: number): void;
}

/** The runtime that is decoding right now: decoded refs are bound to it. */
let decoding: RefRuntime | undefined;
installRefExtension<ActorRef>({
  Class: ActorRef as never,
  write: (ref) => [ref.id, ref.thread, ref.name],
  read: ([id, thread, name]) => new ActorRef(id, thread, name, decoding),
});

export class Runtime implements RefRuntime, CellHost {
  readonly thread: number;
  readonly config: ResolvedConfig;
  readonly mesh: Mesh | undefined;
  /** Workers journal what must survive their death (transport/journal.ts); the main thread keeps none. */
  readonly journal: Journal | undefined;
  readonly codec: Codec;
  readonly asks = new PendingAsks();
  /** Called whenever new work may have appeared out of band; the driver wakes the loop. */
  kick: () => void = () => {};
  /**
   * Main thread: called instead of `kick` right after an ask from outside any actor went into a ring, with whether
   * the target thread had to be woken. The driver may wait for the reply synchronously (MainDriver.awaitReply).
   */
  awaitReply: ((woke: boolean) => void) | undefined;
  /** Whether the last record `#post` wrote to a ring had to wake its thread (set by `#ask` beforehand: true). */
  #rang = false;
  /** Set on the main thread. */
  main: MainHooks | undefined;
  /** After close(), the API refuses new messages. */
  closed = false;

  readonly #cells = new Map<number, Cell>();
  readonly #ready = new Queue<Cell>();
  readonly #outboxes: Queue<Outgoing>[] = [];
  /** The header of the record being written to a ring or the journal, reused (see #headerOf). */
  readonly #header = recordHeader();
  #outboxed = 0;
  #backlog = 0;
  #asyncInFlight = 0;
  #nextLocal = 0;
  /** Highest spawn counter seen per origin thread, to tell "not spawned yet" from "gone". */
  readonly #spawnSeen: number[] = [];
  /** Messages for actors whose spawn request has not arrived yet (it is on another ring). */
  readonly #stash = new Map<number, unknown[][]>();
  readonly #tombstones = new Map<number, string>();
  /** Names of actors on other threads that have sent here (announced before their first message). */
  readonly #names = new Map<number, string>();
  readonly #placer: Placer;
  /** Size limit for system messages and error replies: what one ring record can hold. */
  readonly #systemLimit: number;
  /** Threads that died, with the cause: records for them become dead letters at once. */
  readonly #dead = new Map<number, unknown>();
  /** Main thread: readers of the rings into workers given up on, drained into dead letters. */
  readonly #graves: { reader: RingReader; thread: number; error: Error }[] = [];
  /** The cell whose handler is running synchronously: the implicit sender of `ref.tell`. */
  #current: Cell | undefined;
  // ---- actor supervision and death watch: their logic lives in supervisor.ts and watch.ts ----
  readonly #sup: Supervision;
  readonly #watch: DeathWatch;

  constructor(config: ResolvedConfig, thread: number, mesh: Mesh | undefined, journal?: Journal) {
    this.config = config;
    this.thread = thread;
    this.mesh = mesh;
    this.journal = journal;
    this.codec = new Codec(config.maxMessageBytes);
    const threads = mesh?.threads ?? 1;
    for (let t = 0; t < threads; t++) {
      this.#outboxes.push(new Queue());
      this.#spawnSeen.push(-1);
    }
    this.#placer = new Placer(config.workers, mesh?.controls ?? []);
    this.#systemLimit = maxRecordPayload(config.ringBytes);
    const live = (id: number): Cell | undefined => this.#cells.get(id);
    this.#sup = new Supervision({
      thread,
      guardian: guardianStrategy(config.guardian),
      cell: live,
      sendSystem: (t, target, m) => this.sendSystem(t, target, m),
      report: (m) => this.#toMain(m),
      stopCell: (cell) => this.stopCell(cell),
      resume: (cell) => {
        cell.suspended = false;
        if (cell.status === RUNNING && cell.mailbox.size > 0) this.#schedule(cell);
        this.kick();
      },
      track: (cell, p, done) => this.#track(cell, p, done),
      now: () => performance.now(),
    });
    this.#watch = new DeathWatch({
      cell: live,
      notSpawnedYet: (id) => this.#notSpawnedYet(id),
      sendSystem: (t, target, m) => this.sendSystem(t, target, m),
      deliver: (cell, message) => {
        // Not journaled (watches are not either): lost with a crash of this worker, and counted as such.
        this.journal?.addUnjournaled(1);
        this.#deliverLocal(cell.id, ENTRY_TELL, message, 0, this.thread, 0, this.journal ? UNJOURNALED : NO_SLOT);
      },
    });
  }

  get asyncInFlight(): number {
    return this.#asyncInFlight;
  }
  get actorCount(): number {
    return this.#cells.size;
  }
  /** Work that can be done without anything arriving: ready actors or records waiting for ring room. */
  hasLocalWork(): boolean {
    return this.#ready.size > 0 || this.#outboxed > 0;
  }

  // ------------------------------------------------------------------ sending (RefRuntime)

  tell(ref: ActorRef, message: unknown): boolean {
    return this.#tell(this.#current, ref, message);
  }

  send(ref: ActorRef, message: unknown): Promise<void> {
    return this.#send(this.#current, ref, message);
  }

  ask(ref: ActorRef, message: unknown, timeoutMs: number | undefined): Promise<unknown> {
    return this.#ask(this.#current, ref, message, timeoutMs);
  }

  tellFrom(cell: Cell, ref: ActorRef, message: unknown): boolean {
    return this.#tell(cell, ref, message);
  }
  sendFrom(cell: Cell, ref: ActorRef, message: unknown): Promise<void> {
    return this.#send(cell, ref, message);
  }
  askFrom(cell: Cell, ref: ActorRef, message: unknown, timeoutMs: number | undefined): Promise<unknown> {
    return this.#ask(cell, ref, message, timeoutMs);
  }

  #tell(from: Cell | undefined, ref: ActorRef, message: unknown): boolean {
    // After shutdown began, messages from outside the actors are refused; actors keep talking while they drain.
    if (this.closed && from === undefined) {
      this.#codec(message); // bad input is still a thrown error, whatever the state
      this.deadLetter('system-shutdown', ref.name, message, null);
      return false;
    }
    if (from !== undefined) this.#announce(from, ref.thread);
    this.codec.encode(message);
    const sent = this.#post(K_TELL, ref.thread, ref.id, ref.name, from, 0, undefined, false);
    if (sent) return true;
    switch (this.config.overflow) {
      case 'backpressure':
        return false;
      case 'drop':
        this.deadLetter('mailbox-full', ref.name, message, from?.ref.name ?? null);
        return false;
      case 'fail':
        throw new MailboxFullError(ref.name);
    }
  }

  #send(from: Cell | undefined, ref: ActorRef, message: unknown): Promise<void> {
    try {
      if (this.closed && from === undefined) throw new SystemStoppedError(`send to '${ref.name}'`);
      if (from !== undefined) this.#announce(from, ref.thread);
      this.codec.encode(message);
      let done!: () => void;
      const p = new Promise<void>((resolve) => (done = resolve));
      this.#post(K_TELL, ref.thread, ref.id, ref.name, from, 0, done, true);
      return p;
    } catch (err) {
      return Promise.reject(err);
    }
  }

  #ask(from: Cell | undefined, ref: ActorRef, message: unknown, timeoutMs: number | undefined): Promise<unknown> {
    try {
      const t = timeoutMs ?? this.config.askTimeoutMs;
      if (typeof t !== 'number' || !Number.isFinite(t) || t <= 0) {
        throw new InvalidArgumentError(`ask timeoutMs must be a finite number of milliseconds > 0, got ${String(timeoutMs)}`);
      }
      if (this.closed && from === undefined) throw new SystemStoppedError(`ask to '${ref.name}'`);
      if (from !== undefined) this.#announce(from, ref.thread);
      this.codec.encode(message);
      const { corr, promise } = this.asks.create(ref.name, t, ref.thread);
      if (this.journal !== undefined) this.journal.lastCorr = corr;
      this.#rang = true; // the ring path below says whether it woke the target
      this.#post(K_ASK, ref.thread, ref.id, ref.name, from, corr, undefined, true);
      if (from === undefined && ref.thread !== this.thread && this.awaitReply !== undefined) this.awaitReply(this.#rang);
      else this.kick();
      return promise;
    } catch (err) {
      return Promise.reject(err);
    }
  }

  /**
   * Tells `thread` this actor's name before its first message there, on the same ring (so it arrives first): records
   * carry only ids, and `ctx.sender.name` / dead-letter reports on that thread need the name.
   */
  #announce(from: Cell, thread: number): void {
    if (thread === this.thread || from.announced[thread] === 1 || this.mesh === undefined) return;
    from.announced[thread] = 1;
    this.sendSystem(thread, undefined, { type: 'name', id: from.id, name: from.ref.name });
  }

  #codec(message: unknown): void {
    this.codec.encode(message);
  }

  /**
   * Delivers the record just encoded (the codec's `encoded` window) to actor `id` on `thread`: into a local mailbox, or into the ring to its thread.
   * When the ring is full, `queue` decides: true keeps the record in this thread's outbox (in order) until there
   * is room, false returns false and keeps nothing. `done` runs once the record is delivered.
   */
  #post(
    kind: number,
    thread: number,
    id: number,
    name: string,
    from: Cell | undefined,
    corr: number,
    done: (() => void) | undefined,
    queue: boolean,
  ): boolean {
    if (thread === this.thread) {
      const codec = this.codec;
      decoding = this;
      const msg = codec.decode(codec.encoded, codec.encodedStart, codec.encodedEnd - codec.encodedStart);
      if (kind === K_SYSTEM) this.#onSystem(msg as SystemMessage, thread, id, corr, NO_SLOT);
      else {
        const slot = this.#journalEncoded(kind, id, from, thread, corr);
        this.#deliverLocal(id, kind === K_ASK ? ENTRY_ASK : ENTRY_TELL, msg, from?.id ?? 0, thread, corr, slot);
      }
      done?.();
      return true;
    }
    const writer = this.mesh?.writers[thread];
    if (writer === undefined || this.#dead.has(thread)) {
      const codec = this.codec;
      decoding = this;
      const msg = codec.decode(codec.encoded, codec.encodedStart, codec.encodedEnd - codec.encodedStart);
      if (kind === K_TELL || kind === K_ASK) {
        if (writer === undefined) this.deadLetter('actor-stopped', name, msg, from?.ref.name ?? null);
        else this.deadLetter('worker-crashed', name, msg, from?.ref.name ?? null, this.#dead.get(thread));
      }
      // An ask, or a system request awaiting its acknowledgement (spawn, stop), fails at once.
      if ((kind === K_ASK || kind === K_SYSTEM) && corr !== 0) {
        const err = writer === undefined ? new ActorStoppedError(name) : new WorkerCrashedError(thread, this.#dead.get(thread));
        this.asks.reject(corr, err);
      }
      done?.();
      return true;
    }
    const outbox = this.#outboxes[thread]!;
    const codec = this.codec;
    const h = this.#headerOf(kind, id, from, this.thread, corr);
    if (outbox.size === 0 && writer.tryWrite(h, codec.encoded, codec.encodedStart, codec.encodedEnd)) {
      this.#rang = wake(this.mesh!.controls[thread]!);
      done?.();
      return true;
    }
    if (!queue) return false;
    outbox.push({ ...h, bytes: codec.encodedCopy(), done });
    this.#outboxed++;
    // Held in this thread's memory only until the ring has room: lost if this worker dies meanwhile (counted).
    if (kind === K_TELL || kind === K_ASK) this.journal?.addUnjournaled(1);
    this.kick();
    return true;
  }

  /** Fills the reused record header for a record from `from` (none: sender 0) to actor `id`. */
  #headerOf(kind: number, id: number, from: Cell | undefined, senderThread: number, corr: number): RecordHeader {
    const h = this.#header;
    h.kind = kind;
    h.targetHi = Math.floor(id / TWO_32) | 0;
    h.targetLo = id % TWO_32 | 0;
    h.senderHi = from === undefined ? 0 : from.ref.hi;
    h.senderLo = from === undefined ? 0 : from.ref.lo;
    h.senderThread = senderThread;
    h.corr = corr;
    return h;
  }

  /** Sends a system message; never dropped (it waits in the outbox when the ring is full). */
  sendSystem(thread: number, target: ActorRef | undefined, m: SystemMessage, corr = 0): void {
    try {
      this.codec.encode(m, this.#systemLimit);
    } catch (err) {
      // A report can outgrow the ring when it quotes a message near maxMessageBytes: send a shortened one.
      if (!(err instanceof MessageTooLargeError)) throw err;
      this.codec.encode(shrink(m, err.bytes), this.#systemLimit);
    }
    this.#post(K_SYSTEM, thread, target?.id ?? 0, target?.name ?? '(system)', undefined, corr, undefined, true);
  }

  #reply(thread: number, corr: number, value: unknown, isError: boolean): void {
    if (thread === this.thread) {
      const copy = isError ? value : this.#copy(value);
      const ok = isError ? this.asks.reject(corr, copy as Error) : this.asks.resolve(corr, copy);
      if (!ok && !isError) this.deadLetter('ask-timed-out', '(reply)', copy, null);
      return;
    }
    if (isError) {
      const e = serializeError(value);
      try {
        this.codec.encode(e, this.#systemLimit);
      } catch {
        // An error too large for a ring record still settles the ask: keep its name, code and the start of its message.
        this.codec.encode({ name: e.name, message: `${e.message.slice(0, 1000)}… (truncated)`, ...(e.code ? { code: e.code } : {}) });
      }
    } else {
      this.codec.encode(value);
    }
    this.#post(isError ? K_REPLY_ERROR : K_REPLY, thread, 0, '(asker)', undefined, corr, undefined, true);
  }

  #copy(v: unknown): unknown {
    decoding = this;
    return this.codec.copy(v);
  }

  // ------------------------------------------------------------------ receiving

  /** One round: drain incoming rings, run one turn of every ready actor, retry outboxes. True if anything ran. */
  pump(): boolean {
    let worked = false;
    const mesh = this.mesh;
    const journal = this.journal;
    if (
      mesh !== undefined &&
      ((this.#backlog < BACKLOG_HIGH_WATER && (journal === undefined || journal.hasRoom(this.config.maxMessageBytes))) ||
        this.#ready.size === 0)
    ) {
      const readers = mesh.readers;
      for (let i = 0; i < readers.length; i++) {
        const reader = readers[i]!;
        const from = mesh.readerFrom[i]!;
        let n = 0;
        decoding = this;
        while (n < DRAIN_BATCH && reader.next()) {
          this.#onRecord(reader.record, reader.bytes, from, reader.end);
          n++;
        }
        if (n > 0) {
          reader.release();
          worked = true;
        }
      }
    }
    if (this.#graves.length > 0 && this.#drainGraves()) worked = true;
    let turns = this.#ready.size;
    if (turns > 0) worked = true;
    while (turns-- > 0) {
      const cell = this.#ready.shift()!;
      cell.scheduled = false;
      this.#runTurn(cell);
    }
    if (this.#outboxed > 0 && this.#flushOutboxes()) worked = true;
    return worked;
  }

  /** One record taken from thread `from`'s ring; `end` is the ring position just past it. */
  #onRecord(r: RecordView, bytes: Buffer, from: number, end: number): void {
    const kind = r.kind;
    const journal = this.journal;
    let value: unknown;
    try {
      value = this.codec.decodeShared(bytes, r.payloadStart, r.payloadLength);
    } catch (err) {
      // Cannot happen with well-formed records; report rather than kill the loop.
      console.error(`ringmaster: thread ${this.thread} could not decode a record of kind ${kind}`, err);
      journal?.consumed(from, end);
      return;
    }
    let slot = NO_SLOT;
    // Messages for actors, and the system messages that change which actors exist, are journaled before they are
    // acted on, and the ring position after them is recorded: a replacement worker resumes from there.
    if (journal !== undefined && (kind === K_TELL || kind === K_ASK || (kind === K_SYSTEM && journaled(value as SystemMessage)))) {
      slot = journal.append(r, from, end, bytes, r.payloadStart, r.payloadStart + r.payloadLength);
      if (slot < 0) {
        slot = UNJOURNALED;
        journal.addUnjournaled(1);
      }
    }
    journal?.consumed(from, end);
    switch (kind) {
      case K_TELL:
      case K_ASK:
        this.#deliverLocal(
          refId(r.targetHi, r.targetLo),
          kind === K_ASK ? ENTRY_ASK : ENTRY_TELL,
          value,
          refId(r.senderHi, r.senderLo),
          r.senderThread,
          r.corr,
          slot,
        );
        return;
      case K_REPLY:
        if (!this.asks.resolve(r.corr, value)) this.deadLetter('ask-timed-out', '(reply)', value, null);
        return;
      case K_REPLY_ERROR:
        this.asks.reject(r.corr, deserializeError(value as SerializedError));
        return;
      case K_SYSTEM:
        this.#onSystem(value as SystemMessage, r.senderThread, refId(r.targetHi, r.targetLo), r.corr, slot);
        return;
    }
  }

  #deliverLocal(id: number, entry: number, msg: unknown, senderId: number, senderThread: number, corr: number, slot: number): void {
    const cell = this.#cells.get(id);
    if (cell !== undefined && cell.status === RUNNING) {
      cell.mailbox.push(entry, msg, senderId, senderThread, corr, slot);
      this.#backlog++;
      this.#schedule(cell);
      return;
    }
    if (cell === undefined && this.#notSpawnedYet(id)) {
      let list = this.#stash.get(id);
      if (list === undefined) this.#stash.set(id, (list = []));
      list.push([entry, msg, senderId, senderThread, corr, slot]);
      return;
    }
    const name = cell?.ref.name ?? this.#tombstones.get(id) ?? `#${id}`;
    this.#undeliverable(entry === ENTRY_ASK ? K_ASK : K_TELL, id, name, msg, senderId, senderThread, corr);
    this.#release(slot);
  }

  /** A journaled message or system record is handled: its journal space may be reused. */
  #release(slot: number): void {
    if (slot >= 0) this.journal!.done(slot);
    else if (slot === UNJOURNALED) this.journal!.addUnjournaled(-1);
  }

  /** Journals the record just encoded (the codec's window) for a local actor; returns its slot. */
  #journalEncoded(kind: number, id: number, from: Cell | undefined, senderThread: number, corr: number): number {
    const journal = this.journal;
    if (journal === undefined) return NO_SLOT;
    const c = this.codec;
    const slot = journal.append(this.#headerOf(kind, id, from, senderThread, corr), -1, 0, c.encoded, c.encodedStart, c.encodedEnd);
    if (slot >= 0) return slot;
    journal.addUnjournaled(1);
    return UNJOURNALED;
  }

  /** An id spawned by another thread whose spawn request has not reached this thread yet. */
  #notSpawnedYet(id: number): boolean {
    const origin = Math.floor(id / TWO_32);
    return origin !== this.thread && origin < this.#spawnSeen.length && id % TWO_32 > this.#spawnSeen[origin]!;
  }

  #undeliverable(kind: number, _id: number, name: string, msg: unknown, senderId: number, senderThread: number, corr: number): void {
    this.deadLetter('actor-stopped', name, msg, senderId === 0 ? null : this.#nameOf(senderId, senderThread));
    if (kind === K_ASK && corr !== 0) this.#reply(senderThread, corr, new ActorStoppedError(name), true);
  }

  #nameOf(id: number, thread: number): string {
    return this.#cells.get(id)?.ref.name ?? this.#names.get(id) ?? this.#tombstones.get(id) ?? `#${id}@${thread}`;
  }

  deadLetter(reason: DeadLetterReason, target: string, message: unknown, sender: string | null, error?: unknown): void {
    const m: SystemMessage = { type: 'dead-letter', reason, target, message, sender };
    if (error !== undefined) m.error = serializeError(error);
    this.#toMain(m);
  }

  #toMain(m: SystemMessage): void {
    if (this.thread === 0) this.main?.onSystem(m, 0);
    else this.sendSystem(0, undefined, m);
  }

  // ------------------------------------------------------------------ system messages

  /**
   * A system message for this thread. `slot` is its journal slot when it was journaled (spawn, stop, poison from
   * another thread); `recovered` is set when a replacement worker replays a spawn whose actor had already started.
   */
  #onSystem(m: SystemMessage, fromThread: number, targetId: number, corr: number, slot: number, recovered?: Error): void {
    switch (m.type) {
      case 'spawn': {
        const origin = Math.floor(targetId / TWO_32);
        const counter = targetId % TWO_32;
        if (origin < this.#spawnSeen.length && counter > this.#spawnSeen[origin]!) {
          this.#spawnSeen[origin] = counter;
          this.journal?.setSpawnSeen(origin, counter);
        }
        const def = findDefinition(m.definition);
        if (def === undefined) {
          const err = new UnknownDefinitionError(m.definition, knownDefinitions());
          this.#failStart(m.name, err, fromThread, corr);
          this.#release(slot);
          this.#flushStash(targetId);
          this.#watch.flushPending(targetId);
          return;
        }
        const ref = new ActorRef(targetId, this.thread, m.name, this);
        this.#createCell(
          ref,
          def,
          m.args,
          m.parent ?? undefined,
          (err) => {
            if (err !== undefined) this.#failStart(m.name, err, fromThread, corr);
            else if (corr !== 0) this.#reply(fromThread, corr, null, false);
          },
          slot,
          recovered,
        );
        this.#flushStash(targetId);
        this.#watch.flushPending(targetId);
        return;
      }
      case 'stop':
      case 'poison': {
        const cell = this.#cells.get(targetId);
        if (cell === undefined || cell.status === STOPPED) {
          if (corr !== 0) this.#reply(fromThread, corr, null, false);
          this.#release(slot);
          return;
        }
        if (corr !== 0) cell.stopAcks.push(fromThread, corr);
        if (m.type === 'stop') {
          // Journaled until the actor has stopped: a replacement worker finishes a stop the dead one began.
          if (slot !== NO_SLOT) cell.stopSlots.push(slot);
          this.stopCell(cell);
        } else if (cell.status === RUNNING) {
          cell.mailbox.push(ENTRY_POISON, undefined, 0, fromThread, 0, slot);
          this.#backlog++;
          this.#schedule(cell);
        } else {
          this.#release(slot);
        }
        return;
      }
      case 'name':
        this.#names.set(m.id, m.name);
        if (this.#names.size > NAMES) this.#names.delete(this.#names.keys().next().value!);
        return;
      case 'thread-dead':
        this.markThreadDead(m.thread, deserializeError(m.error));
        return;
      case 'thread-restarted':
        // The replacement knows no names: announce them again before the next message there.
        for (const cell of this.#cells.values()) cell.announced[m.thread] = 0;
        return;
      case 'adopt': {
        const cell = this.#cells.get(m.parent.id);
        if (cell === undefined || cell.status === STOPPED) return;
        for (const child of m.children) cell.children.set(child.name.slice(cell.ref.name.length + 1), child);
        return;
      }
      case 'child-terminated': {
        const cell = this.#cells.get(targetId);
        if (cell === undefined) return;
        const short = m.child.name.slice(cell.ref.name.length + 1);
        if (cell.children.get(short)?.id === m.child.id) cell.children.delete(short);
        this.#sup.onChildTerminated(cell, m.child);
        this.#maybeFinishStop(cell);
        return;
      }
      // ---- actor supervision (supervisor.ts) and death watch (watch.ts) ----
      case 'child-failed':
        this.#sup.onChildFailed(targetId, m.child, deserializeError(m.error));
        return;
      case 'supervise':
        this.#sup.onSupervise(targetId, m.directive, deserializeError(m.error), m.delayMs);
        return;
      case 'watch': {
        this.#watch.onWatch(m.watcher, m.target);
        // Journaled while it stands, so that a replacement of this worker still notifies the watcher.
        const cell = this.#cells.get(m.target.id);
        if (slot !== NO_SLOT && cell !== undefined && cell.status !== STOPPED) {
          const old = cell.watchSlots.get(m.watcher.id);
          if (old !== undefined) this.#release(old);
          cell.watchSlots.set(m.watcher.id, slot);
        } else {
          this.#release(slot);
        }
        return;
      }
      case 'unwatch': {
        this.#watch.onUnwatch(targetId, m.watcher);
        const cell = this.#cells.get(targetId);
        const watchSlot = cell?.watchSlots.get(m.watcher.id);
        if (watchSlot !== undefined) {
          cell!.watchSlots.delete(m.watcher.id);
          this.#release(watchSlot);
        }
        return;
      }
      case 'terminated':
        this.#watch.onTerminated(targetId, m.actor);
        return;
      default:
        // Reports for the main thread's registry and event stream.
        if (this.thread === 0) this.main?.onSystem(m, fromThread);
        else this.sendSystem(0, undefined, m);
    }
  }

  /**
   * A replacement worker's first act, before it reads any ring: re-create the actors its dead predecessor hosted,
   * queue their messages again (in the order they were taken), settle the message each was handling when the
   * worker died, and resume every incoming ring just after the last record the predecessor took.
   */
  recover(rec: RecoveredJournal, cause: Error): void {
    const journal = this.journal!;
    const mesh = this.mesh!;
    if (rec.nextLocal > this.#nextLocal) this.#nextLocal = journal.nextLocal = rec.nextLocal;
    for (let t = 0; t < rec.spawnSeen.length && t < this.#spawnSeen.length; t++) {
      if (rec.spawnSeen[t]! > this.#spawnSeen[t]!) {
        this.#spawnSeen[t] = rec.spawnSeen[t]!;
        journal.setSpawnSeen(t, rec.spawnSeen[t]!);
      }
    }
    this.asks.continueAfter(rec.lastCorr);
    for (let i = 0; i < mesh.readers.length; i++) mesh.readers[i]!.skipTo(rec.consumed[mesh.readerFrom[i]!] ?? 0);
    const counts = { actors: 0, messages: 0, redelivered: 0, lost: 0 };
    const decoded = rec.records.map((r) => {
      decoding = this;
      return this.codec.decode(r.payload, 0, r.payload.length);
    });
    const rejournal = (r: RecoveredRecord): number => {
      const slot = journal.append(r, -1, 0, r.payload);
      if (slot >= 0) return slot;
      journal.addUnjournaled(1);
      return UNJOURNALED;
    };
    // Spawns first, in journal order (a parent before its children): messages then find their actors.
    rec.records.forEach((r, i) => {
      const m = decoded[i] as SystemMessage;
      if (r.kind !== K_SYSTEM || m.type !== 'spawn') return;
      const id = refId(r.targetHi, r.targetLo);
      if (r.state === JS_STARTED) {
        this.#onSystem(m, r.senderThread, id, 0, rejournal(r), cause);
        counts.actors++;
      } else {
        this.#onSystem(m, r.senderThread, id, r.corr, rejournal(r));
      }
    });
    rec.records.forEach((r, i) => {
      const msg = decoded[i];
      const id = refId(r.targetHi, r.targetLo);
      if (r.kind === K_SYSTEM) {
        if ((msg as SystemMessage).type !== 'spawn') this.#onSystem(msg as SystemMessage, r.senderThread, id, r.corr, rejournal(r));
        return;
      }
      const senderId = refId(r.senderHi, r.senderLo);
      if (r.state === JS_STARTED) {
        // The message its actor was handling when the worker died: at-most-once unless the actor opted in.
        const cell = this.#cells.get(id);
        if (cell === undefined || cell.def.behavior.redeliverOnCrash !== true) {
          const name = cell?.ref.name ?? `#${id}`;
          this.deadLetter('worker-crashed', name, msg, senderId === 0 ? null : this.#nameOf(senderId, r.senderThread), cause);
          if (r.kind === K_ASK && r.corr !== 0) this.#reply(r.senderThread, r.corr, new WorkerCrashedError(this.thread, cause), true);
          counts.lost++;
          return;
        }
        counts.redelivered++;
      } else {
        counts.messages++;
      }
      this.#deliverLocal(id, r.kind === K_ASK ? ENTRY_ASK : ENTRY_TELL, msg, senderId, r.senderThread, r.corr, rejournal(r));
    });
    this.#toMain({ type: 'recovered', ...counts, unjournaled: rec.unjournaled });
  }

  #failStart(name: string, err: Error, fromThread: number, corr: number): void {
    this.#toMain({ type: 'actor-failed', actor: name, error: serializeError(err), directive: 'stop' });
    if (corr !== 0) this.#reply(fromThread, corr, err, true);
  }

  #flushStash(id: number): void {
    const list = this.#stash.get(id);
    if (list === undefined) return;
    this.#stash.delete(id);
    for (const [entry, msg, sid, st, corr, slot] of list as [number, unknown, number, number, number, number][]) {
      this.#deliverLocal(id, entry, msg, sid, st, corr, slot);
    }
  }

  // ------------------------------------------------------------------ spawning and lifecycle

  /**
   * Spawns an actor (a child of `parent` when given). Returns its ref at once; when it is hosted on another thread,
   * the spawn request travels on the same ring as this thread's later messages to it, so they arrive after it.
   * `onStarted` runs once the actor has started (or failed to), wherever it lives, when `corrForAck` is used.
   */
  spawn(
    parent: Cell | undefined,
    def: ActorDefinition<any, any, any, any>,
    options: SpawnOptions<unknown> | undefined,
    ackCorr = 0,
  ): ActorRef {
    if (this.closed) throw new SystemStoppedError(`spawn of '${def?.name}'`);
    if (def === null || typeof def !== 'object' || typeof def.name !== 'string') {
      throw new InvalidArgumentError('spawn needs an actor definition returned by defineActor(...)');
    }
    if (findDefinition(def.name) === undefined) throw new UnknownDefinitionError(def.name, knownDefinitions());
    const short = options?.name ?? `$${parent ? ++parent.childSeq : this.#nextLocal + 1}`;
    if (typeof short !== 'string' || short.length === 0 || short.includes('/')) {
      throw new InvalidArgumentError(`an actor name must be a non-empty string without '/', got ${JSON.stringify(short)}`);
    }
    const name = parent ? `${parent.ref.name}/${short}` : short;
    if (parent?.children.has(short)) throw new NameTakenError(name);
    const placement = options?.placement ?? (parent ? 'local' : this.config.placement);
    const thread = this.#placer.place(placement, name, this.thread);
    const args = this.#copy(options?.args);
    const id = this.thread * TWO_32 + ++this.#nextLocal;
    if (this.journal !== undefined) this.journal.nextLocal = this.#nextLocal;
    const ref = new ActorRef(id, thread, name, this);
    if (thread === this.thread) {
      const def2 = findDefinition(def.name)!;
      let slot = NO_SLOT;
      if (this.journal !== undefined) {
        // A worker journals the actors it spawns for itself, so a replacement can re-create them.
        this.codec.encode({ type: 'spawn', definition: def.name, name, args, parent: parent?.ref ?? null } satisfies SystemMessage, this.#systemLimit);
        slot = this.#journalEncoded(K_SYSTEM, id, undefined, this.thread, ackCorr);
      }
      this.#createCell(
        ref,
        def2,
        args,
        parent?.ref,
        (err) => {
          if (err !== undefined) this.#failStart(name, err, this.thread, ackCorr);
          else if (ackCorr !== 0) this.#reply(this.thread, ackCorr, null, false);
        },
        slot,
      );
    } else {
      this.sendSystem(thread, ref, { type: 'spawn', definition: def.name, name, args, parent: parent?.ref ?? null }, ackCorr);
    }
    if (parent) parent.children.set(short, ref);
    return ref;
  }

  spawnChild(parent: Cell, def: ActorDefinition<any, any, any, any>, options: SpawnOptions<unknown> | undefined): ActorRef {
    if (parent.status !== RUNNING) throw new ActorStoppedError(parent.ref.name, 'it is stopping and cannot spawn children');
    return this.spawn(parent, def, options);
  }

  #createCell(
    ref: ActorRef,
    def: ActorDefinition<any, any, any, any>,
    args: unknown,
    parent: ActorRef | undefined,
    onStarted: (err: Error | undefined) => void,
    spawnSlot: number = NO_SLOT,
    recovered?: Error,
  ): void {
    const cell = new Cell(this, ref.id, ref, def, args, parent, this.mesh?.threads ?? 1);
    cell.spawnSlot = spawnSlot;
    this.#cells.set(ref.id, cell);
    if (this.mesh) addActorCount(this.mesh.controls[this.thread]!, 1);
    if (parent !== undefined && parent.thread === this.thread) {
      // Re-created after a crash: the parent (re-created just before, from an earlier record) gets its child back.
      const p = this.#cells.get(parent.id);
      if (p !== undefined && recovered !== undefined) p.children.set(ref.name.slice(parent.name.length + 1), ref);
    }
    this.#toMain({ type: 'registered', ref, definition: def.name, parent: parent ?? null, recovered: recovered !== undefined });
    const started = (): void => {
      if (spawnSlot >= 0) this.journal!.start(spawnSlot);
      onStarted(undefined);
    };
    const fail = (err: unknown): void => {
      onStarted(new ActorFailedError(ref.name, err));
      cell.busy = false;
      this.stopCell(cell);
    };
    try {
      cell.state = def.behavior.init ? def.behavior.init(args) : undefined;
      if (recovered !== undefined) {
        // A worker crash is nobody's failure: the actor comes back with fresh state and the children it had, so
        // preStart (which may have spawned them) does not run again; postRestart, when defined, does.
        if (spawnSlot >= 0) this.journal!.start(spawnSlot);
        const r = def.behavior.postRestart?.(cell.state, recovered, cell.ctx);
        if (isThenable(r)) {
          this.#track(cell, r, (err, failed) => {
            if (failed) this.#toMain({ type: 'actor-failed', actor: ref.name, error: serializeError(err), directive: 'restart' });
          });
        }
        return;
      }
      const r = def.behavior.preStart?.(cell.state, cell.ctx);
      if (isThenable(r)) {
        cell.busy = true;
        this.#asyncInFlight++;
        r.then(
          () => {
            this.#asyncInFlight--;
            cell.busy = false;
            started();
            this.#afterHandler(cell);
          },
          (err: unknown) => {
            this.#asyncInFlight--;
            fail(err);
            this.kick();
          },
        );
        return;
      }
      started();
    } catch (err) {
      fail(err);
    }
  }

  /** Stops an actor: its children first, then postStop, then its queued messages become dead letters. */
  stopCell(cell: Cell): void {
    if (cell.status !== RUNNING) return;
    cell.status = STOPPING;
    for (const child of cell.children.values()) this.sendSystem(child.thread, child, { type: 'stop' });
    this.#maybeFinishStop(cell);
  }

  stopRef(from: Cell, ref: ActorRef): void {
    if (ref.id === from.id) return this.stopCell(from);
    this.#sup.noteStop(from, ref);
    this.sendSystem(ref.thread, ref, { type: 'stop' });
  }

  #maybeFinishStop(cell: Cell): void {
    if (cell.status !== STOPPING || cell.children.size > 0 || cell.busy) return;
    cell.status = STOPPED;
    const finish = (): void => {
      this.#cells.delete(cell.id);
      this.#tombstones.set(cell.id, cell.ref.name);
      if (this.#tombstones.size > TOMBSTONES) this.#tombstones.delete(this.#tombstones.keys().next().value!);
      if (this.mesh) addActorCount(this.mesh.controls[this.thread]!, -1);
      const mb = cell.mailbox;
      while (mb.size > 0) {
        const kind = mb.headKind;
        if (kind !== ENTRY_POISON) {
          this.#undeliverable(kind === ENTRY_ASK ? K_ASK : K_TELL, cell.id, cell.ref.name, mb.headMsg, mb.headSenderId, mb.headSenderThread, mb.headCorr);
        }
        this.#release(mb.headSlot);
        mb.shift();
        this.#backlog--;
      }
      this.#release(cell.spawnSlot);
      for (const slot of cell.stopSlots) this.#release(slot);
      for (const slot of cell.watchSlots.values()) this.#release(slot);
      // The main thread hears of this stop before the parent does: a parent on this thread may finish its own stop
      // inside the child-terminated handling, and its report must come after ours.
      this.#toMain({ type: 'unregistered', ref: cell.ref });
      this.#sup.onStopped(cell);
      this.#watch.onStopped(cell);
      if (cell.parent) this.sendSystem(cell.parent.thread, cell.parent, { type: 'child-terminated', child: cell.ref });
      const acks = cell.stopAcks;
      for (let i = 0; i < acks.length; i += 2) this.#reply(acks[i]!, acks[i + 1]!, null, false);
    };
    const reportStopFailure = (err: unknown): void => {
      this.#toMain({ type: 'actor-failed', actor: cell.ref.name, error: serializeError(err), directive: 'stop' });
    };
    try {
      const r = cell.def.behavior.postStop?.(cell.state, cell.ctx);
      if (isThenable(r)) {
        this.#asyncInFlight++;
        r.then(
          () => {
            this.#asyncInFlight--;
            finish();
            this.kick();
          },
          (err: unknown) => {
            this.#asyncInFlight--;
            reportStopFailure(err);
            finish();
            this.kick();
          },
        );
        return;
      }
    } catch (err) {
      reportStopFailure(err);
    }
    finish();
  }

  // ------------------------------------------------------------------ turns

  #schedule(cell: Cell): void {
    if (cell.scheduled || cell.busy || cell.suspended) return;
    cell.scheduled = true;
    this.#ready.push(cell);
  }

  #runTurn(cell: Cell): void {
    const mb = cell.mailbox;
    let n = this.config.throughput;
    while (n-- > 0 && mb.size > 0 && !cell.busy && !cell.suspended && cell.status === RUNNING) {
      const kind = mb.headKind;
      const msg = mb.headMsg;
      cell.curKind = kind;
      cell.curCorr = mb.headCorr;
      cell.curSenderThread = mb.headSenderThread;
      cell.curSenderId = mb.headSenderId;
      cell.curReplied = false;
      const slot = mb.headSlot;
      mb.shift();
      this.#backlog--;
      if (kind === ENTRY_POISON) {
        this.#release(slot);
        this.stopCell(cell);
        break;
      }
      // STARTED in the journal: if the worker dies now, this message is the one reported lost (or redelivered).
      if (slot >= 0) this.journal!.start(slot);
      this.#invoke(cell, msg, slot);
    }
    if (mb.size > 0 && !cell.busy && cell.status === RUNNING) this.#schedule(cell);
  }

  #invoke(cell: Cell, msg: unknown, slot: number): void {
    this.#current = cell;
    try {
      const r = cell.def.behavior.receive(cell.state, msg, cell.ctx);
      if (isThenable(r)) {
        cell.busy = true;
        this.#asyncInFlight++;
        r.then(
          () => {
            this.#asyncInFlight--;
            cell.busy = false;
            this.#release(slot);
            this.#afterHandler(cell);
          },
          (err: unknown) => {
            this.#asyncInFlight--;
            cell.busy = false;
            this.#failed(cell, err, msg);
            this.#release(slot);
            this.#afterHandler(cell);
          },
        );
      } else {
        this.#release(slot);
      }
    } catch (err) {
      this.#failed(cell, err, msg);
      this.#release(slot);
    } finally {
      this.#current = undefined;
    }
  }

  /** The actor is busy until `p` settles (no next message meanwhile); then `done`, then its next turn. */
  #track(cell: Cell, p: PromiseLike<unknown>, done: (err: unknown, failed: boolean) => void): void {
    cell.busy = true;
    this.#asyncInFlight++;
    const settle = (err: unknown, failed: boolean): void => {
      this.#asyncInFlight--;
      cell.busy = false;
      done(err, failed);
      this.#afterHandler(cell);
    };
    p.then(
      () => settle(undefined, false),
      (err: unknown) => settle(err, true),
    );
  }

  #afterHandler(cell: Cell): void {
    if (cell.suspended) this.#sup.afterHandler(cell); // a restart may wait for this handler
    if (cell.status === STOPPING) this.#maybeFinishStop(cell);
    else if (cell.status === RUNNING && cell.mailbox.size > 0) this.#schedule(cell);
    this.kick();
  }

  /** A handler threw: fail the pending ask, then suspend the actor until its supervisor decides (supervisor.ts). */
  #failed(cell: Cell, err: unknown, msg: unknown): void {
    if (cell.awaitingReply) {
      cell.curReplied = true;
      this.#reply(cell.curSenderThread, cell.curCorr, new ActorFailedError(cell.ref.name, err), true);
    }
    this.#sup.onFailure(cell, err, msg);
  }

  reply(cell: Cell, value: unknown): void {
    if (!cell.awaitingReply) {
      this.deadLetter('no-asker', cell.ref.name, value, cell.ref.name);
      return;
    }
    cell.curReplied = true;
    this.#reply(cell.curSenderThread, cell.curCorr, value, false);
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
    const local = this.#cells.get(id);
    if (local !== undefined) return local.ref;
    return new ActorRef(id, cell.curSenderThread, this.#nameOf(id, cell.curSenderThread), this);
  }

  // ------------------------------------------------------------------ outboxes

  #flushOutboxes(): boolean {
    let moved = false;
    const mesh = this.mesh!;
    for (let t = 0; t < this.#outboxes.length; t++) {
      const q = this.#outboxes[t]!;
      if (q.size === 0) continue;
      const w = mesh.writers[t]!;
      let o = q.peek();
      while (o !== undefined && w.tryWrite(o, o.bytes)) {
        q.shift();
        this.#outboxed--;
        if (o.kind === K_TELL || o.kind === K_ASK) this.journal?.addUnjournaled(-1);
        moved = true;
        o.done?.();
        o = q.peek();
      }
      if (moved) wake(mesh.controls[t]!);
    }
    return moved;
  }

  /**
   * Thread `thread` died: the asks waiting on it fail with WorkerCrashedError, and from now on records for it
   * become dead letters (reason 'worker-crashed') instead of filling a ring nobody reads.
   */
  markThreadDead(thread: number, cause: unknown): void {
    this.#dead.set(thread, cause);
    this.asks.rejectThread(thread, () => new WorkerCrashedError(thread, cause));
    // Its actors are gone for good: watchers here get Terminated, and children here stop (as they do when their
    // parent stops), rather than wait for a supervisor that will never answer.
    this.#watch.onThreadDead(thread, this.#cells.values());
    for (const cell of [...this.#cells.values()]) if (cell.parent?.thread === thread) this.stopCell(cell);
    const q = this.#outboxes[thread];
    if (q !== undefined) {
      const lost = q.clear();
      this.#outboxed -= lost.length;
      for (const o of lost) {
        if (o.kind === K_TELL || o.kind === K_ASK) {
          this.journal?.addUnjournaled(-1); // no longer held here: reported below instead
          decoding = this;
          const msg = this.codec.decode(o.bytes, 0, o.bytes.length);
          this.deadLetter('worker-crashed', `#${refId(o.targetHi, o.targetLo)}`, msg, null, cause);
          if (o.kind === K_ASK && o.corr !== 0) this.asks.reject(o.corr, new WorkerCrashedError(thread, cause));
        }
        o.done?.();
      }
    }
  }

  /**
   * Main thread, after giving up on worker `thread`: what it still held (its journal) becomes dead letters, and so
   * does whatever the other threads wrote into its rings before they heard of its death (drained from now on).
   * Asks among them are answered with `error`. `names` are its actors' names, for the reports.
   */
  bury(thread: number, rec: RecoveredJournal, rings: { from: number; sab: SharedArrayBuffer }[], names: Map<number, string>, error: Error): void {
    for (const [id, name] of names) this.#tombstones.set(id, name);
    for (const r of rec.records) {
      if (r.kind !== K_TELL && r.kind !== K_ASK) continue;
      decoding = this;
      const msg = this.codec.decode(r.payload, 0, r.payload.length);
      this.#buried(thread, r.kind, refId(r.targetHi, r.targetLo), msg, refId(r.senderHi, r.senderLo), r.senderThread, r.corr, error);
    }
    for (const { from, sab } of rings) {
      const reader = new RingReader(sab);
      reader.skipTo(rec.consumed[from] ?? 0);
      this.#graves.push({ reader, thread, error });
    }
  }

  #drainGraves(): boolean {
    let worked = false;
    for (const g of this.#graves) {
      const reader = g.reader;
      let n = 0;
      while (n < DRAIN_BATCH && reader.next()) {
        const r = reader.record;
        n++;
        if (r.kind !== K_TELL && r.kind !== K_ASK) continue;
        decoding = this;
        const msg = this.codec.decodeShared(reader.bytes, r.payloadStart, r.payloadLength);
        this.#buried(g.thread, r.kind, refId(r.targetHi, r.targetLo), msg, refId(r.senderHi, r.senderLo), r.senderThread, r.corr, g.error);
      }
      if (n > 0) {
        reader.release();
        worked = true;
      }
    }
    return worked;
  }

  #buried(thread: number, kind: number, id: number, msg: unknown, senderId: number, senderThread: number, corr: number, error: Error): void {
    const target = this.#tombstones.get(id) ?? `#${id}`;
    this.deadLetter('worker-crashed', target, msg, senderId === 0 ? null : this.#nameOf(senderId, senderThread), error);
    if (kind === K_ASK && corr !== 0 && senderThread !== thread) this.#reply(senderThread, corr, error, true);
  }

  /** Records still waiting for ring room, by destination thread (for shutdown reports). */
  takeOutboxes(): Outgoing[] {
    const all: Outgoing[] = [];
    for (const q of this.#outboxes) all.push(...q.clear());
    this.#outboxed = 0;
    return all;
  }

  /** Refs of every actor this thread hosts without a parent (top-level actors). */
  topLevel(): ActorRef[] {
    const out: ActorRef[] = [];
    for (const c of this.#cells.values()) if (c.parent === undefined) out.push(c.ref);
    return out;
  }
}

/** System messages a worker journals: those that decide which actors exist, when they stop, and who hears of it. */
function journaled(m: SystemMessage): boolean {
  return m.type === 'spawn' || m.type === 'stop' || m.type === 'poison' || m.type === 'watch';
}

/** A system message too large for a ring record, with its bulky part replaced by a note of its size. */
function shrink(m: SystemMessage, bytes: number): SystemMessage {
  const note = `(${bytes} bytes: too large to report in full)`;
  switch (m.type) {
    case 'dead-letter':
      return { ...m, message: note };
    case 'actor-failed':
      return { ...m, error: { name: m.error.name, message: `${m.error.message.slice(0, 1000)}… ${note}` } };
    case 'spawn':
      return m; // spawn args are checked against maxMessageBytes before they get here
    default:
      return m;
  }
}

function isThenable(v: unknown): v is PromiseLike<unknown> {
  return v !== null && typeof v === 'object' && typeof (v as { then?: unknown }).then === 'function';
}
