/** Sink stages: each pulls one element at a time, so the sink's pace is the stream's pace. */
import type { Writable } from 'node:stream';
import { StreamFailedError } from '../errors.js';
import { Logic } from './interpreter.js';

function thenable(x: unknown): x is PromiseLike<unknown> {
  return typeof x === 'object' && x !== null && typeof (x as { then?: unknown }).then === 'function';
}

/** A sink with a result promise: fold, collect, forEach, ignore. `step` runs the user code (under the decider). */
export class FoldSinkLogic extends Logic {
  readonly result: Promise<unknown>;
  private resolve!: (v: unknown) => void;
  private reject!: (e: unknown) => void;
  private acc: unknown;
  constructor(
    private readonly zero: () => unknown,
    private readonly step: (acc: unknown, x: unknown) => unknown,
    private readonly awaitStep = false,
  ) {
    super();
    this.acc = zero();
    this.result = new Promise((res, rej) => {
      this.resolve = res;
      this.reject = rej;
    });
    // Whoever ignores the result must not get an unhandled rejection: completion carries the failure too.
    this.result.catch(() => {});
  }
  override preStart(): void {
    this.pull();
  }
  override onPush(x: unknown): void {
    let r: unknown;
    try {
      r = this.step(this.acc, x);
    } catch (err) {
      this.failed(err);
      return;
    }
    if (this.awaitStep && thenable(r)) {
      const next = this.callback<{ ok: boolean; v: unknown }>(({ ok, v }) => (ok ? this.pull() : this.failed(v)));
      r.then(
        () => next({ ok: true, v: undefined }),
        (v) => next({ ok: false, v }),
      );
      return;
    }
    if (!this.awaitStep) this.acc = r;
    this.pull();
  }
  private failed(err: unknown): void {
    const d = this.decide(err);
    if (d === 'stopped') return;
    if (d === 'restart') this.acc = this.zero();
    this.pull();
  }
  override onUpstreamFinish(): void {
    this.resolve(this.acc);
  }
  override onUpstreamFailure(err: unknown): void {
    this.reject(err);
  }
  override failStage(err: unknown): void {
    super.failStage(err);
    this.reject(err instanceof StreamFailedError ? err : new StreamFailedError(this.name, 0, err));
  }
}

/** A class, not an object literal, so that run() returns it as `value` rather than spreading it. */
class OnceIterable implements AsyncIterable<unknown> {
  constructor(private readonly open: () => AsyncIterator<unknown>) {}
  [Symbol.asyncIterator](): AsyncIterator<unknown> {
    return this.open();
  }
}

/** asyncIterable(): each next() of the consumer is one element of demand; return() (break) cancels upstream. */
export class AsyncIterableSinkLogic extends Logic {
  private readonly values: unknown[] = [];
  private readonly waiters: { resolve: (r: IteratorResult<unknown>) => void; reject: (e: unknown) => void }[] = [];
  private done = false;
  private error: unknown;
  private used = false;
  readonly iterable: AsyncIterable<unknown> = new OnceIterable(() => {
      if (this.used) throw new TypeError('Sink.asyncIterable: a materialized iterable can be iterated once; run the graph again');
      this.used = true;
      return {
        next: () =>
          new Promise<IteratorResult<unknown>>((resolve, reject) => {
            if (this.values.length > 0) resolve({ done: false, value: this.values.shift() });
            else if (this.error !== undefined) reject(this.error);
            else if (this.done) resolve({ done: true, value: undefined });
            else {
              this.waiters.push({ resolve, reject });
              this.interp.invoke(() => this.pull());
            }
          }),
        return: () => {
          this.interp.invoke(() => {
            this.cancel();
            this.done = true;
          });
          return Promise.resolve({ done: true, value: undefined });
        },
      };
  });
  override onPush(x: unknown): void {
    const w = this.waiters.shift();
    if (w) w.resolve({ done: false, value: x });
    else this.values.push(x);
  }
  override onUpstreamFinish(): void {
    this.done = true;
    for (const w of this.waiters.splice(0)) w.resolve({ done: true, value: undefined });
  }
  override onUpstreamFailure(err: unknown): void {
    this.error = err;
    for (const w of this.waiters.splice(0)) w.reject(err);
  }
}

/** toWritable(w): writes while write() returns true, waits for 'drain' otherwise; end() on completion, destroy(err) on failure. */
export class WritableSinkLogic extends Logic {
  readonly result: Promise<void>;
  private resolve!: () => void;
  private reject!: (e: unknown) => void;
  private readonly onError = this.callbackOnce((err: unknown) => this.failStage(err));
  constructor(private readonly w: Writable) {
    super();
    this.result = new Promise((res, rej) => {
      this.resolve = res;
      this.reject = rej;
    });
    this.result.catch(() => {});
  }
  private callbackOnce(fn: (e: unknown) => void): (e: unknown) => void {
    return (e) => {
      if (!this.finished) this.interp.invoke(() => fn(e));
      else this.reject(e);
    };
  }
  override preStart(): void {
    this.w.on('error', this.onError);
    this.pull();
  }
  override onPush(x: unknown): void {
    if (this.w.write(x)) this.pull();
    else {
      const drained = this.callback<undefined>(() => this.pull());
      this.w.once('drain', () => drained(undefined));
    }
  }
  override onUpstreamFinish(): void {
    this.w.end(() => this.resolve());
  }
  override onUpstreamFailure(err: unknown): void {
    this.w.destroy(err instanceof StreamFailedError && err.cause instanceof Error ? err.cause : (err as Error));
    this.reject(err);
  }
  override failStage(err: unknown): void {
    super.failStage(err);
    this.reject(err instanceof StreamFailedError ? err : new StreamFailedError(this.name, 0, err));
  }
}

/** What Sink.actorRef needs of a ref: an ActorRef fits, and so does any object with tell and ask. */
export interface TargetRef<T> {
  tell(message: T): unknown;
  ask(message: T): Promise<unknown>;
}

/** actorRef(ref, { ack }): with ack, the next element goes only after the actor replied to the ask of the last one. */
export class ActorRefSinkLogic extends Logic {
  constructor(
    private readonly ref: TargetRef<unknown>,
    private readonly ack: boolean,
  ) {
    super();
  }
  override preStart(): void {
    this.pull();
  }
  override onPush(x: unknown): void {
    if (!this.ack) {
      this.ref.tell(x);
      this.pull();
      return;
    }
    const acked = this.callback<{ ok: boolean; e: unknown }>(({ ok, e }) => (ok ? this.pull() : this.failStage(e)));
    this.ref.ask(x).then(
      () => acked({ ok: true, e: undefined }),
      (e) => acked({ ok: false, e }),
    );
  }
}
