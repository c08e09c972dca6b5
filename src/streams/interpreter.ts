/**
 * The inline interpreter: runs a linear chain of stages on the materializing thread, Akka GraphStage-like. Stage 0
 * is the source, the last is the sink; connection c joins stage c (upstream) and c + 1. A stage pushes only after
 * its downstream pulled, so demand flows up and elements flow down one at a time, and nothing is produced without
 * demand. Events go through one FIFO queue drained by a loop (never by recursion, so a long synchronous run cannot
 * overflow the stack), and synchronous stages cost no promise per element: only stages that are asynchronous
 * themselves (mapAsync, async sources and sinks, timers) come back in through `invoke`.
 */
import { StreamFailedError } from '../errors.js';
import { type StreamDecider, stoppingDecider } from './supervision.js';

const PULL = 0;
const PUSH = 1;
const COMPLETE = 2;
const FAIL = 3;
const CANCEL = 4;
const CALL = 5;

/** Events handled in one synchronous run before the loop yields to the event loop (Akka's output-burst-limit). */
/** Consumed events kept at the front of the queue before it is compacted (see drain). */
const COMPACT_AT = 1024;
const BURST = 10_000;

export abstract class Logic {
  /** @internal */ interp!: Interpreter;
  /** @internal */ index = 0;
  /** The stage's name in errors: a defined stage's name or `kind#index`. */
  name = '';
  decider: StreamDecider = stoppingDecider;
  inClosed = false;
  outClosed = false;
  finished = false;
  /** Set by the interpreter: downstream pulled and has not been pushed to since. */
  outPulled = false;
  /** This stage pulled and has not been pushed to since. */
  inPulled = false;

  preStart(): void {}
  postStop(): void {}
  onPull(): void {}
  onPush(_x: unknown): void {}
  onUpstreamFinish(): void {
    this.completeStage();
  }
  onUpstreamFailure(err: unknown): void {
    this.failStage(err);
  }
  onDownstreamFinish(cause: unknown): void {
    this.cancelStage(cause);
  }

  push(x: unknown): void {
    if (this.outClosed) return;
    this.outPulled = false;
    this.interp.enqueue(PUSH, this.index, x);
  }
  pull(): void {
    if (this.inClosed || this.inPulled) return;
    this.inPulled = true;
    this.interp.enqueue(PULL, this.index - 1, undefined);
  }
  complete(): void {
    if (this.outClosed) return;
    this.outClosed = true;
    this.interp.enqueue(COMPLETE, this.index, undefined);
  }
  cancel(cause?: unknown): void {
    if (this.inClosed) return;
    this.inClosed = true;
    this.interp.enqueue(CANCEL, this.index - 1, cause);
  }
  completeStage(): void {
    this.complete();
    this.cancel();
  }
  cancelStage(cause?: unknown): void {
    this.cancel(cause);
    this.complete();
  }
  /** Fails downstream with `err` (wrapped as a StreamFailedError naming this stage unless it already is one) and cancels upstream. */
  failStage(err: unknown): void {
    const failure = err instanceof StreamFailedError ? err : new StreamFailedError(this.name, this.interp.island, err);
    if (this.index === this.interp.stages.length - 1) this.interp.failure ??= failure;
    if (!this.outClosed) {
      this.outClosed = true;
      this.interp.enqueue(FAIL, this.index, failure);
    }
    this.cancel(failure);
  }
  /** Runs `fn` inside this interpreter's loop, whenever it is called (a promise's settlement, a timer). */
  callback<T>(fn: (v: T) => void): (v: T) => void {
    return (v: T) => {
      if (!this.finished) this.interp.invoke(() => fn(v));
    };
  }
  /**
   * What the stage does after its user code threw: 'stop' fails the stage (and the stream), 'resume' and
   * 'restart' return the directive so the stage drops the element (and resets its state on 'restart').
   */
  decide(err: unknown): 'resume' | 'restart' | 'stopped' {
    let d: string;
    try {
      d = this.decider(err);
    } catch (thrown) {
      this.failStage(thrown);
      return 'stopped';
    }
    if (d === 'resume' || d === 'restart') return d;
    this.failStage(err);
    return 'stopped';
  }
}

export interface StageCount {
  readonly stage: string;
  readonly emitted: number;
}

export class Interpreter {
  private readonly types: number[] = [];
  private readonly conns: number[] = [];
  private readonly values: unknown[] = [];
  private head = 0;
  private running = false;
  private yielded = false;
  private spent = 0;
  private alive: number;
  readonly emitted: number[];
  /** The failure the sink received or raised, if any: what completion rejects with. */
  failure: unknown;
  /** Called once, when every stage has stopped. */
  onTerminated: () => void = () => {};
  /** The island this interpreter runs (0: the first, or the only one), named in StreamFailedError. */
  island = 0;
  /**
   * Called at the end of every run of the loop (its queue empty, or the loop yielding): an island's boundary sends
   * what the run pushed into it, at once, in one message (a microtask would wait for the worker's driver to return
   * to the event loop, which a spinning driver does late).
   */
  onDrained: (() => void) | undefined = undefined;

  constructor(readonly stages: readonly Logic[]) {
    this.alive = stages.length;
    this.emitted = stages.map(() => 0);
    stages.forEach((s, i) => {
      s.interp = this;
      s.index = i;
    });
    const first = stages[0];
    const last = stages[stages.length - 1];
    if (first) first.inClosed = true;
    if (last) last.outClosed = true;
  }

  start(): void {
    this.running = true;
    for (const s of this.stages) this.guard(s, () => s.preStart());
    this.running = false;
    this.drain();
  }

  enqueue(type: number, conn: number, value: unknown): void {
    this.types.push(type);
    this.conns.push(conn);
    this.values.push(value);
  }

  /** Runs `fn` in the loop: now if the loop is idle, else after the events already queued. */
  invoke(fn: () => void): void {
    this.enqueue(CALL, -1, fn);
    if (!this.running) this.drain();
  }

  /** Entries the event queue holds, consumed ones included: what its memory is (bounded, test/streams/core). */
  get queueEntries(): number {
    return this.types.length;
  }

  /**
   * A new burst: what an island calls as each message from outside arrives, so that the loop yields only when one
   * message's work outlasts BURST events (not every BURST events of a long stream, whose continuation a spinning
   * worker driver would run late).
   */
  newBurst(): void {
    if (!this.yielded) this.spent = 0;
  }

  counts(): StageCount[] {
    return this.stages.map((s, i) => ({ stage: s.name, emitted: this.emitted[i] ?? 0 }));
  }

  private drain(): void {
    if (this.running || this.yielded) return;
    this.running = true;
    while (this.head < this.types.length) {
      // Counted across drains, so that a source whose promises always resolve at once (a microtask chain) cannot
      // starve timers and I/O either: after BURST events the loop goes on from a macrotask.
      if (++this.spent > BURST) {
        this.yielded = true;
        setImmediate(() => {
          this.spent = 0;
          this.yielded = false;
          this.drain();
        });
        break;
      }
      const i = this.head++;
      const type = this.types[i] as number;
      const conn = this.conns[i] as number;
      const value = this.values[i];
      this.values[i] = undefined;
      this.dispatch(type, conn, value);
    }
    if (this.head === this.types.length) {
      this.types.length = 0;
      this.conns.length = 0;
      this.values.length = 0;
      this.head = 0;
    } else if (this.head > COMPACT_AT) {
      // A running pipeline always leaves an event behind (the next pull), so the queue never empties by itself:
      // without this it grew by every event of the stream (8 M entries for 1 M elements), and pushing onto it
      // cost 70% of the run. Drop the consumed prefix.
      this.types.splice(0, this.head);
      this.conns.splice(0, this.head);
      this.values.splice(0, this.head);
      this.head = 0;
    }
    this.running = false;
    this.onDrained?.();
  }

  private dispatch(type: number, conn: number, value: unknown): void {
    if (type === CALL) {
      // A callback may close any stage of this interpreter (a queue's complete(), a timer), so look at them all.
      try {
        (value as () => void)();
      } finally {
        for (const s of this.stages) this.check(s);
      }
      return;
    }
    if (type === PULL || type === CANCEL) {
      const up = this.stages[conn];
      if (up === undefined || up.finished || up.outClosed) return;
      if (type === PULL) {
        up.outPulled = true;
        this.guard(up, () => up.onPull());
      } else {
        up.outClosed = true;
        this.guard(up, () => up.onDownstreamFinish(value));
      }
      this.check(up);
      return;
    }
    const down = this.stages[conn + 1];
    if (down === undefined || down.finished || down.inClosed) return;
    if (type === PUSH) {
      down.inPulled = false;
      this.emitted[conn] = (this.emitted[conn] ?? 0) + 1;
      this.guard(down, () => down.onPush(value));
    } else if (type === COMPLETE) {
      down.inClosed = true;
      this.guard(down, () => down.onUpstreamFinish());
    } else {
      down.inClosed = true;
      if (conn + 2 === this.stages.length) this.failure ??= value;
      this.guard(down, () => down.onUpstreamFailure(value));
    }
    this.check(down);
  }

  /** A handler that throws (a bug, or user code a stage does not supervise itself) fails its stage. */
  private guard(s: Logic, fn: () => void): void {
    try {
      fn();
    } catch (err) {
      s.failStage(err);
    }
    this.check(s);
  }

  private check(s: Logic): void {
    if (s.finished || !s.inClosed || !s.outClosed) return;
    s.finished = true;
    try {
      s.postStop();
    } catch {
      // A cleanup that throws cannot change the outcome any more; the stream goes on stopping.
    }
    if (--this.alive === 0) this.onTerminated();
  }

  /** The kill switch: every stage but the sink stops (sources run their cleanup), and the sink sees completion. */
  killSwitch(cause: unknown): void {
    this.invoke(() => {
      const last = this.stages.length - 1;
      for (let i = 0; i < last; i++) {
        const s = this.stages[i] as Logic;
        if (s.finished) continue;
        s.inClosed = true;
        s.outClosed = true;
        if (i === 0) this.guard(s, () => s.onDownstreamFinish(cause));
        this.check(s);
      }
      const sink = this.stages[last];
      if (sink && !sink.finished && !sink.inClosed) {
        sink.inClosed = true;
        this.guard(sink, () => sink.onUpstreamFinish());
      }
    });
  }
}
