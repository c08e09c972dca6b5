/**
 * An actor's queue of user messages on its hosting thread: a growable circular buffer kept as parallel arrays, so
 * enqueueing a message allocates nothing (an entry object per message would). Single-threaded: only the hosting
 * thread touches it.
 *
 * A new mailbox has no arrays of its own (capacity 0, the shared empty ones below): an actor that is never sent a
 * message costs only this object, not the ~1.4 KB of six 16-entry arrays (issue 11; docs/architecture.md, "Memory
 * per actor"). The first push allocates them, through the `size === capacity` check every push makes anyway.
 *
 * A ranked mailbox (the definition's `mailbox` option is 'priority' or 'control-aware': mailbox-kind.ts) keeps its
 * entries sorted by rank, lower first, and stable: an entry goes behind every queued entry of the same or a lower
 * rank (an insertion from the tail, so a message of the lowest rank queued so far costs no move; Akka's
 * UnboundedStablePriorityMailbox). Its ranks are one more parallel array, made only for ranked mailboxes.
 */

/** What a queued entry is. */
export const ENTRY_TELL = 0;
export const ENTRY_ASK = 1;
/** A graceful stop (PoisonPill): processed in order, after the messages queued before it. */
export const ENTRY_POISON = 2;
/** Kinds from here on are made by the actor's own thread and never reported as dead letters when it stops. */
export const ENTRY_INTERNAL = 3;
/** A tick of one of the actor's timers (the message is the timer's entry, checked when dequeued). */
export const ENTRY_TIMER = 3;
/** The actor's receive timeout (the message is when it was queued, checked when dequeued). */
export const ENTRY_RECEIVE_TIMEOUT = 4;

/** The entry has no journal record: its thread keeps no journal (the main thread). */
export const NO_SLOT = -1;
/** The entry has no journal record although its thread keeps one (the journal was full): counted as at risk. */
export const UNJOURNALED = -2;

/** The capacity the first push allocates; doubled whenever it is full. */
const FIRST_CAPACITY = 16;
// Shared by every mailbox that was never pushed to: length 0, so nothing is ever written into them.
const NO_MSGS: unknown[] = [];
const NO_INT32 = new Int32Array(0);
const NO_FLOAT64 = new Float64Array(0);

/** The rank of an entry of a ranked mailbox (mailbox-kind.ts); lower is handled first. */
export type Rank = (kind: number, msg: unknown) => number;
/** The rank of an entry put before the head (unstashed): ahead of everything queued, whatever comes later. */
const FIRST = Number.NEGATIVE_INFINITY;

export class Mailbox {
  #cap = 0;
  #mask = 0;
  #head = 0;
  #size = 0;
  #msgs: unknown[] = NO_MSGS;
  #kinds = NO_INT32;
  #corr = NO_INT32;
  #senderThread = NO_INT32;
  #senderId = NO_FLOAT64;
  #slot = NO_INT32;
  readonly #rank: Rank | undefined;
  #ranks = NO_FLOAT64;

  /** `rank`: keep the entries sorted by it (a priority or control-aware mailbox); none: first in, first out. */
  constructor(rank?: Rank) {
    this.#rank = rank;
  }
  /**
   * When each entry was queued (`performance.now()`), for the mailbox-wait histogram; 0 for an entry not timed.
   * Allocated on the first timed entry: with `metrics.timing: 'off'` it never is.
   */
  #at = NO_FLOAT64;

  // The entry being handled, taken from the head (its actor handles one message at a time): kept here rather
  // than on the actor's cell, so that an actor never sent a message has no room for it (runtime/cell.ts).
  curKind = 0;
  curCorr = 0;
  curSenderThread = 0;
  curSenderId = 0;
  /** The message being handled (a timer tick's is its timer's message). */
  curMsg: unknown = undefined;
  /** Its journal slot. */
  curSlot = -1;

  get size(): number {
    return this.#size;
  }

  /**
   * `slot` is the entry's journal slot (see transport/journal.ts), or a negative NO_SLOT / UNJOURNALED; `at`, when
   * it was queued, for an entry whose wait is timed (0: not timed).
   */
  push(kind: number, msg: unknown, senderId: number, senderThread: number, corr: number, slot: number, at = 0): void {
    if (this.#size === this.#cap) this.#grow();
    if (this.#rank !== undefined) return this.#insert(this.#rank(kind, msg), kind, msg, senderId, senderThread, corr, slot, at);
    this.#put((this.#head + this.#size) & this.#mask, kind, msg, senderId, senderThread, corr, slot, at);
  }

  /** Ranked push: moves each queued entry of a higher rank one place back, from the tail, and puts this one before them. */
  #insert(rank: number, kind: number, msg: unknown, senderId: number, senderThread: number, corr: number, slot: number, at: number): void {
    const mask = this.#mask;
    const ranks = this.#ranks;
    let i = (this.#head + this.#size) & mask;
    for (let k = this.#size; k > 0; k--) {
      const prev = (i - 1) & mask;
      if (ranks[prev]! <= rank) break;
      this.#move(prev, i);
      i = prev;
    }
    ranks[i] = rank;
    this.#put(i, kind, msg, senderId, senderThread, corr, slot, at);
  }

  #move(from: number, to: number): void {
    this.#msgs[to] = this.#msgs[from];
    this.#kinds[to] = this.#kinds[from]!;
    this.#corr[to] = this.#corr[from]!;
    this.#senderThread[to] = this.#senderThread[from]!;
    this.#senderId[to] = this.#senderId[from]!;
    this.#slot[to] = this.#slot[from]!;
    this.#ranks[to] = this.#ranks[from]!;
    if (this.#at.length !== 0) this.#at[to] = this.#at[from]!;
  }

  // Fields of the head entry: read them, then shift().
  get headKind(): number {
    return this.#kinds[this.#head]!;
  }
  get headMsg(): unknown {
    return this.#msgs[this.#head];
  }
  get headCorr(): number {
    return this.#corr[this.#head]!;
  }
  get headSenderThread(): number {
    return this.#senderThread[this.#head]!;
  }
  get headSenderId(): number {
    return this.#senderId[this.#head]!;
  }
  get headSlot(): number {
    return this.#slot[this.#head]!;
  }
  /** When the head entry was queued, if its wait is timed; else 0. */
  get headAt(): number {
    const at = this.#at;
    return at.length === 0 ? 0 : at[this.#head]!;
  }

  /** Puts an entry before the head: an unstashed message goes first (Akka's prepend). */
  unshift(kind: number, msg: unknown, senderId: number, senderThread: number, corr: number, slot: number): void {
    if (this.#size === this.#cap) this.#grow();
    this.#head = (this.#head - 1) & this.#mask;
    if (this.#rank !== undefined) this.#ranks[this.#head] = FIRST;
    this.#put(this.#head, kind, msg, senderId, senderThread, corr, slot, 0);
  }

  #put(i: number, kind: number, msg: unknown, senderId: number, senderThread: number, corr: number, slot: number, at: number): void {
    // A stale stamp in a reused position must be overwritten, so once the array exists every entry writes it.
    if (at !== 0 || this.#at.length !== 0) {
      if (this.#at.length === 0) this.#at = new Float64Array(this.#cap);
      this.#at[i] = at;
    }
    this.#msgs[i] = msg;
    this.#kinds[i] = kind;
    this.#corr[i] = corr;
    this.#senderThread[i] = senderThread;
    this.#senderId[i] = senderId;
    this.#slot[i] = slot;
    this.#size++;
  }

  shift(): void {
    this.#msgs[this.#head] = undefined; // let the message be collected
    this.#head = (this.#head + 1) & this.#mask;
    this.#size--;
  }

  #grow(): void {
    const cap = this.#cap === 0 ? FIRST_CAPACITY : this.#cap * 2;
    const msgs: unknown[] = new Array(cap);
    const kinds = new Int32Array(cap);
    const corr = new Int32Array(cap);
    const st = new Int32Array(cap);
    const sid = new Float64Array(cap);
    const slot = new Int32Array(cap);
    const ranks = this.#rank === undefined ? NO_FLOAT64 : new Float64Array(cap);
    const timed = this.#at.length !== 0;
    const at = timed ? new Float64Array(cap) : NO_FLOAT64;
    for (let k = 0; k < this.#size; k++) {
      const i = (this.#head + k) & this.#mask;
      msgs[k] = this.#msgs[i];
      kinds[k] = this.#kinds[i]!;
      corr[k] = this.#corr[i]!;
      st[k] = this.#senderThread[i]!;
      sid[k] = this.#senderId[i]!;
      slot[k] = this.#slot[i]!;
      if (this.#rank !== undefined) ranks[k] = this.#ranks[i]!;
      if (timed) at[k] = this.#at[i]!;
    }
    this.#ranks = ranks;
    this.#at = at;
    this.#msgs = msgs;
    this.#kinds = kinds;
    this.#corr = corr;
    this.#senderThread = st;
    this.#senderId = sid;
    this.#slot = slot;
    this.#cap = cap;
    this.#mask = cap - 1;
    this.#head = 0;
  }
}
