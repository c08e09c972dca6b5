/**
 * ringmaster/testkit: test ringmaster actors with vitest, the Akka way. The public API, listed explicitly.
 * See docs/testing.md.
 */
export { createTestSystem, TestSystem } from './test-system.js';
export type { TestKitOptions, TestSystemOptions } from './test-system.js';
export { TestProbe } from './probe.js';
export { ManualTime } from './manual-time.js';
export type { TypeTag, WithType } from './probe.js';
export type { ExpectOptions, Matcher } from './format.js';
export type { EventExpectation, ErrorMatcher } from './events.js';
export { awaitAssert, within, DEFAULT_TIMEOUT_MS, DEFAULT_NO_MSG_MS, TIME_FACTOR_ENV } from './timing.js';
export type { AwaitAssertOptions } from './timing.js';
export type { Scope } from './lifecycle.js';
export { TestKitExpectationError, NotQuiescentError } from '../errors.js';
export type { BusyPart } from '../errors.js';
