// ringmaster/streams: demand-driven streams (Akka Streams' model). This first layer runs every graph inline, on the
// thread that materializes it; islands on workers come later. test/unit/public-surface.test.ts pins the names.
export { Source, Flow, Sink, Keep, RunnableGraph } from './graph.js';
export type { Materialized, RunHandles, StreamStats, ThrottleOptions, GroupByOptions } from './graph.js';
export type { SourceQueue } from './sources.js';
export type { TargetRef } from './sinks.js';
export type { OverflowStrategy } from './ops-buffer.js';
export type { ThrottleMode } from './ops-time.js';
export type { StageCount } from './interpreter.js';
export type { StageDesc, OperatorDesc, SourceDesc, SinkDesc, MatExpr } from './descriptors.js';
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
