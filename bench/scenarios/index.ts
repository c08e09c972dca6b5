/**
 * The registry of benchmark scenarios: `bench/run.ts` runs these, in this order, and `--scenario`
 * picks among them by name. To add one, write a module exporting a `Scenario` (the contract is in
 * `bench/scenario.ts`) and list it here; ringmaster's own scenarios go in this folder, the
 * alternatives they are compared with in `bench/baselines/`.
 */
import { comlinkBaseline } from '../baselines/comlink.js';
import { piscinaBaseline } from '../baselines/piscina.js';
import { postMessageBaseline } from '../baselines/post-message.js';
import { sharedWordBaseline } from '../baselines/shared-word.js';
import type { Scenario } from '../scenario.js';

export const scenarios: readonly Scenario[] = [
  // Baselines: the alternatives, and the shared-memory floor.
  postMessageBaseline,
  comlinkBaseline,
  piscinaBaseline,
  sharedWordBaseline,
  // ringmaster's scenarios go here.
];

/** The scenario every ratio is computed against unless `--baseline` names another. */
export const defaultBaseline = postMessageBaseline.name;

export function findScenario(name: string): Scenario | undefined {
  return scenarios.find((scenario) => scenario.name === name);
}
