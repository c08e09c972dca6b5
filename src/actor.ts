/**
 * defineActor and the types an actor is written against. A definition is registered by name in a per-thread
 * registry: the main thread and every worker import the same actor modules, so a name is all a spawn request
 * has to carry across threads.
 */
import type { PlacementStrategy } from './config.js';
import type { Logger } from './logging/logger.js';
import { validateDefinitionOptions } from './definition-options.js';
import { DefinitionTakenError, InvalidArgumentError } from './errors.js';
import type { ActorRef, AskOptions } from './ref.js';
import type { TimerScheduler } from './runtime/timers.js';
import type { MailboxKind } from './runtime/mailbox-kind.js';
import { validateStrategy, type SupervisorStrategy } from './supervision/strategy.js';

/** Where to put a new actor: a strategy, or an explicit thread (0 is the main thread, 1..N the workers). */
export type Placement = PlacementStrategy | 'local' | { worker: number };

export type SpawnOptions<A> = {
  /** Unique among top-level actors (or among the parent's children); generated when omitted. */
  name?: string;
  placement?: Placement;
} & (undefined extends A ? { args?: A } : { args: A });

export interface ActorContext<M = unknown, R = unknown> {
  /** This actor's own ref. */
  readonly self: ActorRef<M, R>;
  /** The actor that sent the current message, or undefined when it came from outside any actor. */
  readonly sender: ActorRef | undefined;
  readonly parent: ActorRef | undefined;
  /** The thread running this actor: 0 is the main thread, 1..N the workers. */
  readonly thread: number;
  /**
   * A logger with this actor's path (`actor`), `definition` and `thread` bound, pino's way (`ctx.log.info({ id },
   * 'charged')`). Its records reach the system's `logger` option on the main thread, from any worker, in the order
   * this actor wrote them; without a `logger` they are dropped where they are written. Fields must survive the
   * thread boundary like a message: ones that cannot are replaced by a `logFieldsDropped` note.
   */
  readonly log: Logger;
  /**
   * Answers the current message: an `ask` settles with `value`; a `tell` from an actor (or a TestKit probe) makes
   * `value` a message to that sender, from this actor (Akka's `Sender.Tell(value)`; it waits for ring room like
   * `send`). A tell with no sender (from outside any actor, a timer, `Terminated`) has nobody to answer: `value`
   * becomes a 'no-asker' dead letter, as does a second reply to an ask.
   */
  reply(value: R): void;
  /**
   * Sends `message` (by default the message being handled) to `ref` with the original sender kept: `ref`'s
   * `ctx.sender` is whoever sent this actor the message. An ask not answered yet moves on with it: `ref`'s
   * `ctx.reply` answers the original asker, and this actor's no longer does. Only inside a message handler.
   */
  forward<M2>(ref: ActorRef<M2, unknown>, message?: M2): void;
  /** Spawns a child supervised by this actor; placed on this actor's thread unless `placement` says otherwise. */
  spawn<A2, M2, R2>(definition: ActorDefinition<unknown, M2, A2, R2>, options?: SpawnOptions<A2>): ActorRef<M2, R2>;
  /** Stops a child, or this actor when called without an argument. */
  stop<M2, R2>(ref?: ActorRef<M2, R2>): void;
  /** Sends with this actor as the sender (so the receiver's `ctx.sender` is this actor). */
  tell<M2>(ref: ActorRef<M2, unknown>, message: M2): boolean;
  send<M2>(ref: ActorRef<M2, unknown>, message: M2): Promise<void>;
  ask<M2, R2, T = R2>(ref: ActorRef<M2, R2>, message: M2, options?: AskOptions): Promise<T>;
  /**
   * Death watch: when `ref` stops (for any reason, on any thread), this actor receives a `Terminated` message
   * (`{ type: 'ringmaster/terminated', actor: ref }`) through `receive`, after the messages `ref` sent it before.
   * Watching an actor that is already gone delivers `Terminated` at once. Watching twice is watching once.
   * Returns `ref`.
   */
  watch<M2, R2>(ref: ActorRef<M2, R2>): ActorRef<M2, R2>;
  /** Stops watching `ref`: no `Terminated` for it arrives afterwards, even one already on its way. Returns `ref`. */
  unwatch<M2, R2>(ref: ActorRef<M2, R2>): ActorRef<M2, R2>;

  // ---- behaviors (become / unbecome): a change applies from the next message, also when made after an await
  /** Replaces the current behavior (Akka.NET `Become`): a name of the definition's `behaviors`, 'receive', or a function. */
  become(behavior: string | ReceiveFn<M, R>): void;
  /** Pushes a behavior (`BecomeStacked`); past the definition's `maxBehaviorDepth` it throws BehaviorStackOverflowError. */
  becomeStacked(behavior: string | ReceiveFn<M, R>): void;
  /** Pops back to the previous behavior (`UnbecomeStacked`); at the bottom it stays on 'receive'. */
  unbecome(): void;
  /** The current behavior's name: 'receive' at first (and after a restart), '<anonymous>' for a function. */
  readonly behavior: string;

  // ---- stash: a stashed ask stays pending; ctx.reply after it is unstashed answers the original asker
  /**
   * Sets the message being handled aside, with its sender and pending reply; this handler no longer answers it.
   * Throws StashOverflowError when `stashCapacity` messages are stashed (the actor fails: supervised).
   */
  stash(): void;
  /** Puts the oldest stashed message in front of the mailbox. False when the stash is empty. */
  unstash(): boolean;
  /**
   * Puts every stashed message (or those `filter` accepts) in front of the mailbox, in stash order, before
   * everything still queued; the rest become 'stash-discarded' dead letters. Returns how many were put back.
   */
  unstashAll(filter?: (message: M) => boolean): number;
  /** Empties the stash: its messages become 'stash-discarded' dead letters (asks: MessageDiscardedError); returns them. */
  clearStash(): M[];
  readonly stashSize: number;
  readonly stashCapacity: number;

  // ---- timers and receive timeout: both belong to this incarnation (cancelled on restart, stop, worker crash)
  /** Keyed timers whose messages come to this actor through its own mailbox (see TimerScheduler). */
  readonly timers: TimerScheduler<M>;
  /**
   * After this actor was idle for `ms` (counted from when its last influencing handler settled), it receives
   * `{ type: 'ringmaster/receive-timeout' }` (see isReceiveTimeout), once per idle period. `null` turns it off.
   */
  setReceiveTimeout(ms: number | null): void;
  readonly receiveTimeoutMs: number | null;
  /** The clock timers and receive timeouts run on, in ms (`performance.now()` time). */
  now(): number;
}

// Declared as a method (bivariant in `state`, like `receive`), so that a definition with a typed state still fits
// where ActorDefinition<unknown, ...> is expected.
type BehaviorFn<S, M, R> = { bivariant(state: S, message: M, ctx: ActorContext<M, R>): Handled }['bivariant'];

/** The shape of `receive`, and of a behavior given to `become` as a function. */
export type ReceiveFn<M = unknown, R = unknown, S = any> = (state: S, message: M, ctx: ActorContext<M, R>) => Handled;

/** What a watcher receives when an actor it watches stops (see `ActorContext.watch`). */
export interface Terminated {
  readonly type: 'ringmaster/terminated';
  /** The actor that stopped. */
  readonly actor: ActorRef;
}

export const TERMINATED = 'ringmaster/terminated';

/** True when `message` is a `Terminated` notification from death watch. */
export function isTerminated(message: unknown): message is Terminated {
  return (
    message !== null && typeof message === 'object' && (message as { type?: unknown }).type === TERMINATED && 'actor' in message
  );
}

/** A handler's result: an async handler makes the actor wait for it before its next message. */
export type Handled = void | Promise<void>;

export interface ActorBehavior<S, M, A, R> {
  /** Builds the actor's private state from its spawn args (again on every restart). */
  init?: (args: A) => S;
  receive(state: S, message: M, ctx: ActorContext<M, R>): Handled;
  /** Runs once after init, before the first message. A throw stops the actor. */
  preStart?(state: S, ctx: ActorContext<M, R>): Handled;
  /** Runs once when the actor stops, after its children have stopped. */
  postStop?(state: S, ctx: ActorContext<M, R>): Handled;
  /**
   * What happens to the message this actor was handling when its worker died: by default it is reported as a
   * 'worker-crashed' dead letter (at-most-once; an ask for it rejects with WorkerCrashedError); with true it is
   * handled again by the re-created actor (at-least-once: make the handler idempotent).
   */
  redeliverOnCrash?: boolean;
  /**
   * Runs on the old state before a restart, with the error and the message that failed (undefined when the restart
   * was not caused by this actor's own message: a sibling's failure under allForOne, or an escalation).
   * Default: stop every child, then `postStop`. A restart waits for the children stopped here to terminate.
   * A throw (or rejection) is ignored: the restart goes on.
   */
  preRestart?(state: S, error: Error, message: M | undefined, ctx: ActorContext<M, R>): Handled;
  /**
   * Runs on the fresh state (from `init(args)`) after a restart, before the next message. Default: `preStart`.
   * A throw (or rejection) stops the actor.
   */
  postRestart?(state: S, error: Error, ctx: ActorContext<M, R>): Handled;
  /**
   * How this actor supervises its children: `oneForOne(...)` or `allForOne(...)`. Default: restart, at most 10
   * times within 60 s per child, then stop (`defaultStrategy`).
   */
  supervisorStrategy?: SupervisorStrategy;
  /**
   * Behaviors that `ctx.become(name)` / `ctx.becomeStacked(name)` switch to, by name; each has the shape of
   * `receive`. 'receive' names the definition's own `receive` and cannot be redefined here.
   */
  behaviors?: Record<string, BehaviorFn<S, M, R>>;
  /** The most behaviors `becomeStacked` may push above `receive` (default 64): one more fails the actor. */
  maxBehaviorDepth?: number;
  /** The most messages `ctx.stash()` keeps (default 1000; `Infinity` allowed): one more fails the actor. */
  stashCapacity?: number;
  /** Messages for which this returns true do not restart the receive-timeout clock (Akka's NotInfluenceReceiveTimeout). */
  notInfluenceReceiveTimeout?: (message: M) => boolean;
  /**
   * Named hash-key functions for consistent-hashing pools of this definition (`Pool.consistentHashing(n, Def,
   * { key: 'name' })`): `(msg) => key`. Named because the router runs them on whichever thread sends.
   */
  routing?: Record<string, (message: M) => unknown>;
  /**
   * The order this actor's mailbox hands out messages (Akka's mailbox types; docs/semantics.md, "Mailbox kinds"):
   * `{ kind: 'unbounded' }` (the default: first in, first out), `{ kind: 'priority', priority: (msg) => number }`
   * (lower first, first in first out among equals), or `{ kind: 'control-aware', isControl: (msg) => boolean }`
   * (control messages overtake the others). The functions run on the actor's thread as each message arrives.
   */
  mailbox?: MailboxKind<M>;
}

export interface ActorDefinition<S = unknown, M = unknown, A = unknown, R = unknown> {
  readonly name: string;
  /** @internal */
  readonly behavior: ActorBehavior<S, M, A, R>;
  /** Type-only. */
  readonly __types?: { state: S; message: M; args: A; reply: R };
}

type Registry = Map<string, ActorDefinition<any, any, any, any>>;
// The file each name was defined in: the same file defining it again is that module evaluated again (replaced),
// another file is a conflict (refused). On globalThis for the same reason as the registry.
const SITES_KEY = Symbol.for('ringmaster.definition-sites');
function sites(): Map<string, string> {
  const g = globalThis as { [SITES_KEY]?: Map<string, string> };
  return (g[SITES_KEY] ??= new Map());
}

/**
 * The file that called defineActor, without query or position (a loader's second evaluation of a module may add a
 * query to its URL), or undefined when the stack does not say (then a redefinition is taken as a re-evaluation).
 */
function callerFile(): string | undefined {
  const holder: { stack?: string } = {};
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 2;
  Error.captureStackTrace(holder, defineActor);
  Error.stackTraceLimit = limit;
  const frame = holder.stack?.split('\n')[1]?.trim();
  if (frame === undefined) return undefined;
  const location = /\(([^()]+)\)$/.exec(frame)?.[1] ?? frame.replace(/^at\s+/, '');
  const file = location.replace(/:\d+:\d+$/, '').replace(/[?#].*$/, '').replace(/^file:\/\//, '');
  return file.length > 0 ? file : undefined;
}
// On globalThis under a registered symbol: a TypeScript loader may evaluate this module more than once per
// thread (once per loader namespace), and every copy must see the same definitions.
const REGISTRY_KEY = Symbol.for('ringmaster.definitions');
function registry(): Registry {
  const g = globalThis as { [REGISTRY_KEY]?: Registry };
  return (g[REGISTRY_KEY] ??= new Map());
}

/**
 * Defines an actor type. Call it at the top level of a module listed in the system's `actors` option, so that
 * every thread registers it. A name is defined by one module: defining it from another throws DefinitionTakenError;
 * the same module defining it again (evaluated once more, by a second loader) replaces the earlier definition.
 * The reply type is inferred from an annotated `ctx: ActorContext<M, R>`, or given at the call site
 * (`ref.ask<number>(...)`).
 */
export function defineActor<S = undefined, M = unknown, A = undefined, R = unknown>(
  name: string,
  behavior: ActorBehavior<S, M, A, R>,
): ActorDefinition<S, M, A, R> {
  if (typeof name !== 'string' || name.length === 0) {
    throw new InvalidArgumentError(`defineActor: the name must be a non-empty string, got ${JSON.stringify(name) ?? String(name)}`);
  }
  if (typeof behavior?.receive !== 'function') {
    throw new InvalidArgumentError(
      `defineActor('${name}'): behavior.receive must be a function (state, message, ctx) => ..., got ${typeof behavior?.receive}`,
    );
  }
  for (const hook of ['preRestart', 'postRestart'] as const) {
    const fn = behavior[hook];
    if (fn !== undefined && typeof fn !== 'function') {
      throw new InvalidArgumentError(`defineActor('${name}'): behavior.${hook} must be a function, got ${typeof fn}`);
    }
  }
  validateDefinitionOptions(name, behavior);
  if (behavior.supervisorStrategy !== undefined) {
    validateStrategy(behavior.supervisorStrategy, `defineActor('${name}'): behavior.supervisorStrategy`);
  }
  // The engine's own definitions ('ringmaster.*', the TestKit's) are defined again by a second copy of the engine
  // loaded in the same thread (dist/ beside src/): the same actor, not a conflict.
  const site = name.startsWith('ringmaster.') ? undefined : callerFile();
  const earlier = sites().get(name);
  if (earlier !== undefined && site !== undefined && earlier !== site) throw new DefinitionTakenError(name, earlier, site);
  const def: ActorDefinition<S, M, A, R> = { name, behavior };
  registry().set(name, def as ActorDefinition<any, any, any, any>);
  if (site !== undefined) sites().set(name, site);
  return def;
}

export function findDefinition(name: string): ActorDefinition<any, any, any, any> | undefined {
  return registry().get(name);
}

export function knownDefinitions(): string[] {
  return [...registry().keys()].sort();
}
