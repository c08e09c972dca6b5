// system.metrics() and ringmaster/prometheus: the per-thread metrics pages in shared memory (docs/semantics.md,
// "Metrics"). Counts are checked exactly; durations only against what a handler is known to have taken at least.
import promClient from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { ActorSystem, defineActor, type DefinitionMetrics, type SystemOptions } from '../../src/index.js';
import { registerRingmasterMetrics } from '../../src/metrics/prometheus.js';
import { Metered, Other } from '../fixtures/metrics-actors.js';
import { shareInt32, waitForInt32 } from '../fixtures/shared-memory.js';

const actors = [new URL('../fixtures/metrics-actors.ts', import.meta.url)];
let system: ActorSystem | undefined;
const gates: Int32Array[] = [];
afterEach(async () => {
  for (const g of gates.splice(0)) {
    Atomics.store(g, 0, 1);
    Atomics.notify(g, 0);
  }
  await system?.shutdown();
  system = undefined;
});

async function start(options: SystemOptions): Promise<ActorSystem> {
  system = await ActorSystem.start(options);
  return system;
}

function row(s: ActorSystem, definition: string, thread: number): DefinitionMetrics | undefined {
  return s.metrics().definitions.find((d) => d.definition === definition && d.thread === thread);
}

/** Polls shared memory (no message) until `check` holds: the page is written after a reply has gone out. */
async function eventually(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`still not true after 10 s: ${what}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

/** A gate the actor reports on (word 1 = it is holding) and the test opens (word 0). */
function gate(): { key: string; view: Int32Array } {
  const g = shareInt32();
  gates.push(g.view);
  return g;
}

describe('system.metrics() inline', () => {
  it('counts every processed message exactly once, per definition, on the main thread', async () => {
    const s = await start({ mode: 'inline', metrics: { timing: 'all' } });
    const a = await s.spawn(Metered, { name: 'a' });
    const b = await s.spawn(Metered, { name: 'b' });
    await s.spawn(Other, { name: 'o' });
    for (let i = 0; i < 50; i++) a.tell({ type: 'work' });
    for (let i = 0; i < 30; i++) b.tell({ type: 'work' });
    expect(await a.ask({ type: 'count' })).toBe(50);
    expect(await b.ask({ type: 'count' })).toBe(30);
    await eventually(() => row(s, 'Metered', 0)?.processed === 82, 'Metered processed 82');
    const m = row(s, 'Metered', 0)!;
    expect(m).toMatchObject({ actors: 2, mailboxDepth: 0, processed: 82, failed: 0, restarts: 0 });
    // timing 'all': every processed message was timed, and its wait too.
    expect(m.processingTime.count).toBe(82);
    expect(m.mailboxWait.count).toBe(82);
    expect(row(s, 'OtherMetered', 0)).toMatchObject({ actors: 1, processed: 0 });
    expect(s.metrics().threads.map((t) => t.thread)).toEqual([0]);
    expect(s.metrics().rings).toEqual([]);
  });

  it('counts a stashed message at each handling: once when stashed, once when unstashed and handled', async () => {
    const Gate = defineActor('metrics-test-StashGate', {
      init: () => ({ open: false, seen: [] as string[] }),
      receive(state, msg: string, ctx) {
        if (msg === 'go') {
          state.open = true;
          ctx.unstashAll();
        } else if (!state.open) ctx.stash();
        else state.seen.push(msg);
      },
    });
    const s = await start({ mode: 'inline' });
    const g = await s.spawn(Gate, { name: 'g' });
    g.tell('a');
    g.tell('go');
    await eventually(() => row(s, 'metrics-test-StashGate', 0)?.processed === 3, 'processed 3');
    expect(row(s, 'metrics-test-StashGate', 0)).toMatchObject({ processed: 3, mailboxDepth: 0 });
  });

  it('counts failures and restarts of a definition', async () => {
    const s = await start({ mode: 'inline' });
    const a = await s.spawn(Metered, { name: 'a' });
    const restarted = new Promise<void>((resolve) => s.events.subscribe('actor-restarted', () => resolve()));
    a.tell({ type: 'fail' });
    await restarted;
    expect(await a.ask({ type: 'count' })).toBe(0);
    await eventually(() => row(s, 'Metered', 0)?.processed === 2, 'processed 2');
    expect(row(s, 'Metered', 0)).toMatchObject({ processed: 2, failed: 1, restarts: 1, actors: 1 });
  });

  it('keeps a row per definition, and counts definitions past maxDefinitions - 1 in the (other) row, never dropped', async () => {
    const defs = ['MA', 'MB', 'MC', 'MD'].map((n) => defineActor(`metrics-test-${n}`, { receive() {} }));
    const s = await start({ mode: 'inline', metrics: { maxDefinitions: 3 } });
    for (const [i, d] of defs.entries()) await s.spawn(d, { name: `x${i}` });
    const snap = s.metrics();
    expect(snap.definitions.map((d) => [d.definition, d.actors])).toEqual([
      ['metrics-test-MA', 1],
      ['metrics-test-MB', 1],
      ['(other)', 2],
    ]);
    expect(snap.threads[0]!.overflowedDefinitions).toBe(2);
  });

  it('times nothing with timing off, and still counts exactly', async () => {
    const s = await start({ mode: 'inline', metrics: { timing: 'off' } });
    const a = await s.spawn(Metered, { name: 'a' });
    for (let i = 0; i < 40; i++) a.tell({ type: 'work' });
    expect(await a.ask({ type: 'count' })).toBe(40);
    await eventually(() => row(s, 'Metered', 0)?.processed === 41, 'processed 41');
    const m = row(s, 'Metered', 0)!;
    expect(m.processingTime.count + m.mailboxWait.count).toBe(0);
  });

  it('samples every 16th message with timing sampled (the default)', async () => {
    const s = await start({ mode: 'inline' });
    const a = await s.spawn(Metered, { name: 'a' });
    for (let i = 0; i < 159; i++) a.tell({ type: 'work' });
    expect(await a.ask({ type: 'count' })).toBe(159);
    await eventually(() => row(s, 'Metered', 0)?.processed === 160, 'processed 160');
    const m = row(s, 'Metered', 0)!;
    expect(m.processingTime.count).toBe(10);
    expect(m.mailboxWait.count).toBe(10); // 160 entries queued on the thread, every 16th stamped
  });

  it('puts a handler that took at least 5 ms in a bucket whose lower bound is above 4 ms', async () => {
    const s = await start({ mode: 'inline', metrics: { timing: 'all' } });
    const a = await s.spawn(Metered, { name: 'a' });
    a.tell({ type: 'busy', ms: 5 });
    await eventually(() => row(s, 'Metered', 0)?.processed === 1, 'processed 1');
    const { processingTime: h } = row(s, 'Metered', 0)!;
    const bounds = s.metrics().bucketBounds;
    const k = h.buckets.findIndex((n) => n > 0);
    expect(h.count).toBe(1);
    expect(bounds[k - 1]).toBeGreaterThanOrEqual(0.004); // 4.096 ms: 5 ms cannot be in a lower bucket
    expect(h.sum).toBeGreaterThanOrEqual(0.005);
  });

  it('counts dead letters by reason, equal to the dead-letter events published', async () => {
    const s = await start({ mode: 'inline' });
    const seen: string[] = [];
    s.events.subscribe('dead-letter', (e) => void seen.push(e.reason));
    const a = await s.spawn(Metered, { name: 'a' });
    await s.stop(a);
    for (let i = 0; i < 7; i++) a.tell({ type: 'work' });
    await eventually(() => seen.length === 7, '7 dead letters');
    const dl = s.metrics().deadLetters;
    expect(dl['actor-stopped']).toBe(seen.filter((r) => r === 'actor-stopped').length);
    expect(Object.values(dl).reduce((x, y) => x + y, 0)).toBe(seen.length);
  });
});

describe('bad input', () => {
  it('refuses metrics options out of range at start, naming each', async () => {
    const err = await ActorSystem.start({ mode: 'inline', metrics: { maxDefinitions: 1, timing: 'some' as 'off' } }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'ERR_INVALID_CONFIG' });
    expect((err as { issues: { path: string }[] }).issues.map((i) => i.path).sort()).toEqual(['metrics.maxDefinitions', 'metrics.timing']);
  });

  it('refuses a bad prefix or registry with InvalidArgumentError, registering nothing', async () => {
    const s = await start({ mode: 'inline' });
    const registry = new promClient.Registry();
    expect(() => registerRingmasterMetrics(s, { registry, prefix: 'bad-prefix' })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }));
    expect(() => registerRingmasterMetrics(s, { registry: {} as promClient.Registry })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }));
    expect(registry.getMetricsAsArray()).toEqual([]);
  });

  it('writes counters once suffixed in an OpenMetrics registry too', async () => {
    const s = await start({ mode: 'inline' });
    await s.spawn(Metered, { name: 'a' });
    const registry = new promClient.Registry<promClient.OpenMetricsContentType>();
    registry.setContentType(promClient.Registry.OPENMETRICS_CONTENT_TYPE);
    registerRingmasterMetrics(s, { registry });
    const text = await registry.metrics();
    expect(text).toContain('ringmaster_messages_processed_total{actor_type="Metered",thread="0"} 0');
    expect(text).not.toContain('_total_total');
  });

  it('refuses to register twice in one registry, keeping the first, and unregisters', async () => {
    const s = await start({ mode: 'inline' });
    const registry = new promClient.Registry();
    const first = registerRingmasterMetrics(s, { registry });
    expect(() => registerRingmasterMetrics(s, { registry })).toThrow(/already been registered/);
    expect(registry.getMetricsAsArray().length).toBe(first.names.length);
    first.unregister();
    expect(registry.getMetricsAsArray()).toEqual([]);
  });
});

describe('system.metrics() with workers', () => {
  it('reports a mailbox depth of exactly 99 for an actor holding its first message after 100 tells', async () => {
    const s = await start({ workers: 1, actors });
    const a = await s.spawn(Metered, { name: 'held', placement: { worker: 1 } });
    const g = gate();
    a.tell({ type: 'hold', gate: g.key });
    for (let i = 0; i < 99; i++) a.tell({ type: 'work' });
    await waitForInt32(g.view, 1, (v) => v === 1);
    await eventually(() => row(s, 'Metered', 1)?.mailboxDepth === 99, 'depth 99');
    expect(row(s, 'Metered', 1)!.processed).toBe(0);
    const registry = new promClient.Registry();
    registerRingmasterMetrics(s, { registry });
    expect(await registry.metrics()).toContain('ringmaster_mailbox_depth{actor_type="Metered",thread="1"} 99');
    Atomics.store(g.view, 0, 1);
    Atomics.notify(g.view, 0);
    expect(await a.ask({ type: 'count' })).toBe(99);
    await eventually(() => row(s, 'Metered', 1)?.processed === 101, 'processed 101');
    expect(row(s, 'Metered', 1)!.mailboxDepth).toBe(0);
  });

  it('answers while worker 1 spins in a synchronous loop, and shows the bytes waiting in its ring', async () => {
    const s = await start({ workers: 1, actors, stallTimeoutMs: 60_000 });
    const a = await s.spawn(Metered, { name: 'spinner', placement: { worker: 1 } });
    const g = gate();
    a.tell({ type: 'spin', gate: g.key });
    await waitForInt32(g.view, 1, (v) => v === 1); // worker 1 is now stuck in the loop
    const ring = () => s.metrics().rings.find((r) => r.from === 0 && r.to === 1)!;
    expect(ring().usedBytes).toBe(0);
    const tail0 = s.ringTailsFromMain()[1]!;
    for (let i = 0; i < 10; i++) a.tell({ type: 'work' });
    const written = s.ringTailsFromMain()[1]! - tail0;
    expect(written).toBeGreaterThan(0);
    // Read without a message: synchronously, while the worker cannot answer one.
    const snap = s.metrics();
    expect(snap.rings.find((r) => r.from === 0 && r.to === 1)!.usedBytes).toBe(written);
    expect(snap.threads.find((t) => t.thread === 1)).toMatchObject({ up: true });
    const registry = new promClient.Registry();
    registerRingmasterMetrics(s, { registry });
    expect(await registry.metrics()).toContain(`ringmaster_ring_used_bytes{from="0",to="1"} ${written}`);
    Atomics.store(g.view, 0, 1);
    Atomics.notify(g.view, 0);
    expect(await a.ask({ type: 'count' })).toBe(10);
    expect(ring().usedBytes).toBe(0);
  });

  it('continues counters across a worker crash without resetting or doubling them', async () => {
    const s = await start({ workers: 1, actors, workerRestart: { maxRestarts: 1, backoff: { minMs: 0, maxMs: 0, jitter: 0 } } });
    const a = await s.spawn(Metered, { name: 'survivor', placement: { worker: 1 } });
    const b = await s.spawn(Metered, { name: 'crasher', placement: { worker: 1 } });
    for (let i = 0; i < 20; i++) a.tell({ type: 'work' });
    expect(await a.ask({ type: 'count' })).toBe(20);
    await eventually(() => row(s, 'Metered', 1)?.processed === 21, 'processed 21');
    const restarted = new Promise<void>((resolve) => s.events.subscribe('worker-restarted', () => resolve()));
    b.tell({ type: 'exit' });
    await restarted;
    for (let i = 0; i < 5; i++) a.tell({ type: 'work' });
    expect(await a.ask({ type: 'count' })).toBe(5); // fresh state: the actor was re-created
    await eventually(() => row(s, 'Metered', 1)?.processed === 27, 'processed 27');
    // Two actors re-created, not four; the message the crash interrupted was never processed.
    expect(row(s, 'Metered', 1)).toMatchObject({ actors: 2, mailboxDepth: 0, processed: 27 });
  });

  it('shows a worker given up on as down, with nothing alive or queued there and its counters kept', async () => {
    const s = await start({ workers: 1, actors, workerRestart: { maxRestarts: 0 } });
    const a = await s.spawn(Metered, { name: 'doomed', placement: { worker: 1 } });
    for (let i = 0; i < 4; i++) a.tell({ type: 'work' });
    expect(await a.ask({ type: 'count' })).toBe(4);
    await eventually(() => row(s, 'Metered', 1)?.processed === 5, 'processed 5');
    const abandoned = new Promise<void>((resolve) => s.events.subscribe('worker-abandoned', () => resolve()));
    a.tell({ type: 'exit' });
    await abandoned;
    expect(s.metrics().threads[1]!.up).toBe(false);
    expect(row(s, 'Metered', 1)).toMatchObject({ actors: 0, mailboxDepth: 0, processed: 5 });
  });

  it('counts parks and wake-ups of a worker', async () => {
    const s = await start({ workers: 1, actors, waitStrategy: 'park' });
    const a = await s.spawn(Metered, { name: 'sleeper', placement: { worker: 1 } });
    const before = s.metrics().threads[1]!;
    for (let i = 0; i < 3; i++) await a.ask({ type: 'count' });
    await eventually(() => s.metrics().threads[1]!.parks > before.parks && s.metrics().threads[1]!.wakes > before.wakes, 'parks and wakes moved');
  });

  it('keeps one series per definition and thread however many actors it has', async () => {
    const s = await start({ workers: 2, actors });
    await Promise.all(Array.from({ length: 2000 }, (_, i) => s.spawn(Other, { name: `o${i}`, placement: 'round-robin' })));
    const registry = new promClient.Registry();
    registerRingmasterMetrics(s, { registry });
    const text = await registry.metrics();
    const series = text.split('\n').filter((l) => l.startsWith('ringmaster_actors{'));
    expect(series).toEqual(['ringmaster_actors{actor_type="OtherMetered",thread="1"} 1000', 'ringmaster_actors{actor_type="OtherMetered",thread="2"} 1000']);
    expect(text.split('\n').filter((l) => l.startsWith('ringmaster_message_processing_seconds_bucket{')).length).toBe(2 * 27);
  });
});
