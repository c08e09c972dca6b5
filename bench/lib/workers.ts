/**
 * Worker bookkeeping for scenarios: spawn with listeners attached in the same tick, turn a worker's
 * death into a rejected wait instead of a hang, and terminate everything so the process can exit.
 *
 * Main thread only.
 */
import { Worker, type WorkerOptions } from 'node:worker_threads';

type FailureListener = (error: Error) => void;

export class WorkerGroup {
  readonly #workers = new Set<Worker>();
  readonly #failureListeners = new Set<FailureListener>();
  #failure: Error | undefined;
  #closing = false;

  /**
   * Starts a worker from a plain `.mjs` file (Node 20 cannot start `.ts` workers). The `'error'`
   * listener goes on in this tick: an `'error'` event with no listener would crash the main process.
   */
  spawn(url: URL, options?: WorkerOptions): Worker {
    const worker = new Worker(url, options);
    const name = url.pathname.split('/').pop() ?? url.href;
    this.#workers.add(worker);
    worker.on('error', (error) => {
      this.#fail(new Error(`worker ${name} failed: ${error.message}`, { cause: error }));
    });
    worker.on('exit', (code) => {
      this.#workers.delete(worker);
      if (!this.#closing) this.#fail(new Error(`worker ${name} exited early with code ${code}`));
    });
    return worker;
  }

  /** Calls `listener` once, when a worker fails or exits before `terminate()`, or at once if one has. */
  onFailure(listener: FailureListener): void {
    if (this.#failure !== undefined) listener(this.#failure);
    else this.#failureListeners.add(listener);
  }

  /** Resolves with the next message from `worker`; rejects if a worker of the group fails first. */
  nextMessage(worker: Worker): Promise<unknown> {
    return new Promise((resolve, reject) => {
      this.onFailure(reject);
      worker.once('message', (message: unknown) => {
        this.#failureListeners.delete(reject);
        resolve(message);
      });
    });
  }

  /** Terminates every worker still running; safe to call more than once. */
  async terminate(): Promise<void> {
    this.#closing = true;
    this.#failureListeners.clear();
    await Promise.all([...this.#workers].map((worker) => worker.terminate()));
    this.#workers.clear();
  }

  #fail(error: Error): void {
    if (this.#failure !== undefined) return;
    this.#failure = error;
    const listeners = [...this.#failureListeners];
    this.#failureListeners.clear();
    for (const listener of listeners) listener(error);
  }
}

/**
 * One outstanding reply at a time, without allocating a listener per round trip: the hot path of a
 * round-trip benchmark. `wait()` before sending, `settle()` from the single `'message'` listener.
 */
export class ReplySlot<T> {
  #resolve: ((value: T) => void) | undefined;
  #reject: ((error: Error) => void) | undefined;
  #failure: Error | undefined;

  wait(): Promise<T> {
    if (this.#failure !== undefined) return Promise.reject(this.#failure);
    return new Promise<T>((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
  }

  settle(value: T): void {
    const resolve = this.#resolve;
    this.#resolve = undefined;
    this.#reject = undefined;
    resolve?.(value);
  }

  /** Rejects the pending wait and every later one. */
  fail(error: Error): void {
    this.#failure = error;
    const reject = this.#reject;
    this.#resolve = undefined;
    this.#reject = undefined;
    reject?.(error);
  }
}
