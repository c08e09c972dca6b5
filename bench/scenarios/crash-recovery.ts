/**
 * ringmaster crash recovery: an actor on worker 1 kills its own worker (`process.exit` in a handler); the main
 * thread, which sent that message at t0, asks the same ref at once and times the reply: the ask waits in the ring
 * while the supervisor notices the death, waits its backoff (default workerRestart: first delay 10 ms + jitter),
 * boots a replacement, and the replacement recovers the actor from its journal and answers. Measured with
 * compiled workers (`dist/`, what production runs; needs `npm run build`) and with workers started from
 * TypeScript source through tsx (what tests and `tsx` runs use: its boot is several times slower).
 */
import { existsSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { DEFAULT_BENCH_WORKERS } from '../lib/engine.js';
import { LatencyHistogram, nowNs, type LatencySummary } from '../lib/histogram.js';
import type { LatencyMeasurement, Scenario, ScenarioOptions, ScenarioResult } from '../lib/scenario.js';

type Engine = typeof import('../../src/index.js');
type Msg = { type: 'get' } | { type: 'crash' };

/**
 * Between crashes: long enough for the supervisor to have booted its next spare worker, as it has when crashes
 * are rare; back-to-back crashes would measure a cold boot of a replacement instead.
 */
const SETTLE_MS = 700;

/** Every restart in a fresh window: each sample pays the first (smallest) backoff, as a single crash does. */
const RESTART = { maxRestarts: 1_000_000, withinMs: 1 } as const;

async function measure(
  engine: Engine,
  actorsUrl: URL,
  options: ScenarioOptions,
  samples: number,
): Promise<{ latency: LatencySummary; crashes: number }> {
  const system = await engine.ActorSystem.start({
    workers: options.engine.workers ?? DEFAULT_BENCH_WORKERS,
    actors: [actorsUrl],
    workerRestart: RESTART,
    askTimeoutMs: 60_000,
  });
  try {
    const def = (await import(actorsUrl.href)) as { Crashy: Parameters<typeof system.spawn>[0] };
    const ref = (await system.spawn(def.Crashy as never, { name: 'crashy', placement: { worker: 1 } })) as unknown as {
      tell(m: Msg): boolean;
      ask(m: Msg): Promise<unknown>;
    };
    await ref.ask({ type: 'get' });
    const histogram = new LatencyHistogram();
    let crashes = 0;
    // One warm-up crash (not recorded): the first replacement also compiles the host's code paths.
    for (let i = -1; i < samples; i++) {
      await sleep(SETTLE_MS);
      const t0 = nowNs();
      ref.tell({ type: 'crash' });
      await ref.ask({ type: 'get' });
      if (i >= 0) histogram.recordSince(t0);
      crashes++;
      options.progress(`crash ${crashes}/${samples + 1}`);
    }
    return { latency: histogram.summary(), crashes };
  } finally {
    await system.shutdown();
  }
}

export const crashRecovery: Scenario = {
  name: 'crash-recovery',
  description: 'a worker dies (process.exit in a handler); time from the death until its actor answers again',
  targets: [
    { label: 'crash recovery p99 < 100 ms with compiled workers', compare: 'crash-recovery-compiled', limit: 100_000, statistic: 'p99' },
  ],

  async run(options: ScenarioOptions): Promise<ScenarioResult> {
    const samples = options.quick ? 3 : 30;
    const measurements: LatencyMeasurement[] = [];
    const notes: string[] = [
      'each sample is one crash; the default backoff (10 ms + up to 20% jitter) is included; ' +
        `${SETTLE_MS} ms between crashes lets the supervisor boot its spare worker (workerRestart.spare)`,
    ];
    const dist = new URL('../../dist/src/index.js', import.meta.url);
    if (existsSync(fileURLToPath(dist))) {
      options.progress('compiled workers (dist/)');
      const engine = (await import(dist.href)) as Engine;
      const { latency } = await measure(engine, new URL('../actors/crash-actors.mjs', import.meta.url), options, samples);
      measurements.push({
        kind: 'latency',
        what: 'death -> actor answers again, compiled workers',
        compare: 'crash-recovery-compiled',
        latency,
        config: { workers: options.engine.workers ?? DEFAULT_BENCH_WORKERS, samples, build: 'dist' },
      });
    } else {
      notes.push('dist/ is missing (run npm run build): no figure for compiled workers');
    }
    options.progress('workers from TypeScript source (tsx)');
    const engine = await import('../../src/index.js');
    const { latency } = await measure(engine, new URL('../actors/crash-actors.ts', import.meta.url), options, samples);
    measurements.push({
      kind: 'latency',
      what: 'death -> actor answers again, workers from source (tsx)',
      compare: 'crash-recovery-source',
      latency,
      config: { workers: options.engine.workers ?? DEFAULT_BENCH_WORKERS, samples, build: 'source' },
    });
    return { measurements, notes };
  },
};
