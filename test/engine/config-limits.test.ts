// Configuration bounds that the engine relies on: timers (setTimeout takes at most 2^31 - 1 ms), the watchdog's
// resolution, the size of shared memory, worker resource limits. Each is refused at start, every problem listed.
import { describe, expect, it } from 'vitest';
import { MAX_TIMER_MS, resolveConfig } from '../../src/config.js';
import { InvalidConfigError } from '../../src/index.js';
import { J_MAX_THREADS } from '../../src/transport/layout.js';

function issuesOf(options: unknown): string[] {
  try {
    resolveConfig(options);
  } catch (err) {
    expect(err).toBeInstanceOf(InvalidConfigError);
    return (err as InvalidConfigError).issues.map((i) => i.path);
  }
  throw new Error('expected an InvalidConfigError, but nothing was thrown');
}

describe('configuration limits', () => {
  it('refuses every timeout above 2^31 - 1 ms, listing each one', () => {
    const tooLong = MAX_TIMER_MS + 1;
    expect(
      issuesOf({
        askTimeoutMs: tooLong,
        shutdownTimeoutMs: tooLong,
        stallTimeoutMs: tooLong,
        workerRestart: { withinMs: tooLong, backoff: { minMs: tooLong, maxMs: tooLong } },
        guardian: { withinMs: tooLong, backoff: { minMs: tooLong, maxMs: tooLong } },
      }).sort(),
    ).toEqual(
      [
        'askTimeoutMs',
        'shutdownTimeoutMs',
        'stallTimeoutMs',
        'workerRestart.withinMs',
        'workerRestart.backoff.minMs',
        'workerRestart.backoff.maxMs',
        'guardian.withinMs',
        'guardian.backoff.minMs',
        'guardian.backoff.maxMs',
      ].sort(),
    );
  });

  it('accepts timeouts of exactly 2^31 - 1 ms', () => {
    expect(resolveConfig({ askTimeoutMs: MAX_TIMER_MS, shutdownTimeoutMs: MAX_TIMER_MS }).askTimeoutMs).toBe(MAX_TIMER_MS);
  });

  it('refuses a stallTimeoutMs between 0 and 100 ms, which the watchdog cannot resolve', () => {
    expect(issuesOf({ stallTimeoutMs: 30 })).toEqual(['stallTimeoutMs']);
    expect(resolveConfig({ stallTimeoutMs: 0 }).stallTimeoutMs).toBe(0);
    expect(resolveConfig({ stallTimeoutMs: 100 }).stallTimeoutMs).toBe(100);
  });

  it('refuses a ringBytes whose journal would not fit in one SharedArrayBuffer index range (2^30)', () => {
    expect(issuesOf({ ringBytes: 2 ** 30 })).toEqual(['ringBytes']);
  });

  it('refuses more than 64 workers, the threads a journal records ring positions for (J_MAX_THREADS, the main thread included)', () => {
    expect(issuesOf({ workers: J_MAX_THREADS })).toEqual(['workers']);
    expect(resolveConfig({ workers: J_MAX_THREADS - 1 }).workers).toBe(J_MAX_THREADS - 1);
  });

  it('refuses a throughput, spinIterations or maxMessageBytes out of range, listing each one', () => {
    expect(issuesOf({ throughput: 0, spinIterations: 100_000_001, maxMessageBytes: 63 }).sort()).toEqual(['maxMessageBytes', 'spinIterations', 'throughput']);
    expect(issuesOf({ throughput: 1_000_001 })).toEqual(['throughput']);
    expect(resolveConfig({ throughput: 1_000_000, spinIterations: 100_000_000, maxMessageBytes: 64 }).throughput).toBe(1_000_000);
  });

  it('refuses a resourceLimits.stackSizeMb that no thread can have', () => {
    expect(issuesOf({ resourceLimits: { stackSizeMb: 1e6 } })).toEqual(['resourceLimits.stackSizeMb']);
  });
});
