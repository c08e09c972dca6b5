/**
 * Placement: which thread hosts a new actor. Runs on the spawning thread; least-loaded reads every thread's actor
 * count from shared memory, so any thread can place on any other.
 */
import type { Placement } from '../actor.js';
import { InvalidArgumentError } from '../errors.js';

const STRATEGIES: ReadonlySet<unknown> = new Set(['local', 'hash', 'round-robin', 'least-loaded']);
import { actorCount } from '../transport/wait.js';

/** FNV-1a over the name's UTF-16 code units: stable across runs, threads and Node versions. */
export function stableHash(name: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) {
    h ^= name.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export class Placer {
  readonly #workers: number;
  readonly #controls: Int32Array[];
  #next = 0;

  /** `workers` is 0 in inline mode: everything is placed on the main thread (thread 0). */
  constructor(workers: number, controls: Int32Array[]) {
    this.#workers = workers;
    this.#controls = controls;
  }

  place(placement: Placement, name: string, localThread: number): number {
    const n = this.#workers;
    if (typeof placement === 'object') {
      const w = placement.worker;
      if (!Number.isInteger(w) || w < 0 || w > n) {
        throw new InvalidArgumentError(
          `placement.worker must be an integer from 1 to ${n} (a worker) or 0 (the main thread), got ${String(w)}`,
        );
      }
      return w;
    }
    if (!STRATEGIES.has(placement)) {
      // Checked before inline mode places everything on thread 0: a bad placement is refused in both modes.
      throw new InvalidArgumentError(
        `placement must be 'hash', 'round-robin', 'least-loaded', 'local' or { worker: n }, got ${JSON.stringify(placement)}`,
      );
    }
    if (n === 0) return 0;
    switch (placement) {
      case 'local':
        return localThread;
      case 'hash':
        return 1 + (stableHash(name) % n);
      case 'round-robin':
        this.#next = (this.#next % n) + 1;
        return this.#next;
      case 'least-loaded': {
        let best = 1;
        let bestCount = Number.POSITIVE_INFINITY;
        for (let t = 1; t <= n; t++) {
          const c = actorCount(this.#controls[t]!);
          if (c < bestCount) {
            best = t;
            bestCount = c;
          }
        }
        return best;
      }
      default:
        throw new InvalidArgumentError(
          `placement must be 'hash', 'round-robin', 'least-loaded', 'local' or { worker: n }, got ${JSON.stringify(placement)}`,
        );
    }
  }
}
