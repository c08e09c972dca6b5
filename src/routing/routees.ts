/**
 * The routees of one router and what routing derives from them: the hash ring (rebuilt only when the list changes)
 * and each routee's slot in the routee table (its pending count and tag).
 *
 * Contract: a pool's list lives on the main thread, where its head runs; the head removes a routee when its
 * Terminated arrives, and every RouterRef of that pool on the main thread routes over the same object, so the
 * change applies to the next message. Until then a message routed to the stopped routee is an 'actor-stopped'
 * dead letter (the engine's, for any message to a stopped actor): never lost silently.
 */
import type { ActorRef } from '../ref.js';
import { HashRing } from './hash-ring.js';

export class Routees {
  #refs: ActorRef[];
  #slots: number[];
  /** Bumped on every change; the hash ring is rebuilt when it moved. */
  version = 0;
  #ring: HashRing | undefined;
  #ringVersion = -1;

  constructor(refs: readonly ActorRef[], slots: readonly number[] = []) {
    this.#refs = [...refs];
    this.#slots = refs.map((_, i) => slots[i] ?? -1);
  }

  get size(): number {
    return this.#refs.length;
  }
  get refs(): readonly ActorRef[] {
    return this.#refs;
  }
  at(i: number): ActorRef {
    return this.#refs[i]!;
  }
  slotAt(i: number): number {
    return this.#slots[i]!;
  }

  /** A copy that later changes to this list do not touch. */
  snapshot(): Routees {
    return new Routees(this.#refs, this.#slots);
  }

  add(ref: ActorRef, slot = -1): void {
    this.#refs.push(ref);
    this.#slots.push(slot);
    this.version++;
  }

  /** Removes `ref` (by id); returns its depth slot (-1 when it had none, or was not there: `removed` false). */
  remove(ref: ActorRef): { removed: boolean; slot: number } {
    const i = this.#refs.findIndex((r) => r.id === ref.id);
    if (i < 0) return { removed: false, slot: -1 };
    const slot = this.#slots[i]!;
    this.#refs.splice(i, 1);
    this.#slots.splice(i, 1);
    this.version++;
    return { removed: true, slot };
  }

  /** Removes every routee (the pool stopped); returns their slots. */
  clear(): number[] {
    const slots = this.#slots.filter((s) => s >= 0);
    this.#refs = [];
    this.#slots = [];
    this.version++;
    return slots;
  }

  ring(virtualNodesFactor: number): HashRing {
    if (this.#ring === undefined || this.#ringVersion !== this.version) {
      this.#ring = new HashRing(
        this.#refs.map((r) => r.name),
        virtualNodesFactor,
      );
      this.#ringVersion = this.version;
    }
    return this.#ring;
  }
}
