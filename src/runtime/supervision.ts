/**
 * Actor supervision (Akka's semantics): a failed actor is suspended and its supervisor (its parent, or the system
 * guardian for a top-level actor) decides with its strategy; the directive comes back and is applied.
 *
 * Contract: one Supervision per Runtime, used only by that runtime's thread. A failure crosses threads as two
 * system messages: 'child-failed' (child's thread -> parent's thread, where the decider and the restart counts
 * live) and 'supervise' (back to each child the directive applies to). The guardian decides on the failed actor's
 * own thread, with the `guardian` configuration every thread has.
 *
 * Restart, on the child's thread: (backoff delay) -> preRestart(old state, error, failing message) (default: stop
 * the children, then postStop) -> wait until the children stopped there have terminated (so their names are free
 * again) -> state = init(args) -> postRestart(new state, error) (default: preStart) -> 'actor-restarted' -> resumed.
 * The actor stays suspended throughout: its mailbox keeps filling, nothing is processed, the failing message is
 * already consumed. A stop while a restart is pending wins (the restart is abandoned).
 */
import type { ActorBehavior, Handled } from '../actor.js';
import { serializeError, toError } from '../errors.js';
import type { SystemMessage } from '../protocol.js';
import type { ActorRef } from '../ref.js';
import { RestartTracker } from '../supervision/restarts.js';
import { INSTANCE_STRATEGY, decide, defaultStrategy, type Directive, type SupervisorStrategy } from '../supervision/strategy.js';
import { RUNNING, type Cell } from './cell.js';

/** What supervision needs from its runtime. */
export interface SupervisorHost {
  readonly thread: number;
  /** The actor was restarted (its postRestart succeeded): counted in its definition's row of the metrics page. */
  restarted(cell: Cell): void;
  readonly guardian: SupervisorStrategy;
  cell(id: number): Cell | undefined;
  sendSystem(thread: number, target: ActorRef, m: SystemMessage): void;
  /** A report for the main thread's event stream. */
  report(m: SystemMessage): void;
  stopCell(cell: Cell): void;
  /** Just before the fresh state is built: the toolkit's per-incarnation parts start over (behaviors, stash, timers). */
  reincarnate(cell: Cell): void;
  /** Clears `suspended` and schedules the actor if it has messages. */
  resume(cell: Cell): void;
  /** Waits for a hook's promise with the actor marked busy; `done` gets the rejection (or undefined). */
  track(cell: Cell, p: PromiseLike<unknown>, done: (err: unknown, failed: boolean) => void): void;
  /** The thread's clock (clock.ts): restart windows and backoff delays, virtual under manual time. */
  now(): number;
  setTimer(fn: () => void, delayMs: number): unknown;
  clearTimer(handle: unknown): void;
}

interface State {
  /** This actor's own failure, waiting for its supervisor's directive. */
  failure: { error: Error; message: unknown } | undefined;
  /** Bumped by every restart that begins: a timer or hook of an older one finds itself stale. */
  gen: number;
  timer: unknown;
  /** A restart that waits for a handler still running (an allForOne sibling mid-await) to settle. */
  deferred: (() => void) | undefined;
  /** 'pre': preRestart running (stops of children are noted); 'await': waiting for those children to terminate. */
  phase: 'pre' | 'await' | undefined;
  awaiting: Set<number>;
  restartError: Error | undefined;
  /** Restart counts of each child, by child id (kept by the parent). */
  stats: Map<number, RestartTracker>;
  /** Children whose failure this actor escalated: they wait on this actor's own directive. */
  escalated: Map<number, ActorRef>;
}

type AnyBehavior = ActorBehavior<unknown, unknown, unknown, unknown>;

export class Supervision {
  readonly #host: SupervisorHost;
  readonly #states = new WeakMap<Cell, State>();
  /** Restart counts of top-level actors, kept for the guardian on their own thread. */
  readonly #guardianStats = new Map<number, RestartTracker>();

  constructor(host: SupervisorHost) {
    this.#host = host;
  }

  #state(cell: Cell): State {
    let s = this.#states.get(cell);
    if (s === undefined) {
      s = {
        failure: undefined,
        gen: 0,
        timer: undefined,
        deferred: undefined,
        phase: undefined,
        awaiting: new Set(),
        restartError: undefined,
        stats: new Map(),
        escalated: new Map(),
      };
      this.#states.set(cell, s);
    }
    return s;
  }

  // ------------------------------------------------------------------ the failed actor's side

  /** A handler of `cell` threw `error` while handling `message` (undefined for an escalation). */
  onFailure(cell: Cell, error: unknown, message: unknown): void {
    const err = toError(error);
    if (cell.status !== RUNNING) {
      // Failing while stopping (an async handler that rejected late): the stop goes on.
      this.#reportFailed(cell.ref, err, 'stop', cell.def.name);
      return;
    }
    // Already waiting for a directive, or restarting: that directive covers this failure too.
    if (cell.suspended) return;
    cell.suspended = true;
    this.#state(cell).failure = { error: err, message };
    if (cell.parent !== undefined) {
      this.#host.sendSystem(cell.parent.thread, cell.parent, { type: 'child-failed', child: cell.ref, definition: cell.def.name, error: serializeError(err) });
    } else {
      this.#decide(undefined, cell.ref, err, cell.def.name);
    }
  }

  // ------------------------------------------------------------------ the supervisor's side

  /** On the parent's thread: `child` failed with `error`. */
  onChildFailed(parentId: number, child: ActorRef, error: Error, definition: string): void {
    const parent = this.#host.cell(parentId);
    if (parent === undefined || parent.status !== RUNNING) {
      // A stopping parent has already told its children to stop; make sure this one does not wait forever.
      this.#reportFailed(child, error, 'stop', definition);
      this.#send(child, 'stop', error, 0);
      return;
    }
    if (!isChildOf(parent, child)) return; // a report from a child that has already been replaced
    this.#decide(parent, child, error, definition);
  }

  #decide(parent: Cell | undefined, child: ActorRef, error: Error, definition: string): void {
    const strategy = parent === undefined ? this.#host.guardian : strategyOf(parent);
    let directive: Directive = decide(strategy, error);
    // The guardian has no supervisor: its deciders only answer 'restart' or 'stop'.
    if (parent === undefined && (directive === 'escalate' || directive === 'resume')) directive = 'stop';
    const stats = parent === undefined ? this.#guardianStats : this.#state(parent).stats;
    let delayMs = 0;
    if (directive === 'restart') {
      let tracker = stats.get(child.id);
      if (tracker === undefined) stats.set(child.id, (tracker = new RestartTracker(strategy)));
      const d = tracker.onFailure(this.#host.now());
      if (d.restart) delayMs = d.delayMs;
      else directive = 'stop'; // past maxRetries within withinMs
    }
    this.#reportFailed(child, error, directive, definition);
    const all = parent !== undefined && strategy.kind === 'all-for-one' && (directive === 'restart' || directive === 'stop');
    switch (directive) {
      case 'resume':
        this.#send(child, 'resume', error, 0);
        return;
      case 'restart':
      case 'stop':
        if (all) for (const sibling of parent.children?.values() ?? []) this.#send(sibling, directive, error, delayMs);
        else this.#send(child, directive, error, delayMs);
        return;
      case 'escalate':
        // The parent fails with the child's error; the child stays suspended until the parent's fate is known.
        this.#state(parent!).escalated.set(child.id, child);
        this.onFailure(parent!, error, undefined);
        return;
    }
  }

  #send(child: ActorRef, directive: 'resume' | 'restart' | 'stop', error: Error, delayMs: number): void {
    this.#host.sendSystem(child.thread, child, { type: 'supervise', directive, error: serializeError(error), delayMs });
  }

  #reportFailed(actor: ActorRef, error: Error, directive: Directive, definition: string): void {
    this.#host.report({ type: 'actor-failed', actor: actor.name, definition, error: serializeError(error), directive });
  }

  // ------------------------------------------------------------------ applying a directive (the child's thread)

  onSupervise(id: number, directive: 'resume' | 'restart' | 'stop', error: Error, delayMs: number): void {
    const cell = this.#host.cell(id);
    if (cell === undefined || cell.status !== RUNNING) return;
    const s = this.#state(cell);
    switch (directive) {
      case 'resume':
        if (s.phase !== undefined || s.timer !== undefined || s.deferred !== undefined) return; // a restart has begun; it resumes the actor
        s.failure = undefined;
        this.#settleEscalated(cell, 'resume', error);
        this.#host.resume(cell);
        return;
      case 'stop':
        this.#cancel(s);
        this.#host.stopCell(cell);
        return;
      case 'restart':
        this.#restart(cell, s, error, delayMs);
        return;
    }
  }

  #restart(cell: Cell, s: State, cause: Error, delayMs: number): void {
    this.#cancel(s);
    const failure = s.failure;
    s.failure = undefined;
    const error = failure?.error ?? cause;
    cell.suspended = true;
    const gen = ++s.gen;
    const begin = (): void => {
      s.timer = undefined;
      s.deferred = undefined;
      if (this.#stale(cell, s, gen)) return;
      // The old state must not change under a handler that is still awaiting: restart once it has settled.
      if (cell.busy) s.deferred = begin;
      else this.#preRestart(cell, s, gen, error, failure?.message);
    };
    if (delayMs > 0) s.timer = this.#host.setTimer(begin, delayMs);
    else begin();
  }

  #preRestart(cell: Cell, s: State, gen: number, error: Error, message: unknown): void {
    const b = cell.def.behavior as AnyBehavior;
    s.phase = 'pre';
    s.awaiting.clear();
    s.restartError = error;
    this.#run(
      cell,
      () => (b.preRestart ? b.preRestart(cell.state, error, message, cell.ctx) : this.#defaultPreRestart(cell, b)),
      () => {
        // A failing preRestart does not stop the restart (Akka logs and goes on).
        if (this.#stale(cell, s, gen)) return;
        s.phase = 'await';
        for (const id of s.awaiting) if (!hasChild(cell, id)) s.awaiting.delete(id);
        if (s.awaiting.size === 0) this.#finishRestart(cell, s, gen);
      },
    );
  }

  #defaultPreRestart(cell: Cell, b: AnyBehavior): Handled {
    for (const child of [...(cell.children?.values() ?? [])]) cell.ctx.stop(child);
    return b.postStop?.(cell.state, cell.ctx);
  }

  #finishRestart(cell: Cell, s: State, gen: number): void {
    if (this.#stale(cell, s, gen)) return;
    s.phase = undefined;
    const error = s.restartError ?? new Error('restart');
    s.restartError = undefined;
    const b = cell.def.behavior as AnyBehavior;
    const giveUp = (err: unknown): void => {
      this.#reportFailed(cell.ref, toError(err), 'stop', cell.def.name);
      this.#host.stopCell(cell);
    };
    this.#host.reincarnate(cell);
    try {
      cell.state = b.init ? b.init(cell.args) : undefined;
    } catch (err) {
      giveUp(err);
      return;
    }
    this.#run(
      cell,
      () => (b.postRestart ? b.postRestart(cell.state, error, cell.ctx) : b.preStart?.(cell.state, cell.ctx)),
      (err, failed) => {
        if (this.#stale(cell, s, gen)) return;
        if (failed) return giveUp(err);
        this.#host.restarted(cell);
        this.#host.report({ type: 'actor-restarted', actor: cell.ref.name, definition: cell.def.name, thread: this.#host.thread, error: serializeError(error) });
        this.#settleEscalated(cell, 'restart', error);
        this.#host.resume(cell);
      },
    );
  }

  /** Children that escalated follow their parent: resumed with it, or restarted when they survived its restart. */
  #settleEscalated(cell: Cell, directive: 'resume' | 'restart', error: Error): void {
    const s = this.#state(cell);
    for (const child of s.escalated.values()) if (hasChild(cell, child.id)) this.#send(child, directive, error, 0);
    s.escalated.clear();
  }

  /** Runs a hook that may return a promise; `done` once it has settled (synchronously when it is synchronous). */
  #run(cell: Cell, hook: () => Handled, done: (err: unknown, failed: boolean) => void): void {
    let r: Handled;
    try {
      r = hook();
    } catch (err) {
      done(err, true);
      return;
    }
    if (r !== undefined && r !== null && typeof (r as PromiseLike<unknown>).then === 'function') this.#host.track(cell, r, done);
    else done(undefined, false);
  }

  #stale(cell: Cell, s: State, gen: number): boolean {
    return cell.status !== RUNNING || s.gen !== gen;
  }

  #cancel(s: State): void {
    if (s.timer !== undefined) this.#host.clearTimer(s.timer);
    s.timer = undefined;
    s.deferred = undefined;
    s.phase = undefined;
    s.gen++;
  }

  // ------------------------------------------------------------------ hooks from the runtime

  /** `from` asked `ref` to stop: during preRestart, a restart waits for the children stopped there. */
  noteStop(from: Cell, ref: ActorRef): void {
    const s = this.#states.get(from);
    if (s?.phase === 'pre' && hasChild(from, ref.id)) s.awaiting.add(ref.id);
  }

  /** A handler (or hook) of `cell` has settled: a restart that waited for it begins. */
  afterHandler(cell: Cell): void {
    const s = this.#states.get(cell);
    if (s?.deferred !== undefined && !cell.busy) s.deferred();
  }

  /** On the parent's thread, after `child` has been removed from `parent.children`. */
  onChildTerminated(parent: Cell, child: ActorRef): void {
    const s = this.#states.get(parent);
    if (s === undefined) return;
    s.stats.delete(child.id);
    s.escalated.delete(child.id);
    if (s.awaiting.delete(child.id) && s.phase === 'await' && s.awaiting.size === 0) this.#finishRestart(parent, s, s.gen);
  }

  /** A local actor is being removed. */
  onStopped(cell: Cell): void {
    this.#guardianStats.delete(cell.id);
    const s = this.#states.get(cell);
    if (s !== undefined) this.#cancel(s);
  }
}

function hasChild(parent: Cell, id: number): boolean {
  if (parent.children !== undefined) for (const ref of parent.children.values()) if (ref.id === id) return true;
  return false;
}

function isChildOf(parent: Cell, child: ActorRef): boolean {
  const short = child.name.slice(parent.ref.name.length + 1);
  return parent.children?.get(short)?.id === child.id;
}

/** How `parent` supervises its children: its own instance's strategy (a pool head's), else its definition's. */
function strategyOf(parent: Cell): SupervisorStrategy {
  const behavior = parent.def.behavior as AnyBehavior & { [INSTANCE_STRATEGY]?: (state: unknown) => SupervisorStrategy | undefined };
  return behavior[INSTANCE_STRATEGY]?.(parent.state) ?? behavior.supervisorStrategy ?? defaultStrategy;
}
