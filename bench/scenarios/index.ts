/**
 * The registry of benchmark scenarios: `bench/run.ts` runs these, in this order, and `--scenario`
 * picks among them by name. To add one, write a module exporting a `Scenario` (the contract is in
 * `bench/lib/scenario.ts`) and list it here; ringmaster's own scenarios go in this folder, the
 * alternatives they are compared with in `bench/baselines/`.
 */
import { comlinkBaseline } from '../baselines/comlink.js';
import { httpEventLoopBaseline, httpPiscinaBaseline } from '../baselines/http-piscina.js';
import { inThreadFloor } from '../baselines/in-thread-floor.js';
import { piscinaServiceBaseline } from '../baselines/piscina-service.js';
import { piscinaBaseline } from '../baselines/piscina.js';
import { postMessageBurstyBaseline } from '../baselines/post-message-bursty.js';
import { postMessageFanOutBaseline } from '../baselines/post-message-fan-out.js';
import { postMessageBaseline } from '../baselines/post-message.js';
import { sharedWordBaseline } from '../baselines/shared-word.js';
import { wakeFloorBaseline } from '../baselines/wake-floor.js';
import type { Scenario } from '../lib/scenario.js';
import { actorMemory } from './actor-memory.js';
import { actorPingPong } from './actor-ping-pong.js';
import { askRoundTrip } from './ask-round-trip.js';
import { bursty } from './bursty.js';
import { contended } from './contended.js';
import { cpuService } from './cpu-service.js';
import { crashRecovery } from './crash-recovery.js';
import { fanOut } from './fan-out.js';
import { httpService } from './http-service.js';
import { idleCost } from './idle-cost.js';
import { layers } from './layers.js';
import { oneWay } from './one-way.js';
import { routing } from './routing.js';
import { sameWorker } from './same-worker.js';
import { streams } from './streams.js';
import { remote } from './remote.js';
import { toolkitOverhead } from './toolkit-overhead.js';

/** ringmaster's own scenarios: what a run without `--scenario` (or `--all`) measures, with the scenarios they need. */
export const ringmasterScenarios: readonly Scenario[] = [
  layers,
  askRoundTrip,
  oneWay,
  actorPingPong,
  sameWorker,
  bursty,
  fanOut,
  cpuService,
  idleCost,
  actorMemory,
  crashRecovery,
  contended,
];

/** The alternatives ringmaster is compared with, and the floors (shared-word, in-thread). */
const baselines: readonly Scenario[] = [
  postMessageBaseline,
  comlinkBaseline,
  piscinaBaseline,
  sharedWordBaseline,
  inThreadFloor,
  postMessageBurstyBaseline,
  wakeFloorBaseline,
  postMessageFanOutBaseline,
  piscinaServiceBaseline,
  httpPiscinaBaseline,
  httpEventLoopBaseline,
];

/** Every scenario, baselines first: `withNeeds` keeps this order, so a baseline runs before what is compared with it. */
// toolkit-overhead, routing, streams and remote (it needs nats-server) run only when named (`--scenario toolkit-overhead`, `--scenario routing`): they
// measure the toolkit's and the routers' costs, not the transport, and would lengthen every default run. So does
// http-service (three HTTP servers as child processes under autocannon, issue 17).
export const scenarios: readonly Scenario[] = [...baselines, ...ringmasterScenarios, toolkitOverhead, routing, streams, remote, httpService];

/** The alternatives' and floors' names: the HTML report draws them after ringmaster's scenarios. */
export const baselineNames: readonly string[] = baselines.map((scenario) => scenario.name);

/** The scenario every ratio is computed against unless `--baseline` names another. */
export const defaultBaseline = postMessageBaseline.name;

export function findScenario(name: string): Scenario | undefined {
  return scenarios.find((scenario) => scenario.name === name);
}

/**
 * `chosen` plus every scenario they need (`Scenario.needs`, transitively), in registry order, so that
 * baselines run before the scenarios compared with them.
 */
export function withNeeds(chosen: readonly Scenario[]): Scenario[] {
  const names = new Set<string>();
  const visit = (scenario: Scenario): void => {
    if (names.has(scenario.name)) return;
    names.add(scenario.name);
    for (const need of scenario.needs ?? []) {
      const needed = findScenario(need);
      if (needed === undefined) throw new Error(`scenario ${scenario.name} needs ${need}, which is not registered`);
      visit(needed);
    }
  };
  for (const scenario of chosen) visit(scenario);
  return scenarios.filter((scenario) => names.has(scenario.name));
}
