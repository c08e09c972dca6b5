// The spin gate (src/dispatch/spin-gate.ts): an idle thread spins only while no thread of the system would need its
// CPU, and not at all for a while after one of them was preempted. Then the drivers that obey it.
import { afterEach, describe, expect, it } from 'vitest';
import { MainDriver } from '../../src/dispatch/main-driver.js';
import type { DriverLink, Pumpable } from '../../src/dispatch/pumpable.js';
import { COOLDOWN_MAX_MS, COOLDOWN_MS, PREEMPTED_MS, SpinGate } from '../../src/dispatch/spin-gate.js';
import { WorkerDriver } from '../../src/dispatch/worker-driver.js';
import { CTL_CONTENDED_UNTIL, CTL_PARKED, allocateControl } from '../../src/transport/layout.js';

const control = (parked: 0 | 1 | 2 = 1): Int32Array => {
  const c = new Int32Array(allocateControl());
  Atomics.store(c, CTL_PARKED, parked);
  return c;
};

describe('SpinGate', () => {
  it('lets a thread spin while no more threads want a CPU than the machine has', () => {
    const self = control(0);
    const gate = new SpinGate([self, control(0), control(1)], self, 2);
    const t = performance.now();
    expect(gate.begin(t)).toBe(true);
    expect(gate.check(t + 0.002)).toBe(true);
    expect(gate.crowded).toBe(0);
  });

  it('stops a spin when more threads want a CPU than there are, counting a woken thread that has not run yet', () => {
    const self = control(0);
    const other = control(0);
    const woken = control(2); // rung: its wake-up is on the way and it needs a CPU to run
    const gate = new SpinGate([self, other, woken], self, 2);
    expect(gate.begin(performance.now())).toBe(false);
    expect(gate.crowded).toBe(1);
    Atomics.store(woken, CTL_PARKED, 1); // parked again: the CPU is free
    expect(gate.begin(performance.now())).toBe(true);
  });

  it('takes a gap between two checks as a preemption: no thread of the system spins during the cooldown', () => {
    const a = control(0);
    const b = control(0);
    const controls = [a, b];
    const gateA = new SpinGate(controls, a, 8);
    const gateB = new SpinGate(controls, b, 8);
    const t = performance.now();
    expect(gateA.begin(t)).toBe(true);
    expect(gateA.check(t + PREEMPTED_MS / 2)).toBe(true);
    expect(gateA.check(t + PREEMPTED_MS / 2 + PREEMPTED_MS * 2)).toBe(false); // descheduled meanwhile
    expect(gateA.preempted).toBe(1);
    const mark = Atomics.load(a, CTL_CONTENDED_UNTIL);
    expect(mark).not.toBe(0);
    expect((mark - (Date.now() | 0)) | 0).toBeLessThanOrEqual(COOLDOWN_MS); // the cooldown from the preemption
    // Pushed far ahead: a test thread descheduled for the cooldown's 20 ms (a loaded machine) would see it expired.
    Atomics.store(a, CTL_CONTENDED_UNTIL, (Date.now() + 60_000) | 0);
    // The other thread reads the mark: it does not spin either.
    expect(gateB.begin(performance.now())).toBe(false);
    expect(gateB.contended).toBe(1);
    // Once the mark has passed (set here to a ms ago), both spin again.
    Atomics.store(a, CTL_CONTENDED_UNTIL, (Date.now() - 1) | 0);
    expect(gateB.begin(performance.now())).toBe(true);
    expect(Atomics.load(a, CTL_CONTENDED_UNTIL)).not.toBe(0); // only its owner clears a mark
    expect(gateA.begin(performance.now())).toBe(true);
    expect(Atomics.load(a, CTL_CONTENDED_UNTIL)).toBe(0); // cleared: later checks read no clock
  });

  it('backs off longer while preemptions keep coming soon after each cooldown, and starts over after a quiet spell', () => {
    const self = control(0);
    const gate = new SpinGate([self], self, 8);
    let t = 1000;
    const preemptAt = (at: number): void => {
      gate.begin(at);
      expect(gate.check(at + 2 * PREEMPTED_MS)).toBe(false);
    };
    preemptAt(t);
    expect(gate.cooldownMs).toBe(COOLDOWN_MS);
    const seen = [gate.cooldownMs];
    for (let i = 0; i < 10; i++) {
      t += gate.cooldownMs + 1; // the next probe, right after the cooldown, is preempted again
      preemptAt(t);
      seen.push(gate.cooldownMs);
    }
    expect(seen.slice(0, 4)).toEqual([COOLDOWN_MS, 2 * COOLDOWN_MS, 4 * COOLDOWN_MS, 8 * COOLDOWN_MS]);
    expect(gate.cooldownMs).toBe(COOLDOWN_MAX_MS);
    preemptAt(t + 10 * COOLDOWN_MAX_MS); // long after: a passing neighbour, not a busy machine
    expect(gate.cooldownMs).toBe(COOLDOWN_MS);
  });
});

/** A runtime with nothing to do, whose thread shares the machine with `others` (control blocks). */
class IdleRuntime implements Pumpable {
  readonly control = control(0);
  readonly metricsPage = new Float64Array(8);
  readonly controls: Int32Array[];
  pumps = 0;
  asyncInFlight = 0;
  pendingAsks = 0;
  constructor(others: Int32Array[]) {
    this.controls = [this.control, ...others];
  }
  pump(): boolean {
    this.pumps++;
    return false;
  }
  hasIncoming(): boolean {
    return false;
  }
  hasLocalWork(): boolean {
    return false;
  }
  attach(_driver: DriverLink): void {}
}

const turn = (): Promise<void> => new Promise((r) => setImmediate(r));
const drivers: { stop(): void }[] = [];
afterEach(() => {
  for (const d of drivers.splice(0)) d.stop();
});

describe('drivers under the gate', () => {
  it('a hybrid worker on a crowded machine parks without spinning, and keeps its spin budget', async () => {
    const cpus = (await import('node:os')).availableParallelism();
    const rt = new IdleRuntime(Array.from({ length: cpus }, () => control(0)));
    const d = new WorkerDriver(rt, 'hybrid', 5000);
    drivers.push(d);
    d.kick();
    for (let i = 0; i < 5 && d.parks === 0; i++) await turn();
    expect(d.parks).toBe(1);
    expect(rt.pumps).toBe(1); // one look at its rings, no spin
    expect(d.spinBudget).toBe(5000);
    expect(d.spinStops.crowded).toBe(1);
  });

  it('a hybrid worker with a CPU to spare spins its budget before parking', async () => {
    // On a busy machine the spin may really be preempted (and then stops, as it should): try until one is not.
    for (let attempt = 0; ; attempt++) {
      const rt = new IdleRuntime([]);
      const d = new WorkerDriver(rt, 'hybrid', 5000);
      drivers.push(d);
      d.kick();
      for (let i = 0; i < 5 && d.parks === 0; i++) await turn();
      expect(d.parks).toBe(1);
      expect(d.spinStops.crowded + d.spinStops.contended).toBe(0);
      if (d.spinStops.preempted > 0 && attempt < 20) continue;
      expect(d.spinStops.preempted).toBe(0);
      expect(rt.pumps).toBeGreaterThan(5000);
      return;
    }
  });

  it('the main thread with an ask pending parks instead of polling while the machine is contended', async () => {
    const other = control(0);
    const rt = new IdleRuntime([other]);
    const d = new MainDriver(rt, 'hybrid', 1000);
    drivers.push(d);
    Atomics.store(other, CTL_CONTENDED_UNTIL, (Date.now() + 60_000) | 0);
    rt.pendingAsks = 1;
    d.kick();
    for (let i = 0; i < 50; i++) await turn();
    expect(rt.pumps).toBe(1); // looked once, then parked: no setImmediate polling
    expect(Atomics.load(rt.control, CTL_PARKED)).toBe(1);
    Atomics.store(other, CTL_CONTENDED_UNTIL, 0);
  });
});
