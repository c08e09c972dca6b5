/**
 * How an island's stage descriptors travel to the worker that runs it (as the island actor's spawn arguments):
 * plain data. A stage function is a defined stage (defineStage), sent as its name and bound arguments and looked up
 * in that worker's registry; a closure cannot cross threads, so a closure placed on another thread is refused at
 * `run()`, naming the stage, as are sources and sinks that hold objects of this thread (a Readable, an async
 * iterable, a queue, a Writable, an async-iterable sink). Values (an array source, a seed, a fold's zero) travel as
 * messages do, and the same checks apply (MessageEncodeError at run()).
 */
import { InvalidArgumentError, serializeError, deserializeError, type SerializedError } from '../errors.js';
import type { StageDesc } from './descriptors.js';
import { findStage, stageFnName, type DefinedStage } from './stage.js';

/** A defined stage as it travels: its name and bound arguments. */
interface WireFn {
  readonly $stage: string;
  readonly args: unknown;
}
export type WireDesc = Record<string, unknown> & { readonly kind: string };

const FN_FIELDS = ['fn', 'decider'] as const;
const NESTED_FIELDS = ['substream', 'source', 'sink'] as const;
const LOCAL_ONLY: Record<string, string> = {
  fromAsyncIterable: 'Source.fromAsyncIterable (an async iterable of this thread)',
  fromReadable: 'Source.fromReadable (a Readable of this thread)',
  fromReadableStream: 'Source.fromReadableStream (a ReadableStream of this thread)',
  queue: 'Source.queue (its SourceQueue is materialized on this thread)',
  toWritable: 'Sink.toWritable (a Writable of this thread)',
  asyncIterable: 'Sink.asyncIterable (its iterable is materialized on this thread)',
};

function stageLabel(d: StageDesc, at: number): string {
  return d.name ?? stageFnName((d as { fn?: unknown }).fn) ?? `${d.kind}#${at}`;
}

/** The descriptors of an island placed on `where` as plain data; throws InvalidArgumentError naming what cannot go. */
export function toWire(descs: readonly StageDesc[], where: string, offset = 0): WireDesc[] {
  return descs.map((d, i) => {
    const label = stageLabel(d, offset + i);
    const why = LOCAL_ONLY[d.kind];
    if (why !== undefined) {
      throw new InvalidArgumentError(`stage '${label}': ${why} cannot run on ${where}; keep it in the first island (before the first .async()), on the thread that runs the graph`);
    }
    const out: Record<string, unknown> = { ...d };
    for (const f of FN_FIELDS) {
      const v = (d as Record<string, unknown>)[f];
      if (v === undefined) continue;
      if (typeof v === 'function') {
        throw new InvalidArgumentError(
          `stage '${label}': its ${f === 'fn' ? 'function' : 'supervision decider'} is a closure, and closures cannot cross threads to ${where}; define it with defineStage(name, fn) in a module listed in 'actors' (so every worker loads it), or keep the stage on this thread`,
        );
      }
      const s = v as DefinedStage<never, unknown>;
      out[f] = { $stage: s.name, args: s.args } satisfies WireFn;
    }
    if (d.kind === 'from') {
      const it = (d as { iterable: unknown }).iterable;
      if (!Array.isArray(it)) {
        throw new InvalidArgumentError(`stage '${label}': Source.from of ${where} needs an array (a Set, a generator or another iterable of this thread cannot travel); pass [...iterable]`);
      }
    }
    if (d.kind === 'failed') out.error = serializeError((d as { error: unknown }).error);
    for (const f of NESTED_FIELDS) {
      const v = (d as Record<string, unknown>)[f];
      if (Array.isArray(v)) out[f] = toWire(v as StageDesc[], where);
    }
    return out as WireDesc;
  });
}

/** The descriptors back, on the worker: defined stages found by name in this thread's registry. */
export function fromWire(wire: readonly WireDesc[], thread: number): StageDesc[] {
  return wire.map((w) => {
    const out: Record<string, unknown> = { ...w };
    for (const f of FN_FIELDS) {
      const v = w[f] as WireFn | undefined;
      if (v === undefined) continue;
      const fn = findStage(v.$stage);
      if (fn === undefined) {
        throw new InvalidArgumentError(
          `the stage '${v.$stage}' is not defined on worker ${thread}: the module that calls defineStage('${v.$stage}', ...) must be listed in the system's 'actors' option, so that every worker loads it`,
        );
      }
      out[f] = Object.freeze({ kind: 'defined-stage', name: v.$stage, args: v.args, fn, with: () => out[f] });
    }
    if (w.kind === 'failed') out.error = deserializeError(w.error as SerializedError);
    for (const f of NESTED_FIELDS) {
      const v = w[f];
      if (Array.isArray(v)) out[f] = fromWire(v as WireDesc[], thread);
    }
    return Object.freeze(out) as unknown as StageDesc;
  });
}
