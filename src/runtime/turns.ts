/**
 * Where turns are scheduled: the ready queue of actors with messages, and one turn per ready actor per pump: at
 * most `throughput` messages, one at a time, then the next actor (Akka's dispatcher throughput). An actor whose
 * handler returned a promise is busy until it settles: it takes no other message meanwhile, while the other actors
 * of the thread keep running.
 *
 * Contract: one Turns per Runtime, used only by its thread. `track` is the one place where an actor waits for a
 * promise (receive, preStart, postRestart, postStop, supervision hooks): it keeps `asyncInFlight`, which the
 * driver reads to know that continuations are pending in the event loop.
 */
import { ENTRY_ASK, ENTRY_POISON, ENTRY_RECEIVE_TIMEOUT, ENTRY_TIMER, UNJOURNALED } from '../dispatch/mailbox.js';
import { Queue } from '../dispatch/queue.js';
import { ActorFailedError } from '../errors.js';
import { RUNNING, STOPPING, type Cell } from './cell.js';
import { type Credits, OV_DROP_HEAD } from './credits.js';
import { BOUNDED_ID_MIN, creditSlotOf } from './ids.js';
import type { Journaling } from './journaling.js';
import { STEP, TRACING, mark } from '../transport/trace.js';
import { handledOne } from '../transport/depth.js';
import { RECEIVE_TIMEOUT } from './receive-timeout.js';
import type { TimerEntry } from './timers.js';
import { isDiscardedTerminated } from './watch.js';
import { R_FAILED, R_PROCESSED, R_PROCESSING, R_QUEUED, R_WAIT, ROW_WORDS } from '../transport/metrics-layout.js';
import { observe, type MetricsWriter } from './metrics.js';

/** Without a metrics page (unit tests of turns alone): a row nobody reads, where every cell (metricsAt 0) counts. */
const NO_PAGE = new Float64Array(ROW_WORDS);
/** The timing ticks wrap here, staying small integers (a multiple of 16 apart: the sampling stays every 16th). */
const TICK_WRAP = 0x3fffffff;

/** What turns need from the rest of their runtime. */
export interface TurnsHost {
  /** A handler threw or rejected: supervision suspends the actor and asks its supervisor. */
  onFailure(cell: Cell, err: unknown, msg: unknown): void;
  /** A handler of a suspended actor settled: a restart may have waited for it. */
  afterSuspendedHandler(cell: Cell): void;
  /** A poison pill reached the head of the mailbox. */
  stop(cell: Cell): void;
  /** The actor is stopping and may now be able to finish (its handler settled). */
  finishStop(cell: Cell): void;
  /** A bounded 'drop-head' mailbox dropped its oldest message: a dead letter, and its ask fails (MailboxFullError). */
  droppedHead(cell: Cell, kind: number, msg: unknown, senderId: number, senderThread: number, corr: number): void;
  /** Answers the ask being handled with an error. */
  replyError(thread: number, corr: number, err: Error): void;
  kick(): void;
}

export class Turns {
  readonly #throughput: number;
  readonly #journal: Journaling;
  readonly #host: TurnsHost;
  readonly #ready = new Queue<Cell>();
  /** Messages in mailboxes on this thread (the intake stops draining rings above a high-water mark). */
  backlog = 0;
  #asyncInFlight = 0;
  /** The actor whose handler runs synchronously right now: the implicit sender of a `ref.tell` inside it. */
  #current: Cell | undefined;

  /** The routee table (layout.ts): a smallest-mailbox routee counts each settled handler down there. */
  readonly #depth: Int32Array | undefined;

  /**
   * This thread's metrics page (runtime/metrics.ts): the mailbox depth, handled and failed counts of each cell's
   * definition, written here with plain Float64 writes (one writer: this thread).
   */
  readonly #page: Float64Array;
  /** TIMING_MASK of `metrics.timing`: -1 times nothing, else a message is timed when `(++tick & mask) === 0`. */
  readonly #timing: number;
  #queuedTick = 0;
  #runTick = 0;

  /** Bounded mailboxes' credits (credits.ts): a message of a bounded actor gives its credit back as it leaves. */
  readonly #credits: Credits | undefined;

  constructor(throughput: number, journal: Journaling, host: TurnsHost, depth?: Int32Array, metrics?: MetricsWriter, credits?: Credits) {
    this.#credits = credits;
    this.#throughput = throughput;
    this.#journal = journal;
    this.#host = host;
    this.#depth = depth;
    this.#page = metrics?.page ?? NO_PAGE;
    this.#timing = metrics?.timingMask ?? -1;
  }

  /**
   * Queues an entry at the back of the actor's mailbox (counted in the backlog and its definition's mailbox
   * depth, stamped when its wait is timed) and schedules the actor. Every entry enters a mailbox here or through
   * `requeueFront`, and leaves it through a turn or `dropped`, so the depth in the page is exact.
   */
  enqueue(cell: Cell, kind: number, msg: unknown, senderId: number, senderThread: number, corr: number, slot: number): void {
    const mask = this.#timing;
    let at = 0;
    if (mask >= 0 && ((this.#queuedTick = (this.#queuedTick + 1) & TICK_WRAP) & mask) === 0) at = performance.now();
    cell.mailbox.push(kind, msg, senderId, senderThread, corr, slot, at);
    this.backlog++;
    this.#page[cell.metricsAt + R_QUEUED]!++;
    if (cell.id >= BOUNDED_ID_MIN && kind <= ENTRY_ASK) this.#boundedIn(cell, slot);
    this.schedule(cell);
  }

  /**
   * A message that holds a credit entered a bounded mailbox: counted at risk when only this thread's memory holds
   * it; under 'drop-head', the oldest messages go while more credits are held than the capacity (those still in
   * rings count, so the mailbox settles at the newest `capacity` as they arrive).
   */
  #boundedIn(cell: Cell, slot: number): void {
    const credits = this.#credits!;
    const cs = creditSlotOf(cell.id);
    if (slot === UNJOURNALED) credits.addAtRisk(cs, 1);
    if (credits.overflow(cs) !== OV_DROP_HEAD) return;
    const mb = cell.mailbox;
    const capacity = credits.capacity(cs);
    while (credits.held(cs) > capacity && mb.size > cell.uncredited && mb.headKind <= ENTRY_ASK) {
      const kind = mb.headKind;
      const msg = mb.headMsg;
      const sid = mb.headSenderId;
      const st = mb.headSenderThread;
      const corr = mb.headCorr;
      const s = mb.headSlot;
      mb.shift();
      this.dropped(cell, kind, s);
      this.#journal.release(s);
      this.#host.droppedHead(cell, kind, msg, sid, st, corr);
    }
  }

  /** A message of bounded `cell` left its mailbox (its handler starts, or it was dropped): its credit goes back. */
  #boundedOut(cell: Cell, slot: number): void {
    if (cell.uncredited > 0) {
      cell.uncredited--; // an unstashed message: its credit went back when it was first taken
      return;
    }
    const credits = this.#credits!;
    const cs = creditSlotOf(cell.id);
    if (slot === UNJOURNALED) credits.addAtRisk(cs, -1);
    credits.giveBack(cs);
  }

  /** Puts an entry back in front of the actor's mailbox (an unstashed message: its wait is not timed again). */
  requeueFront(cell: Cell, kind: number, msg: unknown, senderId: number, senderThread: number, corr: number, slot: number): void {
    cell.mailbox.unshift(kind, msg, senderId, senderThread, corr, slot);
    // Unstashed entries sit ahead of every credited one, so the first `uncredited` entries are exactly these.
    if (cell.id >= BOUNDED_ID_MIN && kind <= ENTRY_ASK) cell.uncredited++;
    this.backlog++;
    this.#page[cell.metricsAt + R_QUEUED]!++;
    this.schedule(cell);
  }

  /** The head entry (`kind`, journal `slot`) of a mailbox was taken without a turn (stopping.ts shifted it). */
  dropped(cell: Cell, kind: number, slot: number): void {
    this.backlog--;
    this.#page[cell.metricsAt + R_QUEUED]!--;
    if (cell.id >= BOUNDED_ID_MIN && kind <= ENTRY_ASK) this.#boundedOut(cell, slot);
  }

  get current(): Cell | undefined {
    return this.#current;
  }
  get asyncInFlight(): number {
    return this.#asyncInFlight;
  }
  get readyCount(): number {
    return this.#ready.size;
  }

  /** Puts the actor in the ready queue unless it is there already or cannot take a message now. */
  schedule(cell: Cell): void {
    if (cell.scheduled || cell.busy || cell.suspended) return;
    cell.scheduled = true;
    this.#ready.push(cell);
  }

  /** One turn for every actor ready now (actors that become ready during it wait for the next). True if any. */
  runReady(): boolean {
    let turns = this.#ready.size;
    if (turns === 0) return false;
    while (turns-- > 0) {
      const cell = this.#ready.shift()!;
      cell.scheduled = false;
      this.#runTurn(cell);
    }
    return true;
  }

  #runTurn(cell: Cell): void {
    const mb = cell.mailbox;
    let n = this.#throughput;
    const page = this.#page;
    const row = cell.metricsAt;
    const mask = this.#timing;
    const bounded = cell.id >= BOUNDED_ID_MIN; // read once per turn, not per message
    // The entry being handled is written straight into the mailbox (where the cell's cur* accessors read it), and
    // the three conditions read as one: this is the loop every message goes through.
    while (n-- > 0 && mb.size > 0 && cell.canTake) {
      const kind = mb.headKind;
      let msg = mb.headMsg;
      mb.curKind = kind;
      mb.curCorr = mb.headCorr;
      mb.curSenderThread = mb.headSenderThread;
      const senderId = (mb.curSenderId = mb.headSenderId);
      cell.curReplied = false;
      const slot = mb.headSlot;
      mb.curSlot = slot;
      const queuedAt = mask >= 0 ? mb.headAt : 0;
      mb.shift();
      this.backlog--;
      page[row + R_QUEUED]!--;
      if (bounded && kind <= ENTRY_ASK) this.#boundedOut(cell, slot);
      if (senderId === 0 && isDiscardedTerminated(msg)) {
        this.#journal.release(slot); // unwatched after it was queued (watch.ts)
        continue;
      }
      if (kind >= ENTRY_POISON) {
        if (kind === ENTRY_POISON) {
          this.#journal.release(slot);
          this.#host.stop(cell);
          break;
        }
        // A timer tick or a receive timeout: delivered only if still wanted (a cancelled timer's tick never is).
        if (kind === ENTRY_TIMER) {
          const tick = msg as TimerEntry;
          if (!cell.timers!.take(tick)) continue;
          cell.curTimer = tick;
          msg = tick.message();
        } else {
          if (cell.idle === undefined || !cell.idle.take(msg as number)) continue;
          msg = { type: RECEIVE_TIMEOUT };
        }
      }
      mb.curMsg = msg;
      // STARTED in the journal: if the worker dies now, this message is the one reported lost (or redelivered).
      this.#journal.start(slot);
      // Timing (metrics.timing): the wait of an entry stamped when queued, and the processing of every
      // (mask + 1)-th message taken, at one clock read for both.
      let start = 0;
      if (mask >= 0) {
        const timed = ((this.#runTick = (this.#runTick + 1) & TICK_WRAP) & mask) === 0;
        if (timed || queuedAt > 0) {
          const now = performance.now();
          if (queuedAt > 0) observe(page, row + R_WAIT, now - queuedAt);
          if (timed) start = now;
        }
      }
      this.#invoke(cell, msg, slot, start);
    }
    if (mb.size > 0 && !cell.busy && cell.status === RUNNING) this.schedule(cell);
  }

  /** `start`: when the handler began, if its processing time is measured; else 0. */
  #invoke(cell: Cell, msg: unknown, slot: number, start: number): void {
    this.#current = cell;
    if (TRACING) mark(STEP.receive);
    cell.handling = true;
    try {
      const r = cell.receive(cell.state, msg, cell.ctx);
      if (isThenable(r)) {
        this.track(cell, r, (err, failed) => {
          if (failed) this.#failed(cell, err, msg);
          this.#handled(cell, slot, start);
        });
      } else {
        this.#handled(cell, slot, start);
      }
    } catch (err) {
      this.#failed(cell, err, msg);
      this.#handled(cell, slot, start);
    } finally {
      this.#current = undefined;
    }
  }

  /** The handler of the current message settled (or threw): counted once, here, whatever its outcome. */
  #handled(cell: Cell, slot: number, start: number): void {
    cell.handling = false;
    const page = this.#page;
    page[cell.metricsAt + R_PROCESSED]!++;
    if (start !== 0) observe(page, cell.metricsAt + R_PROCESSING, performance.now() - start);
    // Settled, failed or stashed alike: the routers' pending count for this routee goes down by one.
    if (cell.depthSlot >= 0 && this.#depth !== undefined) handledOne(this.#depth, cell.depthSlot);
    const tick = cell.curTimer;
    if (tick !== undefined) {
      cell.curTimer = undefined;
      cell.timers!.handled(tick);
    }
    const idle = cell.idle;
    const mb = cell.mailbox;
    if (idle !== undefined && idle.ms !== null && mb.curKind !== ENTRY_RECEIVE_TIMEOUT && influences(cell, mb.curMsg)) idle.activity();
    mb.curMsg = undefined;
    // A stashed message keeps its journal record until it is finally handled or dead-lettered (stash.ts).
    if (cell.curStashed) cell.curStashed = false;
    else this.#journal.release(slot);
  }

  /**
   * The actor is busy until `p` settles (no next message meanwhile); then `done` (with the rejection, if any), then
   * whatever comes next: a pending restart, the end of a stop, or its next turn.
   */
  track(cell: Cell, p: PromiseLike<unknown>, done: (err: unknown, failed: boolean) => void): void {
    cell.busy = true;
    this.#asyncInFlight++;
    this.#once(p, (err, failed) => {
      this.#asyncInFlight--;
      cell.busy = false;
      done(err, failed);
      this.afterHandler(cell);
    });
  }

  /**
   * Waits for a promise that does not make the actor busy (postStop: the actor already takes no messages), so the
   * driver still knows continuations are pending.
   */
  await(p: PromiseLike<unknown>, done: (err: unknown, failed: boolean) => void): void {
    this.#asyncInFlight++;
    this.#once(p, (err, failed) => {
      this.#asyncInFlight--;
      done(err, failed);
      this.#host.kick();
    });
  }

  /**
   * Calls `settle` exactly once for `p`: a handler may return any thenable, and one whose `then` calls back twice
   * (or both callbacks) would otherwise count a settled handler twice, and one whose `then` throws never.
   */
  #once(p: PromiseLike<unknown>, settle: (err: unknown, failed: boolean) => void): void {
    let settled = false;
    const once = (err: unknown, failed: boolean): void => {
      if (settled) return;
      settled = true;
      settle(err, failed);
    };
    try {
      p.then(
        () => once(undefined, false),
        (err: unknown) => once(err, true),
      );
    } catch (err) {
      once(err, true);
    }
  }

  /** What follows a settled handler: a restart waiting for it, the end of a stop, or the actor's next turn. */
  afterHandler(cell: Cell): void {
    if (cell.suspended) this.#host.afterSuspendedHandler(cell);
    if (cell.status === STOPPING) this.#host.finishStop(cell);
    else if (cell.status === RUNNING && cell.mailbox.size > 0) this.schedule(cell);
    this.#host.kick();
  }

  /** A handler threw: fail the pending ask, then suspend the actor until its supervisor decides (supervisor.ts). */
  #failed(cell: Cell, err: unknown, msg: unknown): void {
    this.#page[cell.metricsAt + R_FAILED]!++;
    if (cell.awaitingReply) {
      cell.curReplied = true;
      this.#host.replyError(cell.curSenderThread, cell.curCorr, new ActorFailedError(cell.ref.name, err));
    }
    this.#host.onFailure(cell, err, msg);
  }
}

/** False for a message the definition's notInfluenceReceiveTimeout accepts (a throw there counts as influencing). */
function influences(cell: Cell, msg: unknown): boolean {
  const f = cell.def.behavior.notInfluenceReceiveTimeout;
  if (f === undefined) return true;
  try {
    return f(msg) !== true;
  } catch {
    return true;
  }
}

export function isThenable(v: unknown): v is PromiseLike<unknown> {
  return v !== null && typeof v === 'object' && typeof (v as { then?: unknown }).then === 'function';
}
