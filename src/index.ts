// The public API of ringmaster, listed explicitly. test/unit/public-surface.test.ts pins the runtime names: a new
// export is a decision about the API, so it changes there too.
export { ActorSystem } from './system.js';
export { defineActor, isTerminated } from './actor.js';
export { isReceiveTimeout } from './runtime/receive-timeout.js';
export type { ReceiveTimeout } from './runtime/receive-timeout.js';
export type { TimerScheduler, TimerOptions } from './runtime/timers.js';
export type { MailboxKind } from './runtime/mailbox-kind.js';
export type { BoundedOverflow } from './runtime/credits.js';
export type {
  Terminated,
  ActorBehavior,
  ActorContext,
  ActorDefinition,
  Handled,
  Placement,
  ReceiveFn,
  SpawnOptions,
} from './actor.js';
export { ActorRef } from './ref.js';
export { oneForOne, allForOne, defaultStrategy, DEFAULT_MAX_RETRIES, DEFAULT_WITHIN_MS } from './supervision/strategy.js';
export type { Directive, Decider, StrategyOptions, SupervisorStrategy, GuardianOptions } from './supervision/strategy.js';
export type { RestartPolicy, BackoffOptions } from './supervision/restarts.js';
export type { AskOptions } from './ref.js';
export type {
  SystemOptions,
  WorkerRestartOptions,
  WorkerBackoffOptions,
  WorkerResourceLimits,
  GuardianConfig,
  CoordinatedShutdownOptions,
  ResolvedConfig,
  WaitStrategy,
  PlacementStrategy,
  OverflowPolicy,
  MetricsOptions,
  MetricsTiming,
  ClusterOptions,
  ClusterNatsOptions,
} from './config.js';
export type { Cluster, ClusterEventType, Member, MembershipEvent } from './cluster/cluster.js';
export type { PubSub, SubscribeOptions } from './cluster/pubsub.js';
export type { MemberStatus } from './cluster/membership.js';
export type {
  MetricsSnapshot,
  ThreadMetrics,
  DefinitionMetrics,
  HistogramSnapshot,
  RingMetrics,
} from './metrics/snapshot.js';
export { EventStream } from './events.js';
export { CoordinatedShutdown } from './shutdown/coordinated-shutdown.js';
export type { ShutdownReason, ShutdownTask } from './shutdown/coordinated-shutdown.js';
export { AKKA_PHASES } from './shutdown/phases.js';
export type { PhaseOptions } from './shutdown/phases.js';
export type { SystemEvent, SystemEventType, EventOf } from './events.js';
export type { Logger, LogFn, LogLevel } from './logging/logger.js';
export type { DeadLetterReason } from './protocol.js';
export type { WorkerStats } from './control.js';
export {
  RingmasterError,
  InvalidConfigError,
  InvalidArgumentError,
  InvalidOperationError,
  NameTakenError,
  UnknownDefinitionError,
  DefinitionTakenError,
  AskTimeoutError,
  ActorStoppedError,
  ActorFailedError,
  SystemStoppedError,
  MessageEncodeError,
  MessageTooLargeError,
  MailboxFullError,
  WorkerCrashedError,
  WorkerStalledError,
  WorkerBootError,
  NoContextError,
  TestKitExpectationError,
  NotQuiescentError,
  AskAbortedError,
  BehaviorStackOverflowError,
  StashOverflowError,
  MessageDiscardedError,
  CorruptMemoryError,
  JournalFullError,
  StreamFailedError,
  TooManySubstreamsError,
  BufferOverflowError,
  RateExceededError,
  NodeDownError,
  TransportUnavailableError,
  NodeIdTakenError,
} from './errors.js';
export type { ErrorCode, ConfigIssue, SerializedError, BusyPart } from './errors.js';
