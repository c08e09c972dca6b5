/**
 * Where the journal is written: what a worker records in its journal (transport/journal.ts) so that a replacement
 * finds it again, and the count of accepted messages it could not record. The main thread keeps no journal, and
 * then every operation here is a no-op.
 *
 * A journal slot, as carried with a mailbox entry: >= 0 a live journal record; NO_SLOT there is no journal;
 * UNJOURNALED the journal was full, so the message lives in memory only and is counted as at risk.
 */
import { NO_SLOT, UNJOURNALED } from '../dispatch/mailbox.js';
import type { SystemMessage } from '../protocol.js';
import type { Journal } from '../transport/journal.js';
import type { RecordHeader } from '../transport/transport.js';

export class Journaling {
  readonly journal: Journal | undefined;

  constructor(journal: Journal | undefined) {
    this.journal = journal;
  }

  get enabled(): boolean {
    return this.journal !== undefined;
  }

  /**
   * Journals a record with payload `bytes[start, end)`; `from`/`position` say which ring it was taken from and
   * where that ring resumes after it (-1 / 0 for records this thread made itself). Returns the slot.
   */
  append(h: RecordHeader, from: number, position: number, bytes: Uint8Array, start: number, end: number): number {
    const j = this.journal;
    if (j === undefined) return NO_SLOT;
    const slot = j.append(h, from, position, bytes, start, end);
    if (slot >= 0) return slot;
    j.addUnjournaled(1);
    return UNJOURNALED;
  }

  /**
   * The slot of a message passed by reference between actors of this thread (no bytes to journal): it lives in
   * memory only, so it is counted as at risk until it is released, as a message the full journal refused is.
   */
  local(): number {
    const j = this.journal;
    if (j === undefined) return NO_SLOT;
    j.addUnjournaled(1);
    return UNJOURNALED;
  }

  /** The ring from `from` resumes at `position` after a crash (everything before it was taken). */
  consumed(from: number, position: number): void {
    this.journal?.consumed(from, position);
  }

  /** The handler of the record in `slot` begins: if the worker dies now, it is the message reported lost. */
  start(slot: number): void {
    if (slot >= 0) this.journal!.start(slot);
  }

  /** The record in `slot` was stashed (the `seq`th stash of this thread): it stays live, and comes back first. */
  stash(slot: number, seq: number): void {
    if (slot >= 0) this.journal!.stash(slot, seq);
  }

  /** The record in `slot` is handled: its journal space may be reused (or its at-risk count dropped). */
  release(slot: number): void {
    if (slot >= 0) this.journal!.done(slot);
    else if (slot === UNJOURNALED) this.journal!.addUnjournaled(-1);
  }

  /** `delta` more (or fewer) accepted messages live in this thread's memory only (outboxes, unjournaled deliveries). */
  atRisk(delta: number): void {
    this.journal?.addUnjournaled(delta);
  }

  /** Room for one more record of `payloadBytes`; always true without a journal. */
  hasRoom(payloadBytes: number): boolean {
    return this.journal === undefined || this.journal.hasRoom(payloadBytes);
  }

  set nextLocal(n: number) {
    if (this.journal !== undefined) this.journal.nextLocal = n;
  }
  set lastCorr(corr: number) {
    if (this.journal !== undefined) this.journal.lastCorr = corr;
  }
  setSpawnSeen(origin: number, counter: number): void {
    this.journal?.setSpawnSeen(origin, counter);
  }
}

/** System messages a worker journals: those that decide which actors exist, when they stop, and who hears of it. */
export function isJournaled(m: SystemMessage): boolean {
  return m.type === 'spawn' || m.type === 'stop' || m.type === 'poison' || m.type === 'watch';
}

export { NO_SLOT, UNJOURNALED };
