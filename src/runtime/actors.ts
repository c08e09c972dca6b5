/**
 * The actors of one thread: live cells by id, the names of stopped ones (tombstones, for dead-letter reports),
 * the names of actors elsewhere that sent here, and what is known of spawns made by other threads (so that a
 * message that overtook its actor's spawn request is held, not refused).
 *
 * Contract: one table per Runtime, used only by its thread.
 */
import type { Cell } from './cell.js';
import { counterOf, originOf } from './ids.js';

/** Remembered names of stopped actors, for dead-letter reports. */
const TOMBSTONES = 4096;
/** Remembered names of senders on other threads. */
const NAMES = 65536;

/** A message held for an actor whose spawn request has not arrived yet, in the order it came. */
export interface EarlyMessage {
  entry: number;
  msg: unknown;
  senderId: number;
  senderThread: number;
  corr: number;
  slot: number;
}

export class ActorTable {
  readonly #thread: number;
  readonly #cells = new Map<number, Cell>();
  readonly #tombstones = new Map<number, string>();
  readonly #names = new Map<number, string>();
  /** Highest spawn counter seen per origin thread, to tell "not spawned yet" from "gone". */
  readonly #spawnSeen: number[] = [];
  readonly #early = new Map<number, EarlyMessage[]>();
  /** When the first message held for each id arrived (performance.now()). */
  readonly #earlySince = new Map<number, number>();

  constructor(thread: number, threads: number) {
    this.#thread = thread;
    for (let t = 0; t < threads; t++) this.#spawnSeen.push(-1);
  }

  get size(): number {
    return this.#cells.size;
  }
  get(id: number): Cell | undefined {
    return this.#cells.get(id);
  }
  values(): IterableIterator<Cell> {
    return this.#cells.values();
  }
  add(cell: Cell): void {
    this.#cells.set(cell.id, cell);
  }
  /** The actor stopped: its name is kept a while for reports about messages still on their way to it. */
  remove(cell: Cell): void {
    this.#cells.delete(cell.id);
    this.bury(cell.id, cell.ref.name);
  }
  bury(id: number, name: string): void {
    this.#tombstones.set(id, name);
    if (this.#tombstones.size > TOMBSTONES) this.#tombstones.delete(this.#tombstones.keys().next().value!);
  }
  tombstone(id: number): string | undefined {
    return this.#tombstones.get(id);
  }

  /** An actor on another thread announced its name before its first message here. */
  rememberName(id: number, name: string): void {
    this.#names.set(id, name);
    if (this.#names.size > NAMES) this.#names.delete(this.#names.keys().next().value!);
  }

  /** The best name this thread knows for actor `id` on `thread`. */
  nameOf(id: number, thread: number): string {
    return this.#cells.get(id)?.ref.name ?? this.#names.get(id) ?? this.#tombstones.get(id) ?? `#${id}@${thread}`;
  }

  /** A spawn request for `id` arrived (or was recovered); returns whether it raised the counter seen. */
  noteSpawn(id: number): boolean {
    const origin = originOf(id);
    const counter = counterOf(id);
    if (origin >= this.#spawnSeen.length || counter <= this.#spawnSeen[origin]!) return false;
    this.#spawnSeen[origin] = counter;
    return true;
  }
  /** Raises the counter seen from `origin` to at least `counter` (recovery). */
  raiseSpawnSeen(origin: number, counter: number): boolean {
    if (origin >= this.#spawnSeen.length || counter <= this.#spawnSeen[origin]!) return false;
    this.#spawnSeen[origin] = counter;
    return true;
  }

  /**
   * An id spawned by another thread whose spawn request has not reached this thread yet. With `fromThread`, the
   * thread a message for it came from: a message from the id's own origin thread travels behind the spawn request
   * (same ring, same outbox, in order), so if the spawn has not arrived, it never will: the id is forged or stale.
   */
  notSpawnedYet(id: number, fromThread = -1): boolean {
    const origin = originOf(id);
    return origin !== this.#thread && origin !== fromThread && origin < this.#spawnSeen.length && counterOf(id) > this.#spawnSeen[origin]!;
  }

  holdEarly(id: number, m: EarlyMessage, now = 0): void {
    let list = this.#early.get(id);
    if (list === undefined) {
      this.#early.set(id, (list = []));
      this.#earlySince.set(id, now);
    }
    list.push(m);
  }
  /** Whether messages are held for actors whose spawn has not arrived. */
  get holdingEarly(): boolean {
    return this.#early.size > 0;
  }
  /** The ids whose messages have been held since before `before` (their spawn request is not coming). */
  heldSince(before: number): number[] {
    const out: number[] = [];
    for (const [id, since] of this.#earlySince) if (since < before) out.push(id);
    return out;
  }
  /** The messages held for `id`, in order, and forgets them. */
  takeEarly(id: number): EarlyMessage[] | undefined {
    const list = this.#early.get(id);
    if (list !== undefined) {
      this.#early.delete(id);
      this.#earlySince.delete(id);
    }
    return list;
  }
}
