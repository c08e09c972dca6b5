/**
 * Where a message is routed out: to a local mailbox (same thread), into the transport towards the thread hosting
 * the target, into this thread's outbox when that ring is full, or to dead letters when the target's thread died.
 * Also the sending of system messages, replies, and reports for the main thread.
 *
 * Contract: one Outbound per Runtime, used only by its thread. Every record to one thread goes through `post`, in
 * call order: an outbox that holds records makes later ones wait behind it, so order per destination holds.
 * The payload is an argument (`Encoded`, a window into the codec's reused buffer): whatever encodes must run
 * after any other encode the same call makes (an announcement), and `post` copies it before returning.
 */
import { ENTRY_ASK, ENTRY_TELL } from '../dispatch/mailbox.js';
import { Queue } from '../dispatch/queue.js';
import { ActorStoppedError, MessageTooLargeError, WorkerCrashedError, serializeError } from '../errors.js';
import { K_ASK, K_REPLY, K_REPLY_ERROR, K_SYSTEM, K_TELL, type DeadLetterReason, type SystemMessage } from '../protocol.js';
import type { ActorRef } from '../ref.js';
import type { Codec, Encoded } from '../transport/codec.js';
import { recordHeader } from '../transport/record.js';
import type { RecordHeader, Transport } from '../transport/transport.js';
import type { PendingAsks } from './asks.js';
import type { Cell } from './cell.js';
import { idFrom, idHi, idLo } from './ids.js';
import { NO_SLOT, type Journaling } from './journaling.js';
import { STEP, TRACING, mark } from '../transport/trace.js';

/** What `post` did with a record. `woke` and `queued` mean the receiver may be asleep or behind. */
export type Posted = 'local' | 'sent' | 'woke' | 'queued' | 'refused' | 'undeliverable';

/** A record that waits on this thread for room in a full ring. */
export interface Outgoing extends RecordHeader {
  bytes: Uint8Array;
  done: (() => void) | undefined;
}

/** Hooks the main thread installs to receive what the threads report (registrations, dead letters, failures). */
export interface MainHooks {
  onSystem(m: SystemMessage, fromThread: number): void;
}

/** What routing needs from the rest of its runtime. */
export interface OutboundHost {
  /** A user message for an actor of this thread. */
  deliver(id: number, entry: number, msg: unknown, senderId: number, senderThread: number, corr: number, slot: number): void;
  /** A system message for this thread. */
  onSystem(m: SystemMessage, fromThread: number, targetId: number, corr: number, slot: number): void;
  /** New work may exist (a record waits for room): make sure the loop comes back. */
  kick(): void;
}

export class Outbound {
  readonly #thread: number;
  /** Replies to an ask of this thread are the value itself, not a copy (`serializeMessages` off). */
  readonly #byReference: boolean;
  readonly #codec: Codec;
  readonly #transport: Transport | undefined;
  readonly #journal: Journaling;
  readonly #asks: PendingAsks;
  readonly #host: OutboundHost;
  readonly #main: MainHooks | undefined;
  /** Size limit for system messages and error replies: what one ring record can hold. */
  readonly #systemLimit: number;
  readonly #outboxes: Queue<Outgoing>[] = [];
  #outboxed = 0;
  /** Threads that died, with the cause: records for them become dead letters at once. */
  readonly #dead = new Map<number, unknown>();
  /** Reused for every record written directly (the transport reads it synchronously). */
  readonly #header: RecordHeader = recordHeader();
  /** Names of other actors announced to each thread for forwards (see announceFor). */
  readonly #announcedFor: Set<number>[] = [];

  constructor(
    thread: number,
    codec: Codec,
    transport: Transport | undefined,
    journal: Journaling,
    asks: PendingAsks,
    systemLimit: number,
    host: OutboundHost,
    main: MainHooks | undefined,
    byReference = false,
  ) {
    this.#byReference = byReference;
    this.#thread = thread;
    this.#codec = codec;
    this.#transport = transport;
    this.#journal = journal;
    this.#asks = asks;
    this.#systemLimit = systemLimit;
    this.#host = host;
    this.#main = main;
    this.#header.senderThread = thread;
    const threads = transport?.threads ?? 1;
    for (let t = 0; t < threads; t++) this.#outboxes.push(new Queue());
  }

  /** Records waiting for ring room. */
  get outboxed(): number {
    return this.#outboxed;
  }

  /**
   * Delivers `msg` itself (no copy) to actor `id` of this thread: a message between actors of one thread when
   * `serializeMessages` is off. It is not journaled (there are no bytes): it counts as at risk until it is handled.
   */
  postLocal(kind: number, id: number, msg: unknown, senderId: number, corr: number, senderThread: number = this.#thread): void {
    this.#host.deliver(id, kind === K_ASK ? ENTRY_ASK : ENTRY_TELL, msg, senderId, senderThread, corr, this.#journal.local());
    // Sent from outside a pump (an async handler's continuation, the application's code): make sure one comes.
    this.#host.kick();
  }

  /**
   * Routes one record with payload `payload` to actor `id` (named `name`, for reports) on `thread`. When the ring
   * is full, `queue` decides: true keeps the record in this thread's outbox (in order) until there is room, false
   * refuses it and keeps nothing. `done` runs once the record is delivered. The sender is `from` (none when
   * undefined) unless `senderId`/`senderThread` say otherwise (a forward keeps the original sender).
   */
  post(
    kind: number,
    thread: number,
    id: number,
    name: string,
    from: Cell | undefined,
    corr: number,
    payload: Encoded,
    done: (() => void) | undefined,
    queue: boolean,
    senderId: number = from?.id ?? 0,
    senderThread: number = this.#thread,
  ): Posted {
    if (thread === this.#thread) {
      const msg = this.#codec.decode(payload.bytes, payload.start, payload.end - payload.start);
      if (kind === K_SYSTEM) this.#host.onSystem(msg as SystemMessage, thread, id, corr, NO_SLOT);
      else {
        const h = this.#fill(kind, id, senderId, senderThread, corr);
        const slot = this.#journal.append(h, -1, 0, payload.bytes, payload.start, payload.end);
        this.#host.deliver(id, kind === K_ASK ? ENTRY_ASK : ENTRY_TELL, msg, senderId, senderThread, corr, slot);
      }
      done?.();
      // Sent from outside a pump (an async handler's continuation, the application's code): make sure one comes,
      // even if this thread's driver is parked.
      this.#host.kick();
      return 'local';
    }
    const transport = this.#transport;
    if (transport === undefined || !transport.reaches(thread) || this.#dead.has(thread)) {
      this.#undeliverable(kind, thread, name, from, corr, senderThread, payload, transport !== undefined && transport.reaches(thread));
      done?.();
      return 'undeliverable';
    }
    const outbox = this.#outboxes[thread]!;
    const h = this.#fill(kind, id, senderId, senderThread, corr);
    if (outbox.size === 0) {
      const offered = transport.offer(thread, h, payload.bytes, payload.start, payload.end);
      if (TRACING) mark(kind === K_REPLY || kind === K_REPLY_ERROR ? STEP.replied : STEP.posted);
      if (offered !== 'full') {
        done?.();
        return offered;
      }
    }
    if (!queue) return 'refused';
    outbox.push({ ...h, bytes: this.#codec.copyOf(payload), done });
    this.#outboxed++;
    // Held in this thread's memory only until the ring has room: lost if this worker dies meanwhile (counted).
    if (kind === K_TELL || kind === K_ASK) this.#journal.atRisk(1);
    this.#host.kick();
    return 'queued';
  }

  #fill(kind: number, id: number, senderId: number, senderThread: number, corr: number): RecordHeader {
    const h = this.#header;
    h.kind = kind;
    h.targetHi = idHi(id);
    h.targetLo = idLo(id);
    h.senderHi = idHi(senderId);
    h.senderLo = idLo(senderId);
    h.senderThread = senderThread;
    h.corr = corr;
    return h;
  }

  /** No live thread hosts the target: a dead letter, and an ask (or acknowledged system request) fails at once. */
  #undeliverable(kind: number, thread: number, name: string, from: Cell | undefined, corr: number, asker: number, payload: Encoded, died: boolean): void {
    if (kind === K_TELL || kind === K_ASK) {
      const msg = this.#codec.decode(payload.bytes, payload.start, payload.end - payload.start);
      if (died) this.deadLetter('worker-crashed', name, msg, from?.ref.name ?? null, this.#dead.get(thread));
      else this.deadLetter('actor-stopped', name, msg, from?.ref.name ?? null);
    }
    if ((kind === K_ASK || kind === K_SYSTEM) && corr !== 0) {
      const err = died ? new WorkerCrashedError(thread, this.#dead.get(thread)) : new ActorStoppedError(name);
      // A forwarded ask belongs to the thread of its original asker.
      if (asker !== this.#thread) this.reply(asker, corr, err, true);
      else this.#asks.reject(corr, err);
    }
  }

  /** Sends a system message; never dropped (it waits in the outbox when the ring is full). */
  sendSystem(thread: number, target: ActorRef | undefined, m: SystemMessage, corr = 0): void {
    let payload: Encoded;
    try {
      payload = this.#codec.encode(m, this.#systemLimit);
    } catch (err) {
      // A report can outgrow the ring when it quotes a message near maxMessageBytes: send a shortened one.
      if (!(err instanceof MessageTooLargeError)) throw err;
      payload = this.#codec.encode(shrink(m, err.bytes), this.#systemLimit);
    }
    this.post(K_SYSTEM, thread, target?.id ?? 0, target?.name ?? '(system)', undefined, corr, payload, undefined, true);
  }

  /** Answers the ask `corr` of `thread` with a value, or with an error (`isError`). */
  reply(thread: number, corr: number, value: unknown, isError: boolean): void {
    if (thread === this.#thread) {
      const copy = isError || this.#byReference ? value : this.#codec.copy(value);
      const ok = isError ? this.#asks.reject(corr, copy as Error) : this.#asks.resolve(corr, copy);
      if (!ok && !isError) this.deadLetter('ask-timed-out', '(reply)', copy, null);
      return;
    }
    let payload: Encoded;
    if (isError) {
      const e = serializeError(value);
      try {
        payload = this.#codec.encode(e, this.#systemLimit);
      } catch {
        // An error too large for a ring record still settles the ask: keep its name, code and the start of its message.
        payload = this.#codec.encode({ name: e.name, message: `${e.message.slice(0, 1000)}… (truncated)`, ...(e.code ? { code: e.code } : {}) });
      }
    } else {
      payload = this.#codec.encode(value);
    }
    this.post(isError ? K_REPLY_ERROR : K_REPLY, thread, 0, '(asker)', undefined, corr, payload, undefined, true);
  }

  /**
   * Tells `thread` the name of actor `from` before its first message there, on the same ring (so it arrives
   * first): records carry only ids, and `ctx.sender.name` and dead-letter reports on that thread need the name.
   * Call it before encoding the message itself (it encodes too).
   */
  announce(from: Cell, thread: number): void {
    if (thread === this.#thread || from.announced?.[thread] === 1 || this.#transport === undefined) return;
    (from.announced ??= new Uint8Array(this.#transport.threads))[thread] = 1;
    this.sendSystem(thread, undefined, { type: 'name', id: from.id, name: from.ref.name });
  }

  /**
   * Tells `thread` the name of actor `id` of `ofThread` before a message forwarded on its behalf (the original
   * sender of a forward may never have written to that thread itself). Once per (actor, thread).
   */
  announceFor(id: number, ofThread: number, name: string, thread: number): void {
    if (thread === this.#thread || thread === ofThread || this.#transport === undefined) return;
    const seen = (this.#announcedFor[thread] ??= new Set());
    if (seen.has(id)) return;
    seen.add(id);
    this.sendSystem(thread, undefined, { type: 'name', id, name });
  }

  deadLetter(reason: DeadLetterReason, target: string, message: unknown, sender: string | null, error?: unknown, interrupted = false): void {
    const m: SystemMessage = { type: 'dead-letter', reason, target, message, sender };
    if (error !== undefined) m.error = serializeError(error);
    if (interrupted) m.interrupted = true;
    this.report(m);
  }

  /** A report for the main thread's registry and event stream. */
  report(m: SystemMessage, fromThread = this.#thread): void {
    if (this.#thread === 0) this.#main?.onSystem(m, fromThread);
    else this.sendSystem(0, undefined, m);
  }

  /** Moves what waits in the outboxes into rings that have room again, in order. True if anything moved. */
  flush(): boolean {
    const transport = this.#transport!;
    let moved = false;
    for (let t = 0; t < this.#outboxes.length; t++) {
      const q = this.#outboxes[t]!;
      let o = q.peek();
      while (o !== undefined && transport.offer(t, o, o.bytes, 0, o.bytes.length) !== 'full') {
        q.shift();
        this.#outboxed--;
        if (o.kind === K_TELL || o.kind === K_ASK) this.#journal.atRisk(-1);
        moved = true;
        o.done?.();
        o = q.peek();
      }
    }
    return moved;
  }

  isDead(thread: number): boolean {
    return this.#dead.has(thread);
  }

  /** Thread `thread` died for good: what waits for it becomes dead letters, and so does every later record to it. */
  markDead(thread: number, cause: unknown): void {
    this.#dead.set(thread, cause);
    const q = this.#outboxes[thread];
    if (q === undefined) return;
    const lost = q.clear();
    this.#outboxed -= lost.length;
    for (const o of lost) {
      if (o.kind === K_TELL || o.kind === K_ASK) {
        this.#journal.atRisk(-1); // no longer held here: reported below instead
        const msg = this.#codec.decode(o.bytes, 0, o.bytes.length);
        this.deadLetter('worker-crashed', `#${idFrom(o.targetHi, o.targetLo)}`, msg, null, cause);
        if (o.kind === K_ASK && o.corr !== 0) {
          const err = new WorkerCrashedError(thread, cause);
          if (o.senderThread !== this.#thread) this.reply(o.senderThread, o.corr, err, true);
          else this.#asks.reject(o.corr, err);
        }
      }
      o.done?.();
    }
  }

  /**
   * Shutdown is over and the threads are gone: what still waits for ring room will never be sent. Messages become
   * dead letters with `reason`, and whoever waits on a record (a send) is released.
   */
  abandon(reason: DeadLetterReason): void {
    for (const o of this.takeAll()) {
      if (o.kind === K_TELL || o.kind === K_ASK) {
        let msg: unknown;
        try {
          msg = this.#codec.decode(o.bytes, 0, o.bytes.length);
        } catch (err) {
          msg = `(undecodable: ${(err as Error).message})`;
        }
        this.deadLetter(reason, `#${idFrom(o.targetHi, o.targetLo)}`, msg, null);
      }
      o.done?.();
    }
  }

  /** Everything still waiting for ring room, emptied (shutdown settles what waits on it). */
  takeAll(): Outgoing[] {
    const all: Outgoing[] = [];
    for (const q of this.#outboxes) all.push(...q.clear());
    this.#outboxed = 0;
    return all;
  }
}

/** A system message too large for a ring record, with its bulky part replaced by a note of its size. */
function shrink(m: SystemMessage, bytes: number): SystemMessage {
  const note = `(${bytes} bytes: too large to report in full)`;
  switch (m.type) {
    case 'dead-letter':
      return { ...m, message: note };
    case 'actor-failed':
      return { ...m, error: { name: m.error.name, message: `${m.error.message.slice(0, 1000)}… ${note}` } };
    case 'log':
      return { ...m, fields: { logFieldsDropped: note }, msg: m.msg.length > 1000 ? `${m.msg.slice(0, 1000)}…` : m.msg, args: [] };
    default:
      return m; // spawn args are checked against maxMessageBytes before they get here
  }
}
