/**
 * The routee table's operations (layout.ts, "Routee table"): a sender counts a message it routed, the routee's
 * host thread counts one handled; the main thread tags slots and bumps versions, which any thread reads. Knows
 * nothing of actors or routers: a slot is an index.
 *
 * Contract: `addPending` from any thread, for a slot whose routee the caller routes to; `handledOne` only from the
 * thread hosting the slot's routee; `setWord`/`setTag` only from the main thread; reads from any.
 */
import { depthWord, tagWord } from './layout.js';

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

/** Sets a slot's first word: a routee's pending count (0 when handed out). */
export function setWord(table: Int32Array, slot: number, value: number): void {
  Atomics.store(table, depthWord(slot), value);
}

export function tagOf(table: Int32Array, slot: number): number {
  return Atomics.load(table, tagWord(slot));
}

export function setTag(table: Int32Array, slot: number, value: number): void {
  Atomics.store(table, tagWord(slot), value);
}

