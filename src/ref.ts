/**
 * ActorRef: a small plain value (id, hosting thread, name) that can travel inside messages and be used from any
 * thread. It is not a proxy: every operation is an explicit method that hands the message to the runtime of the
 * thread it is used on (comlink-style transparent proxies leak; see comlink issues #63, #667).
 */
import { NoContextError } from './errors.js';

/** What a ref needs from the runtime of the thread it is used on. */
export interface RefRuntime {
  tell(ref: ActorRef, message: unknown): boolean;
  send(ref: ActorRef, message: unknown): Promise<void>;
  ask(ref: ActorRef, message: unknown, options: AskOptions | undefined): Promise<unknown>;
}

export interface AskOptions {
  /** Milliseconds to wait for the reply before rejecting with AskTimeoutError; must be > 0. */
  timeoutMs?: number;
  /**
   * Gives up waiting when the signal aborts: the ask rejects with AskAbortedError (already aborted: at once, and
   * nothing is sent). The message itself is not recalled; a reply that still comes is a dead letter.
   */
  signal?: AbortSignal;
}

/** Set by ActorRef's static block: reads a ref's runtime without making it a public member. */
let peek: (ref: ActorRef<any, any>) => RefRuntime | undefined;

/**
 * @internal The runtime a ref is bound to (its thread's), or undefined for a ref built by hand. Routers use it to
 * reach the thread's dead letters, clock and routee table.
 */
export function boundRuntime(ref: ActorRef<any, any>): RefRuntime | undefined {
  return peek(ref);
}

export class ActorRef<M = unknown, R = unknown> {
  static {
    peek = (ref) => ref.#rt;
  }

  /** Unique in the system: (the thread that spawned it) × 2^32 + (that thread's spawn counter). */
  readonly id: number;
  /** The thread hosting the actor: 0 is the main thread, 1..N the workers. */
  readonly thread: number;
  /** The actor's path: `name` for top-level actors, `parent/child` for children. */
  readonly name: string;
  #rt: RefRuntime | undefined;
  /** Type-only: the messages and reply this ref takes. */
  declare readonly __types?: { message: M; reply: R };

  /** @internal refs are made by the runtime (spawn, lookup, decoding); users never construct them. */
  constructor(id: number, thread: number, name: string, runtime: RefRuntime | undefined) {
    this.id = id;
    this.thread = thread;
    this.name = name;
    this.#rt = runtime;
  }

  /**
   * Sends without waiting. Returns true when the message was accepted, false when the ring to the actor was full
   * (with overflow 'backpressure' the message was not taken: retry or use `send`; with 'drop' it went to dead
   * letters). Throws MessageEncodeError / MessageTooLargeError on bad input, MailboxFullError with overflow 'fail'.
   */
  tell(message: M): boolean {
    return this.#runtime('tell').tell(this, message);
  }

  /** Sends, waiting for room in the ring when it is full (backpressure). Never drops. */
  send(message: M): Promise<void> {
    return this.#runtime('send').send(this, message);
  }

  /** Sends and waits for the actor's `ctx.reply`. Rejects with a typed error: timeout, actor stopped or failed. */
  ask<T = R>(message: M, options?: AskOptions): Promise<T> {
    return this.#runtime('ask').ask(this, message, options) as Promise<T>;
  }

  equals(other: ActorRef<unknown, unknown> | undefined): boolean {
    return other !== undefined && other.id === this.id;
  }

  toString(): string {
    return `ActorRef(${this.name}@${this.thread === 0 ? 'main' : `worker-${this.thread}`})`;
  }

  toJSON(): { id: number; thread: number; name: string } {
    return { id: this.id, thread: this.thread, name: this.name };
  }

  #runtime(op: string): RefRuntime {
    // A ref always comes from a runtime (spawn, lookup, or decoding on the receiving thread), bound to it; only a
    // ref built by hand has none.
    const rt = this.#rt;
    if (rt === undefined) throw new NoContextError(`ref.${op}() on ${this.toString()}`);
    return rt;
  }
}
