/**
 * Stage functions and stage descriptors. A graph is a plain immutable value: a list of descriptors such as
 * `{ kind: 'map', fn }`. Nothing runs until a graph is materialized, so a later materializer can split the list at
 * island boundaries and rebuild the same stages on a worker (which is why a stage function may be a defined stage,
 * known there by name, and not only a closure).
 */
import { DefinitionTakenError, InvalidArgumentError } from '../errors.js';

/** What a defined stage's `.with(args)` binds: plain, encodable data (it will travel to workers as spawn args do). */
export interface DefinedStage<F extends (...a: never[]) => unknown, A = undefined> {
  readonly kind: 'defined-stage';
  readonly name: string;
  readonly args: A | undefined;
  /** The same stage with `args` bound: the function gets them as its last parameter. */
  with(args: A): DefinedStage<F, A>;
  /** @internal */
  readonly fn: F;
}

type Registry = Map<string, { fn: unknown; site: string | undefined }>;
// On globalThis, as the actor definitions are: a second evaluation of this module must see the same stages.
const REGISTRY_KEY = Symbol.for('ringmaster.stages');
function registry(): Registry {
  const g = globalThis as { [REGISTRY_KEY]?: Registry };
  return (g[REGISTRY_KEY] ??= new Map());
}

function callerFile(): string | undefined {
  const holder: { stack?: string } = {};
  Error.captureStackTrace(holder, defineStage);
  const frame = holder.stack?.split('\n')[1]?.trim();
  if (frame === undefined) return undefined;
  const location = /\(([^()]+)\)$/.exec(frame)?.[1] ?? frame.replace(/^at\s+/, '');
  const file = location.replace(/:\d+:\d+$/, '').replace(/[?#].*$/, '');
  return file.length > 0 ? file : undefined;
}

function bind<F extends (...a: never[]) => unknown, A>(name: string, fn: F, args: A | undefined): DefinedStage<F, A> {
  return Object.freeze({ kind: 'defined-stage' as const, name, args, fn, with: (a: A) => bind(name, fn, a) });
}

/**
 * Defines a named stage function, registered by name in this thread's registry (like defineActor): usable wherever
 * a closure is (`.map(parseLine)`). Its function gets the element and then the arguments bound with `.with(args)`.
 * A name defined by two modules throws DefinitionTakenError.
 */
export function defineStage<F extends (x: never, args: never) => unknown>(name: string, fn: F): DefinedStage<F, Parameters<F>[1]> {
  if (typeof name !== 'string' || name.length === 0) {
    throw new InvalidArgumentError(`defineStage: the name must be a non-empty string, got ${JSON.stringify(name)}`);
  }
  if (typeof fn !== 'function') throw new InvalidArgumentError(`defineStage('${name}'): the stage must be a function, got ${typeof fn}`);
  const site = callerFile();
  const earlier = registry().get(name);
  if (earlier?.site !== undefined && site !== undefined && earlier.site !== site) {
    throw new DefinitionTakenError(name, earlier.site, site);
  }
  registry().set(name, { fn, site });
  return bind<F, Parameters<F>[1]>(name, fn, undefined);
}

/** @internal The function registered under a stage name on this thread. */
export function findStage(name: string): unknown {
  return registry().get(name)?.fn;
}

/** A stage function: a closure, or a defined stage (with or without bound arguments). */
export type StageFn<F extends (...a: never[]) => unknown> = F | DefinedStage<(x: Parameters<F>[0], args: never) => ReturnType<F>, unknown>;

/** @internal Turns a stage function into a plain function of the element. */
export function callable<X, Y>(f: StageFn<(x: X) => Y>): (x: X) => Y {
  if (typeof f === 'function') return f;
  const fn = f.fn as (x: X, args: unknown) => Y;
  const args = f.args;
  return (x) => fn(x, args);
}

/** @internal A stage function's name, when it is a defined stage. */
export function stageFnName(f: unknown): string | undefined {
  return typeof f === 'object' && f !== null && (f as { kind?: unknown }).kind === 'defined-stage' ? (f as { name: string }).name : undefined;
}

/** @internal Refuses, at graph-build time, what is not a stage function. */
export function checkFn(op: string, f: unknown): void {
  if (typeof f === 'function' || stageFnName(f) !== undefined) return;
  throw new InvalidArgumentError(`${op}: expected a function or a defined stage (defineStage), got ${f === null ? 'null' : typeof f}`);
}

/** @internal Refuses, at graph-build time, a count that is not a whole number >= min. */
export function checkCount(op: string, what: string, n: unknown, min = 1, allowInfinity = false): void {
  if (typeof n === 'number' && ((Number.isInteger(n) && n >= min) || (allowInfinity && n === Number.POSITIVE_INFINITY))) return;
  throw new InvalidArgumentError(`${op}: ${what} must be a whole number >= ${min}${allowInfinity ? ' (or Infinity)' : ''}, got ${String(n)}`);
}
