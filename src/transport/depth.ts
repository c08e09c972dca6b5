/**
 * The routee depth table's two operations (layout.ts, "Routee depth table"): a sender counts a message it routed,
 * the routee's host thread counts one handled. Knows nothing of actors or routers: a slot is an index.
 *
 * Contract: `addPending` from any thread, for a slot whose routee the caller routes to; `handledOne` only from the
 * thread hosting the slot's routee; `pendingOf` from any thread.
 */
import { depthWord } from './layout.js';

export function addPending(table: Int32Array, slot: number): void {
  Atomics.add(table, depthWord(slot), 1);
}

/** One handler settled: one less pending, never below 0 (a message that did not come through a router counts 0). */
export function handledOne(table: Int32Array, slot: number): void {
  const i = depthWord(slot);
  let v = Atomics.load(table, i);
  while (v > 0) {
    const seen = Atomics.compareExchange(table, i, v, v - 1);
    if (seen === v) return;
    v = seen;
  }
}

export function pendingOf(table: Int32Array, slot: number): number {
  return Atomics.load(table, depthWord(slot));
}

/** A slot handed to a new routee starts at 0 (the main thread, when it hands the slot out). */
export function resetPending(table: Int32Array, slot: number): void {
  Atomics.store(table, depthWord(slot), 0);
}
