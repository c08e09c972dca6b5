// ringmaster/otel against the @opentelemetry/api Meter interface: a recording meter stands in for the SDK, whose
// collection calls the batch callback exactly as below.
import type { Attributes, BatchObservableCallback, BatchObservableResult, Meter, Observable } from '@opentelemetry/api';
import { afterEach, describe, expect, it } from 'vitest';
import { ActorSystem } from '../../src/index.js';
import { registerRingmasterInstruments } from '../../src/metrics/otel.js';
import { Metered } from '../fixtures/metrics-actors.js';

let system: ActorSystem | undefined;
afterEach(async () => {
  await system?.shutdown();
  system = undefined;
});

/** A Meter that records its instruments and batch callbacks; `collect()` runs them as an SDK reader would. */
function recordingMeter() {
  const kinds = new Map<Observable, { name: string; kind: string; unit: string | undefined }>();
  const callbacks = new Set<BatchObservableCallback>();
  const instrument = (kind: string) => (name: string, options?: { unit?: string }) => {
    const o = { addCallback() {}, removeCallback() {} } as unknown as Observable;
    kinds.set(o, { name, kind, unit: options?.unit });
    return o;
  };
  const meter = {
    createObservableGauge: instrument('gauge'),
    createObservableCounter: instrument('counter'),
    addBatchObservableCallback: (cb: BatchObservableCallback) => void callbacks.add(cb),
    removeBatchObservableCallback: (cb: BatchObservableCallback) => void callbacks.delete(cb),
  } as unknown as Meter;
  const collect = () => {
    const points: { name: string; kind: string; value: number; attributes: Attributes | undefined }[] = [];
    const result: BatchObservableResult = {
      observe: (o, value, attributes) => void points.push({ ...kinds.get(o)!, value, attributes }),
    };
    for (const cb of callbacks) void cb(result);
    return points;
  };
  return { meter, kinds, collect, callbacks };
}

describe('registerRingmasterInstruments', () => {
  it('observes counters and gauges per actor type and thread from the metrics pages', async () => {
    system = await ActorSystem.start({ mode: 'inline', metrics: { timing: 'all' } });
    const a = await system.spawn(Metered, { name: 'a' });
    for (let i = 0; i < 9; i++) a.tell({ type: 'work' });
    expect(await a.ask({ type: 'count' })).toBe(9);
    const m = recordingMeter();
    const reg = registerRingmasterInstruments(system, m.meter);
    expect(reg.names).toContain('ringmaster.messages.processed');
    const deadline = Date.now() + 10_000;
    let points = m.collect();
    const processed = () => points.find((p) => p.name === 'ringmaster.messages.processed' && p.attributes?.actor_type === 'Metered');
    while (processed()?.value !== 10 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 2));
      points = m.collect();
    }
    expect(processed()).toMatchObject({ kind: 'counter', value: 10, attributes: { actor_type: 'Metered', thread: 0 } });
    expect(points.find((p) => p.name === 'ringmaster.actors')).toMatchObject({ kind: 'gauge', value: 1 });
    expect(points.find((p) => p.name === 'ringmaster.message.processing.timed')?.value).toBe(10);
    expect([...m.kinds.values()].find((k) => k.name === 'ringmaster.message.processing.time')?.unit).toBe('s');
    expect(points.filter((p) => p.name === 'ringmaster.dead_letters').map((p) => p.attributes?.reason)).toContain('actor-stopped');
    reg.unregister();
    expect(m.callbacks.size).toBe(0);
  });

  it('refuses something that is not a Meter, or a bad prefix, with InvalidArgumentError', async () => {
    system = await ActorSystem.start({ mode: 'inline' });
    expect(() => registerRingmasterInstruments(system!, {} as Meter)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }));
    expect(() => registerRingmasterInstruments(system!, recordingMeter().meter, { prefix: '9x' })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }),
    );
  });
});
