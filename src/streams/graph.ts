/**
 * Source, Flow, Sink and RunnableGraph: immutable values made of stage descriptors. Every operator returns a new
 * value; nothing runs before `run()`. Bad arguments throw InvalidArgumentError here, at graph-build time.
 */
import { Readable, type Writable } from 'node:stream';
import { InvalidArgumentError } from '../errors.js';
import { buildLogics } from './build.js';
import type { Placement } from '../actor.js';
import { type MatExpr, type StageDesc, evaluate, isMarker, shift } from './descriptors.js';
import { hostOf, materializeIslands, planIslands, DEFAULT_INPUT_BUFFER } from './materialize.js';
import { Interpreter, type StageCount } from './interpreter.js';
import { OVERFLOW_STRATEGIES, type OverflowStrategy } from './ops-buffer.js';
import type { ThrottleMode } from './ops-time.js';
import type { TargetRef } from './sinks.js';
import type { SourceQueue } from './sources.js';
import { type DefinedStage, type StageFn, checkCount, checkFn, stageFnName } from './stage.js';
import type { StreamDecider, StreamDirective } from './supervision.js';

/** How toMat combines the source's materialized value (left) with the sink's (right). */
export const Keep = Object.freeze({
  left: <L, R>(l: L, _r: R): L => l,
  right: <L, R>(_l: L, r: R): R => r,
  both: <L, R>(l: L, r: R): [L, R] => [l, r],
  none: <L, R>(_l: L, _r: R): undefined => undefined,
});

/** What every run() returns beside the materialized value. */
export interface RunHandles {
  /** Resolves when every stage has stopped after completion or stop(); rejects with StreamFailedError on a failure. */
  readonly completion: Promise<void>;
  /** The kill switch: cancels the upstream stages (sources run their cleanup) and completes the sink. */
  stop(reason?: unknown): void;
  stats(): StreamStats;
}

/** One async boundary: elements its upstream island sent across, those its downstream island handed on, the difference. */
export interface BoundaryStats {
  /** 1 for the boundary before the second island, and so on. */
  readonly boundary: number;
  readonly emitted: number;
  readonly consumed: number;
  /** In a ring, or in the downstream island's input buffer: at most that boundary's `inputBuffer`. */
  readonly inFlight: number;
}

export interface StreamStats {
  /** The async boundaries between islands, read from shared memory without a message: none when the graph runs inline. */
  readonly boundaries: readonly BoundaryStats[];
  /** Elements each stage of this thread emitted downstream, in graph order (stages on workers are not listed). */
  readonly stages: readonly StageCount[];
}

/**
 * The materialized value as run() returns it: a plain object's fields are spread beside the handles (so
 * `const { queue, total, completion } = graph.run()`); anything else (a promise, a queue, an array) is `value`.
 */
export type Materialized<M> = RunHandles & (M extends readonly unknown[] ? { value: M } : M extends Record<string, unknown> ? M : { value: M });

/** An actor system, accepted by run() for the islands to come; inline graphs do not need one. */
export interface SystemLike {
  readonly [key: string]: unknown;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null) return false;
  const p = Object.getPrototypeOf(v);
  return p === Object.prototype || p === null;
}

function check(cond: boolean, message: string): void {
  if (!cond) throw new InvalidArgumentError(message);
}

export class RunnableGraph<M> {
  /** @internal */
  constructor(
    readonly stages: readonly StageDesc[],
    readonly mat: MatExpr,
  ) {
    Object.freeze(this);
  }
  /** Materializes the graph on this thread and starts it. `system` is optional in inline mode. */
  run(system?: object): Materialized<M> {
    const { value, handles } = this.materialize(system);
    return (isPlainObject(value) ? { ...value, ...handles } : { value, ...handles }) as Materialized<M>;
  }
  /** @internal The materialized value as it is, beside the handles. */
  materialize(system?: object): { value: M; handles: RunHandles } {
    const plans = planIslands(this.stages);
    const host = plans === undefined ? undefined : hostOf(system);
    if (plans !== undefined && host !== undefined) {
      return materializeIslands(plans, this.mat, this.stages.length, host) as { value: M; handles: RunHandles };
    }
    // No islands, or nothing to place them with (no system, inline mode): one fused interpreter on this thread.
    const stages = plans === undefined ? this.stages : this.stages.map((d) => (isMarker(d) ? PASS : d));
    const { logics, mats } = buildLogics(stages);
    const interp = new Interpreter(logics);
    const completion = new Promise<void>((resolve, reject) => {
      interp.onTerminated = () => (interp.failure === undefined ? resolve() : reject(interp.failure));
    });
    completion.catch(() => {});
    const value = evaluate(this.mat, mats);
    const handles: RunHandles = {
      completion,
      stop: (reason?: unknown) => interp.killSwitch(reason),
      stats: () => ({ boundaries: [], stages: interp.counts() }),
    };
    interp.start();
    return { value: value as M, handles };
  }
}

/** A marker run inline: a stage that passes elements on, so that stage indexes (and materialized values) stay put. */
const PASS: StageDesc = Object.freeze({ kind: 'map', fn: (x: unknown) => x, name: '(async boundary, fused)' });

/** `.async(options)`: the next stages form a new island. */
export interface AsyncOptions {
  /** Where the new island runs: `{ worker: n }`, a placement strategy, or the main thread (`{ worker: 0 }`); default the system's placement. */
  readonly placement?: Placement;
  /** Elements at most in flight across the boundary (in rings or buffered by the new island); default 16. */
  readonly inputBuffer?: number;
}

function asyncMarker(o: AsyncOptions | undefined): StageDesc {
  const inputBuffer = o?.inputBuffer ?? DEFAULT_INPUT_BUFFER;
  checkCount('async', 'inputBuffer', inputBuffer, 1);
  checkPlacement('async', o?.placement);
  return Object.freeze({ kind: 'async', placement: o?.placement, inputBuffer });
}

function onMarker(p: Placement): StageDesc {
  check(p !== undefined, 'on: expected a placement such as { worker: 1 }');
  checkPlacement('on', p);
  return Object.freeze({ kind: 'on', placement: p });
}

function checkPlacement(op: string, p: unknown): void {
  if (p === undefined || typeof p === 'string') return;
  check(
    typeof p === 'object' && p !== null && Number.isInteger((p as { worker?: unknown }).worker) && ((p as { worker: number }).worker) >= 0,
    `${op}: placement must be { worker: n } (n >= 0, 0 the main thread) or a placement strategy, got ${JSON.stringify(p)}`,
  );
}

function noIslands(where: string, stages: readonly StageDesc[]): void {
  check(!stages.some(isMarker), `${where}: .async() and .on() inside it are not supported; place islands on the main graph`);
}

function op(_operator: string, d: StageDesc): StageDesc {
  return Object.freeze(d);
}

/** The operator descriptors, validated; shared by Source and Flow. */
const ops = {
  map: (f: unknown) => {
    checkFn('map', f);
    return op('map', { kind: 'map', fn: f });
  },
  filter: (f: unknown) => {
    checkFn('filter', f);
    return op('filter', { kind: 'filter', fn: f });
  },
  mapAsync: (n: number, f: unknown, kind: 'mapAsync' | 'mapAsyncUnordered') => {
    checkCount(kind, 'parallelism', n);
    checkFn(kind, f);
    return op(kind, { kind, parallelism: n, fn: f });
  },
  take: (n: number) => {
    checkCount('take', 'n', n, 0);
    return op('take', { kind: 'take', n });
  },
  takeWhile: (f: unknown) => {
    checkFn('takeWhile', f);
    return op('takeWhile', { kind: 'takeWhile', fn: f });
  },
  grouped: (n: number) => {
    checkCount('grouped', 'n', n);
    return op('grouped', { kind: 'grouped', n });
  },
  groupedWithin: (n: number, ms: number) => {
    checkCount('groupedWithin', 'n', n);
    check(typeof ms === 'number' && ms > 0 && Number.isFinite(ms), `groupedWithin: ms must be a finite number > 0, got ${String(ms)}`);
    return op('groupedWithin', { kind: 'groupedWithin', n, ms });
  },
  buffer: (size: number, overflow: OverflowStrategy) => {
    checkCount('buffer', 'size', size);
    check(OVERFLOW_STRATEGIES.includes(overflow), `buffer: overflow must be one of ${OVERFLOW_STRATEGIES.join(', ')}; got ${String(overflow)}`);
    return op('buffer', { kind: 'buffer', size, overflow });
  },
  throttle: (o: ThrottleOptions) => {
    checkCount('throttle', 'elements', o?.elements);
    check(typeof o.perMs === 'number' && o.perMs > 0 && Number.isFinite(o.perMs), `throttle: perMs must be a finite number > 0, got ${String(o.perMs)}`);
    const burst = o.burst ?? 0;
    checkCount('throttle', 'burst', burst, 0);
    const mode = o.mode ?? 'shaping';
    check(mode === 'shaping' || mode === 'enforcing', `throttle: mode must be 'shaping' or 'enforcing', got ${String(mode)}`);
    return op('throttle', { kind: 'throttle', elements: o.elements, perMs: o.perMs, burst, mode });
  },
  groupBy: (max: number, key: unknown, sub: Flow<never, unknown>, o?: GroupByOptions) => {
    checkCount('groupBy', 'maxSubstreams', max, 1, true);
    checkFn('groupBy', key);
    check(sub instanceof Flow, 'groupBy: the substream must be a Flow (Flow.of<T>().map(...)); pass Flow.of<T>() to merge the substreams unchanged');
    const onOverflow = o?.onOverflow ?? 'fail';
    check(onOverflow === 'fail' || onOverflow === 'drop-new', `groupBy: onOverflow must be 'fail' or 'drop-new', got ${String(onOverflow)}`);
    noIslands('groupBy', sub.stages);
    return op('groupBy', { kind: 'groupBy', maxSubstreams: max, fn: key, onOverflow, substream: sub.stages });
  },
  merge: (s: Source<unknown, unknown>) => {
    check(s instanceof Source, 'merge: expected a Source');
    noIslands('merge', s.stages);
    return op('merge', { kind: 'merge', source: s.stages });
  },
  alsoTo: (s: Sink<never, unknown>) => {
    check(s instanceof Sink, 'alsoTo: expected a Sink');
    noIslands('alsoTo', s.stages);
    return op('alsoTo', { kind: 'alsoTo', sink: s.stages });
  },
  recover: (f: unknown) => {
    checkFn('recover', f);
    return op('recover', { kind: 'recover', fn: f });
  },
};

export interface ThrottleOptions {
  /** Elements per `perMs`. */
  readonly elements: number;
  readonly perMs: number;
  /** Extra elements allowed at once after a quiet period (the bucket holds max(1, burst) tokens). Default 0. */
  readonly burst?: number;
  /** 'shaping' (default) delays elements; 'enforcing' fails the stream with RateExceededError. */
  readonly mode?: ThrottleMode;
}

export interface GroupByOptions {
  /** Past maxSubstreams keys: 'fail' (default) fails with TooManySubstreamsError, 'drop-new' drops the new key's elements. */
  readonly onOverflow?: 'fail' | 'drop-new';
}

function supervised(stages: readonly StageDesc[], decider: unknown, where: string): StageDesc[] {
  check(
    typeof decider === 'function' || stageFnName(decider) !== undefined,
    `${where}.withSupervision: the decider must be a function (err) => 'stop' | 'resume' | 'restart', or a defined stage of one`,
  );
  const last = [...stages].reverse().find((d) => !isMarker(d));
  check(last === undefined || stages[stages.length - 1] === last, `${where}.withSupervision: call it right after the operator it supervises, not after .async() or .on()`);
  check(last !== undefined, `${where}.withSupervision: there is no stage to supervise yet; call it after the operator`);
  return [...stages.slice(0, -1), Object.freeze({ ...(last as StageDesc), decider } as StageDesc)];
}

function named(stages: readonly StageDesc[], name: string): StageDesc[] {
  check(typeof name === 'string' && name.length > 0, 'named: the name must be a non-empty string');
  const last = stages[stages.length - 1] as StageDesc;
  return [...stages.slice(0, -1), Object.freeze({ ...last, name })];
}

export class Source<Out, Mat = undefined> {
  /** @internal */
  constructor(
    readonly stages: readonly StageDesc[],
    readonly mat: MatExpr,
  ) {
    Object.freeze(this);
  }
  private add<U>(d: StageDesc): Source<U, Mat> {
    return new Source<U, Mat>([...this.stages, d], this.mat);
  }

  static from<T>(iterable: Iterable<T>): Source<T> {
    check(iterable != null && typeof (iterable as Iterable<T>)[Symbol.iterator] === 'function', 'Source.from: expected an iterable (an array, a Set, a generator)');
    return leaf({ kind: 'from', iterable });
  }
  static single<T>(x: T): Source<T> {
    return leaf({ kind: 'from', iterable: [x] }, 'single#0');
  }
  static empty<T = never>(): Source<T> {
    return leaf({ kind: 'from', iterable: [] }, 'empty#0');
  }
  static failed<T = never>(error: unknown): Source<T> {
    return leaf({ kind: 'failed', error });
  }
  /** f(state) gives [next state, element], or undefined to complete. */
  static unfold<S, T>(seed: S, f: StageFn<(s: S) => readonly [S, T] | undefined>): Source<T> {
    checkFn('Source.unfold', f);
    return leaf({ kind: 'unfold', seed, fn: f });
  }
  static fromAsyncIterable<T>(ai: AsyncIterable<T>): Source<T> {
    check(ai != null && typeof ai[Symbol.asyncIterator] === 'function', 'Source.fromAsyncIterable: expected an async iterable');
    return leaf({ kind: 'fromAsyncIterable', iterable: ai });
  }
  static fromReadable<T = unknown>(readable: Readable): Source<T> {
    check(readable instanceof Readable, 'Source.fromReadable: expected a node:stream Readable');
    return leaf({ kind: 'fromReadable', readable });
  }
  static fromReadableStream<T>(stream: ReadableStream<T>): Source<T> {
    check(stream != null && typeof stream.getReader === 'function', 'Source.fromReadableStream: expected a web ReadableStream');
    return leaf({ kind: 'fromReadableStream', stream: stream as ReadableStream<unknown> });
  }
  /** Materializes a SourceQueue. `size` may be 0 (offers then wait for demand, with 'backpressure'). */
  static queue<T>(size: number, overflow: OverflowStrategy, options?: { maxConcurrentOffers?: number }): Source<T, SourceQueue<T>> {
    checkCount('Source.queue', 'size', size, 0);
    check(OVERFLOW_STRATEGIES.includes(overflow), `Source.queue: overflow must be one of ${OVERFLOW_STRATEGIES.join(', ')}; got ${String(overflow)}`);
    const maxConcurrentOffers = options?.maxConcurrentOffers ?? 16;
    checkCount('Source.queue', 'maxConcurrentOffers', maxConcurrentOffers);
    return new Source([Object.freeze({ kind: 'queue', size, overflow, maxConcurrentOffers })], { kind: 'stage', at: 0 });
  }
  /** Emits `value` every `ms` while there is demand; a tick without demand is dropped. */
  static tick<T>(ms: number, value: T): Source<T> {
    check(typeof ms === 'number' && ms > 0 && Number.isFinite(ms), `Source.tick: ms must be a finite number > 0, got ${String(ms)}`);
    return leaf({ kind: 'tick', ms, value });
  }

  map<U>(f: StageFn<(x: Out) => U>): Source<U, Mat> {
    return this.add(ops.map(f));
  }
  filter(p: StageFn<(x: Out) => unknown>): Source<Out, Mat> {
    return this.add(ops.filter(p));
  }
  mapAsync<U>(parallelism: number, f: StageFn<(x: Out) => U | PromiseLike<U>>): Source<U, Mat> {
    return this.add(ops.mapAsync(parallelism, f, 'mapAsync'));
  }
  mapAsyncUnordered<U>(parallelism: number, f: StageFn<(x: Out) => U | PromiseLike<U>>): Source<U, Mat> {
    return this.add(ops.mapAsync(parallelism, f, 'mapAsyncUnordered'));
  }
  take(n: number): Source<Out, Mat> {
    return this.add(ops.take(n));
  }
  takeWhile(p: StageFn<(x: Out) => unknown>): Source<Out, Mat> {
    return this.add(ops.takeWhile(p));
  }
  grouped(n: number): Source<Out[], Mat> {
    return this.add(ops.grouped(n));
  }
  groupedWithin(n: number, ms: number): Source<Out[], Mat> {
    return this.add(ops.groupedWithin(n, ms));
  }
  buffer(size: number, overflow: OverflowStrategy): Source<Out, Mat> {
    return this.add(ops.buffer(size, overflow));
  }
  throttle(options: ThrottleOptions): Source<Out, Mat> {
    return this.add(ops.throttle(options));
  }
  /** Splits by key into at most maxSubstreams substreams, runs `substream` on each and merges them back. */
  groupBy<K, U>(maxSubstreams: number, key: StageFn<(x: Out) => K>, substream: Flow<Out, U>, options?: GroupByOptions): Source<U, Mat> {
    return this.add(ops.groupBy(maxSubstreams, key, substream as Flow<never, unknown>, options));
  }
  merge<U>(other: Source<U, unknown>): Source<Out | U, Mat> {
    return this.add(ops.merge(other as Source<unknown, unknown>));
  }
  alsoTo(sink: Sink<Out, unknown>): Source<Out, Mat> {
    return this.add(ops.alsoTo(sink as Sink<never, unknown>));
  }
  recover<U>(f: StageFn<(err: unknown) => U>): Source<Out | U, Mat> {
    return this.add(ops.recover(f));
  }
  /** Ends the island built so far: the stages after this run in a new island (an actor), placed by `options.placement`. */
  async(options?: AsyncOptions): Source<Out, Mat> {
    return this.add(asyncMarker(options));
  }
  /** Places the island built so far (the first one included): `{ worker: n }`, or a placement strategy. */
  on(placement: Placement): Source<Out, Mat> {
    return this.add(onMarker(placement));
  }
  /** Supervises the last stage added: what it does when its user code throws. */
  withSupervision(decider: StreamDecider | DefinedStage<(err: unknown) => StreamDirective, unknown>): Source<Out, Mat> {
    return new Source(supervised(this.stages, decider, 'Source'), this.mat);
  }
  /** Names the last stage added (the name errors and stats() use). */
  named(name: string): Source<Out, Mat> {
    return new Source(named(this.stages, name), this.mat);
  }

  via<U>(flow: Flow<Out, U>): Source<U, Mat> {
    check(flow instanceof Flow, 'Source.via: expected a Flow');
    return new Source<U, Mat>([...this.stages, ...flow.stages], this.mat);
  }
  to(sink: Sink<Out, unknown>): RunnableGraph<Mat> {
    return this.toMat(sink, Keep.left);
  }
  toMat<M2, M3>(sink: Sink<Out, M2>, combine: (left: Mat, right: M2) => M3): RunnableGraph<M3> {
    check(sink instanceof Sink, 'Source.to: expected a Sink');
    check(typeof combine === 'function', 'Source.toMat: combine must be a function such as Keep.right');
    const right = shift(sink.mat, this.stages.length);
    return new RunnableGraph<M3>([...this.stages, ...sink.stages], {
      kind: 'combine',
      left: this.mat,
      right,
      fn: combine as (l: unknown, r: unknown) => unknown,
    });
  }
  /** Runs into `sink` and returns the sink's materialized value. */
  runWith<M2>(sink: Sink<Out, M2>, system?: object): M2 {
    return this.toMat(sink, Keep.right).materialize(system).value;
  }
  runForEach(f: StageFn<(x: Out) => unknown>, system?: object): Promise<void> {
    return this.runWith(Sink.forEach(f), system);
  }
  runCollect(system?: object): Promise<Out[]> {
    return this.runWith(Sink.collect<Out>(), system);
  }
  runAsyncIterable(system?: object): AsyncIterable<Out> {
    return this.runWith(Sink.asyncIterable<Out>(), system);
  }
  /** A Node Readable (object mode) that pulls from this source as it is read; destroying it cancels the stream. */
  toReadable(options?: { highWaterMark?: number }, system?: object): Readable {
    return Readable.from(this.runAsyncIterable(system), { objectMode: true, highWaterMark: options?.highWaterMark ?? 16 });
  }
  /** A web ReadableStream whose pull takes one element; cancel() cancels the stream. */
  toReadableStream(system?: object): ReadableStream<Out> {
    const it = this.runAsyncIterable(system)[Symbol.asyncIterator]();
    return new ReadableStream<Out>({
      async pull(controller) {
        const r = await it.next();
        if (r.done) controller.close();
        else controller.enqueue(r.value);
      },
      async cancel() {
        await it.return?.();
      },
    });
  }
}

function leaf<T>(d: StageDesc, name?: string): Source<T> {
  return new Source<T>([Object.freeze(name === undefined ? d : { ...d, name })], { kind: 'none' });
}

export class Flow<In, Out> {
  /** @internal */
  constructor(readonly stages: readonly StageDesc[]) {
    Object.freeze(this);
  }
  /** The empty flow of T, to build on: `Flow.of<string>().map(parseLine)`. */
  static of<T>(): Flow<T, T> {
    return new Flow<T, T>([]);
  }
  private add<U>(d: StageDesc): Flow<In, U> {
    return new Flow<In, U>([...this.stages, d]);
  }
  map<U>(f: StageFn<(x: Out) => U>): Flow<In, U> {
    return this.add(ops.map(f));
  }
  filter(p: StageFn<(x: Out) => unknown>): Flow<In, Out> {
    return this.add(ops.filter(p));
  }
  mapAsync<U>(parallelism: number, f: StageFn<(x: Out) => U | PromiseLike<U>>): Flow<In, U> {
    return this.add(ops.mapAsync(parallelism, f, 'mapAsync'));
  }
  mapAsyncUnordered<U>(parallelism: number, f: StageFn<(x: Out) => U | PromiseLike<U>>): Flow<In, U> {
    return this.add(ops.mapAsync(parallelism, f, 'mapAsyncUnordered'));
  }
  take(n: number): Flow<In, Out> {
    return this.add(ops.take(n));
  }
  takeWhile(p: StageFn<(x: Out) => unknown>): Flow<In, Out> {
    return this.add(ops.takeWhile(p));
  }
  grouped(n: number): Flow<In, Out[]> {
    return this.add(ops.grouped(n));
  }
  groupedWithin(n: number, ms: number): Flow<In, Out[]> {
    return this.add(ops.groupedWithin(n, ms));
  }
  buffer(size: number, overflow: OverflowStrategy): Flow<In, Out> {
    return this.add(ops.buffer(size, overflow));
  }
  throttle(options: ThrottleOptions): Flow<In, Out> {
    return this.add(ops.throttle(options));
  }
  groupBy<K, U>(maxSubstreams: number, key: StageFn<(x: Out) => K>, substream: Flow<Out, U>, options?: GroupByOptions): Flow<In, U> {
    return this.add(ops.groupBy(maxSubstreams, key, substream as Flow<never, unknown>, options));
  }
  merge<U>(other: Source<U, unknown>): Flow<In, Out | U> {
    return this.add(ops.merge(other as Source<unknown, unknown>));
  }
  alsoTo(sink: Sink<Out, unknown>): Flow<In, Out> {
    return this.add(ops.alsoTo(sink as Sink<never, unknown>));
  }
  recover<U>(f: StageFn<(err: unknown) => U>): Flow<In, Out | U> {
    return this.add(ops.recover(f));
  }
  /** Ends the island built so far: the stages after this run in a new island, placed by `options.placement`. */
  async(options?: AsyncOptions): Flow<In, Out> {
    return this.add(asyncMarker(options));
  }
  /** Places the island this flow's stages (so far) belong to. */
  on(placement: Placement): Flow<In, Out> {
    return this.add(onMarker(placement));
  }
  withSupervision(decider: StreamDecider | DefinedStage<(err: unknown) => StreamDirective, unknown>): Flow<In, Out> {
    return new Flow(supervised(this.stages, decider, 'Flow'));
  }
  named(name: string): Flow<In, Out> {
    return new Flow(named(this.stages, name));
  }
  via<U>(flow: Flow<Out, U>): Flow<In, U> {
    check(flow instanceof Flow, 'Flow.via: expected a Flow');
    return new Flow<In, U>([...this.stages, ...flow.stages]);
  }
  /** A sink made of this flow and `sink`; it keeps the sink's materialized value (flows have none). */
  to<M>(sink: Sink<Out, M>): Sink<In, M> {
    check(sink instanceof Sink, 'Flow.to: expected a Sink');
    return new Sink<In, M>([...this.stages, ...sink.stages], shift(sink.mat, this.stages.length));
  }
}

export class Sink<In, Mat = undefined> {
  /** @internal */
  constructor(
    readonly stages: readonly StageDesc[],
    readonly mat: MatExpr,
  ) {
    Object.freeze(this);
  }
  /** Runs f on each element (awaiting it when it returns a promise); materializes a promise of the end. */
  static forEach<T>(f: StageFn<(x: T) => unknown>): Sink<T, Promise<void>> {
    checkFn('Sink.forEach', f);
    return sink({ kind: 'forEach', fn: f });
  }
  /** Folds every element into `zero`; `f` is a closure or a defined stage (which gets `(acc, x, args)`). */
  static fold<T, R>(zero: R, f: ((acc: R, x: T) => R) | DefinedStage<(acc: R, x: T) => R, any>): Sink<T, Promise<R>> {
    checkFn('Sink.fold', f);
    return sink({ kind: 'fold', zero, fn: f });
  }
  static collect<T>(): Sink<T, Promise<T[]>> {
    return sink({ kind: 'collect' });
  }
  static ignore<T = unknown>(): Sink<T, Promise<void>> {
    return sink({ kind: 'ignore' });
  }
  /** Materializes an AsyncIterable (iterate it once): each next() is demand for one element; break cancels upstream. */
  static asyncIterable<T>(): Sink<T, AsyncIterable<T>> {
    return sink({ kind: 'asyncIterable' });
  }
  /** Writes to a Node Writable, honouring write() false / 'drain'; materializes a promise of its 'finish'. */
  static toWritable<T>(writable: Writable): Sink<T, Promise<void>> {
    check(writable != null && typeof writable.write === 'function', 'Sink.toWritable: expected a node:stream Writable');
    return sink({ kind: 'toWritable', writable });
  }
  /** Sends each element to an actor: with ack, as an ask whose reply lets the next element go; else as a tell. */
  static actorRef<T>(ref: TargetRef<T>, options?: { ack?: boolean }): Sink<T> {
    check(ref != null && typeof ref.tell === 'function' && typeof ref.ask === 'function', 'Sink.actorRef: expected an ActorRef');
    return new Sink<T>([Object.freeze({ kind: 'actorRef', ref: ref as TargetRef<unknown>, ack: options?.ack ?? false })], { kind: 'none' });
  }
  withSupervision(decider: StreamDecider | DefinedStage<(err: unknown) => StreamDirective, unknown>): Sink<In, Mat> {
    return new Sink(supervised(this.stages, decider, 'Sink'), this.mat);
  }
}

function sink<T, M>(d: StageDesc): Sink<T, M> {
  return new Sink<T, M>([Object.freeze(d)], { kind: 'stage', at: 0 });
}
