/**
 * What the figures were measured on, printed at the top of every report: the same code gives other
 * figures on another CPU, core count or Node version, and the load average at the start says whether
 * something else was competing for this small machine's two cores.
 */
import os from 'node:os';

export interface MachineInfo {
  readonly cpuModel: string;
  /** Logical CPUs the OS reports. */
  readonly cores: number;
  /** What Node thinks it may use (cgroup limits included where Node sees them). */
  readonly availableParallelism: number;
  readonly memoryGiB: number;
  readonly os: string;
  readonly node: string;
  readonly v8: string;
  /** 1, 5 and 15 minute load averages when the run started. */
  readonly loadAverage: readonly [number, number, number];
  /** Cost of one `process.hrtime.bigint()` read, which every latency sample pays twice. */
  readonly clockReadNs: number;
}

function measureClockReadNs(): number {
  const reads = 200_000;
  let sink = 0n;
  const start = process.hrtime.bigint();
  for (let i = 0; i < reads; i++) sink ^= process.hrtime.bigint();
  const elapsed = process.hrtime.bigint() - start;
  return sink === -1n ? 0 : Number(elapsed) / (reads + 1);
}

export function describeMachine(): MachineInfo {
  const cpus = os.cpus();
  const [one = 0, five = 0, fifteen = 0] = os.loadavg();
  return {
    cpuModel: cpus[0]?.model.trim() ?? 'unknown CPU',
    cores: cpus.length,
    availableParallelism: os.availableParallelism(),
    memoryGiB: os.totalmem() / 2 ** 30,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    v8: process.versions.v8,
    loadAverage: [one, five, fifteen],
    clockReadNs: measureClockReadNs(),
  };
}
