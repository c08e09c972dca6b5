/**
 * Waking a parked consumer thread ("wake by counter", as piscina does for its tasks).
 *
 * Protocol (every access sequentially consistent):
 * - consumer: `v = beginPark()` (reads the doorbell, then sets parked = 1), re-checks its rings; if they are
 *   empty it waits on the doorbell while it still equals `v` (with a timeout), then `endPark()` clears parked.
 * - producer: publishes its record (the ring's tail store), then `wake(to)`: if parked is 1, bump the doorbell and
 *   notify.
 * If the producer read parked = 0, its tail store came before the consumer's parked store, so the consumer's
 * re-check sees the record. If it read 1, the doorbell moves and the consumer's wait returns at once.
 * Only the parked thread clears `parked`: a producer clearing it could wipe a newer park and lose a wake-up.
 * A producer may only move it from 1 to 2 ("rung"), with a compare-and-swap, and rings exactly when that swap
 * succeeds: one ring per park. Without it, every record published while the consumer was still waking rang
 * again (a stream of tells to a waking worker measured 100k-270k notifies/s, ~1 µs each on the sender). A swap
 * that lands on a newer park (the flag went 1, 0, 1 meanwhile) rings that park, which is what it needs.
 */
import { CTL_ACTORS, CTL_DOORBELL, CTL_PARKED } from './layout.js';

/** Producer side: wake the thread owning `control` if it is parked and nobody rang yet. Says whether it was parked. */
export function wake(control: Int32Array): boolean {
  const parked = Atomics.load(control, CTL_PARKED);
  if (parked === 0) return false;
  if (parked === 1 && Atomics.compareExchange(control, CTL_PARKED, 1, 2) === 1) {
    Atomics.add(control, CTL_DOORBELL, 1);
    Atomics.notify(control, CTL_DOORBELL);
  }
  return true;
}

/** Whether the thread owning `control` is parked (rung or not). */
export function isParked(control: Int32Array): boolean {
  return Atomics.load(control, CTL_PARKED) !== 0;
}

/** Consumer side of one thread's control block. */
export class Parker {
  readonly control: Int32Array;
  constructor(control: Int32Array) {
    this.control = control;
  }

  beginPark(): number {
    const v = Atomics.load(this.control, CTL_DOORBELL);
    Atomics.store(this.control, CTL_PARKED, 1);
    return v;
  }

  endPark(): void {
    Atomics.store(this.control, CTL_PARKED, 0);
  }

  /**
   * Waits without blocking the event loop. Resolves on a wake-up (or after `timeoutMs`, when given); undefined when
   * the doorbell already moved. The caller ends the park (`endPark`): it may have left the park before the wait settles. A
   * pending waitAsync does not keep a process alive on Node 20, so callers keep something else referenced while
   * they need the wake-up.
   */
  parkAsync(seen: number, timeoutMs?: number): Promise<unknown> | undefined {
    const r = Atomics.waitAsync(this.control, CTL_DOORBELL, seen, timeoutMs);
    return r.async ? r.value : undefined;
  }
}

/** The number of actors a thread hosts, kept in its control block for least-loaded placement. */
export function actorCount(control: Int32Array): number {
  return Atomics.load(control, CTL_ACTORS);
}
export function addActorCount(control: Int32Array, delta: number): void {
  Atomics.add(control, CTL_ACTORS, delta);
}
