/**
 * Supervision as data (Proto.Actor's `directive.go`, Akka's SupervisorStrategy): a directive, a decider that maps a
 * child's error to a directive, and strategies built from plain options. A strategy is part of an actor definition,
 * and definitions are registered on every thread, so a parent decides on its own thread with its own decider.
 *
 * Deciders see errors after they crossed a thread (see errors.ts `deserializeError`): `name`, `message`, `code`,
 * `stack` and `cause` survive, the class does not. Match on `error.name` or `error.code`, not `instanceof`.
 */
import { InvalidArgumentError } from '../errors.js';
import { validateRestartPolicy, type BackoffOptions, type RestartPolicy } from './restarts.js';

/**
 * What a supervisor does with a failed child:
 * - `resume`: keep its state and go on with its next message;
 * - `restart`: `preRestart`, fresh state from `init(args)`, `postRestart`, then its next message (same ref, same
 *   mailbox; the failing message is not processed again), after the strategy's backoff delay;
 * - `stop`: stop it (children first, then `postStop`; its queued messages become dead letters);
 * - `escalate`: fail the supervisor itself with the child's error, for its own supervisor to decide.
 */
export type Directive = 'resume' | 'restart' | 'stop' | 'escalate';

/** Maps a child's error to a directive. A decider that throws or answers something else escalates. */
export type Decider = (error: Error) => Directive;

export interface StrategyOptions {
  /** Default: always 'restart'. */
  decider?: Decider;
  /** Restarts allowed within `withinMs` before the child is stopped instead. Default 10; `Infinity` for no limit. */
  maxRetries?: number;
  /** The sliding window of `maxRetries`, in ms. Default 60 000; `Infinity` counts every restart ever. */
  withinMs?: number;
  /** Exponential backoff between restarts (see restarts.ts). Default: none (restart at once). */
  backoff?: BackoffOptions;
}

export interface SupervisorStrategy extends RestartPolicy {
  /** `one-for-one`: a directive applies to the failed child; `all-for-one`: restart and stop apply to all children. */
  readonly kind: 'one-for-one' | 'all-for-one';
  readonly decider: Decider;
}

/**
 * @internal A definition whose children each instance supervises differently (a pool head: the strategy given to
 * the pool) has a function under this key that returns the strategy from the actor's state, or undefined for the
 * definition's own.
 */
export const INSTANCE_STRATEGY = Symbol.for('ringmaster.instanceStrategy');

export const DEFAULT_MAX_RETRIES = 10;
export const DEFAULT_WITHIN_MS = 60_000;

const DIRECTIVES: ReadonlySet<string> = new Set<Directive>(['resume', 'restart', 'stop', 'escalate']);
const alwaysRestart: Decider = () => 'restart';

/** Each failed child is handled on its own. Throws InvalidArgumentError on bad options. */
export function oneForOne(options: StrategyOptions = {}): SupervisorStrategy {
  return build('one-for-one', options, 'oneForOne');
}

/** A restart or stop of one child restarts or stops all of its siblings too. Throws InvalidArgumentError on bad options. */
export function allForOne(options: StrategyOptions = {}): SupervisorStrategy {
  return build('all-for-one', options, 'allForOne');
}

/** The strategy of a parent that defines none: restart, at most 10 times within 60 s, then stop. */
export const defaultStrategy: SupervisorStrategy = oneForOne();

function build(kind: SupervisorStrategy['kind'], options: StrategyOptions, what: string): SupervisorStrategy {
  if (options === null || typeof options !== 'object') {
    throw new InvalidArgumentError(`${what}(options): options must be an object, got ${String(options)}`);
  }
  const s: SupervisorStrategy = {
    kind,
    decider: options.decider ?? alwaysRestart,
    maxRetries: options.maxRetries ?? DEFAULT_MAX_RETRIES,
    withinMs: options.withinMs ?? DEFAULT_WITHIN_MS,
    ...(options.backoff === undefined ? {} : { backoff: options.backoff }),
  };
  return validateStrategy(s, `${what}(options)`);
}

/** Checks a strategy (one built by hand included); throws an InvalidArgumentError that names the bad field. */
export function validateStrategy(s: SupervisorStrategy, what: string): SupervisorStrategy {
  if (s === null || typeof s !== 'object') {
    throw new InvalidArgumentError(`${what} must be built with oneForOne(...) or allForOne(...), got ${String(s)}`);
  }
  if (s.kind !== 'one-for-one' && s.kind !== 'all-for-one') {
    throw new InvalidArgumentError(`${what}: kind must be 'one-for-one' or 'all-for-one' (build it with oneForOne or allForOne), got ${JSON.stringify(s.kind)}`);
  }
  if (typeof s.decider !== 'function') {
    throw new InvalidArgumentError(`${what}: decider must be a function (error) => 'resume' | 'restart' | 'stop' | 'escalate', got ${typeof s.decider}`);
  }
  validateRestartPolicy(s, what);
  return s;
}

/** Runs the decider; a throw or an unknown answer escalates (the supervisor cannot handle what it does not know). */
export function decide(strategy: SupervisorStrategy, error: Error): Directive {
  try {
    const d = strategy.decider(error);
    return typeof d === 'string' && DIRECTIVES.has(d) ? d : 'escalate';
  } catch {
    return 'escalate';
  }
}

/** The system guardian's options (config `guardian`): how failures of top-level actors are handled. */
export interface GuardianOptions {
  strategy: 'restart' | 'stop';
  maxRetries: number;
  withinMs: number;
  backoff?: { minMs: number; maxMs: number; jitter?: number | undefined } | undefined;
}

/** The guardian as a strategy: one-for-one over the top-level actors, always the configured directive. */
export function guardianStrategy(g: GuardianOptions): SupervisorStrategy {
  const directive = g.strategy;
  const b = g.backoff;
  return oneForOne({
    decider: () => directive,
    maxRetries: g.maxRetries,
    withinMs: g.withinMs,
    ...(b === undefined ? {} : { backoff: { minMs: b.minMs, maxMs: b.maxMs, ...(b.jitter === undefined ? {} : { jitter: b.jitter }) } }),
  });
}
