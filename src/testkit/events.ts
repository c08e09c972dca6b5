/**
 * Event expectations, like Akka's EventFilter: run a block, and expect the system's event stream to publish a
 * number of matching events (dead letters, actor failures, worker exits, ...) during it or shortly after.
 *
 * The subscription starts before the block runs, so nothing the block causes is missed. After the block
 * completes, the expectation waits (up to its timeout) until every expected count is reached; it fails at once
 * when more matching events than expected have arrived by then. Events that arrive after it has completed are
 * not checked. `count: 0` waits an explicit window (`noMsgMs`) after the block, then checks that none came.
 *
 * Contract: main thread only (the event stream lives there).
 */
import { InvalidArgumentError } from '../errors.js';
import type { EventOf, EventStream, SystemEvent, SystemEventType } from '../events.js';
import { describeError, expectationFailed, matchesPattern, show, type ExpectOptions } from './format.js';
import { Waiter, checkMs, deadline, effectiveTimeout } from './timing.js';

/** How an actor failure's error is matched: its message contains the string, the RegExp matches `Name: message`, or a predicate. */
export type ErrorMatcher = string | RegExp | ((error: Error) => boolean);

/** One expected kind of event: how many, and which. */
export type EventExpectation = {
  [T in SystemEventType]: {
    type: T;
    /** Exactly this many matching events (default 1). */
    count?: number;
    /** Only events for which this returns true count. */
    match?: (event: EventOf<T>) => boolean;
    /**
     * Only events that contain this object pattern count (vitest's toMatchObject: nested objects match partly,
     * asymmetric matchers such as `expect.stringMatching` are allowed): `{ reason: 'no-asker', message: { n: 1 } }`.
     */
    pattern?: Partial<Record<keyof EventOf<T>, unknown>>;
  } & (T extends 'actor-failed' | 'actor-restarted' | 'actor-started' | 'actor-stopped' ? { /** The actor's name. */ actor?: string } : {}) &
    (T extends 'actor-failed' | 'actor-restarted' ? { error?: ErrorMatcher } : {}) &
    (T extends 'worker-exited' | 'worker-restarted' | 'worker-abandoned' ? { /** The worker's thread number (1..N). */ worker?: number } : {}) &
    (T extends 'dead-letter' ? { /** The target actor's name. */ target?: string } : {});
}[SystemEventType];

interface Tally {
  spec: EventExpectation;
  count: number;
  seen: SystemEvent[];
  /** Events of the same type that did not match: what the test most likely wants to see when it fails. */
  others: SystemEvent[];
}

/** Runs `block` and expects the events; resolves to the block's value. */
export async function expectEvents<T>(
  events: EventStream,
  expected: EventExpectation | readonly EventExpectation[],
  block: () => T | Promise<T>,
  options: ExpectOptions | undefined,
  defaults: { timeoutMs: number; noMsgMs: number },
): Promise<Awaited<T>> {
  const specs = (Array.isArray(expected) ? expected : [expected]) as readonly EventExpectation[];
  if (specs.length === 0) throw new InvalidArgumentError('expectEvents: give at least one expected event');
  if (typeof block !== 'function') throw new InvalidArgumentError('expectEvents: the block must be a function');
  const tallies: Tally[] = specs.map((spec) => {
    if (spec === null || typeof spec !== 'object' || typeof spec.type !== 'string') {
      throw new InvalidArgumentError(`expectEvents: each expectation needs a 'type', got ${show(spec)}`);
    }
    const count = spec.count ?? 1;
    if (!Number.isInteger(count) || count < 0) {
      throw new InvalidArgumentError(`expectEvents: count must be an integer >= 0, got ${String(spec.count)}`);
    }
    return { spec, count, seen: [], others: [] };
  });
  const timeoutMs = effectiveTimeout(options?.timeoutMs, defaults.timeoutMs);
  const waiter = new Waiter();
  const unsubscribe = events.subscribe((e) => {
    for (const t of tallies) {
      if (e.type !== t.spec.type) continue;
      if (accepts(t.spec, e)) t.seen.push(e);
      else if (t.others.length < 20) t.others.push(e);
    }
    waiter.notify();
  });
  const start = performance.now();
  try {
    const value = await block();
    const end = start + timeoutMs;
    // Wait until every count is reached (or exceeded: that fails below without waiting longer).
    await waiter.until(() => !tallies.some((t) => t.count > 0 && t.seen.length < t.count), end);
    if (tallies.some((t) => t.count === 0)) {
      const quiet = deadline(checkMs('noMsgMs', defaults.noMsgMs, true));
      await quiet.promise;
    }
    const failed = tallies.filter((t) => t.seen.length !== t.count);
    if (failed.length > 0) {
      const tooMany = failed.every((t) => t.seen.length > t.count);
      throw expectationFailed({
        what: 'expectEvents',
        why: tooMany
          ? 'more matching events than expected arrived'
          : `timed out after ${timeoutMs} ms with ${failed.length} of ${tallies.length} expectation(s) not met`,
        expected: failed.map((t) => describeSpec(t)).join('\n'),
        received: failed.map((t) => describeTally(t)).join('\n'),
        receivedValues: failed.flatMap((t) => t.seen),
        hint: options?.hint,
      });
    }
    return value;
  } finally {
    unsubscribe();
  }
}

export function accepts(spec: EventExpectation, e: SystemEvent): boolean {
  if (e.type !== spec.type) return false;
  const s = spec as EventExpectation & { actor?: string; error?: ErrorMatcher; worker?: number; target?: string };
  if (s.actor !== undefined && (e as { actor?: string }).actor !== s.actor) return false;
  if (s.worker !== undefined && (e as { worker?: number }).worker !== s.worker) return false;
  if (s.target !== undefined && (e as { target?: string }).target !== s.target) return false;
  if (s.error !== undefined) {
    if ((e.type !== 'actor-failed' && e.type !== 'actor-restarted') || !errorMatches(s.error, e.error)) return false;
  }
  if (s.pattern !== undefined && !matchesPattern(e, s.pattern)) return false;
  if (s.match !== undefined) {
    try {
      return (s.match as (e: SystemEvent) => boolean)(e) === true;
    } catch {
      return false;
    }
  }
  return true;
}

function errorMatches(m: ErrorMatcher, err: Error): boolean {
  if (typeof m === 'string') return err.message.includes(m);
  if (m instanceof RegExp) return m.test(`${err.name}: ${err.message}`);
  try {
    return m(err) === true;
  } catch {
    return false;
  }
}

function describeSpec(t: Tally): string {
  return `${t.count === 0 ? 'no' : `exactly ${t.count}`} ${describeEvent(t.spec)}`;
}

/** One expectation in words: `'dead-letter' event(s) with target 'a', the pattern { reason: 'no-asker' }`. */
export function describeEvent(spec: EventExpectation): string {
  const s = spec as EventExpectation & { actor?: string; error?: ErrorMatcher; worker?: number; target?: string };
  const parts: string[] = [];
  if (s.actor !== undefined) parts.push(`actor '${s.actor}'`);
  if (s.target !== undefined) parts.push(`target '${s.target}'`);
  if (s.worker !== undefined) parts.push(`worker ${s.worker}`);
  if (s.error !== undefined) {
    parts.push(
      typeof s.error === 'string'
        ? `an error whose message contains ${show(s.error)}`
        : s.error instanceof RegExp
          ? `an error matching ${String(s.error)}`
          : `an error for which ${s.error.name || 'the predicate'} returns true`,
    );
  }
  if (s.pattern !== undefined) parts.push(`the pattern ${show(s.pattern)}`);
  if (s.match !== undefined) parts.push('match(event) true');
  return `'${s.type}' event(s)${parts.length ? ` with ${parts.join(', ')}` : ''}`;
}

function describeTally(t: Tally): string {
  const lines = [`${t.seen.length} matching '${t.spec.type}' event(s)${t.seen.length ? ':' : ''}`];
  for (const e of t.seen.slice(0, 10)) lines.push(`    - ${showEvent(e)}`);
  if (t.seen.length > 10) lines.push(`    ... and ${t.seen.length - 10} more`);
  if (t.others.length > 0) {
    lines.push(`  and ${t.others.length} other '${t.spec.type}' event(s) that did not match:`);
    for (const e of t.others.slice(0, 10)) lines.push(`    - ${showEvent(e)}`);
  }
  return lines.join('\n');
}

export function showEvent(e: SystemEvent): string {
  if (e.type === 'actor-failed' || e.type === 'actor-restarted') return show({ ...e, error: describeError(e.error) });
  if ((e.type === 'worker-exited' || e.type === 'worker-restarted') && e.error !== null) return show({ ...e, error: describeError(e.error) });
  if (e.type === 'dead-letter' && e.error !== undefined) return show({ ...e, error: describeError(e.error) });
  return show(e);
}
