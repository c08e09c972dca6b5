/** Source stages: each produces only on demand (onPull), and runs its cleanup once on cancel. */
import type { Readable } from 'node:stream';
import { InvalidOperationError, BufferOverflowError, StreamFailedError } from '../errors.js';
import { Fifo } from './fifo.js';
import { Logic } from './interpreter.js';
import { type OverflowStrategy, overflow } from './ops-buffer.js';

export class IterableSourceLogic extends Logic {
  private it: Iterator<unknown> | undefined;
  constructor(private readonly iterable: Iterable<unknown>) {
    super();
  }
  override onPull(): void {
    this.it ??= this.iterable[Symbol.iterator]();
    const r = this.it.next();
    if (r.done) this.completeStage();
    else this.push(r.value);
  }
  override onDownstreamFinish(): void {
    this.it?.return?.();
  }
}

export class FailedSourceLogic extends Logic {
  constructor(private readonly err: unknown) {
    super();
  }
  override preStart(): void {
    this.failStage(this.err);
  }
}

export class UnfoldSourceLogic extends Logic {
  constructor(
    private state: unknown,
    private readonly f: (s: unknown) => readonly [unknown, unknown] | undefined,
  ) {
    super();
  }
  override onPull(): void {
    const r = this.f(this.state);
    if (r === undefined) this.completeStage();
    else {
      this.state = r[0];
      this.push(r[1]);
    }
  }
}

/** One pending next() at a time, only on demand; return() once on cancel (not after the iterator ended itself). */
export class AsyncIteratorSourceLogic extends Logic {
  private it: AsyncIterator<unknown> | undefined;
  private ended = false;
  constructor(
    private readonly open: () => AsyncIterator<unknown>,
    private readonly onCancel: (it: AsyncIterator<unknown> | undefined, cause: unknown) => void = (it) => {
      void it?.return?.()?.then(undefined, () => {});
    },
  ) {
    super();
  }
  override onPull(): void {
    this.it ??= this.open();
    const got = this.callback<{ ok: boolean; r: IteratorResult<unknown> | unknown }>(({ ok, r }) => {
      if (!ok) {
        this.ended = true;
        this.failStage(r);
        return;
      }
      const res = r as IteratorResult<unknown>;
      if (res.done) {
        this.ended = true;
        this.completeStage();
      } else this.push(res.value);
    });
    this.it.next().then(
      (r) => got({ ok: true, r }),
      (r) => got({ ok: false, r }),
    );
  }
  override onDownstreamFinish(cause: unknown): void {
    if (!this.ended) {
      this.ended = true;
      this.onCancel(this.it, cause);
    }
  }
}

export function readableSource(r: Readable): AsyncIteratorSourceLogic {
  return new AsyncIteratorSourceLogic(
    () => r[Symbol.asyncIterator](),
    () => r.destroy(),
  );
}

export function readableStreamSource(rs: ReadableStream<unknown>): AsyncIteratorSourceLogic {
  let reader: ReadableStreamDefaultReader<unknown> | undefined;
  return new AsyncIteratorSourceLogic(
    () => {
      reader = rs.getReader();
      const rd = reader;
      return { next: () => rd.read() as Promise<IteratorResult<unknown>> };
    },
    (_it, cause) => {
      void (reader ?? rs.getReader()).cancel(cause).then(undefined, () => {});
    },
  );
}

export class TickSourceLogic extends Logic {
  private timer: ReturnType<typeof setInterval> | undefined;
  constructor(
    private readonly ms: number,
    private readonly value: unknown,
  ) {
    super();
  }
  override preStart(): void {
    // A tick with no demand is dropped (Akka's Source.tick): ticks never pile up.
    const tick = this.callback<undefined>(() => {
      if (this.outPulled) this.push(this.value);
    });
    this.timer = setInterval(() => tick(undefined), this.ms);
  }
  override postStop(): void {
    clearInterval(this.timer);
  }
}

/** Source.queue's materialized value. */
export interface SourceQueue<T> {
  /**
   * Offers an element: resolves 'enqueued' once it is in the buffer (or handed on), 'dropped' when a drop strategy
   * dropped it. With 'backpressure' and a full buffer the offer waits; an offer aborted by `signal` meanwhile is
   * withdrawn (never emitted) and rejects with the signal's reason. At most maxConcurrentOffers wait at once.
   */
  offer(x: T, options?: { signal?: AbortSignal }): Promise<'enqueued' | 'dropped'>;
  /** Completes the stream once the buffered and waiting elements are emitted. */
  complete(): void;
  /** Fails the stream with `err` at once. */
  fail(err: unknown): void;
}

interface Offer {
  x: unknown;
  resolve: (r: 'enqueued') => void;
  reject: (e: unknown) => void;
  signal: AbortSignal | undefined;
  onAbort: () => void;
}

export class QueueSourceLogic extends Logic {
  private readonly buf = new Fifo<unknown>();
  private readonly waiting = new Fifo<Offer>();
  private completing = false;
  private closed: unknown;
  constructor(
    private readonly size: number,
    private readonly strategy: OverflowStrategy,
    private readonly maxOffers: number,
  ) {
    super();
  }
  offerElement(x: unknown, options?: { signal?: AbortSignal }): Promise<'enqueued' | 'dropped'> {
    return new Promise((resolve, reject) => {
      const signal = options?.signal;
      if (signal?.aborted) {
        reject(signal.reason);
        return;
      }
      this.interp.invoke(() => {
        if (this.closed !== undefined || this.completing || this.finished) {
          reject(new InvalidOperationError('Source.queue: offer after complete(), fail() or the end of the stream; offer only while it runs'));
          return;
        }
        if (this.outPulled && this.buf.length === 0) {
          this.push(x);
          resolve('enqueued');
          return;
        }
        if (this.strategy === 'backpressure' && this.buf.length >= this.size) {
          if (this.waiting.length >= this.maxOffers) {
            reject(new InvalidOperationError(`Source.queue: ${this.maxOffers} offers already wait (maxConcurrentOffers); await earlier offers first`));
            return;
          }
          const o: Offer = {
            x,
            resolve,
            reject,
            signal,
            onAbort: () =>
              this.interp.invoke(() => {
                if (this.waiting.remove(o)) reject(signal?.reason);
              }),
          };
          signal?.addEventListener('abort', o.onAbort, { once: true });
          this.waiting.push(o);
          return;
        }
        const r = overflow(this.buf, this.size, this.strategy, x);
        if (r === 'fail') {
          const err = new BufferOverflowError(this.size);
          reject(err);
          this.failStage(err);
          return;
        }
        resolve(r === 'added' ? 'enqueued' : 'dropped');
      });
    });
  }
  completeQueue(): void {
    this.interp.invoke(() => {
      this.completing = true;
      this.maybeComplete();
    });
  }
  failQueue(err: unknown): void {
    this.interp.invoke(() => {
      this.closed = err ?? new Error('Source.queue failed');
      this.failStage(err);
    });
  }
  override onPull(): void {
    if (this.buf.length > 0) this.push(this.buf.shift());
    else {
      const o = this.waiting.shift();
      if (o) {
        this.settle(o);
        this.push(o.x);
        return;
      }
    }
    const o = this.buf.length < this.size ? this.waiting.shift() : undefined;
    if (o) {
      this.settle(o);
      this.buf.push(o.x);
    }
    this.maybeComplete();
  }
  private settle(o: Offer): void {
    o.signal?.removeEventListener('abort', o.onAbort);
    o.resolve('enqueued');
  }
  private maybeComplete(): void {
    if (this.completing && this.buf.length === 0 && this.waiting.length === 0) this.completeStage();
  }
  override postStop(): void {
    const err = new InvalidOperationError('Source.queue: the stream ended before this offer was taken');
    for (let o = this.waiting.shift(); o; o = this.waiting.shift()) {
      o.signal?.removeEventListener('abort', o.onAbort);
      o.reject(this.closed instanceof StreamFailedError ? this.closed : err);
    }
  }
}

/** The SourceQueue a queue source materializes (a class, so run() returns it as `value`, not spread). */
export class QueueHandle<T> implements SourceQueue<T> {
  constructor(private readonly logic: QueueSourceLogic) {}
  offer(x: T, options?: { signal?: AbortSignal }): Promise<'enqueued' | 'dropped'> {
    return this.logic.offerElement(x, options);
  }
  complete(): void {
    this.logic.completeQueue();
  }
  fail(err: unknown): void {
    this.logic.failQueue(err);
  }
}
