/**
 * Actor ids: (the thread that spawned the actor) × 2^32 + (that thread's spawn counter), exact in a double. Ring
 * records carry an id as two Int32 halves; these are the only conversions between the two forms.
 *
 * An actor with a bounded mailbox also carries its credit-table slot (transport/layout.ts, "Credit table") in the
 * high half, above the origin thread: hi = origin + slot × 2^ORIGIN_BITS. Every place that holds an id (a ref, a
 * record's target or sender, a journal record) thereby finds the actor's credits without a message, and an
 * unbounded actor's id is below BOUNDED_ID_MIN: one comparison tells them apart on the hot path.
 */
const TWO_32 = 4294967296;
/** Bits of the high half that hold the origin thread (J_MAX_THREADS, 65, fits in 7). */
const ORIGIN_BITS = 7;
const ORIGIN_MASK = (1 << ORIGIN_BITS) - 1;
/** The least id of an actor with a bounded mailbox (slot 1, origin 0); every unbounded id is below it. */
export const BOUNDED_ID_MIN = 2 ** (32 + ORIGIN_BITS);

export function makeId(originThread: number, counter: number, creditSlot = 0): number {
  return (originThread + creditSlot * (ORIGIN_MASK + 1)) * TWO_32 + counter;
}
export function idHi(id: number): number {
  return Math.floor(id / TWO_32) | 0;
}
export function idLo(id: number): number {
  return id % TWO_32 | 0;
}
export function idFrom(hi: number, lo: number): number {
  return hi * TWO_32 + (lo >>> 0);
}
/** The thread that spawned `id` (not always the one hosting it). */
export function originOf(id: number): number {
  return Math.floor(id / TWO_32) & ORIGIN_MASK;
}
/** The spawn counter of `id` on its origin thread. */
export function counterOf(id: number): number {
  return id % TWO_32;
}
/** The credit-table slot of an actor with a bounded mailbox; 0 for every other actor. */
export function creditSlotOf(id: number): number {
  return id < BOUNDED_ID_MIN ? 0 : Math.floor(id / TWO_32) >>> ORIGIN_BITS;
}

/**
 * The origin of the ids the main thread gives to actors of other nodes (src/cluster/remoting.ts): no thread has it
 * (J_MAX_THREADS is 65), so a proxy id never names a local actor, and it stays below BOUNDED_ID_MIN (a proxy takes
 * no credits here; the remote node's own mailbox applies there). A ref with such an id is hosted, for this node, by
 * the main thread, which publishes what it gets to the actor's node.
 */
export const REMOTE_ORIGIN = ORIGIN_MASK;
/** Whether `id` is a proxy for an actor on another node. */
export function isRemoteId(id: number): boolean {
  return id < BOUNDED_ID_MIN && Math.floor(id / TWO_32) === REMOTE_ORIGIN;
}
