/**
 * How the TestKit matches what arrived against what a test expected, and how it words a failure: what was
 * expected, what arrived instead (the messages themselves, with their senders), and the test's hint.
 *
 * Contract: main thread only (the TestKit never runs on a worker).
 */
import { fileURLToPath } from 'node:url';
import { inspect } from 'node:util';
import { createExpect } from 'vitest';
import { TestKitExpectationError } from '../errors.js';
import { ActorRef } from '../ref.js';

/** A predicate over a received message (and its sender), or a value the message must equal. */
export type Matcher<M> = M | ((message: M, sender: ActorRef | undefined) => boolean);

/** Options every expectation takes. */
export interface ExpectOptions {
  /** How long to wait, in ms. Defaults to the test system's `timeoutMs` (or what is left of an enclosing `within`). */
  timeoutMs?: number;
  /** A sentence for the failure message: what the test was checking, in its own words. */
  hint?: string;
}

/** One message as it arrived at a probe. */
export interface Arrival {
  message: unknown;
  sender: ActorRef | undefined;
}

// A private expect instance: its assertion counter is not the test's, so `expect.assertions(n)` in a test that
// uses the TestKit still counts only the test's own assertions.
let privateExpect: ReturnType<typeof createExpect> | undefined;

/**
 * Whether `actual` matches `expected`: a function is a predicate (a throw counts as no match, and its error is
 * returned to be shown); anything else is compared with vitest's `toEqual` semantics, so asymmetric matchers such
 * as `expect.objectContaining({ type: 'done' })` work. Messages are plain data after crossing a thread (a class
 * instance arrives as a plain object), which `toEqual` compares by value.
 */
export function matches(actual: unknown, sender: ActorRef | undefined, expected: unknown): { ok: boolean; error?: unknown } {
  if (typeof expected === 'function') {
    try {
      return { ok: (expected as (m: unknown, s: ActorRef | undefined) => unknown)(actual, sender) === true };
    } catch (error) {
      return { ok: false, error };
    }
  }
  privateExpect ??= createExpect();
  try {
    privateExpect(actual).toEqual(expected);
    return { ok: true };
  } catch {
    return { ok: false };
  }
}

/** True when `actual` contains the object pattern `pattern` (vitest's toMatchObject, asymmetric matchers allowed). */
export function matchesPattern(actual: unknown, pattern: unknown): boolean {
  privateExpect ??= createExpect();
  try {
    privateExpect(actual).toMatchObject(pattern as object);
    return true;
  } catch {
    return false;
  }
}

/** Describes an expectation: a value as inspected, a predicate by its source (shortened). */
export function describeExpected(expected: unknown): string {
  if (typeof expected === 'function') {
    const src = String(expected).replace(/\s+/g, ' ');
    const name = (expected as { name?: string }).name;
    const body = src.length > 120 ? `${src.slice(0, 117)}...` : src;
    return `a message for which ${name ? `${name}: ` : ''}${body} returns true`;
  }
  return show(expected);
}

/** A value as a test reader wants to see it: refs as `ActorRef(name@worker-1)`, depth-limited, one line if short. */
export function show(value: unknown): string {
  return inspect(forDisplay(value, 0), { depth: 6, breakLength: 100, maxArrayLength: 20, maxStringLength: 500, sorted: false });
}

/** One arrival: the message, and who sent it. */
export function showArrival(a: Arrival): string {
  return `${show(a.message)}  (from ${a.sender === undefined ? 'outside any actor' : a.sender.toString()})`;
}

/**
 * A list of arrivals: one inline, several one per line, numbered in arrival order (indented for the `received:`
 * line of a failure message, whose continuation lines get two more spaces).
 */
export function showArrivals(list: readonly Arrival[]): string {
  if (list.length === 0) return 'nothing';
  if (list.length === 1) return showArrival(list[0]!);
  return list.map((a, i) => `\n  ${i + 1}. ${showArrival(a).replace(/\n/g, '\n     ')}`).join('');
}

/** `N message(s) <label>: <the arrivals>`, or 'nothing'. */
export function countedArrivals(list: readonly Arrival[], label: string): string {
  if (list.length === 0) return 'nothing';
  return `${list.length} message(s) ${label}:${list.length === 1 ? ' ' : ''}${showArrivals(list)}`;
}

/** A list of expectations, one per line (for the `expected:` line of a failure message). */
export function showExpectedList(list: readonly unknown[]): string {
  return list.map((e) => `\n  - ${describeExpected(e).replace(/\n/g, '\n    ')}`).join('');
}

/**
 * Builds the error of a failed expectation. `what` names the operation and the subject (`probe 'p1': expectMsg`),
 * `why` says how it failed (`timed out after 3000 ms`, `a different message arrived`).
 */
export function expectationFailed(parts: {
  what: string;
  why: string;
  expected: string;
  received: string;
  receivedValues: readonly unknown[];
  hint: string | undefined;
  /** Becomes the error's `cause` (a predicate's or an assertion's own error). */
  cause?: unknown;
  /** Extra lines after `received` (for example what a predicate threw). */
  notes?: readonly string[];
  /** Set for a single value that did not equal the expected one: vitest then prints a diff. */
  diff?: { expected: unknown; actual: unknown };
}): TestKitExpectationError {
  const lines = [`${parts.what}: ${parts.why}`, `  expected: ${indentLines(parts.expected)}`, `  received: ${indentLines(parts.received)}`];
  for (const note of parts.notes ?? []) lines.push(`  ${indentLines(note)}`);
  if (parts.hint !== undefined) lines.push(`  hint: ${indentLines(parts.hint)}`);
  const err = new TestKitExpectationError(
    lines.join('\n'),
    parts.receivedValues,
    parts.hint,
    parts.cause === undefined ? undefined : { cause: parts.cause },
  );
  if (err.stack !== undefined) err.stack = withoutTestKitFrames(err.stack);
  if (parts.diff !== undefined) {
    // vitest's reporter shows a diff for errors that carry `expected` and `actual` (as chai's AssertionError does).
    Object.assign(err, { expected: parts.diff.expected, actual: parts.diff.actual, showDiff: true });
  }
  return err;
}

// The TestKit's own frames say nothing to the test's author, and vitest shows the code of the first frame: without
// them, that frame is the line of the test that made the failed expectation.
const TESTKIT_DIR = fileURLToPath(new URL('.', import.meta.url));
function withoutTestKitFrames(stack: string): string {
  return stack
    .split('\n')
    .filter((line) => !(line.trimStart().startsWith('at ') && line.includes(TESTKIT_DIR)))
    .join('\n');
}

function indentLines(s: string): string {
  return s.replace(/\n/g, '\n  ');
}

/** An error in one line: `Name: message`. */
export function describeError(err: unknown): string {
  if (err instanceof Error) return `${err.name}: ${err.message}`;
  return show(err);
}

/** Replaces refs by a short printable form, so a failure shows `ActorRef(pinger@worker-1)` and not its fields. */
function forDisplay(value: unknown, depth: number): unknown {
  if (value instanceof ActorRef) return new RefView(value.toString());
  if (depth > 6 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => forDisplay(v, depth + 1));
  if (Object.getPrototypeOf(value) !== Object.prototype) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = forDisplay(v, depth + 1);
  return out;
}

class RefView {
  readonly #text: string;
  constructor(text: string) {
    this.#text = text;
  }
  [inspect.custom](): string {
    return this.#text;
  }
}
