/**
 * mapAsync(n, f) and mapAsyncUnordered(n, f): at most n promises pending. The ordered one emits in input order
 * (a result waits for the ones before it); the unordered one emits each as it settles.
 */
import { Fifo } from './fifo.js';
import { Logic } from './interpreter.js';

interface Slot {
  done: boolean;
  ok: boolean;
  value: unknown;
}

export class MapAsyncLogic extends Logic {
  private readonly slots = new Fifo<Slot>();
  private pending = 0;
  constructor(
    private readonly n: number,
    private readonly f: (x: unknown) => unknown,
    private readonly ordered: boolean,
  ) {
    super();
  }
  override preStart(): void {
    this.pull();
  }
  override onPush(x: unknown): void {
    let p: unknown;
    try {
      p = this.f(x);
    } catch (err) {
      if (this.decide(err) !== 'stopped') this.pullIfRoom();
      return;
    }
    const slot: Slot = { done: false, ok: true, value: undefined };
    this.pending++;
    if (this.ordered) this.slots.push(slot);
    const settle = this.callback<{ ok: boolean; v: unknown }>((r) => this.settled(slot, r.ok, r.v));
    Promise.resolve(p).then(
      (v) => settle({ ok: true, v }),
      (v) => settle({ ok: false, v }),
    );
    this.pullIfRoom();
  }
  private settled(slot: Slot, ok: boolean, v: unknown): void {
    this.pending--;
    if (!ok) {
      if (this.ordered) this.slots.remove(slot);
      if (this.decide(v) === 'stopped') return;
    } else {
      slot.done = true;
      slot.value = v;
      if (!this.ordered) this.slots.push(slot);
    }
    this.emit();
    this.pullIfRoom();
  }
  override onPull(): void {
    this.emit();
  }
  private emit(): void {
    while (this.outPulled) {
      const first = this.peek();
      if (first === undefined || !first.done) break;
      this.slots.shift();
      this.push(first.value);
    }
    if (this.inClosed && this.pending === 0 && this.slots.length === 0) this.completeStage();
  }
  private peek(): Slot | undefined {
    return this.slots.peek();
  }
  /** Elements taken in and not yet emitted (pending or settled and waiting) stay below n. */
  private pullIfRoom(): void {
    const held = this.ordered ? this.slots.length : this.pending + this.slots.length;
    if (held < this.n) this.pull();
  }
  override onUpstreamFinish(): void {
    if (this.pending === 0 && this.slots.length === 0) this.completeStage();
  }
}
