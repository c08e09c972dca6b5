// The drivers (src/dispatch/) on their own, over a fake runtime and a real control block: when they pump, when
// they park, and what an ask does to the main thread's park.
import { afterEach, describe, expect, it } from 'vitest';
import { MainDriver } from '../../src/dispatch/main-driver.js';
import type { DriverLink, Pumpable } from '../../src/dispatch/pumpable.js';
import { WorkerDriver } from '../../src/dispatch/worker-driver.js';
import { CTL_DOORBELL, CTL_HEARTBEAT, CTL_PARKED, allocateControl } from '../../src/transport/layout.js';
import { wake } from '../../src/transport/wait.js';
import { metricsPageBytes } from '../../src/transport/metrics-layout.js';

class FakeRuntime implements Pumpable {
  readonly control = new Int32Array(allocateControl());
  /** Every thread's control block: this one alone unless a test adds the others' (the spin gate reads them). */
  controls: Int32Array[] = [this.control];
  pumps = 0;
  /** Work the next pumps find (each pump takes one). */
  work = 0;
  incoming = false;
  asyncInFlight = 0;
  pendingAsks = 0;
  readonly metricsPage = new Float64Array(new SharedArrayBuffer(metricsPageBytes(2)));
  driver: DriverLink | undefined;
  pump(): boolean {
    this.pumps++;
    this.incoming = false;
    if (this.work === 0) return false;
    this.work--;
    return true;
  }
  hasIncoming(): boolean {
    return this.incoming;
  }
  hasLocalWork(): boolean {
    return false;
  }
  attach(driver: DriverLink): void {
    this.driver = driver;
  }
}

const turn = (): Promise<void> => new Promise((r) => setImmediate(r));
async function until(cond: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 10_000 && !cond(); i++) await turn();
  if (!cond()) throw new Error(`timed out waiting until ${what}`);
}

const drivers: { stop(): void }[] = [];
afterEach(() => {
  for (const d of drivers.splice(0)) d.stop();
});

describe('WorkerDriver', () => {
  it('attaches itself to its runtime, pumps while there is work, then parks with its flag set', async () => {
    const rt = new FakeRuntime();
    const d = new WorkerDriver(rt, 'park', 0);
    drivers.push(d);
    expect(rt.driver).toBe(d);
    rt.work = 3;
    d.kick();
    await until(() => d.parks === 1, 'the worker parked');
    expect(rt.pumps).toBe(4); // three with work, one that found none
    expect(Atomics.load(rt.control, CTL_PARKED)).toBe(1);
    expect(Atomics.load(rt.control, CTL_HEARTBEAT)).toBeGreaterThan(0);
  });

  it('comes back from its park when a producer rings, and pumps what arrived', async () => {
    const rt = new FakeRuntime();
    const d = new WorkerDriver(rt, 'park', 0);
    drivers.push(d);
    d.kick();
    await until(() => d.parks === 1, 'the worker parked');
    const before = rt.pumps;
    rt.work = 1;
    rt.incoming = true;
    expect(wake(rt.control)).toBe(true); // it was parked: this producer rang
    expect(wake(rt.control)).toBe(true); // still parked (rung), but a second producer does not ring again
    await until(() => d.parks === 2, 'the worker parked again');
    expect(rt.pumps).toBeGreaterThan(before);
    expect(Atomics.load(rt.control, CTL_DOORBELL)).toBe(1);
  });
});

/** A main-thread driver over a fake runtime, parked with nothing to do. */
async function parkedMain(): Promise<{ rt: FakeRuntime; d: MainDriver }> {
  const rt = new FakeRuntime();
  const d = new MainDriver(rt, 'hybrid', 1000);
  drivers.push(d);
  d.kick();
  await until(() => Atomics.load(rt.control, CTL_PARKED) === 1, 'the main thread parked');
  return { rt, d };
}

describe('MainDriver', () => {
  it('stays parked after an ask that had to wake its target, and pumps once the reply rings it', async () => {
    const { rt, d } = await parkedMain();
    const before = rt.pumps;
    rt.pendingAsks = 1;
    d.afterAsk('woken');
    for (let i = 0; i < 50; i++) await turn();
    // No pump, no event-loop polling: it waits for the worker's reply to wake it.
    expect(rt.pumps).toBe(before);
    expect(Atomics.load(rt.control, CTL_PARKED)).toBe(1);
    rt.incoming = true;
    rt.work = 1;
    rt.pendingAsks = 0;
    expect(wake(rt.control)).toBe(true);
    await until(() => rt.pumps > before, 'the main thread pumped the reply');
  });

  it('leaves its park and polls after an ask that reached a thread already awake', async () => {
    const { rt, d } = await parkedMain();
    const before = rt.pumps;
    rt.pendingAsks = 1;
    d.afterAsk('awake');
    await until(() => rt.pumps > before + 2, 'the main thread polled');
    rt.pendingAsks = 0;
  });
});
