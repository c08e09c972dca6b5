/**
 * The phases of coordinated shutdown: Akka's twelve, in Akka's order and with Akka's timeouts (Akka.NET's
 * `akka.coordinated-shutdown.phases`), and the user's phases joined to them with `dependsOn`. This file only orders
 * and checks them; coordinated-shutdown.ts runs them.
 *
 * Order: a phase runs after every phase it depends on; among the phases ready at the same time, the one that became
 * ready first runs first, then declaration order (Akka's before the user's). So a user phase runs as soon as what it
 * depends on has run, not after everything else. `actor-system-terminate` always runs last: the engine's own
 * shutdown is in it, and a task after it would find no actors.
 */

/** Akka's phases, in their order, each depending on the one before it. */
export const AKKA_PHASES = [
  'before-service-unbind',
  'service-unbind',
  'service-requests-done',
  'service-stop',
  'before-cluster-shutdown',
  'cluster-sharding-shutdown-region',
  'cluster-leave',
  'cluster-exiting',
  'cluster-exiting-done',
  'cluster-shutdown',
  'before-actor-system-terminate',
  'actor-system-terminate',
] as const;

export type AkkaPhase = (typeof AKKA_PHASES)[number];

/** The phase that holds the engine's own shutdown (today's `system.shutdown()`). */
export const TERMINATE_PHASE: AkkaPhase = 'actor-system-terminate';

/** Akka's phases whose timeout is 10 s instead of the default (5 s). */
const LONGER: Partial<Record<AkkaPhase, number>> = {
  'cluster-sharding-shutdown-region': 10_000,
  'cluster-exiting': 10_000,
  'actor-system-terminate': 10_000,
};

/** A phase as configured: `coordinatedShutdown.phases[name]`. */
export interface PhaseOptions {
  /** How long its tasks may take together before the next phase runs anyway, in ms. */
  timeoutMs?: number | undefined;
  /** Phases that must have run before this one (a new phase only: Akka's order is fixed). */
  dependsOn?: string[] | undefined;
  /** After a failed or timed-out task, run the next phases anyway (true, the default) or skip to the last one. */
  recover?: boolean | undefined;
}

/** A phase ready to run: its name, its timeout, and what to do when one of its tasks fails. */
export interface Phase {
  name: string;
  timeoutMs: number;
  recover: boolean;
}

/**
 * Orders the phases, or lists what is wrong with the configuration (an unknown phase in `dependsOn`, a cycle,
 * `dependsOn` on one of Akka's phases). Problems are `{ path, message }` for InvalidConfigError.
 */
export function orderPhases(
  defaultTimeoutMs: number,
  phases: Record<string, PhaseOptions>,
): { phases: Phase[]; problems: { path: string; message: string }[] } {
  const problems: { path: string; message: string }[] = [];
  const akka = new Set<string>(AKKA_PHASES);
  const names = [...AKKA_PHASES, ...Object.keys(phases).filter((n) => !akka.has(n))];
  const deps = new Map<string, string[]>();
  AKKA_PHASES.forEach((p, i) => {
    deps.set(p, i === 0 ? [] : [AKKA_PHASES[i - 1]!]);
  });
  for (const [name, o] of Object.entries(phases)) {
    const path = `coordinatedShutdown.phases.${name}`;
    if (akka.has(name)) {
      if (o.dependsOn !== undefined) problems.push({ path: `${path}.dependsOn`, message: `'${name}' is one of Akka's phases, whose order is fixed; give a phase of your own a dependsOn instead` });
      continue;
    }
    const on = o.dependsOn ?? [];
    for (const d of on) {
      if (d === TERMINATE_PHASE) problems.push({ path: `${path}.dependsOn`, message: `nothing runs after '${TERMINATE_PHASE}' (the actors are gone by then)` });
      else if (!names.includes(d)) problems.push({ path: `${path}.dependsOn`, message: `unknown phase '${d}'; phases are Akka's (${AKKA_PHASES.join(', ')}) and those under coordinatedShutdown.phases` });
    }
    deps.set(name, on.filter((d) => names.includes(d) && d !== TERMINATE_PHASE));
  }
  // Every phase runs before the engine's own shutdown.
  deps.set(TERMINATE_PHASE, names.filter((n) => n !== TERMINATE_PHASE));

  // Kahn's algorithm, FIFO on readiness, declaration order among phases that become ready together.
  const waiting = new Map(names.map((n) => [n, new Set(deps.get(n))]));
  const order: string[] = [];
  const queue = names.filter((n) => waiting.get(n)!.size === 0);
  while (queue.length > 0) {
    const next = queue.shift()!;
    order.push(next);
    for (const n of names) {
      const w = waiting.get(n)!;
      if (w.delete(next) && w.size === 0) queue.push(n);
    }
  }
  if (order.length < names.length) {
    const stuck = names.filter((n) => !order.includes(n) && n !== TERMINATE_PHASE);
    problems.push({ path: 'coordinatedShutdown.phases', message: `the dependsOn of these phases form a cycle: ${stuck.join(', ')}` });
  }
  return {
    phases: order.map((name) => ({
      name,
      timeoutMs: phases[name]?.timeoutMs ?? LONGER[name as AkkaPhase] ?? defaultTimeoutMs,
      recover: phases[name]?.recover ?? true,
    })),
    problems,
  };
}
