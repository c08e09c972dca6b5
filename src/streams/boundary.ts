/**
 * The two ends of an async boundary between islands (Akka's island boundary): the upstream island ends in a
 * BoundaryOut, the downstream one starts with a BoundaryIn, and the island actors (island.ts) carry what they say to
 * each other as messages, so elements cross threads as records in the rings.
 *
 * The protocol, per boundary:
 * - downstream → upstream `req(n)`: demand, cumulative (n is the total number of elements it has asked for since the
 *   stream started), so a request that overtakes or repeats an earlier one is harmless;
 * - upstream → downstream `el(items)`: elements in order, batched (what one run of the upstream interpreter's loop
 *   pushes goes as one message, at most `batch` elements each, fewer when a batch outgrows maxMessageBytes);
 *   then `done` or `fail(error)`;
 * - downstream → upstream `cancel`.
 * The downstream end asks for `inputBuffer` elements at first and tops its demand up to `consumed + inputBuffer`
 * once a quarter of it is used, so at most `inputBuffer` elements are ever in flight or buffered: the bound a slow
 * consumer holds a fast producer to, across threads. Both ends count what crossed into the boundary table in
 * shared memory (transport/layout.ts), which `stats()` reads without a message.
 */
import { bdConsumed, bdEmitted } from '../transport/layout.js';
import { StreamFailedError } from '../errors.js';
import { Fifo } from './fifo.js';
import { Logic } from './interpreter.js';

export interface BoundaryLink {
  /** Sends a protocol message to the island on the other side. */
  send(msg: BoundaryMsg): void;
}

export type BoundaryMsg =
  | { readonly t: 'req'; readonly n: number }
  | { readonly t: 'el'; readonly items: unknown[] }
  | { readonly t: 'done' }
  | { readonly t: 'fail'; readonly error: unknown }
  | { readonly t: 'cancel' };

/** The last stage of an upstream island: pulls while downstream's demand lasts and sends what it gets in batches. */
export class BoundaryOutLogic extends Logic {
  #requested = 0;
  #emitted = 0;
  #batch: unknown[] = [];
  #ended = false;

  constructor(
    private readonly link: BoundaryLink,
    private batchSize: number,
    private readonly table: Float64Array,
    private readonly slot: number,
  ) {
    super();
  }

  /** Downstream asked for `n` elements in all (cumulative). */
  request(n: number): void {
    if (n <= this.#requested) return;
    this.#requested = n;
    if (!this.inClosed && this.#emitted < this.#requested) this.pull();
  }

  /** Downstream cancelled: stop pulling and cancel upstream. */
  cancelled(): void {
    this.#ended = true;
    this.#batch.length = 0;
    if (!this.inClosed) this.cancel();
  }

  override onPush(x: unknown): void {
    this.#batch.push(x);
    this.#emitted++;
    this.table[bdEmitted(this.slot)] = this.#emitted;
    // Everything else this run of the loop pushes goes in the same message: flushed when the batch is full, or
    // when the loop is done (the island sets the interpreter's onDrained to flush()).
    if (this.#batch.length >= this.batchSize) this.#flush();
    if (this.#emitted < this.#requested) this.pull();
  }

  /** Sends what waits in the batch (the end of a run of the interpreter's loop). */
  flush(): void {
    this.#flush();
  }

  override onUpstreamFinish(): void {
    this.#flush();
    if (!this.#ended) this.link.send({ t: 'done' });
    this.#ended = true;
    this.completeStage();
  }

  override onUpstreamFailure(err: unknown): void {
    this.#flush();
    if (!this.#ended) this.link.send({ t: 'fail', error: err });
    this.#ended = true;
    this.failStage(err);
  }

  #flush(): void {
    if (this.#batch.length === 0 || this.#ended) return;
    const items = this.#batch;
    this.#batch = [];
    try {
      this.#send(items);
    } catch (err) {
      // One element that cannot cross (larger than maxMessageBytes, or not data): the stream fails on it, here.
      // The same StreamFailedError both ways, so whichever island reports first names this boundary.
      const failure = new StreamFailedError(this.name, this.interp.island, err);
      this.#ended = true;
      this.link.send({ t: 'fail', error: failure });
      this.failStage(failure);
    }
  }

  /** Sends `items` in one message, or halves it (and later batches) until each part fits in a message. */
  #send(items: unknown[]): void {
    try {
      this.link.send({ t: 'el', items });
    } catch (err) {
      if ((err as { code?: unknown }).code !== 'ERR_MESSAGE_TOO_LARGE' || items.length === 1) throw err;
      const half = items.length >> 1;
      this.batchSize = Math.max(1, half);
      this.#send(items.slice(0, half));
      this.#send(items.slice(half));
    }
  }
}

/** The first stage of a downstream island: emits what crossed, and keeps upstream's demand at `inputBuffer`. */
export class BoundaryInLogic extends Logic {
  /** The batches that crossed, as they came (no copy per element), and where the first one is read from. */
  readonly #batches = new Fifo<readonly unknown[]>();
  #at = 0;
  #buffered = 0;
  #requested = 0;
  #consumed = 0;
  #upstreamDone = false;
  #failure: unknown = undefined;

  constructor(
    private readonly link: BoundaryLink,
    private readonly inputBuffer: number,
    private readonly table: Float64Array,
    private readonly slot: number,
  ) {
    super();
  }

  override preStart(): void {
    this.#requested = this.inputBuffer;
    this.link.send({ t: 'req', n: this.#requested });
  }

  /** Elements that crossed, in order. */
  elements(items: readonly unknown[]): void {
    if (this.outClosed || items.length === 0) return;
    this.#batches.push(items);
    this.#buffered += items.length;
    this.#deliver();
  }

  #take(): unknown {
    const batch = this.#batches.peek() as readonly unknown[];
    const x = batch[this.#at++];
    if (this.#at === batch.length) {
      this.#batches.shift();
      this.#at = 0;
    }
    this.#buffered--;
    return x;
  }

  /** Upstream completed (`err` undefined) or failed. */
  upstreamDone(err: unknown): void {
    this.#upstreamDone = true;
    this.#failure = err;
    this.#deliver();
  }

  override onPull(): void {
    this.#deliver();
  }

  override onDownstreamFinish(cause: unknown): void {
    if (!this.#upstreamDone) this.link.send({ t: 'cancel' });
    this.#upstreamDone = true;
    this.cancelStage(cause);
  }

  #deliver(): void {
    if (this.outPulled && this.#buffered > 0) {
      this.push(this.#take());
      this.#consumed++;
      this.table[bdConsumed(this.slot)] = this.#consumed;
      // A quarter of the demand used: top it up, so that upstream (perhaps asleep) has demand again long before
      // this buffer runs dry.
      if (!this.#upstreamDone && this.#requested - this.#consumed <= this.inputBuffer - Math.max(1, this.inputBuffer >> 2)) {
        this.#requested = this.#consumed + this.inputBuffer;
        this.link.send({ t: 'req', n: this.#requested });
      }
    }
    if (this.#buffered === 0 && this.#upstreamDone && !this.outClosed) {
      if (this.#failure === undefined) this.completeStage();
      else this.failStage(this.#failure);
    }
  }
}
