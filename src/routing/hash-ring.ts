/**
 * The consistent-hashing ring: each routee owns `virtualNodesFactor` points, placed by a stable hash of its name
 * (routee names are the same on every thread and across restarts), and a key goes to the owner of the first point
 * at or after the key's hash. Removing a routee removes only its points, so only the keys it owned move (to the
 * next point's owner); every other key stays where it was (akkadotnet/akka.net#673 is a resizer breaking that).
 */
import { stableHash } from '../dispatch/placement.js';

/**
 * The hash placement's FNV-1a, finished with murmur3's fmix32: FNV-1a alone leaves names that differ in their
 * last character (`w/routee-1#0`, `w/routee-1#1`) close together on the ring.
 */
export function ringHash(s: string): number {
  let h = stableHash(s);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A key as the string that is hashed: strings as they are, anything else as its JSON (numbers, arrays, objects). */
export function keyString(key: unknown): string {
  if (typeof key === 'string') return key;
  if (typeof key === 'bigint') return `${key}n`;
  return JSON.stringify(key) ?? String(key);
}

export class HashRing {
  /** Point hashes, ascending, and the index (into the names given) of each point's owner. */
  readonly #points: Uint32Array;
  readonly #owners: Int32Array;

  constructor(names: readonly string[], virtualNodesFactor: number) {
    const points: { h: number; owner: number }[] = [];
    names.forEach((name, owner) => {
      for (let v = 0; v < virtualNodesFactor; v++) points.push({ h: ringHash(`${name}#${v}`), owner });
    });
    // Ties (two points with one hash) are ordered by owner name, so every thread builds the same ring.
    points.sort((a, b) => a.h - b.h || (names[a.owner]! < names[b.owner]! ? -1 : 1));
    this.#points = Uint32Array.from(points, (p) => p.h);
    this.#owners = Int32Array.from(points, (p) => p.owner);
  }

  /** The index of the owner of `key`, or -1 on an empty ring. */
  ownerOf(key: unknown): number {
    const n = this.#points.length;
    if (n === 0) return -1;
    const h = ringHash(keyString(key));
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.#points[mid]! < h) lo = mid + 1;
      else hi = mid;
    }
    return this.#owners[lo === n ? 0 : lo]!;
  }
}
