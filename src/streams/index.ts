// ringmaster/streams: demand-driven streams (Akka Streams' model). A graph runs inline, on the thread that
// materializes it, or split by .async() into islands on the workers (materialize.ts). test/unit/public-surface.test.ts
// pins the names.
export { Source, Flow, Sink, Keep, RunnableGraph } from './graph.js';
export type { Materialized, RunHandles, StreamStats, BoundaryStats, AsyncOptions, ThrottleOptions, GroupByOptions } from './graph.js';
export type { SourceQueue } from './sources.js';
export type { TargetRef } from './sinks.js';
export type { OverflowStrategy } from './ops-buffer.js';
export type { ThrottleMode } from './ops-time.js';
export type { StageCount } from './interpreter.js';
export type { StageDesc, OperatorDesc, SourceDesc, SinkDesc, MarkerDesc, MatExpr } from './descriptors.js';
export type { StreamDecider, StreamDirective } from './supervision.js';
export { defineStage } from './stage.js';
export type { DefinedStage, StageFn } from './stage.js';
export {
  StreamFailedError,
  TooManySubstreamsError,
  BufferOverflowError,
  RateExceededError,
  InvalidArgumentError,
  RingmasterError,
} from '../errors.js';
