/**
 * The actor behind `expectTerminated`: it death-watches refs for the test (ctx.watch, by id, so a name used again
 * by a later actor cannot confuse it) and wakes the test's waiters when their actor stops.
 *
 * Contract: main thread only, like the probe actor: only the main thread spawns it (on thread 0), so the waiters
 * live in this thread's memory and the actor calls them directly.
 */
import { defineActor, isTerminated, type ActorContext } from '../actor.js';
import type { ActorRef } from '../ref.js';

// On globalThis, like the probe inboxes: a TypeScript loader may evaluate this module twice.
const WAITERS_KEY = Symbol.for('ringmaster.testkit.terminated-waiters');
function waiters(): Map<number, Set<() => void>> {
  const g = globalThis as { [WAITERS_KEY]?: Map<number, Set<() => void>> };
  return (g[WAITERS_KEY] ??= new Map());
}

/** Ids of actors seen terminated, newest last: a second expectTerminated of one resolves without a round trip. */
const GONE_KEY = Symbol.for('ringmaster.testkit.terminated-ids');
const GONE_LIMIT = 10_000;
function gone(): Set<number> {
  const g = globalThis as { [GONE_KEY]?: Set<number> };
  return (g[GONE_KEY] ??= new Set());
}

export type WatcherMsg = { type: 'ringmaster/testkit-watch'; target: ActorRef };

export const TerminationWatcher = defineActor('ringmaster.TestKit.Watcher', {
  receive(_state, msg: unknown, ctx: ActorContext<unknown, unknown>) {
    if (isTerminated(msg)) {
      const ids = gone();
      ids.add(msg.actor.id);
      if (ids.size > GONE_LIMIT) ids.delete(ids.values().next().value!);
      const list = waiters().get(msg.actor.id);
      waiters().delete(msg.actor.id);
      for (const wake of list ?? []) wake();
    } else if ((msg as WatcherMsg | undefined)?.type === 'ringmaster/testkit-watch') {
      // Watching an actor already watched is a no-op; one already gone answers at once.
      ctx.watch((msg as WatcherMsg).target);
    }
  },
});

/** Resolves once the actor behind `ref` has stopped (at once if it already has); `cancel` forgets the wait. */
export function whenTerminated(watcher: ActorRef, ref: ActorRef): { promise: Promise<void>; cancel: () => void } {
  if (gone().has(ref.id)) return { promise: Promise.resolve(), cancel: () => {} };
  let wake!: () => void;
  const promise = new Promise<void>((resolve) => (wake = resolve));
  let list = waiters().get(ref.id);
  if (list === undefined) waiters().set(ref.id, (list = new Set()));
  list.add(wake);
  watcher.tell({ type: 'ringmaster/testkit-watch', target: ref } satisfies WatcherMsg);
  return {
    promise,
    cancel: () => {
      const l = waiters().get(ref.id);
      l?.delete(wake);
      if (l?.size === 0) waiters().delete(ref.id);
    },
  };
}
