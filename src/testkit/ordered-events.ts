/**
 * An ordered event expectation: run a block, and expect the event stream to publish events matching the
 * expectations **in this order**, one event each (other events may come in between). It fails at once when an
 * event that matches a later expectation arrives before the earlier ones were met (out of order), and after the
 * timeout when some never came. For the engine's own tests that assert an order of events (a child's stop before
 * its parent's, a failure before the restart), and for applications' tests of the same kind.
 *
 * Contract: main thread only (the event stream lives there).
 */
import { InvalidArgumentError } from '../errors.js';
import type { EventStream, SystemEvent } from '../events.js';
import { accepts, describeEvent, showEvent, type EventExpectation } from './events.js';
import { expectationFailed, show, type ExpectOptions } from './format.js';
import { Waiter, effectiveTimeout } from './timing.js';

export async function expectEventsInOrder<T>(
  events: EventStream,
  expected: readonly EventExpectation[],
  block: () => T | Promise<T>,
  options: ExpectOptions | undefined,
  defaults: { timeoutMs: number },
): Promise<Awaited<T>> {
  if (!Array.isArray(expected) || expected.length === 0) {
    throw new InvalidArgumentError('expectEventsInOrder: give an array of at least one expected event');
  }
  for (const spec of expected) {
    if (spec === null || typeof spec !== 'object' || typeof spec.type !== 'string') {
      throw new InvalidArgumentError(`expectEventsInOrder: each expectation needs a 'type', got ${show(spec)}`);
    }
    if (spec.count !== undefined && spec.count !== 1) {
      throw new InvalidArgumentError('expectEventsInOrder: each expectation stands for exactly one event; repeat it instead of giving count');
    }
  }
  if (typeof block !== 'function') throw new InvalidArgumentError('expectEventsInOrder: the block must be a function');
  const timeoutMs = effectiveTimeout(options?.timeoutMs, defaults.timeoutMs);
  const met: SystemEvent[] = [];
  let outOfOrder: { event: SystemEvent; index: number } | undefined;
  const waiter = new Waiter();
  const unsubscribe = events.subscribe((e) => {
    if (outOfOrder !== undefined || met.length === expected.length) return;
    if (accepts(expected[met.length]!, e)) met.push(e);
    else {
      for (let j = met.length + 1; j < expected.length; j++) {
        if (accepts(expected[j]!, e)) {
          outOfOrder = { event: e, index: j };
          break;
        }
      }
    }
    waiter.notify();
  });
  const start = performance.now();
  try {
    const value = await block();
    const end = start + timeoutMs;
    await waiter.until(() => outOfOrder !== undefined || met.length >= expected.length, end);
    if (outOfOrder !== undefined || met.length < expected.length) {
      const next = met.length;
      throw expectationFailed({
        what: 'expectEventsInOrder',
        why:
          outOfOrder !== undefined
            ? `event ${outOfOrder.index + 1} arrived before event ${next + 1}`
            : `timed out after ${timeoutMs} ms waiting for event ${next + 1} of ${expected.length}`,
        expected: expected.map((s, i) => `${i + 1}. ${describeEvent(s)}${i < next ? ' (met)' : ''}`).join('\n'),
        received: [
          ...met.map((e, i) => `${i + 1}. ${showEvent(e)}`),
          ...(outOfOrder === undefined ? [] : [`out of order: ${showEvent(outOfOrder.event)}`]),
        ].join('\n') || 'no matching event',
        receivedValues: outOfOrder === undefined ? met : [...met, outOfOrder.event],
        hint: options?.hint,
      });
    }
    return value;
  } finally {
    unsubscribe();
  }
}
