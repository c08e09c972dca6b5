/**
 * A CPU hog for the `contended` scenario: another process (not a thread of ours) spinning on one core, as a
 * neighbour on a shared machine would, so that the scheduler, not ringmaster, decides who runs. It is not pinned:
 * a real neighbour is not, and pinning would leave the kernel free to keep our threads off that core.
 *
 * `withHog` starts it, waits until it spins, runs the body, then kills it (also when the body throws) and reports
 * how much CPU it took, so that the report can tell the load it imposed from other processes' (the CLI subtracts
 * it: `ScenarioResult.imposedCpu`).
 *
 * Linux reads the hog's CPU time from /proc; elsewhere `cpu` is null.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { once } from 'node:events';

/** /proc/<pid>/stat counts in USER_HZ ticks, 100 per second on every Linux architecture Node runs on. */
const TICK_S = 0.01;

/** A process's user + system time in seconds (all its threads), from /proc; null where there is no /proc. */
export function hogCpuSeconds(pid: number): number | null {
  try {
    // Fields after the command name (which is in parentheses and may hold spaces): utime is the 12th, stime the 13th.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * TICK_S;
  } catch {
    return null;
  }
}

export interface HogOutcome<T> {
  readonly value: T;
  /** CPUs' worth of time the hog took while the body ran (about 1 when it got its core); null off Linux. */
  readonly cpu: number | null;
}

export async function withHog<T>(body: () => Promise<T>): Promise<HogOutcome<T>> {
  const hog = spawn(process.execPath, ['-e', 'process.stdout.write("spinning\\n"); for (;;);'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    const [chunk] = (await Promise.race([once(hog.stdout!, 'data'), once(hog, 'exit')])) as [unknown];
    if (hog.exitCode !== null || chunk === null) throw new Error(`the CPU hog exited at start (code ${hog.exitCode})`);
    const pid = hog.pid!;
    const startCpu = hogCpuSeconds(pid);
    const start = performance.now();
    const value = await body();
    const endCpu = hogCpuSeconds(pid);
    const wallS = (performance.now() - start) / 1000;
    const cpu = startCpu === null || endCpu === null || wallS <= 0 ? null : (endCpu - startCpu) / wallS;
    return { value, cpu };
  } finally {
    if (hog.exitCode === null && hog.signalCode === null) {
      const exited = once(hog, 'exit');
      hog.kill('SIGKILL');
      await exited;
    }
  }
}
