/** The inline materializer: turns descriptors into stage logics, each with its materialized value. */
import { InvalidArgumentError } from '../errors.js';
import type { StageDesc } from './descriptors.js';
import type { Logic } from './interpreter.js';
import { MapAsyncLogic } from './ops-async.js';
import { BufferLogic } from './ops-buffer.js';
import { AlsoToLogic, GroupByLogic, MergeLogic } from './ops-fan.js';
import { FilterLogic, GroupedLogic, MapLogic, RecoverLogic, TakeLogic, TakeWhileLogic } from './ops-linear.js';
import { GroupedWithinLogic, ThrottleLogic } from './ops-time.js';
import { ActorRefSinkLogic, AsyncIterableSinkLogic, FoldSinkLogic, WritableSinkLogic } from './sinks.js';
import {
  AsyncIteratorSourceLogic,
  FailedSourceLogic,
  IterableSourceLogic,
  QueueHandle,
  QueueSourceLogic,
  TickSourceLogic,
  UnfoldSourceLogic,
  readableSource,
  readableStreamSource,
} from './sources.js';
import { callable, stageFnName } from './stage.js';
import type { StreamDecider } from './supervision.js';

type F1 = (x: unknown) => unknown;

export interface Built {
  readonly logics: Logic[];
  readonly mats: unknown[];
}

export function buildLogics(descs: readonly StageDesc[]): Built {
  const logics: Logic[] = [];
  const mats: unknown[] = [];
  descs.forEach((d, i) => {
    const [logic, mat] = one(d);
    logic.name = d.name ?? stageFnName((d as { fn?: unknown }).fn) ?? `${d.kind}#${i}`;
    if (d.decider) logic.decider = typeof d.decider === 'function' ? d.decider : (callable(d.decider as never) as StreamDecider);
    logics.push(logic);
    mats.push(mat);
  });
  return { logics, mats };
}

const inner = (descs: readonly StageDesc[]) => () => buildLogics(descs).logics;

function one(d: StageDesc): [Logic, unknown] {
  switch (d.kind) {
    case 'map':
      return [new MapLogic(callable(d.fn as F1)), undefined];
    case 'filter':
      return [new FilterLogic(callable(d.fn as F1)), undefined];
    case 'mapAsync':
      return [new MapAsyncLogic(d.parallelism, callable(d.fn as F1), true), undefined];
    case 'mapAsyncUnordered':
      return [new MapAsyncLogic(d.parallelism, callable(d.fn as F1), false), undefined];
    case 'take':
      return [new TakeLogic(d.n), undefined];
    case 'takeWhile':
      return [new TakeWhileLogic(callable(d.fn as F1)), undefined];
    case 'grouped':
      return [new GroupedLogic(d.n), undefined];
    case 'groupedWithin':
      return [new GroupedWithinLogic(d.n, d.ms), undefined];
    case 'buffer':
      return [new BufferLogic(d.size, d.overflow), undefined];
    case 'throttle':
      return [new ThrottleLogic(d.elements, d.perMs, d.burst, d.mode), undefined];
    case 'groupBy':
      return [new GroupByLogic(d.maxSubstreams, callable(d.fn as F1), d.onOverflow, inner(d.substream)), undefined];
    case 'merge':
      return [new MergeLogic(inner(d.source)), undefined];
    case 'alsoTo':
      return [new AlsoToLogic(inner(d.sink)), undefined];
    case 'recover':
      return [new RecoverLogic(callable(d.fn as F1)), undefined];
    case 'from':
      return [new IterableSourceLogic(d.iterable), undefined];
    case 'failed':
      return [new FailedSourceLogic(d.error), undefined];
    case 'unfold':
      return [new UnfoldSourceLogic(d.seed, callable(d.fn as (s: unknown) => readonly [unknown, unknown] | undefined)), undefined];
    case 'fromAsyncIterable': {
      const ai = d.iterable;
      return [new AsyncIteratorSourceLogic(() => ai[Symbol.asyncIterator]()), undefined];
    }
    case 'fromReadable':
      return [readableSource(d.readable), undefined];
    case 'fromReadableStream':
      return [readableStreamSource(d.stream), undefined];
    case 'queue': {
      const q = new QueueSourceLogic(d.size, d.overflow, d.maxConcurrentOffers);
      const handle = new QueueHandle(q);
      return [q, handle];
    }
    case 'tick':
      return [new TickSourceLogic(d.ms, d.value), undefined];
    case 'forEach': {
      const f = callable(d.fn as F1);
      const s = new FoldSinkLogic(() => undefined, (_acc, x) => f(x), true);
      return [s, s.result];
    }
    case 'fold': {
      const f = foldFn(d.fn);
      const zero = d.zero;
      const s = new FoldSinkLogic(() => zero, f);
      return [s, s.result];
    }
    case 'collect': {
      const s = new FoldSinkLogic(
        () => [],
        (acc, x) => {
          (acc as unknown[]).push(x);
          return acc;
        },
      );
      return [s, s.result];
    }
    case 'ignore': {
      const s = new FoldSinkLogic(() => undefined, () => undefined);
      const done = s.result.then(() => undefined);
      done.catch(() => {});
      return [s, done];
    }
    case 'asyncIterable': {
      const s = new AsyncIterableSinkLogic();
      return [s, s.iterable];
    }
    case 'toWritable': {
      const s = new WritableSinkLogic(d.writable);
      return [s, s.result];
    }
    case 'actorRef':
      return [new ActorRefSinkLogic(d.ref, d.ack), undefined];
    case 'async':
    case 'on':
      // The materializer splits graphs at these (materialize.ts); one left here is inside groupBy, merge or alsoTo.
      throw new InvalidArgumentError(`.${d.kind}() inside a groupBy substream, a merge's source or an alsoTo sink is not supported: place islands on the main graph`);
  }
}

/** A fold's function: a closure (acc, x), or a defined stage, which gets (acc, x, args). */
function foldFn(f: unknown): (acc: unknown, x: unknown) => unknown {
  if (typeof f === 'function') return f as (acc: unknown, x: unknown) => unknown;
  const d = f as { fn: (acc: unknown, x: unknown, args: unknown) => unknown; args: unknown };
  return (acc, x) => d.fn(acc, x, d.args);
}
