/**
 * The asks this thread is waiting on, by correlation id. Every entry settles exactly once: a reply, an error
 * reply, its timeout, or `rejectAll` at shutdown. Correlation ids are Int32 (they travel in a record header) and
 * never 0 (0 means "nobody waits").
 */
import { AskTimeoutError } from '../errors.js';

interface Entry {
  resolve(value: unknown): void;
  reject(err: Error): void;
  timer: ReturnType<typeof setTimeout>;
}

export class PendingAsks {
  readonly #map = new Map<number, Entry>();
  #next = 0;

  get size(): number {
    return this.#map.size;
  }

  create(target: string, timeoutMs: number): { corr: number; promise: Promise<unknown> } {
    let corr = (this.#next = (this.#next + 1) | 0);
    while (corr === 0 || this.#map.has(corr)) corr = this.#next = (this.#next + 1) | 0;
    let entry!: Entry;
    const promise = new Promise<unknown>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#map.delete(corr);
        reject(new AskTimeoutError(target, timeoutMs));
      }, timeoutMs);
      entry = { resolve, reject, timer };
    });
    this.#map.set(corr, entry);
    return { corr, promise };
  }

  /** Returns false when nobody waits for `corr` any more (it timed out): the caller dead-letters the reply. */
  resolve(corr: number, value: unknown): boolean {
    const e = this.#take(corr);
    if (e === undefined) return false;
    e.resolve(value);
    return true;
  }

  reject(corr: number, err: Error): boolean {
    const e = this.#take(corr);
    if (e === undefined) return false;
    e.reject(err);
    return true;
  }

  rejectAll(err: () => Error): void {
    for (const corr of [...this.#map.keys()]) this.reject(corr, err());
  }

  #take(corr: number): Entry | undefined {
    const e = this.#map.get(corr);
    if (e === undefined) return undefined;
    this.#map.delete(corr);
    clearTimeout(e.timer);
    return e;
  }
}
