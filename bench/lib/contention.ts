/**
 * How much CPU other processes used while a scenario ran. On a 2-core machine shared with test runs
 * and compilers, one busy neighbour is enough to move a spinning round trip from 0.5 µs to a scheduler
 * time slice (milliseconds), so every scenario's figures come with this number.
 *
 * Linux only (reads /proc/stat); elsewhere it reports null.
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';

/** /proc/stat counts in USER_HZ ticks, 100 per second on every Linux architecture Node runs on. */
const TICK_US = 10_000;

export interface CpuSnapshot {
  readonly wallUs: number;
  /** Busy time of all CPUs (user, nice, system, irq, softirq, steal), in µs; null off Linux. */
  readonly machineBusyUs: number | null;
  /** This process's CPU time, all its threads (workers included), in µs. */
  readonly ownUs: number;
}

function machineBusyUs(): number | null {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0] ?? '';
    const fields = line.trim().split(/\s+/).slice(1).map(Number);
    // user nice system idle iowait irq softirq steal ...: idle and iowait are the only non-busy ones.
    const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = fields;
    return (user + nice + system + irq + softirq + steal) * TICK_US;
  } catch {
    return null;
  }
}

export function cpuSnapshot(): CpuSnapshot {
  const own = process.cpuUsage();
  return { wallUs: performance.now() * 1000, machineBusyUs: machineBusyUs(), ownUs: own.user + own.system };
}

/**
 * CPUs' worth of time that other processes (and the hypervisor's steal) took since `start`: 0 on an
 * idle machine, up to the core count when every other core was busy all along. Tick resolution
 * (10 ms per CPU) makes values below ~0.05 noise.
 */
export function otherCpuSince(start: CpuSnapshot): number | null {
  const end = cpuSnapshot();
  if (start.machineBusyUs === null || end.machineBusyUs === null) return null;
  const wall = end.wallUs - start.wallUs;
  if (wall <= 0) return null;
  const others = end.machineBusyUs - start.machineBusyUs - (end.ownUs - start.ownUs);
  return Math.min(os.availableParallelism(), Math.max(0, others / wall));
}
