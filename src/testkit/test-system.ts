/**
 * createTestSystem and TestSystem: an ActorSystem for a test or a test file, shut down automatically by vitest's
 * hooks, with the TestKit's defaults (timeouts), probes, event expectations and death-watch emulation.
 *
 * Contract: main thread of a vitest worker only; not for `test.concurrent` tests (vitest's current-test tracking,
 * which decides when a per-test system shuts down, is ambiguous there).
 */
import { InvalidArgumentError } from '../errors.js';
import type { EventOf } from '../events.js';
import { ActorRef } from '../ref.js';
import { ActorSystem } from '../system.js';
import type { SystemOptions } from '../config.js';
import { expectEvents, type ErrorMatcher, type EventExpectation } from './events.js';
import { expectEventsInOrder } from './ordered-events.js';
import { expectationFailed, type ExpectOptions } from './format.js';
import { registerShutdown, type Scope } from './lifecycle.js';
import { ProbeActor, dropInbox, openInbox } from './probe-actor.js';
import { TerminationWatcher, whenTerminated } from './watcher-actor.js';
import { TestProbe, type ProbeHost } from './probe.js';
import { ManualTime } from './manual-time.js';
import {
  DEFAULT_NO_MSG_MS,
  DEFAULT_TIMEOUT_MS,
  checkMs,
  deadline,
  effectiveTimeout,
  envTimeFactor,
  runAwaitAssert,
  within,
  type AwaitAssertOptions,
} from './timing.js';

/** The TestKit's own options, under `testKit` in createTestSystem's options. */
export interface TestKitOptions {
  /** Default timeout of every expectation (expectMsg, receiveN, expectEvents, awaitAssert, ...). Default 3000 ms. */
  timeoutMs?: number;
  /** Default window of expectNoMsg and of `count: 0` event expectations. Default 100 ms. */
  noMsgMs?: number;
  /**
   * Multiplies both defaults, for slow machines (Akka's time factor). Default: the environment variable
   * RINGMASTER_TEST_TIME_FACTOR, else 1. Explicit `timeoutMs` arguments are not scaled.
   */
  timeFactor?: number;
  /**
   * Manual time: every thread runs on one virtual clock that only `tk.time` moves (actor timers, receive timeouts,
   * ask timeouts, supervision backoff, `ctx.now()`). Default false (real time).
   */
  manualTime?: boolean;
  /**
   * Under manual time: the real time `tk.time.advance`/`settle` wait for the system to become quiescent before
   * they reject with NotQuiescentError. Default: `timeoutMs` (after the time factor).
   */
  settleTimeoutMs?: number;
}

type ResolvedKit = Required<Omit<TestKitOptions, 'settleTimeoutMs'>> & { settleTimeoutMs: number | undefined };

/** ActorSystem.start's options, plus the TestKit's. `workers` defaults to 1 here (not cores − 1). */
export type TestSystemOptions = SystemOptions & { testKit?: TestKitOptions };

let probeSeq = 0;

/**
 * Starts an actor system for the current test, describe block or file, and registers its shutdown with vitest:
 * called inside a test, it is shut down when the test finishes; at the top level of a file (`await` it there), in
 * a describe body, or in a beforeAll, after the last test of that file or block. See docs/testing.md.
 */
export function createTestSystem(options: TestSystemOptions = {}): Promise<TestSystem> {
  if (options === null || typeof options !== 'object') {
    return Promise.reject(new InvalidArgumentError(`createTestSystem: options must be an object, got ${String(options)}`));
  }
  const { testKit, ...systemOptions } = options;
  let started: Promise<TestSystem> | undefined;
  let scope: Scope;
  try {
    // Registered before the system starts, while vitest's context (which test, which suite) is still the caller's.
    scope = registerShutdown(async () => {
      const tk = await started?.catch(() => undefined);
      await tk?.shutdown();
    });
  } catch (err) {
    return Promise.reject(err);
  }
  // Akka's TestKit users turn serialize-messages on: every message a test sends between actors of one thread still
  // goes through the codec, so an unencodable message or a mutation after send shows in the test, not in production.
  const serializeMessages = systemOptions.serializeMessages ?? true;
  started = TestSystem.start({ ...systemOptions, serializeMessages }, testKit ?? {}, scope);
  return started;
}

export class TestSystem implements ProbeHost {
  /** The system under test: spawn, lookup, stop, events, as in production code. */
  readonly system: ActorSystem;
  /** What the system belongs to, and so when it is shut down: 'test', 'suite' (describe block or file), 'file'. */
  readonly scope: Scope;
  /** Default timeout of expectations, in ms (after the time factor). */
  readonly timeoutMs: number;
  /** Default window of expectNoMsg, in ms (after the time factor). */
  readonly noMsgMs: number;
  readonly #probes = new Set<TestProbe>();
  readonly #time: ManualTime | undefined;
  /** The actor that death-watches for expectTerminated, spawned on first use. */
  #watcher: Promise<ActorRef> | undefined;
  readonly #systemShutdown: () => Promise<void>;
  #shutdown: Promise<void> | undefined;

  private constructor(system: ActorSystem, kit: ResolvedKit, scope: Scope) {
    this.system = system;
    this.scope = scope;
    this.timeoutMs = Math.round(kit.timeoutMs * kit.timeFactor);
    this.noMsgMs = Math.round(kit.noMsgMs * kit.timeFactor);
    const vt = system.virtualTime;
    this.#time = vt === undefined ? undefined : new ManualTime(vt, kit.settleTimeoutMs ?? this.timeoutMs);
    // A held probe message would hold up a shutdown until shutdownTimeoutMs: whoever shuts the system down (this
    // TestSystem, or the test calling system.shutdown() directly), the probes let go first.
    this.#systemShutdown = system.shutdown.bind(system);
    system.shutdown = () => this.shutdown();
  }

  /** @internal use createTestSystem. */
  static async start(options: SystemOptions, kit: TestKitOptions, scope: Scope): Promise<TestSystem> {
    const manualTime = kit.manualTime ?? false;
    if (typeof manualTime !== 'boolean') throw new InvalidArgumentError(`testKit.manualTime must be true or false, got ${String(manualTime)}`);
    const resolved: ResolvedKit = {
      timeoutMs: kit.timeoutMs === undefined ? DEFAULT_TIMEOUT_MS : checkMs('testKit.timeoutMs', kit.timeoutMs),
      noMsgMs: kit.noMsgMs === undefined ? DEFAULT_NO_MSG_MS : checkMs('testKit.noMsgMs', kit.noMsgMs, true),
      timeFactor: kit.timeFactor === undefined ? envTimeFactor() : checkMs('testKit.timeFactor', kit.timeFactor),
      manualTime,
      settleTimeoutMs: kit.settleTimeoutMs === undefined ? undefined : checkMs('testKit.settleTimeoutMs', kit.settleTimeoutMs),
    };
    // One worker unless told otherwise: each boots from TypeScript source in tests (~0.3–1 s), CI has 2 cores,
    // and one worker already puts every actor on another thread than the test.
    const withWorkers = options.mode !== 'inline' && options.workers === undefined ? { ...options, workers: 1 } : options;
    const system = await ActorSystem.start(withWorkers, { manualTime });
    return new TestSystem(system, resolved, scope);
  }

  /**
   * The manual clock (docs/testing.md, "Manual time"): `now`, `advance(ms)`, `advanceTo(t)`, `settle()`,
   * `expectNoMsgFor(ms, ...probes)`. Only for a system started with `testKit: { manualTime: true }`.
   */
  get time(): ManualTime {
    if (this.#time === undefined) {
      throw new InvalidArgumentError('tk.time: this test system runs on real time; start it with createTestSystem({ ..., testKit: { manualTime: true } })');
    }
    return this.#time;
  }

  /**
   * A new probe: an actor on the main thread whose messages the test expects. `name` must be free among top-level
   * actors (default `testProbe-N`).
   */
  async probe<M = any, R = any>(name?: string): Promise<TestProbe<M, R>> {
    if (this.#shutdown !== undefined) throw new InvalidArgumentError('probe(): the test system is shut down');
    const inbox = openInbox();
    try {
      const ref = await this.system.spawn(ProbeActor, {
        name: name ?? `testProbe-${++probeSeq}`,
        args: { inbox: inbox.token },
        placement: { worker: 0 },
      });
      const probe = new TestProbe<M, R>(ref as unknown as ActorRef<M, R>, inbox, this);
      this.#probes.add(probe);
      return probe;
    } catch (err) {
      dropInbox(inbox);
      throw err;
    }
  }

  /**
   * Runs `block` and expects the events (see EventExpectation): `await tk.expectEvents({ type: 'dead-letter',
   * count: 3 }, async () => { ... })`. Resolves to the block's value.
   */
  expectEvents<T>(expected: EventExpectation | readonly EventExpectation[], block: () => T | Promise<T>, options?: ExpectOptions): Promise<Awaited<T>> {
    return expectEvents(this.system.events, expected, block, options, this);
  }

  /**
   * Runs `block` and expects events matching `expected` **in this order**, one event each (others may come in
   * between); fails at once on an event that matches a later expectation first. Expectations take `pattern`
   * (an object pattern, as toMatchObject) like those of expectEvents:
   * `await tk.expectEventsInOrder([{ type: 'actor-stopped', actor: 'p/c' }, { type: 'actor-stopped', actor: 'p' }], () => system.stop(p))`.
   */
  expectEventsInOrder<T>(expected: readonly EventExpectation[], block: () => T | Promise<T>, options?: ExpectOptions): Promise<Awaited<T>> {
    return expectEventsInOrder(this.system.events, expected, block, options, this);
  }

  /** Expects exactly `count` dead letters (matching `match` / `target` when given) during or shortly after `block`. */
  expectDeadLetters<T>(
    count: number,
    block: () => T | Promise<T>,
    options?: ExpectOptions & { target?: string; match?: (e: EventOf<'dead-letter'>) => boolean },
  ): Promise<Awaited<T>> {
    const spec: EventExpectation = {
      type: 'dead-letter',
      count,
      ...(options?.target === undefined ? {} : { target: options.target }),
      ...(options?.match === undefined ? {} : { match: options.match }),
    };
    return expectEvents(this.system.events, spec, block, options, this);
  }

  /** Expects an actor failure (a throw in a handler), of actor `actor` and with an error matching `error` when given. */
  expectActorFailure<T>(
    failure: { actor?: string; error?: ErrorMatcher; count?: number },
    block: () => T | Promise<T>,
    options?: ExpectOptions,
  ): Promise<Awaited<T>> {
    return expectEvents(this.system.events, { type: 'actor-failed', ...failure }, block, options, this);
  }

  /**
   * Expects a worker to exit ('worker-exited' events), whether or not it is then replaced (see
   * `expectWorkerRestart` to wait for its replacement to have recovered its actors).
   */
  expectWorkerExit<T>(exit: { worker?: number; count?: number }, block: () => T | Promise<T>, options?: ExpectOptions): Promise<Awaited<T>> {
    return expectEvents(this.system.events, { type: 'worker-exited', ...exit }, block, options, this);
  }

  /**
   * Expects a worker to be replaced after it died (in the block): `worker-restarted` once its replacement has
   * recovered its actors, so messages sent after this resolves reach the recovered actors.
   */
  expectWorkerRestart<T>(
    restart: { worker?: number; count?: number },
    block: () => T | Promise<T>,
    options?: ExpectOptions,
  ): Promise<Awaited<T>> {
    return expectEvents(this.system.events, { type: 'worker-restarted', ...restart }, block, options, this);
  }

  /**
   * Expects the actor behind `ref` to stop, or to have stopped already: death watch (`ctx.watch`) from a hidden
   * actor on the main thread, so it is exact by id, even when a later actor took the same name.
   */
  async expectTerminated(ref: ActorRef<any, any>, options?: ExpectOptions): Promise<void> {
    if (!(ref instanceof ActorRef)) throw new InvalidArgumentError(`expectTerminated: give an ActorRef, got ${String(ref)}`);
    const timeoutMs = effectiveTimeout(options?.timeoutMs, this.timeoutMs);
    // Known gone (seen terminated before, or its name now belongs to another actor): no need to ask.
    const current = this.system.lookup(ref.name);
    if (current !== undefined && current.id !== ref.id) return;
    const limit = deadline(timeoutMs);
    this.#watcher ??= this.system.spawn(TerminationWatcher, { name: `ringmaster.testkit.watcher-${++probeSeq}`, placement: { worker: 0 } });
    const watcher = await this.#watcher;
    const wait = whenTerminated(watcher, ref);
    try {
      const done = await Promise.race([wait.promise.then(() => true), limit.promise.then(() => false)]);
      if (!done) {
        throw expectationFailed({
          what: 'expectTerminated',
          why: `timed out after ${timeoutMs} ms`,
          expected: `${ref.toString()} to stop`,
          received:
            this.system.lookup(ref.name)?.id === ref.id
              ? 'no Terminated: it is still running (it is in the registry)'
              : 'no Terminated (and it is not in the registry yet: it may not have registered)',
          receivedValues: [],
          hint: options?.hint,
        });
      }
    } finally {
      limit.cancel();
      wait.cancel();
    }
  }

  /** Re-runs `assertion` until it passes or the timeout (default `timeoutMs`) passes. */
  awaitAssert<T>(assertion: () => T | Promise<T>, options?: AwaitAssertOptions): Promise<T> {
    return runAwaitAssert(assertion, options, this.timeoutMs);
  }

  /** Runs `block` within `maxMs` (at least `minMs`); expectations inside without a timeout share its deadline. */
  within<T>(maxMs: number, block: () => T | Promise<T>, options?: { hint?: string }): Promise<T>;
  within<T>(minMs: number, maxMs: number, block: () => T | Promise<T>, options?: { hint?: string }): Promise<T>;
  within<T>(...args: unknown[]): Promise<T> {
    return (within as (...a: unknown[]) => Promise<T>)(...args);
  }

  /** Shuts the system down (probes first, so none holds it up). Idempotent; the vitest hook calls it too. */
  shutdown(): Promise<void> {
    this.#shutdown ??= this.#doShutdown();
    return this.#shutdown;
  }

  async #doShutdown(): Promise<void> {
    for (const p of this.#probes) p.close();
    try {
      await this.#systemShutdown();
    } finally {
      for (const p of this.#probes) p.dispose();
      this.#probes.clear();
    }
  }
}
