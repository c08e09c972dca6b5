/**
 * `ringmaster/prometheus`: the system's metrics as prom-client collectors (prom-client 15 is an optional peer
 * dependency: only this entry point imports it). Each metric reads the metrics pages at scrape time, so a scrape
 * costs the actors nothing, sends no message, and answers while a worker is stuck. Labels are bounded by design:
 * `actor_type` (the definition's name, or `(other)` past `metrics.maxDefinitions`), `thread`, `reason`, `from`,
 * `to`; never an actor's name.
 *
 * Contract: main thread, like the ActorSystem it reads.
 */
import promClient from 'prom-client';
import type { Registry, RegistryContentType } from 'prom-client';
import { InvalidArgumentError } from '../errors.js';
import type { ActorSystem } from '../system.js';
import type { DefinitionMetrics, HistogramSnapshot, MetricsSnapshot } from './snapshot.js';

export interface PrometheusOptions {
  /** The registry to register in (Prometheus or OpenMetrics text). Default: prom-client's global `register`. */
  registry?: Registry<RegistryContentType> | undefined;
  /** Prefix of every metric name. Default `'ringmaster_'`. */
  prefix?: string | undefined;
}

type Labels = Record<string, string | number>;
interface Value {
  labels: Labels;
  value: number;
  metricName?: string;
}
/** The shape prom-client's registry reads from a metric (`lib/registry.js`: `get()`, then name, help, type, values). */
interface Collected {
  name: string;
  help: string;
  type: 'counter' | 'gauge' | 'histogram';
  values: Value[];
  aggregator: 'sum' | 'max';
}

/** What `registerRingmasterMetrics` returns: the names it registered, and how to take them out again. */
export interface RegisteredMetrics {
  readonly names: readonly string[];
  unregister(): void;
}

const rowLabels = (d: DefinitionMetrics): Labels => ({ actor_type: d.definition, thread: d.thread });

/**
 * Registers the ringmaster metrics in a prom-client registry: actors and mailbox depth (gauges), messages
 * processed, failures and restarts (counters) and processing time and mailbox wait (histograms) per actor type
 * and thread; dead letters by reason; ring occupancy per pair of threads; parks, wake-ups, overflowed
 * definitions and up per thread. One snapshot (`system.metrics()`) serves every metric of a scrape.
 */
export function registerRingmasterMetrics(system: ActorSystem, options: PrometheusOptions = {}): RegisteredMetrics {
  const registry = options.registry ?? promClient.register;
  const prefix = options.prefix ?? 'ringmaster_';
  if (typeof prefix !== 'string' || !/^[a-zA-Z_:][a-zA-Z0-9_:]*$|^$/.test(prefix)) {
    throw new InvalidArgumentError(`registerRingmasterMetrics: prefix must be a Prometheus metric name prefix ([a-zA-Z_:][a-zA-Z0-9_:]*), got ${JSON.stringify(prefix)}`);
  }
  if (registry === null || typeof registry !== 'object' || typeof (registry as { registerMetric?: unknown }).registerMetric !== 'function') {
    throw new InvalidArgumentError('registerRingmasterMetrics: registry must be a prom-client Registry');
  }

  // Every metric's get() of one scrape runs in the same synchronous pass of registry.metrics(): they share one
  // snapshot, dropped after the current microtask queue.
  let current: MetricsSnapshot | undefined;
  const snapshot = (): MetricsSnapshot => {
    if (current === undefined) {
      current = system.metrics();
      queueMicrotask(() => {
        current = undefined;
      });
    }
    return current;
  };

  const metrics: Collected[] = [];
  const add = (name: string, help: string, type: Collected['type'], values: (s: MetricsSnapshot) => Value[]): void => {
    const full = prefix + name;
    const metric = {
      name: full,
      help,
      type,
      aggregator: 'sum' as const,
      // `metric.name`, not `full`: an OpenMetrics registry renames counters (strips `_total`, then writes it back
      // on each line), as it does its own.
      get: () => ({ name: metric.name, help, type, aggregator: 'sum' as const, values: values(snapshot()) }),
      // prom-client's registry resets metrics through these; the values live in shared memory, so nothing to do.
      reset: () => {},
    };
    metrics.push(metric as unknown as Collected);
  };
  const perRow = (pick: (d: DefinitionMetrics) => number) => (s: MetricsSnapshot) =>
    s.definitions.map((d) => ({ labels: rowLabels(d), value: pick(d) }));
  const histogram = (name: string, pick: (d: DefinitionMetrics) => HistogramSnapshot) => (s: MetricsSnapshot) =>
    s.definitions.flatMap((d) => histogramValues(prefix + name, rowLabels(d), pick(d), s.bucketBounds));

  add('actors', 'Actors alive, per actor definition and thread.', 'gauge', perRow((d) => d.actors));
  add('mailbox_depth', 'Entries waiting in the mailboxes of the actors of a definition on a thread (exact).', 'gauge', perRow((d) => d.mailboxDepth));
  add('messages_processed_total', 'Messages whose handler ran and settled (failed ones included).', 'counter', perRow((d) => d.processed));
  add('actor_failures_total', 'Messages whose handler threw or rejected.', 'counter', perRow((d) => d.failed));
  add('actor_restarts_total', 'Restarts of actors by their supervisor.', 'counter', perRow((d) => d.restarts));
  add('message_processing_seconds', 'Handler time, from its call to the settling of its promise (metrics.timing).', 'histogram', histogram('message_processing_seconds', (d) => d.processingTime));
  add('mailbox_wait_seconds', 'Time from entering the mailbox to the handler call (metrics.timing).', 'histogram', histogram('mailbox_wait_seconds', (d) => d.mailboxWait));
  add('dead_letters_total', 'Dead letters published, by reason.', 'counter', (s) =>
    Object.entries(s.deadLetters).map(([reason, value]) => ({ labels: { reason }, value })),
  );
  add('ring_used_bytes', 'Bytes written into the ring from one thread to another and not yet read.', 'gauge', (s) =>
    s.rings.map((r) => ({ labels: { from: r.from, to: r.to }, value: r.usedBytes })),
  );
  add('ring_capacity_bytes', 'Capacity of the ring from one thread to another.', 'gauge', (s) =>
    s.rings.map((r) => ({ labels: { from: r.from, to: r.to }, value: r.capacityBytes })),
  );
  add('thread_parks_total', 'Times a thread parked (slept until a message).', 'counter', (s) =>
    s.threads.map((t) => ({ labels: { thread: t.thread }, value: t.parks })),
  );
  add('thread_wakeups_total', 'Times a ring on its doorbell woke a parked thread.', 'counter', (s) =>
    s.threads.map((t) => ({ labels: { thread: t.thread }, value: t.wakes })),
  );
  add('metrics_overflowed_definitions', 'Actor definitions counted in the (other) row: past metrics.maxDefinitions.', 'gauge', (s) =>
    s.threads.map((t) => ({ labels: { thread: t.thread }, value: t.overflowedDefinitions })),
  );
  add('thread_up', '1 while the thread runs; 0 for a worker down or given up on.', 'gauge', (s) =>
    s.threads.map((t) => ({ labels: { thread: t.thread }, value: t.up ? 1 : 0 })),
  );

  const names: string[] = [];
  try {
    for (const m of metrics) {
      registry.registerMetric(m as unknown as Parameters<Registry<RegistryContentType>['registerMetric']>[0]);
      names.push(m.name);
    }
  } catch (err) {
    for (const name of names) registry.removeSingleMetric(name);
    throw err;
  }
  return {
    names,
    unregister: () => {
      for (const name of names) registry.removeSingleMetric(name);
    },
  };
}

/** A histogram's series as Prometheus wants them: cumulative `_bucket{le}`, then `_sum` and `_count`. */
function histogramValues(name: string, labels: Labels, h: HistogramSnapshot, bounds: readonly number[]): Value[] {
  const values: Value[] = [];
  let cumulative = 0;
  for (let k = 0; k < bounds.length; k++) {
    cumulative += h.buckets[k] ?? 0;
    const le = bounds[k] === Number.POSITIVE_INFINITY ? '+Inf' : String(bounds[k]);
    values.push({ metricName: `${name}_bucket`, labels: { ...labels, le }, value: cumulative });
  }
  values.push({ metricName: `${name}_sum`, labels, value: h.sum });
  values.push({ metricName: `${name}_count`, labels, value: h.count });
  return values;
}
