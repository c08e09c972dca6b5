/** merge, alsoTo and groupBy (with its merged substreams): each runs its other graph as an inner interpreter. */
import { TooManySubstreamsError } from '../errors.js';
import { BridgeSinkLogic, BridgeSourceLogic, startInner } from './bridge.js';
import { Fifo } from './fifo.js';
import { Logic } from './interpreter.js';

/** Builds the stage logics of an inner graph (given by the materializer, to keep the modules acyclic). */
export type BuildLogics = () => Logic[];

/** merge(source): takes from both inputs as they come, alternating when both have one. */
export class MergeLogic extends Logic {
  private mainHeld: { x: unknown } | undefined;
  private sideHeld: { x: unknown } | undefined;
  private sideDone = false;
  private sideTurn = false;
  private side!: BridgeSinkLogic;
  constructor(private readonly build: BuildLogics) {
    super();
  }
  override preStart(): void {
    this.side = new BridgeSinkLogic({
      element: this.callback((x: unknown) => {
        this.sideHeld = { x };
        this.emit();
      }),
      done: this.callback((err: unknown) => {
        this.sideDone = true;
        if (err !== undefined) this.failStage(err);
        else this.emit();
      }),
    });
    startInner([...this.build(), this.side]);
    this.side.request();
    this.pull();
  }
  override onPush(x: unknown): void {
    this.mainHeld = { x };
    this.emit();
  }
  override onPull(): void {
    this.emit();
  }
  override onUpstreamFinish(): void {
    this.emit();
  }
  private emit(): void {
    if (this.outPulled) {
      const takeSide = this.sideHeld !== undefined && (this.sideTurn || this.mainHeld === undefined);
      if (takeSide && this.sideHeld) {
        this.push(this.sideHeld.x);
        this.sideHeld = undefined;
        this.sideTurn = false;
        this.side.request();
      } else if (this.mainHeld) {
        this.push(this.mainHeld.x);
        this.mainHeld = undefined;
        this.sideTurn = true;
        this.pull();
      }
    }
    if (this.inClosed && this.sideDone && !this.mainHeld && !this.sideHeld) this.completeStage();
  }
  override postStop(): void {
    if (!this.sideDone) this.side.stop();
  }
}

/** alsoTo(sink): each element goes downstream and to the side sink; the slower of the two sets the pace. */
export class AlsoToLogic extends Logic {
  private held: { x: unknown } | undefined;
  private sideDemand = false;
  private sideDone = false;
  private side!: BridgeSourceLogic;
  constructor(private readonly build: BuildLogics) {
    super();
  }
  override preStart(): void {
    this.side = new BridgeSourceLogic({
      demand: this.callback(() => {
        this.sideDemand = true;
        this.emit();
      }),
      cancelled: this.callback((cause: unknown) => {
        this.sideDone = true;
        // A side sink that fails fails the stream; one that only stops taking (take(n)) lets it go on.
        if (cause !== undefined) this.failStage(cause);
        else this.emit();
      }),
    });
    startInner([this.side, ...this.build()]);
    this.pull();
  }
  override onPush(x: unknown): void {
    this.held = { x };
    this.emit();
  }
  override onPull(): void {
    this.emit();
  }
  private emit(): void {
    if (!this.held || !this.outPulled || !(this.sideDemand || this.sideDone)) return;
    const x = this.held.x;
    this.held = undefined;
    this.push(x);
    if (!this.sideDone) {
      this.sideDemand = false;
      this.side.offer(x);
    }
    if (this.inClosed) this.completeStage();
    else this.pull();
  }
  override onUpstreamFinish(): void {
    if (!this.held) this.completeStage();
  }
  override postStop(): void {
    if (!this.sideDone) this.side.finish(this.failedWith);
  }
  private failedWith: unknown;
  override onUpstreamFailure(err: unknown): void {
    this.failedWith = err;
    this.failStage(err);
  }
}

interface Sub {
  src: BridgeSourceLogic;
  sink: BridgeSinkLogic;
  demand: boolean;
  cancelled: boolean;
  finished: boolean;
}

/**
 * groupBy(max, key, substream) + mergeSubstreams: one inner interpreter per key, merged back in the order their
 * elements come out. Memory: at most one element waits per substream, plus one element waiting for a substream.
 */
export class GroupByLogic extends Logic {
  private readonly subs = new Map<unknown, Sub>();
  private readonly out = new Fifo<{ x: unknown; sub: Sub }>();
  private held: { x: unknown; sub: Sub } | undefined;
  constructor(
    private readonly max: number,
    private readonly key: (x: unknown) => unknown,
    private readonly onOverflow: 'fail' | 'drop-new',
    private readonly build: BuildLogics,
  ) {
    super();
  }
  override preStart(): void {
    this.pull();
  }
  override onPush(x: unknown): void {
    let k: unknown;
    try {
      k = this.key(x);
    } catch (err) {
      if (this.decide(err) !== 'stopped') this.pull();
      return;
    }
    let sub = this.subs.get(k);
    if (sub === undefined) {
      if (this.subs.size >= this.max) {
        if (this.onOverflow === 'fail') this.failStage(new TooManySubstreamsError(this.max));
        else this.pull();
        return;
      }
      sub = this.open(k);
    }
    if (sub.cancelled) this.pull();
    else if (sub.demand) {
      sub.demand = false;
      sub.src.offer(x);
      this.pull();
    } else this.held = { x, sub };
  }
  private open(k: unknown): Sub {
    const sub: Sub = { demand: false, cancelled: false, finished: false } as Sub;
    sub.src = new BridgeSourceLogic({
      demand: this.callback(() => {
        sub.demand = true;
        if (this.held?.sub === sub) {
          const h = this.held;
          this.held = undefined;
          sub.demand = false;
          sub.src.offer(h.x);
          if (this.inClosed) sub.src.finish();
          else this.pull();
        }
      }),
      cancelled: this.callback((cause: unknown) => {
        sub.cancelled = true;
        if (cause !== undefined) this.failStage(cause);
        else if (this.held?.sub === sub) {
          this.held = undefined;
          this.pull();
        }
      }),
    });
    sub.sink = new BridgeSinkLogic({
      element: this.callback((x: unknown) => {
        this.out.push({ x, sub });
        this.emit();
      }),
      done: this.callback((err: unknown) => {
        sub.finished = true;
        if (err !== undefined) this.failStage(err);
        else this.emit();
      }),
    });
    this.subs.set(k, sub);
    startInner([sub.src, ...this.build(), sub.sink]);
    sub.sink.request();
    return sub;
  }
  override onPull(): void {
    this.emit();
  }
  private emit(): void {
    while (this.outPulled && this.out.length > 0) {
      const e = this.out.shift() as { x: unknown; sub: Sub };
      this.push(e.x);
      e.sub.sink.request();
    }
    if (this.inClosed && !this.held && this.out.length === 0 && [...this.subs.values()].every((s) => s.finished)) this.completeStage();
  }
  override onUpstreamFinish(): void {
    for (const s of this.subs.values()) if (s !== this.held?.sub) s.src.finish();
    this.emit();
  }
  override postStop(): void {
    for (const s of this.subs.values()) {
      if (!s.finished) s.sink.stop();
      if (!s.cancelled) s.src.finish();
    }
  }
}
