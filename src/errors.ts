/**
 * Every error ringmaster throws or rejects with. Each has a stable `code` to branch on and a message that says
 * what was wrong and what to do about it. Errors that cross threads go through `serializeError` /
 * `deserializeError`, which keep `name`, `message`, `stack`, `code` and `cause`.
 */

export type ErrorCode =
  | 'ERR_INVALID_CONFIG'
  | 'ERR_INVALID_ARGUMENT'
  | 'ERR_NAME_TAKEN'
  | 'ERR_UNKNOWN_DEFINITION'
  | 'ERR_DEFINITION_TAKEN'
  | 'ERR_ASK_TIMEOUT'
  | 'ERR_ACTOR_STOPPED'
  | 'ERR_ACTOR_FAILED'
  | 'ERR_SYSTEM_STOPPED'
  | 'ERR_MESSAGE_ENCODE'
  | 'ERR_MESSAGE_TOO_LARGE'
  | 'ERR_MAILBOX_FULL'
  | 'ERR_WORKER_CRASHED'
  | 'ERR_WORKER_BOOT'
  | 'ERR_WORKER_STALLED'
  | 'ERR_NO_CONTEXT'
  | 'ERR_MODULE_LOAD'
  | 'ERR_TESTKIT_EXPECTATION'
  | 'ERR_NOT_QUIESCENT'
  | 'ERR_ASK_ABORTED'
  | 'ERR_BEHAVIOR_STACK_OVERFLOW'
  | 'ERR_STASH_OVERFLOW'
  | 'ERR_MESSAGE_DISCARDED'

  | 'ERR_INVALID_OPERATION'
  | 'ERR_CORRUPT_MEMORY'
  | 'ERR_JOURNAL_FULL'
  | 'ERR_STREAM_FAILED'
  | 'ERR_TOO_MANY_SUBSTREAMS'
  | 'ERR_BUFFER_OVERFLOW'
  | 'ERR_RATE_EXCEEDED'
  | 'ERR_NODE_DOWN'
  | 'ERR_TRANSPORT_UNAVAILABLE'
  | 'ERR_NODE_ID_TAKEN';

export class RingmasterError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}

/** One problem found in the configuration: the path of the option and what is wrong with it. */
export interface ConfigIssue {
  path: string;
  message: string;
}

export class InvalidConfigError extends RingmasterError {
  readonly issues: readonly ConfigIssue[];
  constructor(issues: readonly ConfigIssue[]) {
    const lines = issues.map((i) => `  - ${i.path || '(root)'}: ${i.message}`).join('\n');
    super('ERR_INVALID_CONFIG', `invalid ringmaster configuration (${issues.length} problem(s)):\n${lines}`);
    this.issues = issues;
  }
}

export class InvalidArgumentError extends RingmasterError {
  constructor(message: string) {
    super('ERR_INVALID_ARGUMENT', message);
  }
}

/** A call that is well formed but not possible in the current state (a shutdown task for a phase already started). */
export class InvalidOperationError extends RingmasterError {
  constructor(message: string) {
    super('ERR_INVALID_OPERATION', message);
  }
}

export class NameTakenError extends RingmasterError {
  constructor(readonly actorName: string) {
    super('ERR_NAME_TAKEN', `an actor named '${actorName}' already exists; choose another name or stop it first`);
  }
}

export class UnknownDefinitionError extends RingmasterError {
  constructor(
    readonly definition: string,
    readonly known: readonly string[],
  ) {
    super(
      'ERR_UNKNOWN_DEFINITION',
      `no actor definition named '${definition}' is loaded; known definitions: ${
        known.length ? known.map((k) => `'${k}'`).join(', ') : '(none)'
      }. Add the module that calls defineActor('${definition}', ...) to the 'actors' option of ActorSystem.start`,
    );
  }
}

/** Two modules define an actor under the same name: spawns by that name would get whichever ran last. */
export class DefinitionTakenError extends RingmasterError {
  constructor(
    readonly definition: string,
    readonly definedAt: string,
    readonly redefinedAt: string,
  ) {
    super(
      'ERR_DEFINITION_TAKEN',
      `defineActor('${definition}') in ${redefinedAt}: the name is already defined by ${definedAt}; give one of them another name (definition names are global to every thread)`,
    );
  }
}

export class AskTimeoutError extends RingmasterError {
  constructor(
    readonly target: string,
    readonly timeoutMs: number,
  ) {
    super(
      'ERR_ASK_TIMEOUT',
      `ask to '${target}' got no reply within ${timeoutMs} ms; the actor may be busy or never reply to this message (raise timeoutMs or make it call ctx.reply)`,
    );
  }
}

export class ActorStoppedError extends RingmasterError {
  constructor(
    readonly target: string,
    detail = 'it is stopped or was never spawned',
  ) {
    super('ERR_ACTOR_STOPPED', `actor '${target}' cannot take the message: ${detail}`);
  }
}

export class ActorFailedError extends RingmasterError {
  constructor(readonly target: string, cause: unknown) {
    super('ERR_ACTOR_FAILED', `actor '${target}' threw while handling the message: ${describe(cause)}`, { cause });
  }
}

export class SystemStoppedError extends RingmasterError {
  constructor(what: string) {
    super('ERR_SYSTEM_STOPPED', `${what}: the actor system is shutting down or already shut down`);
  }
}

export class MessageEncodeError extends RingmasterError {
  constructor(detail: string, cause?: unknown) {
    super(
      'ERR_MESSAGE_ENCODE',
      `the message cannot be sent between threads: ${detail}. Messages must be plain data (objects, arrays, strings, numbers, bigints, booleans, null, Date, Set, typed arrays, ActorRefs)`,
      cause === undefined ? undefined : { cause },
    );
  }
}

export class MessageTooLargeError extends RingmasterError {
  constructor(
    readonly bytes: number,
    readonly limit: number,
  ) {
    super(
      'ERR_MESSAGE_TOO_LARGE',
      `the message encodes to ${bytes} bytes, over maxMessageBytes (${limit}); send a smaller message or raise maxMessageBytes (and ringBytes with it)`,
    );
  }
}

export class MailboxFullError extends RingmasterError {
  /**
   * `capacity`: the actor has a bounded mailbox of that capacity, and it is full (its overflow is 'fail', or the
   * message was dropped by 'drop-head' or 'drop-new'); absent: the ring to the actor is full (`overflow: 'fail'`).
   */
  constructor(
    readonly target: string,
    readonly capacity?: number,
  ) {
    super(
      'ERR_MAILBOX_FULL',
      capacity === undefined
        ? `the ring to actor '${target}' is full and overflow is 'fail'; slow down, use 'await ref.send(msg)', or choose overflow 'backpressure'`
        : `the bounded mailbox of actor '${target}' holds its capacity of ${capacity} messages; slow down, use 'await ref.send(msg)' (it waits for room), or choose another overflow in its definition`,
    );
  }
}

export class AskAbortedError extends RingmasterError {
  constructor(
    readonly target: string,
    reason: unknown,
  ) {
    super(
      'ERR_ASK_ABORTED',
      `ask to '${target}' was aborted by its AbortSignal${reason === undefined ? '' : `: ${describe(reason)}`}; a reply that still comes is a dead letter`,
      reason === undefined ? undefined : { cause: reason },
    );
  }
}

export class BehaviorStackOverflowError extends RingmasterError {
  constructor(
    readonly actor: string,
    readonly maxDepth: number,
  ) {
    super(
      'ERR_BEHAVIOR_STACK_OVERFLOW',
      `actor '${actor}' pushed more than maxBehaviorDepth (${maxDepth}) behaviors with ctx.becomeStacked; match every becomeStacked with an unbecome, use ctx.become to replace the current behavior, or raise maxBehaviorDepth in its definition`,
    );
  }
}

export class StashOverflowError extends RingmasterError {
  constructor(
    readonly actor: string,
    readonly capacity: number,
  ) {
    super(
      'ERR_STASH_OVERFLOW',
      `actor '${actor}' cannot stash another message: its stash holds stashCapacity (${capacity}) messages; unstash before stashing more, or raise stashCapacity in its definition`,
    );
  }
}

export class MessageDiscardedError extends RingmasterError {
  constructor(
    readonly target: string,
    how: string,
  ) {
    super('ERR_MESSAGE_DISCARDED', `actor '${target}' discarded the message from its stash (${how}) without handling it`);
  }
}

export class WorkerCrashedError extends RingmasterError {
  constructor(
    readonly worker: number,
    cause?: unknown,
  ) {
    super(
      'ERR_WORKER_CRASHED',
      `worker ${worker} died${cause === undefined ? '' : `: ${describe(cause)}`}`,
      cause === undefined ? undefined : { cause },
    );
  }
}

/** The cause given when the watchdog terminated a worker whose loop stopped beating (an actor stuck in a loop). */
export class WorkerStalledError extends RingmasterError {
  constructor(
    readonly worker: number,
    readonly stallTimeoutMs: number,
  ) {
    super(
      'ERR_WORKER_STALLED',
      `worker ${worker} was terminated: its loop did not run for over ${stallTimeoutMs} ms (an actor handler that never returns, or a synchronous task longer than stallTimeoutMs; split long work or raise stallTimeoutMs)`,
    );
  }
}

export class WorkerBootError extends RingmasterError {
  constructor(
    readonly worker: number,
    cause: unknown,
  ) {
    super('ERR_WORKER_BOOT', `worker ${worker} failed to start: ${describe(cause)}`, { cause });
  }
}

/** Shared memory (a ring, a journal) holds a record that cannot be: a length or position out of its bounds. */
export class CorruptMemoryError extends RingmasterError {
  constructor(what: string, detail: string) {
    super(
      'ERR_CORRUPT_MEMORY',
      `${what} is corrupt: ${detail}. Something other than ringmaster wrote into its SharedArrayBuffer; the records after this point cannot be trusted`,
    );
  }
}

/**
 * A worker could not journal an actor's spawn record: its journal (4 × ringBytes, shared with the messages it has
 * queued) is full, so after a crash the actor could not come back. The spawn is refused instead.
 */
export class JournalFullError extends RingmasterError {
  constructor(
    readonly worker: number,
    readonly actorName: string,
  ) {
    super(
      'ERR_JOURNAL_FULL',
      `cannot spawn '${actorName}' on worker ${worker}: its journal is full (it holds the spawn record of every actor the worker hosts and the messages queued there), so the actor could not survive a crash; raise ringBytes, spread actors over more workers, or stop some`,
    );
  }
}

export class NoContextError extends RingmasterError {
  constructor(what: string) {
    super(
      'ERR_NO_CONTEXT',
      `${what} needs a running actor system on this thread; start one with ActorSystem.start, or use the ref inside an actor`,
    );
  }
}

/**
 * A stream stopped on a failure: `stage` is the stage it started at (a defined stage's name, else `kind#index` in
 * the graph), `island` the island that ran it (0, the materializing thread, until islands on workers exist) and
 * `cause` what the stage threw or failed with.
 */
export class StreamFailedError extends RingmasterError {
  constructor(
    readonly stage: string,
    readonly island: number,
    cause: unknown,
  ) {
    super('ERR_STREAM_FAILED', `the stream failed at stage '${stage}' (island ${island}): ${describe(cause)}`, { cause });
  }
}

/** groupBy met one key more than its maxSubstreams with onOverflow 'fail'. */
export class TooManySubstreamsError extends RingmasterError {
  constructor(readonly maxSubstreams: number) {
    super(
      'ERR_TOO_MANY_SUBSTREAMS',
      `groupBy met more than maxSubstreams (${maxSubstreams}) keys; raise maxSubstreams (Infinity is allowed) or choose onOverflow 'drop-new'`,
    );
  }
}

/** A buffer (buffer(n, 'fail'), Source.queue(n, 'fail')) was full when one more element came. */
export class BufferOverflowError extends RingmasterError {
  constructor(readonly size: number) {
    super(
      'ERR_BUFFER_OVERFLOW',
      `a buffer of ${size} element(s) with overflow 'fail' was full when another element came; raise its size or choose 'backpressure' or a drop strategy`,
    );
  }
}

/**
 * A message or ask for an actor on another node that is down: nobody serves its subject (NATS answered "no
 * responders"), its membership record was deleted (downed), or the ref names an incarnation of the node that is
 * no longer the live one (the node restarted).
 */
export class NodeDownError extends RingmasterError {
  constructor(
    readonly node: string,
    readonly detail: string,
  ) {
    super('ERR_NODE_DOWN', `node '${node}' is down (${detail}); its actors cannot be reached until it rejoins, and refs to its old incarnation never again`);
  }
}

/** The connection to NATS is closed or not up: a message for another node cannot be sent now. */
export class TransportUnavailableError extends RingmasterError {
  constructor(readonly detail: string, cause?: unknown) {
    super(
      'ERR_TRANSPORT_UNAVAILABLE',
      `the cluster transport (NATS) is unavailable: ${detail}; retry after it reconnects (cluster events say when the node is a member again)`,
      cause === undefined ? undefined : { cause },
    );
  }
}

/** Another live node of the cluster already uses this nodeId (it heartbeats). */
export class NodeIdTakenError extends RingmasterError {
  constructor(
    readonly nodeId: string,
    readonly cluster: string,
  ) {
    super(
      'ERR_NODE_ID_TAKEN',
      `nodeId '${nodeId}' is taken in cluster '${cluster}' by a live node (its heartbeats are recent); give this node another cluster.nodeId, or stop the other one first`,
    );
  }
}

/** throttle in 'enforcing' mode got elements faster than its rate allows. */
export class RateExceededError extends RingmasterError {
  constructor(
    readonly elements: number,
    readonly perMs: number,
  ) {
    super(
      'ERR_RATE_EXCEEDED',
      `throttle (enforcing) got elements faster than ${elements} per ${perMs} ms; use mode 'shaping' to slow the stream down instead`,
    );
  }
}

function describe(cause: unknown): string {
  if (cause instanceof Error) return `${String(cause.name)}: ${String(cause.message)}`;
  return safeString(cause);
}

/**
 * Any thrown value as an Error, never throwing itself: an Error is returned as it is; anything else (a string, a
 * symbol, undefined, an object without a prototype or whose toString throws) becomes an Error whose message
 * describes it and whose `cause` is the value.
 */
export function toError(thrown: unknown): Error {
  if (thrown instanceof Error) return thrown;
  const err = new Error(typeof thrown === 'string' ? thrown : `a non-Error value was thrown: ${safeString(thrown)}`, { cause: thrown });
  return err;
}

// ---- crossing threads ----

/** The plain-data form of an error, as it travels in a message. */
export interface SerializedError {
  name: string;
  message: string;
  stack?: string;
  code?: string;
  cause?: SerializedError;
  /** The error's own fields with primitive values (for example `worker`, `target`), so they survive the trip. */
  fields?: Record<string, string | number | boolean | null>;
}

// Messages refuse strings with lone surrogates (they cannot travel as UTF-8); an error's text is only a description,
// so it travels with U+FFFD in their place rather than failing the report that carries it.
const wellFormed = <T>(s: T): T => (typeof s === 'string' ? (s as unknown as { toWellFormed(): string }).toWellFormed() : s) as T;

export function serializeError(err: unknown, depth = 0): SerializedError {
  if (err instanceof Error) {
    const out: SerializedError = { name: wellFormed(err.name), message: wellFormed(err.message) };
    if (err.stack !== undefined) out.stack = wellFormed(err.stack);
    const code = (err as { code?: unknown }).code;
    if (typeof code === 'string') out.code = code;
    if (err.cause !== undefined && depth < 8) out.cause = serializeError(err.cause, depth + 1);
    for (const key of Object.keys(err)) {
      if (key === 'code' || key === 'cause' || key === 'message' || key === 'stack' || key === 'name') continue;
      const v = (err as unknown as Record<string, unknown>)[key];
      if (typeof v === 'string') (out.fields ??= {})[key] = wellFormed(v);
      else if (v === null || typeof v === 'number' || typeof v === 'boolean') (out.fields ??= {})[key] = v;
    }
    return out;
  }
  return { name: 'Error', message: wellFormed(typeof err === 'string' ? err : safeString(err)) };
}

/** A description of any value that never throws (a value's own toString or toJSON may). */
function safeString(v: unknown): string {
  try {
    if (typeof v === 'object' && v !== null) {
      const json = JSON.stringify(v);
      if (json !== undefined) return json;
    }
    return String(v);
  } catch {
    try {
      return Object.prototype.toString.call(v);
    } catch {
      return '(a value that cannot be described)';
    }
  }
}

/**
 * Rebuilds an error from its plain-data form. Errors with a ringmaster `code` come back as `RingmasterError`
 * (so `code` checks work across threads); others as `Error` with the original `name`.
 */
export function deserializeError(s: SerializedError): Error {
  const cause = s.cause === undefined ? undefined : deserializeError(s.cause);
  const opts = cause === undefined ? undefined : { cause };
  const err: Error =
    s.code !== undefined && s.code.startsWith('ERR_')
      ? new RingmasterError(s.code as ErrorCode, s.message, opts)
      : new Error(s.message, opts);
  err.name = s.name;
  if (s.code !== undefined) (err as { code?: string }).code = s.code;
  if (s.stack !== undefined) err.stack = s.stack;
  if (s.fields !== undefined) Object.assign(err, s.fields);
  return err;
}

// ---- ringmaster/testkit ----

/**
 * A TestKit expectation that was not met (`ringmaster/testkit`). The message says what was expected, what arrived
 * instead (the messages or events themselves) and the test's hint; `received` holds what arrived, for assertions.
 */
export class TestKitExpectationError extends RingmasterError {
  constructor(
    message: string,
    readonly received: readonly unknown[] = [],
    readonly hint: string | undefined = undefined,
    options?: { cause?: unknown },
  ) {
    super('ERR_TESTKIT_EXPECTATION', message, options);
  }
}

/** Who kept a system under manual time from becoming quiescent: an actor (and its thread), or something else. */
export interface BusyPart {
  /** The actor's name, when an actor's handler is what waits. */
  actor?: string;
  thread: number;
  /** What is busy, in words. */
  what: string;
}

/**
 * Under manual time (the TestKit's `manualTime`), `advance` or `settle` waited `settleTimeoutMs` of real time and
 * the system did not become quiescent: most often an actor awaits real I/O or a real timer, which never settle by
 * themselves while time is virtual. `busy` names what was still busy.
 */
export class NotQuiescentError extends RingmasterError {
  readonly busy: readonly BusyPart[];
  constructor(
    readonly operation: string,
    readonly settleTimeoutMs: number,
    busy: readonly BusyPart[],
  ) {
    const lines = busy.map((b) => `  - ${b.what}`).join('\n');
    const actors = busy.filter((b) => b.actor !== undefined).map((b) => `'${b.actor}'`);
    const advice =
      actors.length > 0
        ? `${actors.join(', ')} ${actors.length === 1 ? 'awaits' : 'await'} something that is neither a message, an ask nor virtual time (real I/O, a real setTimeout, a promise nobody resolves): under manual time it never settles by itself. Have the actor ask another actor or use ctx.timers instead, replace the I/O with an actor in the test, or raise testKit.settleTimeoutMs if it is only slow.`
        : 'Something kept working for the whole time (a handler in a long synchronous loop, a worker restarting); raise testKit.settleTimeoutMs if it is only slow.';
    super(
      'ERR_NOT_QUIESCENT',
      `${operation}: the system did not become quiescent within ${settleTimeoutMs} ms (real time):\n${lines}\n${advice}`,
    );
    this.busy = busy;
  }
}
