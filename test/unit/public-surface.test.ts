// The public surface: the exact runtime names of the package entries ('ringmaster', 'ringmaster/testkit',
// 'ringmaster/routing', 'ringmaster/prometheus', 'ringmaster/otel' and 'ringmaster/streams'), so that an export added or lost by accident fails here. Type-only exports leave nothing
// at run time; tsc checks those through the tests and examples that use them.
import { describe, expect, it } from 'vitest';
import * as errors from '../../src/errors.js';
import * as api from '../../src/index.js';
import * as otel from '../../src/metrics/otel.js';
import * as prometheus from '../../src/metrics/prometheus.js';
import * as routing from '../../src/routing/index.js';
import * as streams from '../../src/streams/index.js';
import * as testkit from '../../src/testkit/index.js';

const ERROR_CLASSES = [
  'RingmasterError',
  'InvalidConfigError',
  'InvalidArgumentError',
  'InvalidOperationError',
  'NameTakenError',
  'UnknownDefinitionError',
  'DefinitionTakenError',
  'AskTimeoutError',
  'ActorStoppedError',
  'ActorFailedError',
  'SystemStoppedError',
  'MessageEncodeError',
  'MessageTooLargeError',
  'MailboxFullError',
  'WorkerCrashedError',
  'WorkerStalledError',
  'WorkerBootError',
  'NoContextError',
  'TestKitExpectationError',
  'NotQuiescentError',
  'AskAbortedError',
  'BehaviorStackOverflowError',
  'StashOverflowError',
  'MessageDiscardedError',
  'CorruptMemoryError',
  'JournalFullError',
  'StreamFailedError',
  'TooManySubstreamsError',
  'BufferOverflowError',
  'RateExceededError',
  'NodeDownError',
  'TransportUnavailableError',
  'NodeIdTakenError',
];

const sorted = (names: Iterable<string>): string[] => [...names].sort();

describe('public surface', () => {
  it("exports exactly the user-facing runtime names from 'ringmaster'", () => {
    expect(sorted(Object.keys(api))).toEqual(
      sorted([
        'ActorSystem',
        'defineActor',
        'isTerminated',
        'isReceiveTimeout',
        'ActorRef',
        'oneForOne',
        'allForOne',
        'defaultStrategy',
        'DEFAULT_MAX_RETRIES',
        'DEFAULT_WITHIN_MS',
        'EventStream',
        'CoordinatedShutdown',
        'AKKA_PHASES',
        ...ERROR_CLASSES,
      ]),
    );
  });

  it("exports exactly the user-facing runtime names from 'ringmaster/testkit'", () => {
    expect(sorted(Object.keys(testkit))).toEqual(
      sorted([
        'createTestSystem',
        'TestSystem',
        'TestProbe',
        'awaitAssert',
        'within',
        'DEFAULT_TIMEOUT_MS',
        'DEFAULT_NO_MSG_MS',
        'TIME_FACTOR_ENV',
        'TestKitExpectationError',
        'ManualTime',
        'NotQuiescentError',
      ]),
    );
  });

  it("exports exactly the user-facing runtime names from 'ringmaster/routing'", () => {
    expect(sorted(Object.keys(routing))).toEqual(sorted(['Pool', 'Group', 'broadcast', 'isBroadcast', 'defineRouting', 'RouterRef']));
  });

  it("exports exactly the user-facing runtime names from 'ringmaster/prometheus'", () => {
    expect(sorted(Object.keys(prometheus))).toEqual(['registerRingmasterMetrics']);
  });

  it("exports exactly the user-facing runtime names from 'ringmaster/otel'", () => {
    expect(sorted(Object.keys(otel))).toEqual(['registerRingmasterInstruments']);
  });

  it("exports exactly the user-facing runtime names from 'ringmaster/streams'", () => {
    expect(sorted(Object.keys(streams))).toEqual(
      sorted([
        'Source',
        'Flow',
        'Sink',
        'Keep',
        'RunnableGraph',
        'defineStage',
        'StreamFailedError',
        'TooManySubstreamsError',
        'BufferOverflowError',
        'RateExceededError',
        'InvalidArgumentError',
        'RingmasterError',
      ]),
    );
    expect(streams.StreamFailedError).toBe(api.StreamFailedError);
  });

  it("exports from 'ringmaster' every error class of src/errors.ts, the same class object", () => {
    const classes = Object.entries(errors).filter(
      ([, value]) =>
        typeof value === 'function' && (value === errors.RingmasterError || value.prototype instanceof errors.RingmasterError),
    );
    expect(sorted(classes.map(([name]) => name))).toEqual(sorted(ERROR_CLASSES));
    for (const [name, value] of classes) expect(api[name as keyof typeof api], name).toBe(value);
  });

  it("exports the testkit's expectation error as the same class as 'ringmaster' does", () => {
    expect(testkit.TestKitExpectationError).toBe(api.TestKitExpectationError);
  });
});
