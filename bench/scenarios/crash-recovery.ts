/**
 * Crash recovery (issue 4, scenario 8): a worker is killed; how long until its actors answer again.
 *
 * A `BenchCrasher` actor calls `process.exit(1)` on its worker (the way a native crash or an OOM ends a
 * thread, without the engine's help), while the main thread asks `victim`, a counter on the same worker,
 * `{type:'get'}` and waits for the answer. Timed from the crash order: the `worker-exited` event (the
 * death noticed), the `worker-restarted` event (a replacement booted and recovered the actors; the engine's
 * own `downMs` is in the notes) and the victim's first answer. Crashes alternate between worker 1 and 2 so
 * that each worker restarts at most twice: the restart backoff (default 10 ms, doubling per restart of the
 * same worker within `workerRestart.withinMs`) is part of the figure, as it would be in production.
 *
 * The issue sets no target for it. If the engine gives up on a worker (past `maxRestarts`), the victim
 * never answers; the scenario reports that instead of a figure.
 */
import type { ActorRef } from '../../src/index.js';
import { BenchCounter, BenchCrasher, GET, type CounterMsg, type CrasherMsg } from '../actors.js';
import { LatencyHistogram, nowNs } from '../histogram.js';
import { engineConfig, withSystem } from '../ringmaster.js';
import type { Measurement, Scenario, ScenarioOptions, ScenarioResult } from '../scenario.js';

/** Give up on one crash after this long: a restart from source takes ~250 ms here (PLATFORM.md). */
const RECOVERY_DEADLINE_MS = 10_000;

export const crashRecovery: Scenario = {
  name: 'crash-recovery',
  description: 'ringmaster worker killed (process.exit in an actor): time until its actors answer again',

  run(options: ScenarioOptions): Promise<ScenarioResult> {
    options.progress('starting the actor system');
    return withSystem(
      options.engine,
      async (system) => {
        const exited = new LatencyHistogram();
        const restarted = new LatencyHistogram();
        const answered = new LatencyHistogram();
        const downMs: number[] = [];
        const notes: string[] = [];
        const workers = Math.min(2, system.config.workers);
        const crashes = options.quick ? 1 : 4;
        const pairs: { victim: ActorRef<CounterMsg, number>; crasher: ActorRef<CrasherMsg, unknown> }[] = [];
        for (let w = 1; w <= workers; w++) {
          pairs.push({
            victim: await system.spawn(BenchCounter, { name: `victim-${w}`, placement: { worker: w } }),
            crasher: await system.spawn(BenchCrasher, { name: `crasher-${w}`, placement: { worker: w } }),
          });
        }
        for (let i = 0; i < crashes; i++) {
          const worker = (i % workers) + 1;
          const { victim, crasher } = pairs[worker - 1]!;
          await victim.ask(GET);
          options.progress(`crash ${i + 1} of ${crashes}: process.exit(1) on worker ${worker}`);
          let exitedAt: bigint | undefined;
          let restartedAt: bigint | undefined;
          const unsubscribe = system.events.subscribe((event) => {
            if (event.type === 'worker-exited' && event.worker === worker) exitedAt ??= nowNs();
            if (event.type === 'worker-restarted' && event.worker === worker) {
              restartedAt ??= nowNs();
              downMs.push(event.downMs);
            }
          });
          const crashedAt = nowNs();
          crasher.tell({ type: 'crash', code: 1 });
          const deadline = crashedAt + BigInt(RECOVERY_DEADLINE_MS * 1e6);
          let answeredAt: bigint | undefined;
          let lastError = 'none';
          // Asks to a worker being replaced wait for the replacement; one that fails (the engine gave up, or
          // the ask raced the crash) is retried until the deadline.
          while (answeredAt === undefined && nowNs() < deadline) {
            try {
              await victim.ask(GET, { timeoutMs: Math.max(1, Number(deadline - nowNs()) / 1e6) });
              answeredAt = nowNs();
            } catch (error) {
              lastError = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
              await new Promise((resolve) => setTimeout(resolve, 1));
            }
          }
          unsubscribe();
          if (exitedAt !== undefined) exited.record(exitedAt - crashedAt);
          if (restartedAt !== undefined) restarted.record(restartedAt - crashedAt);
          if (answeredAt === undefined) {
            notes.push(
              `crash ${i + 1} (worker ${worker}): no answer within ${RECOVERY_DEADLINE_MS} ms (last error: ${lastError}); ` +
                'no recovery figure for it',
            );
            break;
          }
          answered.record(answeredAt - crashedAt);
        }
        const config = { ...engineConfig(system.config), crashes, workersCrashed: workers };
        const measurements: Measurement[] = [];
        const add = (what: string, compare: string, h: LatencyHistogram): void => {
          if (h.count > 0) measurements.push({ kind: 'latency', what, compare, latency: h.summary(), config });
        };
        add("crash -> first answer from the worker's actor", 'crash-recovery', answered);
        add("crash -> 'worker-restarted' event", 'crash-restarted', restarted);
        add("crash -> 'worker-exited' event", 'crash-detected', exited);
        if (downMs.length > 0) notes.push(`engine's downMs per restart: ${downMs.map((ms) => ms.toFixed(1)).join(', ')}`);
        notes.push('each worker restarts at most twice: the default backoff (10 ms, doubling) is included');
        return { measurements, notes };
      },
      { expectCrashes: true },
    );
  },
};
