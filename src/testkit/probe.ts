/**
 * TestProbe: a ref the test controls. Actors on any thread send to `probe.ref` (put it in a message, spawn args,
 * or ask it); the test then expects, in order, what arrived. The probe can also send, as itself (the receiver's
 * `ctx.sender` is the probe), and answer an ask with `reply`.
 *
 * Every expectation is async and waits for the message itself, up to a timeout (the test system's `timeoutMs`
 * by default, what is left of an enclosing `within` inside one). A failed expectation rejects with a
 * TestKitExpectationError that says what was expected, what arrived instead, and the hint.
 *
 * Contract: main thread only; one expectation at a time per probe (await each before the next).
 */
import { InvalidArgumentError } from '../errors.js';
import type { ActorSystem } from '../system.js';
import type { ActorRef, AskOptions } from '../ref.js';
import {
  describeExpected,
  expectationFailed,
  matches,
  countedArrivals,
  showArrival,
  showExpectedList,
  describeError,
  type Arrival,
  type ExpectOptions,
  type Matcher,
} from './format.js';
import { dropInbox, type Delivery, type Inbox } from './probe-actor.js';
import { checkMs, effectiveTimeout, runAwaitAssert, within, type AwaitAssertOptions } from './timing.js';

/** What a probe needs from its test system. */
export interface ProbeHost {
  readonly system: ActorSystem;
  readonly timeoutMs: number;
  readonly noMsgMs: number;
  expectTerminated(ref: ActorRef<any, any>, options?: ExpectOptions): Promise<void>;
}

/** The `type` tags of a message union, for expectMsgType; any string when the probe is untyped. */
export type TypeTag<M> = unknown extends M ? string : M extends { type: infer K } ? (K extends string ? K : never) : never;
/** The member of a message union with the given `type` tag. */
export type WithType<M, K extends string> = 0 extends 1 & M
  ? any
  : unknown extends M
    ? { type: K } & Record<string, unknown>
    : Extract<M, { type: K }>;

export class TestProbe<M = any, R = any> {
  /** The ref to hand to actors: usable from any thread, and as a reply-to in messages. */
  readonly ref: ActorRef<M, R>;
  readonly #inbox: Inbox;
  readonly #host: ProbeHost;
  /** The message the test received last, while the probe actor still holds it (so it can be replied to). */
  #held: Delivery | undefined;
  #last: Arrival | undefined;

  /** @internal probes are made by `testSystem.probe()`. */
  constructor(ref: ActorRef<M, R>, inbox: Inbox, host: ProbeHost) {
    this.ref = ref;
    this.#inbox = inbox;
    this.#host = host;
  }

  get name(): string {
    return this.ref.name;
  }

  /** The sender of the last message received (undefined when it came from outside any actor, or none came). */
  get lastSender(): ActorRef | undefined {
    return this.#last?.sender;
  }

  /** The last message received, or undefined. */
  get lastMessage(): M | undefined {
    return this.#last?.message as M | undefined;
  }

  // ------------------------------------------------------------------ expectations

  /**
   * Expects the next message to equal `expected` (vitest `toEqual` semantics, asymmetric matchers included) or to
   * satisfy a predicate `(message, sender) => boolean`. Returns the message.
   */
  expectMsg(predicate: (message: M, sender: ActorRef | undefined) => boolean, options?: ExpectOptions): Promise<M>;
  expectMsg<T extends M>(expected: T, options?: ExpectOptions): Promise<T>;
  async expectMsg(expected: Matcher<M>, options?: ExpectOptions): Promise<M> {
    const timeoutMs = this.#timeout(options);
    const d = await this.#next(timeoutMs);
    if (d === undefined) throw this.#timedOut('expectMsg', timeoutMs, describeExpected(expected), [], options);
    const m = matches(d.message, d.sender, expected);
    if (!m.ok) {
      throw expectationFailed({
        what: `probe '${this.name}': expectMsg`,
        why: 'a different message arrived',
        expected: describeExpected(expected),
        received: showArrival(d),
        receivedValues: [d.message],
        hint: options?.hint,
        cause: m.error,
        notes: m.error === undefined ? [] : [`the predicate threw: ${describeError(m.error)}`],
        ...(typeof expected === 'function' ? {} : { diff: { expected, actual: d.message } }),
      });
    }
    return d.message as M;
  }

  /**
   * Expects the next message to be of a type: a `type` tag of a message union (`expectMsgType('done')`, typed as
   * that member), or a class (`expectMsgType(ActorRef)`, `Date`, `Set`, `Uint8Array`: the classes that keep their
   * identity between threads; other class instances arrive as plain objects).
   */
  expectMsgType<K extends TypeTag<M>>(type: K, options?: ExpectOptions): Promise<WithType<M, K>>;
  expectMsgType<C>(type: abstract new (...args: never[]) => C, options?: ExpectOptions): Promise<C>;
  async expectMsgType(type: string | (abstract new (...args: never[]) => unknown), options?: ExpectOptions): Promise<unknown> {
    let test: (m: unknown) => boolean;
    let description: string;
    if (typeof type === 'string') {
      test = (m) => m !== null && typeof m === 'object' && (m as { type?: unknown }).type === type;
      description = `a message of type '${type}' (an object whose 'type' is '${type}')`;
    } else if (typeof type === 'function') {
      test = (m) => m instanceof type;
      description = `an instance of ${type.name || 'the given class'}`;
    } else {
      throw new InvalidArgumentError(`expectMsgType: give a 'type' tag (a string) or a class, got ${String(type)}`);
    }
    const timeoutMs = this.#timeout(options);
    const d = await this.#next(timeoutMs);
    if (d === undefined) throw this.#timedOut('expectMsgType', timeoutMs, description, [], options);
    if (!test(d.message)) {
      throw expectationFailed({
        what: `probe '${this.name}': expectMsgType`,
        why: 'a message of another type arrived',
        expected: description,
        received: showArrival(d),
        receivedValues: [d.message],
        hint: options?.hint,
      });
    }
    return d.message;
  }

  /**
   * Expects the next `expected.length` messages to match the expected ones in any order (each expected value or
   * predicate matches one message). Fails at the first message that matches none of those still expected.
   * Returns the messages in arrival order.
   */
  async expectMsgAllOf(expected: readonly Matcher<M>[], options?: ExpectOptions): Promise<M[]> {
    if (!Array.isArray(expected)) throw new InvalidArgumentError('expectMsgAllOf: give an array of expected messages');
    const timeoutMs = this.#timeout(options);
    const end = performance.now() + timeoutMs;
    const missing = [...expected];
    const got: Arrival[] = [];
    while (missing.length > 0) {
      const d = await this.#next(Math.max(0, end - performance.now()));
      if (d === undefined) {
        throw this.#timedOut('expectMsgAllOf', timeoutMs, `all of (in any order), still missing:${showExpectedList(missing)}`, got, options);
      }
      const i = missing.findIndex((e) => matches(d.message, d.sender, e).ok);
      if (i < 0) {
        throw expectationFailed({
          what: `probe '${this.name}': expectMsgAllOf`,
          why: 'a message that matches none of the expected ones arrived',
          expected: `all of (in any order), still missing:${showExpectedList(missing)}`,
          received: countedArrivals([...got, d], 'so far'),
          receivedValues: [...got, d].map((a) => a.message),
          hint: options?.hint,
        });
      }
      missing.splice(i, 1);
      got.push(d);
    }
    return got.map((a) => a.message as M);
  }

  /**
   * Expects nothing to arrive for `windowMs` (default: the test system's `noMsgMs`, short). It waits the whole
   * window when it passes: keep windows short and explicit, and prefer expecting the message that comes instead.
   */
  async expectNoMsg(windowMs?: number, options?: { hint?: string }): Promise<void> {
    const ms = windowMs === undefined ? this.#host.noMsgMs : checkMs('expectNoMsg: windowMs', windowMs, true);
    const d = await this.#next(ms);
    if (d !== undefined) {
      throw expectationFailed({
        what: `probe '${this.name}': expectNoMsg`,
        why: `a message arrived within ${ms} ms`,
        expected: `no message for ${ms} ms`,
        received: showArrival(d),
        receivedValues: [d.message],
        hint: options?.hint,
      });
    }
  }

  /** Receives the next `n` messages, whatever they are, within one timeout for all of them. */
  async receiveN(n: number, options?: ExpectOptions): Promise<M[]> {
    if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`receiveN: n must be an integer >= 0, got ${String(n)}`);
    const timeoutMs = this.#timeout(options);
    const end = performance.now() + timeoutMs;
    const got: Arrival[] = [];
    while (got.length < n) {
      const d = await this.#next(Math.max(0, end - performance.now()));
      if (d === undefined) throw this.#timedOut('receiveN', timeoutMs, `${n} messages`, got, options);
      got.push(d);
    }
    return got.map((a) => a.message as M);
  }

  /**
   * Skips messages until one satisfies `predicate`, and returns it. For a probe that also receives messages the
   * test does not care about (heartbeats, progress reports).
   */
  async fishForMessage(predicate: (message: M, sender: ActorRef | undefined) => boolean, options?: ExpectOptions): Promise<M> {
    if (typeof predicate !== 'function') throw new InvalidArgumentError('fishForMessage: give a predicate function');
    const timeoutMs = this.#timeout(options);
    const end = performance.now() + timeoutMs;
    const skipped: Arrival[] = [];
    for (;;) {
      const d = await this.#next(Math.max(0, end - performance.now()));
      if (d === undefined) {
        throw this.#timedOut('fishForMessage', timeoutMs, describeExpected(predicate), skipped, options, 'skipped, as they did not match');
      }
      const m = matches(d.message, d.sender, predicate);
      if (m.error !== undefined) {
        throw expectationFailed({
          what: `probe '${this.name}': fishForMessage`,
          why: 'the predicate threw',
          expected: describeExpected(predicate),
          received: countedArrivals([...skipped, d], 'so far'),
          receivedValues: [...skipped, d].map((a) => a.message),
          hint: options?.hint,
          cause: m.error,
          notes: [`the predicate threw: ${describeError(m.error)}`],
        });
      }
      if (m.ok) return d.message as M;
      skipped.push(d);
    }
  }

  /**
   * Expects the actor behind `ref` to stop (or to have stopped already). Built on the system's lifecycle events
   * until the engine has death watch: see docs/testing.md for what that means for reused names.
   */
  expectTerminated(ref: ActorRef<any, any>, options?: ExpectOptions): Promise<void> {
    return this.#host.expectTerminated(ref, options);
  }

  /** `within` (see the test system's): the expectations inside share the block's deadline. */
  within<T>(maxMs: number, block: () => T | Promise<T>, options?: { hint?: string }): Promise<T>;
  within<T>(minMs: number, maxMs: number, block: () => T | Promise<T>, options?: { hint?: string }): Promise<T>;
  within<T>(...args: unknown[]): Promise<T> {
    return (within as (...a: unknown[]) => Promise<T>)(...args);
  }

  /** Re-runs `assertion` until it passes (see docs/testing.md); default timeout the test system's. */
  awaitAssert<T>(assertion: () => T | Promise<T>, options?: AwaitAssertOptions): Promise<T> {
    return runAwaitAssert(assertion, options, this.#host.timeoutMs);
  }

  // ------------------------------------------------------------------ acting

  /**
   * Answers the last message received, when it was an ask. It must come before the next expectation on this
   * probe (which moves the probe to its next message). A reply to a tell from an actor is a message to that actor;
   * a reply to a tell with no sender goes to dead letters (reason 'no-asker'), as `ctx.reply` does in any actor.
   */
  reply(value: R): void {
    const d = this.#held;
    if (d === undefined) {
      throw new InvalidArgumentError(
        `probe '${this.name}'.reply(): no message is waiting for a reply; reply answers the last message received (expectMsg, receiveN, ...) and must come before the next expectation on this probe`,
      );
    }
    this.#held = undefined;
    try {
      d.reply(value);
    } finally {
      d.release();
    }
  }

  /**
   * Sends `message` (by default the last message received) to `target` with its original sender kept, as Akka's
   * forward does: `target`'s `ctx.sender` is whoever sent the probe that message, and when it was an ask not yet
   * answered, `target`'s `ctx.reply` answers the original asker. Like `reply`, it moves the probe past the message.
   * After `reply` (nothing held any more) the message goes with the probe as the sender.
   */
  forward(target: ActorRef<any, unknown>, message?: unknown): Promise<void> {
    const d = this.#held;
    if (d !== undefined) {
      this.#held = undefined;
      try {
        d.forward(target, message === undefined ? d.message : message);
      } catch (err) {
        return Promise.reject(err);
      } finally {
        d.release();
      }
      return Promise.resolve();
    }
    if (message === undefined) {
      if (this.#last === undefined) {
        return Promise.reject(new InvalidArgumentError(`probe '${this.name}'.forward(): no message received yet, and none given`));
      }
      message = this.#last.message;
    }
    return this.#ctx('forward').send(target, message);
  }

  /** Sends with the probe as the sender (the receiver's `ctx.sender` is this probe); false when the ring is full. */
  tell<M2>(target: ActorRef<M2, unknown>, message: M2): boolean {
    return this.#ctx('tell').tell(target, message);
  }

  /** Sends with the probe as the sender, waiting for room in the ring. */
  send<M2>(target: ActorRef<M2, unknown>, message: M2): Promise<void> {
    return this.#ctx('send').send(target, message);
  }

  /** Asks with the probe as the sender. */
  ask<M2, R2, T = R2>(target: ActorRef<M2, R2>, message: M2, options?: AskOptions): Promise<T> {
    return this.#ctx('ask').ask<M2, R2, T>(target, message, options);
  }

  /** Stops the probe's actor; messages to it become dead letters. The test system stops its probes itself. */
  async stop(): Promise<void> {
    this.close();
    await this.#host.system.stop(this.ref);
  }

  /** @internal forgets the inbox (after the system has stopped the probe). */
  dispose(): void {
    this.close();
    dropInbox(this.#inbox);
  }

  /** @internal releases the held message and stops holding new ones (before a stop or a shutdown). */
  close(): void {
    this.#held = undefined;
    this.#inbox.close();
  }

  // ------------------------------------------------------------------ internals

  #timeout(options: ExpectOptions | undefined): number {
    return effectiveTimeout(options?.timeoutMs, this.#host.timeoutMs);
  }

  /** Moves past the held message (releasing the actor) and waits for the next one. */
  /** @internal Manual time (expectNoMsgFor): lets the held message go, so the next one can reach the inbox. */
  releaseHeld(): void {
    const held = this.#held;
    this.#held = undefined;
    held?.release();
  }

  /** @internal Manual time (expectNoMsgFor): the message already in the inbox, if any, taken as expectations take it. */
  takeArrived(): Promise<Delivery | undefined> {
    return this.#next(0);
  }

  async #next(timeoutMs: number): Promise<Delivery | undefined> {
    const held = this.#held;
    this.#held = undefined;
    held?.release();
    const d = await this.#inbox.next(timeoutMs, this.name);
    if (d !== undefined) {
      this.#held = d;
      this.#last = d;
    }
    return d;
  }

  #timedOut(
    op: string,
    timeoutMs: number,
    expected: string,
    got: readonly Arrival[],
    options: ExpectOptions | undefined,
    gotLabel = 'before the timeout',
  ): Error {
    return expectationFailed({
      what: `probe '${this.name}': ${op}`,
      why: `timed out after ${timeoutMs} ms`,
      expected,
      received: countedArrivals(got, gotLabel),
      receivedValues: got.map((a) => a.message),
      hint: options?.hint,
    });
  }

  #ctx(op: string): NonNullable<Inbox['ctx']> {
    const ctx = this.#inbox.ctx;
    if (ctx === undefined) throw new InvalidArgumentError(`probe '${this.name}'.${op}(): the probe's actor has not started`);
    return ctx;
  }
}
