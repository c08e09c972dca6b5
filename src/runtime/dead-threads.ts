/**
 * What a thread does when another thread died for good (the main thread gave up restarting it): asks waiting on
 * it fail with WorkerCrashedError, records for it become 'worker-crashed' dead letters instead of filling a ring
 * nobody reads, watchers of its actors get Terminated, and children of its actors stop (as they do when their
 * parent stops). On the main thread, `bury` also reports what the dead worker still held (its journal) and drains
 * the rings into it, from then on, into dead letters.
 *
 * Contract: one DeadThreads per Runtime, used only by its thread.
 */
import { K_ASK, K_TELL } from '../protocol.js';
import { CorruptMemoryError, WorkerCrashedError } from '../errors.js';
import type { Codec } from '../transport/codec.js';
import type { RecoveredJournal } from '../transport/journal.js';
import { RingReader } from '../transport/ring.js';
import { JS_STARTED } from '../transport/layout.js';
import type { ActorTable } from './actors.js';
import type { PendingAsks } from './asks.js';
import { idFrom } from './ids.js';
import type { Stopping } from './stopping.js';
import type { Outbound } from './outbound.js';
import type { DeathWatch } from './watch.js';

/** Records taken from one grave per pump. */
const DRAIN_BATCH = 1024;

interface Grave {
  reader: RingReader;
  /** The thread that writes the ring, and the dead one that read it. */
  from: number;
  thread: number;
  error: Error;
  reason: BuryReason;
}

/** Why a thread's records are read back for good: it was given up on, or the system shut down. */
export type BuryReason = 'worker-crashed' | 'system-shutdown';

export class DeadThreads {
  readonly #codec: Codec;
  readonly #actors: ActorTable;
  readonly #asks: PendingAsks;
  readonly #out: Outbound;
  readonly #watch: DeathWatch;
  readonly #stopping: Stopping;
  readonly #graves: Grave[] = [];

  constructor(codec: Codec, parts: { actors: ActorTable; asks: PendingAsks; out: Outbound; watch: DeathWatch; stopping: Stopping }) {
    this.#codec = codec;
    this.#actors = parts.actors;
    this.#asks = parts.asks;
    this.#out = parts.out;
    this.#watch = parts.watch;
    this.#stopping = parts.stopping;
  }

  /** Thread `thread` died for good, of `cause`. */
  markDead(thread: number, cause: unknown): void {
    this.#out.markDead(thread, cause);
    this.#asks.rejectThread(thread, () => new WorkerCrashedError(thread, cause));
    // Its actors are gone for good: watchers here get Terminated, and children here stop rather than wait for a
    // supervisor that will never answer.
    this.#watch.onThreadDead(thread, this.#actors.values());
    for (const cell of [...this.#actors.values()]) if (cell.parent?.thread === thread) this.#stopping.stop(cell);
  }

  /**
   * Main thread, after giving up on worker `thread`: what it still held (its journal) becomes dead letters, and so
   * does whatever the other threads wrote into its rings before they heard of its death (drained from now on).
   * Asks among them are answered with `error`. `names` are its actors' names, for the reports.
   */
  bury(
    thread: number,
    rec: RecoveredJournal,
    rings: { from: number; sab: SharedArrayBuffer }[],
    names: Map<number, string>,
    error: Error,
    reason: BuryReason = 'worker-crashed',
  ): void {
    for (const [id, name] of names) this.#actors.bury(id, name);
    for (const r of rec.records) {
      if (r.kind !== K_TELL && r.kind !== K_ASK) continue;
      const msg = this.#codec.decode(r.payload, 0, r.payload.length);
      this.#report(thread, r.kind, idFrom(r.targetHi, r.targetLo), msg, idFrom(r.senderHi, r.senderLo), r.senderThread, r.corr, error, reason, r.state === JS_STARTED);
    }
    for (const { from, sab } of rings) {
      const reader = new RingReader(sab);
      reader.skipTo(rec.consumed[from] ?? 0);
      this.#graves.push({ reader, from, thread, error, reason });
    }
  }

  /** Drains the rings into buried workers. True if anything was there. */
  drainGraves(): boolean {
    let worked = false;
    for (const g of [...this.#graves]) {
      try {
        if (this.#drainGrave(g)) worked = true;
      } catch (err) {
        if (!(err instanceof CorruptMemoryError)) throw err;
        // Nothing after a corrupt record can be trusted: the ring is read no further, and its loss is reported
        // (one dead letter for the ring, carrying the error) instead of failing this thread.
        this.#graves.splice(this.#graves.indexOf(g), 1);
        this.#out.deadLetter(g.reason, `(ring ${g.from} -> ${g.thread})`, `(unreadable: ${err.message})`, null, err);
        worked = true;
      }
    }
    return worked;
  }

  #drainGrave(g: Grave): boolean {
    const reader = g.reader;
    let n = 0;
    while (n < DRAIN_BATCH && reader.next()) {
      const r = reader.record;
      n++;
      if (r.kind !== K_TELL && r.kind !== K_ASK) continue;
      const msg = this.#codec.decodeShared(reader.bytes, r.payloadStart, r.payloadLength);
      this.#report(g.thread, r.kind, idFrom(r.targetHi, r.targetLo), msg, idFrom(r.senderHi, r.senderLo), r.senderThread, r.corr, g.error, g.reason);
    }
    if (n > 0) reader.release();
    return n > 0;
  }

  get hasGraves(): boolean {
    return this.#graves.length > 0;
  }

  #report(
    thread: number,
    kind: number,
    id: number,
    msg: unknown,
    senderId: number,
    senderThread: number,
    corr: number,
    error: Error,
    reason: BuryReason,
    interrupted = false,
  ): void {
    const target = this.#actors.tombstone(id) ?? `#${id}`;
    this.#out.deadLetter(reason, target, msg, senderId === 0 ? null : this.#actors.nameOf(senderId, senderThread), error, interrupted);
    // At shutdown every ask was already rejected, and the other threads are gone too: nobody to answer.
    if (reason === 'worker-crashed' && kind === K_ASK && corr !== 0 && senderThread !== thread) this.#out.reply(senderThread, corr, error, true);
  }
}
