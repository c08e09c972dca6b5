/**
 * ringmaster actor <-> actor round trip across two workers: a pinger on worker 1 asks a counter on
 * worker 2 `{type:'get'}` and awaits the number, one at a time. The loop and its HDR histogram run
 * inside worker 1 (`BenchPinger` in `bench/actors/bench-actors.ts`, same warm-up and budget as every
 * other figure); the main thread only starts it and receives the summary.
 *
 * Ratios: against the postMessage main <-> worker round trip (the `--baseline`), and against the
 * `shared-word` floor (one Int32 bounced between two spinning threads), the least a round trip between
 * two threads can cost.
 */
import { BenchCounter, BenchPinger } from '../actors/bench-actors.js';
import { engineConfig } from '../lib/engine.js';
import type { Scenario, ScenarioOptions, ScenarioResult } from '../lib/scenario.js';
import { twoWorkers, withSystem } from './system.js';

/** Margin over the loop's own budget before the main thread gives up on the pinger's reply. */
const REPLY_MARGIN_MS = 30_000;

export const actorPingPong: Scenario = {
  name: 'actor-ping-pong',
  description: "ringmaster ctx.ask({type:'get'}) between two actors on two workers: round trip",
  needs: ['post-message', 'shared-word'],
  targets: [
    {
      label: 'actor <-> actor ping-pong p50 within 4x of the shared-word floor p50',
      compare: 'round-trip',
      against: { scenario: 'shared-word', compare: 'round-trip' },
      factor: 4,
    },
  ],

  run(options: ScenarioOptions): Promise<ScenarioResult> {
    options.progress('starting the actor system');
    return withSystem(options.engine, async (system) => {
      const placement = twoWorkers(system.config);
      const where = placement.crossing ? 'across workers' : '(same worker)';
      const ponger = await system.spawn(BenchCounter, { name: 'ponger', placement: { worker: placement.second } });
      const pinger = await system.spawn(BenchPinger, { name: 'pinger', placement: { worker: placement.first } });

      options.progress(`round trip worker ${placement.first} <-> worker ${placement.second} (timed inside the worker)`);
      const latency = await pinger.ask(
        {
          type: 'ping-pong',
          target: ponger,
          warmupMs: options.warmupMs,
          measureMs: options.measureMs,
        },
        { timeoutMs: options.warmupMs + options.measureMs + REPLY_MARGIN_MS },
      );
      const notes = ["timed inside the pinger's worker with process.hrtime.bigint(), as the main-thread figures are"];
      if (!placement.crossing) notes.push('--workers 1: both actors are on worker 1, so no message crosses threads');
      return {
        measurements: [
          {
            kind: 'latency',
            what: `ctx.ask {type:'get'} -> number, actor <-> actor ${where}`,
            compare: 'round-trip',
            latency,
            config: {
              ...engineConfig(system.config),
              pinger: `worker ${placement.first}`,
              ponger: `worker ${placement.second}`,
            },
            references: [{ scenario: 'shared-word', compare: 'round-trip' }],
          },
        ],
        notes,
      };
    });
  },
};
