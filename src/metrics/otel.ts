/**
 * `ringmaster/otel`: the system's metrics as OpenTelemetry instruments, through `@opentelemetry/api` only (an
 * optional peer dependency, for its types: nothing here imports it at run time). Observable counters and gauges,
 * observed in one batch callback from one `system.metrics()` snapshot per collection, so a collection sends the
 * actors no message and answers while a worker is stuck. Attributes are bounded as Prometheus labels are:
 * `actor_type`, `thread`, `reason`, `from`, `to`.
 *
 * The API has no asynchronous histogram, so the two distributions come out as a pair of counters each: the time
 * summed (`…time`, seconds) and the messages timed (`…timed`); their ratio is the mean. The buckets themselves are
 * in `system.metrics()` and in `ringmaster/prometheus`.
 *
 * Contract: main thread, like the ActorSystem it reads.
 */
import type { Attributes, BatchObservableResult, Meter, Observable } from '@opentelemetry/api';
import { InvalidArgumentError } from '../errors.js';
import type { ActorSystem } from '../system.js';
import type { DefinitionMetrics, MetricsSnapshot } from './snapshot.js';

export interface OtelOptions {
  /** Prefix of every instrument name. Default `'ringmaster.'`. */
  prefix?: string | undefined;
}

/** What `registerRingmasterInstruments` returns: the instrument names, and how to stop observing them. */
export interface RegisteredInstruments {
  readonly names: readonly string[];
  unregister(): void;
}

type Observe = (s: MetricsSnapshot, put: (value: number, attributes: Attributes) => void) => void;

const rowAttributes = (d: DefinitionMetrics): Attributes => ({ actor_type: d.definition, thread: d.thread });
const perRow =
  (pick: (d: DefinitionMetrics) => number): Observe =>
  (s, put) => {
    for (const d of s.definitions) put(pick(d), rowAttributes(d));
  };

/**
 * Creates ringmaster's instruments on `meter` and observes them from one snapshot per collection:
 * `actors`, `mailbox.depth`, `ring.used`, `ring.capacity`, `thread.up`, `metrics.overflowed_definitions` (gauges);
 * `messages.processed`, `actor.failures`, `actor.restarts`, `dead_letters`, `thread.parks`, `thread.wakeups`,
 * `message.processing.time` / `.timed`, `mailbox.wait.time` / `.timed` (counters).
 */
export function registerRingmasterInstruments(system: ActorSystem, meter: Meter, options: OtelOptions = {}): RegisteredInstruments {
  const prefix = options.prefix ?? 'ringmaster.';
  if (typeof prefix !== 'string' || !/^([A-Za-z][A-Za-z0-9_./-]*)?$/.test(prefix)) {
    throw new InvalidArgumentError(`registerRingmasterInstruments: prefix must start an OpenTelemetry instrument name (a letter, then letters, digits, _ . / -), got ${JSON.stringify(prefix)}`);
  }
  for (const method of ['createObservableGauge', 'createObservableCounter', 'addBatchObservableCallback', 'removeBatchObservableCallback'] as const) {
    if (meter === null || typeof meter !== 'object' || typeof (meter as unknown as Record<string, unknown>)[method] !== 'function') {
      throw new InvalidArgumentError(`registerRingmasterInstruments: meter must be an OpenTelemetry Meter (with ${method}), got ${meter === null ? 'null' : typeof meter}`);
    }
  }

  const instruments: { name: string; observable: Observable; observe: Observe }[] = [];
  const add = (kind: 'gauge' | 'counter', name: string, description: string, unit: string, observe: Observe): void => {
    const full = prefix + name;
    const observable =
      kind === 'gauge' ? meter.createObservableGauge(full, { description, unit }) : meter.createObservableCounter(full, { description, unit });
    instruments.push({ name: full, observable, observe });
  };

  add('gauge', 'actors', 'Actors alive, per actor definition and thread.', '{actor}', perRow((d) => d.actors));
  add('gauge', 'mailbox.depth', 'Entries waiting in the mailboxes of the actors of a definition on a thread (exact).', '{message}', perRow((d) => d.mailboxDepth));
  add('counter', 'messages.processed', 'Messages whose handler ran and settled (failed ones included).', '{message}', perRow((d) => d.processed));
  add('counter', 'actor.failures', 'Messages whose handler threw or rejected.', '{message}', perRow((d) => d.failed));
  add('counter', 'actor.restarts', 'Restarts of actors by their supervisor.', '{restart}', perRow((d) => d.restarts));
  add('counter', 'message.processing.time', 'Handler time summed over the timed messages (metrics.timing).', 's', perRow((d) => d.processingTime.sum));
  add('counter', 'message.processing.timed', 'Messages whose handler time was measured (metrics.timing).', '{message}', perRow((d) => d.processingTime.count));
  add('counter', 'mailbox.wait.time', 'Mailbox wait summed over the timed messages (metrics.timing).', 's', perRow((d) => d.mailboxWait.sum));
  add('counter', 'mailbox.wait.timed', 'Messages whose mailbox wait was measured (metrics.timing).', '{message}', perRow((d) => d.mailboxWait.count));
  add('counter', 'dead_letters', 'Dead letters published, by reason.', '{message}', (s, put) => {
    for (const [reason, n] of Object.entries(s.deadLetters)) put(n, { reason });
  });
  add('gauge', 'ring.used', 'Bytes written into the ring from one thread to another and not yet read.', 'By', (s, put) => {
    for (const r of s.rings) put(r.usedBytes, { from: r.from, to: r.to });
  });
  add('gauge', 'ring.capacity', 'Capacity of the ring from one thread to another.', 'By', (s, put) => {
    for (const r of s.rings) put(r.capacityBytes, { from: r.from, to: r.to });
  });
  add('counter', 'thread.parks', 'Times a thread parked (slept until a message).', '{park}', (s, put) => {
    for (const t of s.threads) put(t.parks, { thread: t.thread });
  });
  add('counter', 'thread.wakeups', 'Times a ring on its doorbell woke a parked thread.', '{wakeup}', (s, put) => {
    for (const t of s.threads) put(t.wakes, { thread: t.thread });
  });
  add('gauge', 'thread.up', '1 while the thread runs; 0 for a worker down or given up on.', '1', (s, put) => {
    for (const t of s.threads) put(t.up ? 1 : 0, { thread: t.thread });
  });
  add('gauge', 'metrics.overflowed_definitions', 'Actor definitions counted in the (other) row: past metrics.maxDefinitions.', '{definition}', (s, put) => {
    for (const t of s.threads) put(t.overflowedDefinitions, { thread: t.thread });
  });

  const callback = (result: BatchObservableResult): void => {
    const snapshot = system.metrics();
    for (const { observable, observe } of instruments) observe(snapshot, (value, attributes) => result.observe(observable, value, attributes));
  };
  const observables = instruments.map((i) => i.observable);
  meter.addBatchObservableCallback(callback, observables);
  return {
    names: instruments.map((i) => i.name),
    unregister: () => meter.removeBatchObservableCallback(callback, observables),
  };
}
