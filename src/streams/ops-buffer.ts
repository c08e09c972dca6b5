/** buffer(n, overflow): holds up to n elements, pulling ahead of demand; Akka's six overflow strategies. */
import { BufferOverflowError } from '../errors.js';
import { Fifo } from './fifo.js';
import { Logic } from './interpreter.js';

export type OverflowStrategy = 'backpressure' | 'drop-head' | 'drop-tail' | 'drop-buffer' | 'drop-new' | 'fail';
export const OVERFLOW_STRATEGIES: readonly OverflowStrategy[] = ['backpressure', 'drop-head', 'drop-tail', 'drop-buffer', 'drop-new', 'fail'];

/** Applies a strategy to a full buffer about to take `x`; returns false when the stream must fail. */
export function overflow<T>(buf: Fifo<T>, size: number, strategy: OverflowStrategy, x: T): 'added' | 'dropped' | 'fail' {
  if (buf.length < size) {
    buf.push(x);
    return 'added';
  }
  switch (strategy) {
    case 'drop-head':
      buf.shift();
      buf.push(x);
      return 'added';
    case 'drop-tail':
      buf.pop();
      buf.push(x);
      return 'added';
    case 'drop-buffer':
      buf.clear();
      buf.push(x);
      return 'added';
    case 'drop-new':
      return 'dropped';
    default:
      return 'fail';
  }
}

export class BufferLogic extends Logic {
  private readonly buf = new Fifo<unknown>();
  constructor(
    private readonly size: number,
    private readonly strategy: OverflowStrategy,
  ) {
    super();
  }
  override preStart(): void {
    this.pull();
  }
  override onPush(x: unknown): void {
    if (this.outPulled && this.buf.length === 0) this.push(x);
    else if (overflow(this.buf, this.size, this.strategy, x) === 'fail') {
      this.failStage(new BufferOverflowError(this.size));
      return;
    }
    // 'backpressure' stops pulling when full; the drop strategies always take the next element.
    if (this.strategy !== 'backpressure' || this.buf.length < this.size) this.pull();
  }
  override onPull(): void {
    if (this.buf.length > 0) this.push(this.buf.shift());
    if (this.inClosed) {
      if (this.buf.length === 0) this.completeStage();
    } else if (this.buf.length < this.size) this.pull();
  }
  override onUpstreamFinish(): void {
    if (this.buf.length === 0) this.completeStage();
  }
}
