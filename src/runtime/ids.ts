/**
 * Actor ids: (the thread that spawned the actor) × 2^32 + (that thread's spawn counter), exact in a double. Ring
 * records carry an id as two Int32 halves; these are the only conversions between the two forms.
 */
const TWO_32 = 4294967296;

export function makeId(originThread: number, counter: number): number {
  return originThread * TWO_32 + counter;
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
  return Math.floor(id / TWO_32);
}
/** The spawn counter of `id` on its origin thread. */
export function counterOf(id: number): number {
  return id % TWO_32;
}
