/**
 * Credits of bounded mailboxes (a definition's `mailbox: { kind: 'bounded', capacity, overflow }`), in the credit
 * table of shared memory (transport/layout.ts, "Credit table"), seen alike by a sender on any thread:
 *
 * - a sender takes a credit before it writes the record (`take`): at most `capacity` messages are queued for the
 *   actor, counting those still in rings; with none left, a `tell` meets the actor's overflow policy and a `send`
 *   or an `ask` waits here, on its own thread (`wait`), in order, blocking no thread;
 * - the hosting thread gives the credit back when the message leaves the mailbox (`giveBack`), and rings every
 *   thread's doorbell when a sender waits (a waiting thread may be parked);
 * - `hold` takes a credit whatever the count: 'drop-head' (the host drops the oldest instead), and the messages the
 *   host itself puts in the mailbox (a Terminated, a message recovered after a crash that had given its credit back).
 *
 * Contract: one Credits per Runtime, used only by its thread; the table itself is shared (Atomics throughout).
 */
import { Queue } from '../dispatch/queue.js';
import { InvalidOperationError } from '../errors.js';
import { CREDIT_SLOTS, CR_NEXT, crAtRisk, crCapacity, crHeld, crOverflow, crWaiters } from '../transport/layout.js';
import { wake } from '../transport/wait.js';

export type BoundedOverflow = 'backpressure' | 'drop-new' | 'drop-head' | 'fail';
export const BOUNDED_OVERFLOWS: readonly BoundedOverflow[] = ['backpressure', 'drop-new', 'drop-head', 'fail'];
export const OV_BACKPRESSURE = 0;
export const OV_DROP_NEW = 1;
export const OV_DROP_HEAD = 2;
export const OV_FAIL = 3;

/** A `send`, `ask`, reply or forward waiting on this thread for a credit of one bounded actor. */
export interface CreditWait {
  /** The thread hosting the target: a wait for a thread that died for good goes on without a credit (a dead letter). */
  readonly thread: number;
  /** Writes the message (the credit is taken). */
  go(): void;
  /** The system shut down first: a dead letter, and whoever waits is released. */
  abandon(): void;
}

export interface CreditsHost {
  /** Whether `thread` died for good (a message for it is a dead letter at once). */
  isDead(thread: number): boolean;
  /** `delta` more (or fewer) messages live in this thread's memory only (lost with a crash of this worker: counted). */
  atRisk(delta: number): void;
}

export class Credits {
  readonly table: Int32Array;
  readonly #controls: readonly Int32Array[];
  readonly #self: number;
  readonly #host: CreditsHost;
  /** Slots this thread freed (an actor it hosted stopped), reused by its next bounded spawns. */
  readonly #free: number[] = [];
  /** Sends waiting for a credit, by slot, each slot's in call order. */
  readonly #waits = new Map<number, Queue<CreditWait>>();
  #waiting = 0;

  constructor(table: Int32Array, controls: readonly Int32Array[], self: number, host: CreditsHost) {
    this.table = table;
    this.#controls = controls;
    this.#self = self;
    this.#host = host;
  }

  /** Sends waiting on this thread for a credit. */
  get waiting(): number {
    return this.#waiting;
  }

  // ---- the spawning thread

  /** A slot for a new bounded actor, with its capacity and overflow written before any ref to it exists. */
  allocate(capacity: number, overflow: number, name: string): number {
    const t = this.table;
    let slot = this.#free.pop();
    if (slot === undefined) {
      slot = Atomics.add(t, CR_NEXT, 1);
      if (slot >= CREDIT_SLOTS) {
        Atomics.sub(t, CR_NEXT, 1);
        throw new InvalidOperationError(
          `spawn of '${name}': ${CREDIT_SLOTS - 1} actors with a bounded mailbox are alive already (the most one system holds); stop some, or give this definition an unbounded mailbox`,
        );
      }
    }
    Atomics.store(t, crCapacity(slot), capacity);
    Atomics.store(t, crOverflow(slot), overflow);
    return slot;
  }

  /** The actor of `slot` stopped on this thread: its slot may serve a later spawn (its late messages still give credits back). */
  free(slot: number): void {
    this.#free.push(slot);
  }

  // ---- senders

  overflow(slot: number): number {
    return Atomics.load(this.table, crOverflow(slot));
  }
  capacity(slot: number): number {
    return Atomics.load(this.table, crCapacity(slot));
  }

  /** Takes a credit if one is left and no earlier send of this thread waits for one (order per sender holds). */
  take(slot: number): boolean {
    if (this.#waiting !== 0 && this.#waits.has(slot)) return false;
    const t = this.table;
    if (Atomics.add(t, crHeld(slot), 1) < Atomics.load(t, crCapacity(slot))) return true;
    this.#undo(slot);
    return false;
  }

  /**
   * Takes back a credit this thread took beyond the capacity. It leaves the waiters flag as it is (a waiter raised it
   * for the host's next give-back, which must still ring), but rings the waiting threads all the same: a give-back
   * that came while this credit was out may have found no credit for them.
   */
  #undo(slot: number): void {
    const t = this.table;
    Atomics.sub(t, crHeld(slot), 1);
    if (Atomics.load(t, crWaiters(slot)) !== 0) this.#ringOthers();
  }

  #ringOthers(): void {
    const controls = this.#controls;
    for (let i = 0; i < controls.length; i++) if (i !== this.#self) wake(controls[i]!);
  }

  /** Takes a credit whatever the count (see the header). */
  hold(slot: number): void {
    Atomics.add(this.table, crHeld(slot), 1);
  }

  /** Queues `w` until a credit of `slot` is free; it runs in call order, after every earlier wait for `slot`. */
  wait(slot: number, w: CreditWait): void {
    let q = this.#waits.get(slot);
    if (q === undefined) this.#waits.set(slot, (q = new Queue()));
    q.push(w);
    this.#waiting++;
    this.#host.atRisk(1); // held in this thread's memory only until it goes: lost if this worker dies (counted)
    // Raised before the next look at the count, so a credit given back meanwhile rings this thread.
    Atomics.store(this.table, crWaiters(slot), 1);
    this.retry();
  }

  /** Lets waiting sends go as credits came back, in order per slot. True if any went. */
  retry(): boolean {
    if (this.#waiting === 0) return false;
    const t = this.table;
    let went = false;
    for (const [slot, q] of this.#waits) {
      for (let w = q.peek(); w !== undefined; w = q.peek()) {
        const dead = this.#host.isDead(w.thread);
        if (!dead) {
          if (Atomics.add(t, crHeld(slot), 1) >= Atomics.load(t, crCapacity(slot))) {
            Atomics.store(t, crWaiters(slot), 1);
            this.#undo(slot);
            // A credit given back between the failed take and the flag would have rung nobody: look once more.
            if (Atomics.add(t, crHeld(slot), 1) >= Atomics.load(t, crCapacity(slot))) {
              this.#undo(slot);
              break;
            }
          }
        }
        q.shift();
        this.#waiting--;
        this.#host.atRisk(-1);
        went = true;
        w.go(); // a dead thread's message goes without a credit: the post reports it undeliverable
      }
      if (q.size === 0) this.#waits.delete(slot);
    }
    return went;
  }

  /** Shutdown is over: every waiting send is abandoned (a dead letter each; whoever waits is released). */
  abandon(): void {
    const all = [...this.#waits.values()];
    this.#waits.clear();
    for (const q of all) {
      for (const w of q.clear()) {
        this.#waiting--;
        this.#host.atRisk(-1);
        w.abandon();
      }
    }
  }

  // ---- the hosting thread

  /** A message of `slot` left the queue (handled, dropped or dead-lettered): its credit is free again. */
  giveBack(slot: number): void {
    const t = this.table;
    Atomics.sub(t, crHeld(slot), 1);
    if (Atomics.load(t, crWaiters(slot)) === 0) return;
    Atomics.store(t, crWaiters(slot), 0);
    this.#ringOthers();
  }

  /** Credits taken now (messages in rings and in the mailbox). */
  held(slot: number): number {
    return Atomics.load(this.table, crHeld(slot));
  }

  /** `delta` more (or fewer) credited messages of `slot` live only in this worker's memory (see the table's header). */
  addAtRisk(slot: number, delta: number): void {
    Atomics.add(this.table, crAtRisk(slot), delta);
  }

  /** A replacement worker, recovering the actor of `slot`: the credits of what died in its predecessor's memory come back. */
  reclaimAtRisk(slot: number): number {
    const lost = Atomics.exchange(this.table, crAtRisk(slot), 0);
    if (lost > 0) for (let i = 0; i < lost; i++) this.giveBack(slot);
    return lost;
  }
}
