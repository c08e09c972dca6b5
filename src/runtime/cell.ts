/**
 * ActorCell: everything the hosting thread keeps for one actor (state, mailbox, children, the message being
 * handled) and the ActorContext its handlers see. Only the hosting thread touches a cell.
 */
import type { ActorContext, ActorDefinition, ReceiveFn, SpawnOptions } from '../actor.js';
import { Mailbox, ENTRY_ASK } from '../dispatch/mailbox.js';
import { NoContextError } from '../errors.js';
import type { ActorRef, AskOptions } from '../ref.js';
import { DEFAULT_STASH_CAPACITY, INITIAL_BEHAVIOR } from '../definition-options.js';
import { BehaviorStack } from './behaviors.js';
import { IdleClock, type ReceiveTimeoutHost } from './receive-timeout.js';
import { Stash, type StashHost } from './stash.js';
import { Timers, type TimerEntry, type TimerScheduler, type TimersHost } from './timers.js';

export const RUNNING = 0;
export const STOPPING = 1;
export const STOPPED = 2;

/** The operations a context delegates to the runtime of its thread. */
export interface CellHost {
  /** Stash, timers and receive timeout (runtime/toolkit.ts). */
  readonly toolkit: StashHost & TimersHost & ReceiveTimeoutHost;
  spawnChild(parent: Cell, def: ActorDefinition<any, any, any, any>, options: SpawnOptions<unknown> | undefined): ActorRef;
  stopRef(from: Cell, ref: ActorRef): void;
  reply(cell: Cell, value: unknown): void;
  senderOf(cell: Cell): ActorRef | undefined;
  tellFrom(cell: Cell, ref: ActorRef, message: unknown): boolean;
  sendFrom(cell: Cell, ref: ActorRef, message: unknown): Promise<void>;
  askFrom(cell: Cell, ref: ActorRef, message: unknown, options: AskOptions | undefined): Promise<unknown>;
  forward(cell: Cell, ref: ActorRef, message: unknown): void;
  watch(cell: Cell, ref: ActorRef): void;
  unwatch(cell: Cell, ref: ActorRef): void;
}

/**
 * One per actor, so every field counts: 100,000 idle actors are 100,000 cells (issue 11). What most actors never
 * use is created on first use and is `undefined` until then (children, watch slots, stop acknowledgements, the
 * name announcements, the behavior stack, the context, stash, timers, receive timeout), and the mailbox allocates
 * its arrays on its first message. docs/architecture.md ("Memory per actor") lists what an idle actor still costs.
 */
export class Cell {
  readonly ref: ActorRef;
  readonly def: ActorDefinition<any, any, any, any>;
  readonly args: unknown;
  readonly parent: ActorRef | undefined;
  readonly mailbox = new Mailbox();
  /** Children by their short name; created by the first child. */
  children: Map<string, ActorRef> | undefined = undefined;
  /** become / unbecome; created by the first change: until then the next message goes to `receive`. */
  behaviors: BehaviorStack | undefined = undefined;
  state: unknown = undefined;
  status = RUNNING;
  /** In the ready queue. */
  scheduled = false;
  /** A handler (or preStart/postStop) has not settled yet: no next message until it does. */
  busy = false;
  /** Failed and waiting for its supervisor's directive, or restarting: no next message until resumed. */
  suspended = false;
  /** Generated child names: `$1`, `$2`, ... */
  childSeq = 0;
  /** Under manual time: asks this actor made that are still pending (asks.ts), so its await is on the system. */
  asksOut = 0;
  /** Threads this actor's name has been announced to (1 = done); created by the first announcement. */
  announced: Uint8Array | undefined = undefined;
  /** Threads and correlation ids to answer once this actor has stopped. */
  stopAcks: number[] | undefined = undefined;
  /** Journal slot of the record that spawned this actor (live while it lives); negative when not journaled. */
  spawnSlot = -1;
  /** Journal slots of stop requests, released once the actor has stopped. */
  stopSlots: number[] | undefined = undefined;
  /** Journal slots of the watch requests on this actor, by watcher id. */
  watchSlots: Map<number, number> | undefined = undefined;

  // The message being handled: kept on the cell (not per message) because one actor handles one at a time.
  curKind = 0;
  curCorr = 0;
  curSenderThread = 0;
  curSenderId = 0;
  curReplied = false;
  /** The message being handled, and whether a handler for it runs (until it settles). */
  curMsg: unknown = undefined;
  handling = false;
  /** The current message's journal slot, and whether its handler stashed it (then the slot stays live). */
  curSlot = -1;
  curStashed = false;
  /** Created by the first ctx.stash(). */
  stash: Stash | undefined = undefined;
  /** Created on first use of ctx.timers; the tick being handled, if the current message is one. */
  timers: Timers | undefined = undefined;
  curTimer: TimerEntry | undefined = undefined;
  /** Created by the first ctx.setReceiveTimeout(). */
  idle: IdleClock | undefined = undefined;
  readonly #host: CellHost;
  #ctx: Context | undefined = undefined;

  constructor(host: CellHost, ref: ActorRef, def: ActorDefinition<any, any, any, any>, args: unknown, parent: ActorRef | undefined) {
    this.#host = host;
    this.ref = ref;
    this.def = def;
    this.args = args;
    this.parent = parent;
  }

  get id(): number {
    return this.ref.id;
  }

  /** The context its handlers see, made on the first handler call (an idle actor never needs one). */
  get ctx(): ActorContext<any, any> {
    return (this.#ctx ??= new Context(this.#host, this));
  }

  /** The function the next message goes to. */
  get receive(): ReceiveFn {
    return this.behaviors === undefined ? this.def.behavior.receive : this.behaviors.current;
  }

  /** The behavior stack, created on the first become. */
  get behaviorStack(): BehaviorStack {
    return (this.behaviors ??= new BehaviorStack(this.def));
  }

  get awaitingReply(): boolean {
    return this.curKind === ENTRY_ASK && !this.curReplied;
  }
}

class Context implements ActorContext<unknown, unknown> {
  readonly #host: CellHost;
  readonly #cell: Cell;
  constructor(host: CellHost, cell: Cell) {
    this.#host = host;
    this.#cell = cell;
  }
  get self(): ActorRef {
    return this.#cell.ref;
  }
  get sender(): ActorRef | undefined {
    return this.#host.senderOf(this.#cell);
  }
  get parent(): ActorRef | undefined {
    return this.#cell.parent;
  }
  get thread(): number {
    return this.#cell.ref.thread;
  }
  reply(value: unknown): void {
    this.#host.reply(this.#cell, value);
  }
  spawn(def: ActorDefinition<any, any, any, any>, options?: SpawnOptions<unknown>): ActorRef<any, any> {
    return this.#host.spawnChild(this.#cell, def, options);
  }
  stop<M2, R2>(ref?: ActorRef<M2, R2>): void {
    this.#host.stopRef(this.#cell, (ref as ActorRef | undefined) ?? this.#cell.ref);
  }
  tell(ref: ActorRef<any, unknown>, message: unknown): boolean {
    return this.#host.tellFrom(this.#cell, ref, message);
  }
  send(ref: ActorRef<any, unknown>, message: unknown): Promise<void> {
    return this.#host.sendFrom(this.#cell, ref, message);
  }
  ask<T>(ref: ActorRef<any, any>, message: unknown, options?: AskOptions): Promise<T> {
    return this.#host.askFrom(this.#cell, ref, message, options) as Promise<T>;
  }
  forward(ref: ActorRef<any, unknown>, ...message: [unknown?]): void {
    const cell = this.#cell;
    if (!cell.handling) throw new NoContextError('ctx.forward() outside a message handler (it forwards the message being handled)');
    this.#host.forward(cell, ref, message.length === 0 ? cell.curMsg : message[0]);
  }
  watch<M2, R2>(ref: ActorRef<M2, R2>): ActorRef<M2, R2> {
    this.#host.watch(this.#cell, ref as unknown as ActorRef);
    return ref;
  }
  unwatch<M2, R2>(ref: ActorRef<M2, R2>): ActorRef<M2, R2> {
    this.#host.unwatch(this.#cell, ref as unknown as ActorRef);
    return ref;
  }
  become(behavior: string | ReceiveFn): void {
    this.#cell.behaviorStack.become(behavior);
  }
  becomeStacked(behavior: string | ReceiveFn): void {
    this.#cell.behaviorStack.becomeStacked(behavior, this.#cell.ref.name);
  }
  unbecome(): void {
    this.#cell.behaviors?.unbecome();
  }
  get behavior(): string {
    return this.#cell.behaviors?.name ?? INITIAL_BEHAVIOR;
  }

  // ---- stash (stash.ts)
  stash(): void {
    const cell = this.#cell;
    (cell.stash ??= new Stash(this.stashCapacity)).stash(cell, this.#host.toolkit);
  }
  unstash(): boolean {
    return this.#cell.stash?.unstash(this.#cell, this.#host.toolkit) ?? false;
  }
  unstashAll(filter?: (message: unknown) => boolean): number {
    const cell = this.#cell;
    return (cell.stash ??= new Stash(this.stashCapacity)).unstashAll(cell, this.#host.toolkit, filter);
  }
  clearStash(): unknown[] {
    return this.#cell.stash?.clear(this.#cell, this.#host.toolkit) ?? [];
  }
  get stashSize(): number {
    return this.#cell.stash?.size ?? 0;
  }
  get stashCapacity(): number {
    return this.#cell.def.behavior.stashCapacity ?? DEFAULT_STASH_CAPACITY;
  }

  // ---- timers (timers.ts) and receive timeout (receive-timeout.ts)
  get timers(): TimerScheduler {
    const cell = this.#cell;
    return (cell.timers ??= new Timers(cell, this.#host.toolkit));
  }
  setReceiveTimeout(ms: number | null): void {
    const cell = this.#cell;
    (cell.idle ??= new IdleClock(cell, this.#host.toolkit)).set(ms);
  }
  get receiveTimeoutMs(): number | null {
    return this.#cell.idle?.ms ?? null;
  }
  now(): number {
    return this.#host.toolkit.now();
  }
}
