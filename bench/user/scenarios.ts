/**
 * The scenarios of `npx ringmaster bench`, built for the user's actor (`BenchTarget`): the suite's ask round trip,
 * bursty gaps, one-way throughput and open-loop service, with the user's definition, spawn args and messages in
 * place of the bench's counter and hasher. Each starts its own system with the CLI's engine flags and the user's
 * module (`withSystem`), and shuts it down before the next.
 *
 * Compared in the same run with the postMessage baselines, which need no user code: `post-message` (a trivial
 * `{type:'get'}` round trip to a worker that answers at once; one-way one per call and 256 per call) and
 * `post-message-bursty` (that round trip after the same gaps). Those ratios put the user's actor, handler time
 * included, beside what the same exchange costs over postMessage with no work at all. The service has no
 * alternative (piscina would need the user's work as a task): its rates are fractions of its own saturation.
 *
 * Main thread only.
 */
import type { ActorRef, ActorSystem } from '../../src/index.js';
import { postMessageBurstyBaseline } from '../baselines/post-message-bursty.js';
import { postMessageBaseline } from '../baselines/post-message.js';
import { measureBursty } from '../lib/bursty.js';
import { engineConfig } from '../lib/engine.js';
import { measureThroughput, sampleLatencyAsync } from '../lib/measure.js';
import type { Config, Scenario, ScenarioOptions, ScenarioResult } from '../lib/scenario.js';
import { leastOutstanding, measureService } from '../lib/service.js';
import { withSystem } from '../scenarios/system.js';
import type { BenchTarget, TargetCheck } from './target.js';

/** The alternatives, in the order they run (before the scenarios compared with them). */
export const userBaselines: readonly Scenario[] = [postMessageBaseline, postMessageBurstyBaseline];

/** Above any latency a sane run sees: an overloaded rate must show as latency, not as AskTimeoutError. */
const SERVICE_ASK_TIMEOUT_MS = 60_000;
/** The one-way rounds grow from this many tells while a round takes under ROUND_MS, up to MAX_PER_ROUND. */
const FIRST_PER_ROUND = 16;
const MAX_PER_ROUND = 10_000;
const ROUND_MS = 20;

type Ref = ActorRef<unknown, unknown>;

/** The four scenarios for `target`, in run order (after `userBaselines`). */
export function userScenarios(target: BenchTarget, check: TargetCheck): Scenario[] {
  const def = target.definition;
  const actors = [target.module];
  const spawn = (system: ActorSystem, name: string, worker: number): Promise<Ref> =>
    system.spawn(def, { name, args: target.args, placement: { worker } }) as Promise<Ref>;
  let seq = 0;
  const ask = (ref: Ref, timeoutMs?: number): Promise<unknown> =>
    ref.ask(target.ask.at(seq++), timeoutMs === undefined ? undefined : { timeoutMs });

  /** A scenario on one copy of the actor, on worker 1, in a system of its own; compared with `needs`. */
  const onWorker1 = (
    name: string,
    description: string,
    needs: string,
    measure: (options: ScenarioOptions, ref: Ref, config: Config) => Promise<ScenarioResult>,
  ): Scenario => ({
    name,
    description,
    needs: [needs],
    run: (options: ScenarioOptions): Promise<ScenarioResult> =>
      withSystem(
        options.engine,
        async (system) => {
          const ref = await spawn(system, 'bench-target', 1);
          return measure(options, ref, { ...engineConfig(system.config), actor: 'worker 1' });
        },
        actors,
      ),
  });

  const askRoundTrip = onWorker1(
    'ask-round-trip',
    `ref.ask(${target.ask.label}) from the main thread to ${def.name} on a worker, back to back`,
    postMessageBaseline.name,
    async (options, ref, config) => {
      options.progress(`round trip main -> ${def.name} on worker 1 -> main`);
      const latency = await sampleLatencyAsync(options, () => ask(ref));
      return {
        measurements: [{ kind: 'latency', what: `ask ${target.ask.label}, main <-> worker`, compare: 'round-trip', latency, config }],
      };
    },
  );

  const bursty = onWorker1(
    'bursty',
    `the ask round trip to ${def.name} with idle gaps (10 µs to 10 ms) before each request`,
    postMessageBurstyBaseline.name,
    async (options, ref, config) => {
      const result = await measureBursty(options, options.progress, `ask ${target.ask.label}`, () => ask(ref), config);
      const measurements = result.measurements.map((m) => ({
        ...m,
        references: [{ scenario: postMessageBurstyBaseline.name, compare: m.compare }],
      }));
      return { measurements, notes: result.notes };
    },
  );

  const oneWay = onWorker1(
    'one-way',
    `ref.tell(${target.tell.label}) from the main thread to ${def.name} on a worker, one message per call`,
    postMessageBaseline.name,
    async (options, ref, config) => {
      let perRound = FIRST_PER_ROUND;
      let waitedForRoom = 0;
      let tellSeq = 0;
      options.progress(`one-way main -> ${def.name} on worker 1`);
      const figure = await measureThroughput(options, async () => {
        const count = perRound;
        const started = performance.now();
        for (let i = 0; i < count; i++) {
          const message = target.tell.at(tellSeq++);
          if (!ref.tell(message)) {
            waitedForRoom++;
            await ref.send(message);
          }
        }
        // One sender's messages are handled in order: the reply means every tell before it was handled.
        await ask(ref);
        if (performance.now() - started < ROUND_MS && perRound < MAX_PER_ROUND) perRound = Math.min(MAX_PER_ROUND, perRound * 2);
        return count;
      });
      const notes = [
        `each round tells, then asks ${target.ask.label}: its reply comes once ${def.name} has handled every tell ` +
          `before it (rounds grew to ${perRound} tells); tell found the ring full ${waitedForRoom} time(s) and waited with send`,
      ];
      if (check.tellReplies) {
        notes.push(
          `WARNING: ${def.name} replies to ${target.tell.label}; a told message has no asker, so every reply is a dead ` +
            'letter, and its cost is in this figure: give --tell a message it does not answer',
        );
      }
      return {
        measurements: [
          {
            kind: 'throughput',
            what: `tell ${target.tell.label}, main -> actor`,
            compare: 'one-way',
            ...figure,
            config,
            references: [{ scenario: postMessageBaseline.name, compare: 'one-way-batched' }],
          },
        ],
        notes,
      };
    },
  );

  const service: Scenario = {
    name: 'service',
    description: `one ${def.name} per worker asked ${target.ask.label}: saturation, then open-loop rates of it`,
    run: (options: ScenarioOptions): Promise<ScenarioResult> =>
      withSystem(
        options.engine,
        async (system) => {
          const workers = system.config.workers;
          const pool: Ref[] = [];
          for (let w = 1; w <= workers; w++) pool.push(await spawn(system, `bench-target-${w}`, w));
          const request = leastOutstanding(pool, (ref) => ask(ref, SERVICE_ASK_TIMEOUT_MS));
          const result = await measureService(options, options.progress, workers, `ask ${target.ask.label}`, request, {
            config: engineConfig(system.config),
            reference: 'own',
          });
          return {
            measurements: result.measurements,
            notes: [
              ...result.notes,
              `${workers} copies of ${def.name}, one per worker, each spawned with the same args; no alternative ran (piscina would need your work as a task)`,
            ],
          };
        },
        actors,
      ),
  };

  return [askRoundTrip, bursty, oneWay, service];
}
