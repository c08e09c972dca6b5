/**
 * ActorCell: everything the hosting thread keeps for one actor (state, mailbox, children, the message being
 * handled) and the ActorContext its handlers see. Only the hosting thread touches a cell.
 */
import type { ActorContext, ActorDefinition, ReceiveFn, SpawnOptions } from '../actor.js';
import { Mailbox, ENTRY_ASK } from '../dispatch/mailbox.js';
import { rankFor } from './mailbox-kind.js';
import { NoContextError } from '../errors.js';
import type { Logger } from '../logging/logger.js';
import type { ActorRef, AskOptions } from '../ref.js';
import { DEFAULT_STASH_CAPACITY, INITIAL_BEHAVIOR } from '../definition-options.js';
import { ActorLog, type ActorLogHost } from './actor-log.js';
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
  /** Where `ctx.log` records go (actor-log.ts). */
  readonly actorLog: ActorLogHost;
}

// Cell flags, packed into one field (`#flags`): the status in the low two bits, then one bit each.
const STATUS_MASK = 3;
const F_SCHEDULED = 4;
const F_BUSY = 8;
const F_SUSPENDED = 16;
const F_HANDLING = 32;
const F_REPLIED = 64;
const F_STASHED = 128;
/**
 * The bits above the flags hold where the actor's definition counts in the metrics page (a Float64 index below
 * 2^22: MAX_METRICS_DEFINITIONS rows), so that knowing it costs an actor no field of its own.
 */
const METRICS_SHIFT = 8;
const FLAGS_MASK = (1 << METRICS_SHIFT) - 1;

/**
 * What few actors use, in one object created on first use: children, watches, stops in progress, the name
 * announcements, the behavior stack and the toolkit (stash, timers, receive timeout).
 */
class CellExtras {
  children: Map<string, ActorRef> | undefined = undefined;
  behaviors: BehaviorStack | undefined = undefined;
  childSeq = 0;
  asksOut = 0;
  announced: Uint8Array | undefined = undefined;
  stopAcks: number[] | undefined = undefined;
  stopSlots: number[] | undefined = undefined;
  watchSlots: Map<number, number> | undefined = undefined;
  stash: Stash | undefined = undefined;
  timers: Timers | undefined = undefined;
  curTimer: TimerEntry | undefined = undefined;
  idle: IdleClock | undefined = undefined;
  /** A smallest-mailbox pool routee's slot in the routee table (layout.ts). */
  depthSlot = -1;
  /** A bounded mailbox: how many unstashed entries at its head hold no credit (turns.ts). */
  uncredited = 0;
}

/**
 * One per actor, so every field counts: 100,000 idle actors are 100,000 cells (issue 11). A cell holds eleven
 * fields; the rest is created on first use behind accessors, so the code that uses a cell reads and writes them as
 * if they were fields:
 * - the mailbox, with the entry being handled (`cur*`), on the first message (or the first look at the mailbox);
 * - `CellExtras` (children, watch slots, stop acknowledgements and slots, name announcements, behavior stack,
 *   stash, timers, receive timeout) on the first write of any of them; until then each reads as unset;
 * - the context, on the first handler call;
 * - status, the six booleans and the metrics row share one integer.
 * docs/architecture.md ("Memory per actor") lists what an idle actor still costs, and why.
 */
export class Cell {
  readonly ref: ActorRef;
  readonly def: ActorDefinition<any, any, any, any>;
  readonly args: unknown;
  readonly parent: ActorRef | undefined;
  state: unknown = undefined;
  /** Journal slot of the record that spawned this actor (live while it lives); negative when not journaled. */
  spawnSlot = -1;
  readonly #host: CellHost;
  #flags = RUNNING;
  #mailbox: Mailbox | undefined = undefined;
  #extras: CellExtras | undefined = undefined;
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

  /** Queued user messages, and the one being handled; made on first use. */
  get mailbox(): Mailbox {
    return (this.#mailbox ??= new Mailbox(rankFor(this.def.behavior.mailbox)));
  }
  /** The mailbox if it was ever made (a look that allocates nothing). */
  get mailboxIfAny(): Mailbox | undefined {
    return this.#mailbox;
  }

  /** The function the next message goes to: `receive` until a become. */
  get receive(): ReceiveFn {
    const b = this.#extras?.behaviors;
    return b === undefined ? this.def.behavior.receive : b.current;
  }

  /** The behavior stack, created on the first become. */
  get behaviorStack(): BehaviorStack {
    return (this.behaviors ??= new BehaviorStack(this.def));
  }

  get awaitingReply(): boolean {
    return this.curKind === ENTRY_ASK && !this.curReplied;
  }

  // ---- flags
  /** Running, not busy and not suspended: it may take its next message (one test for the turn loop). */
  get canTake(): boolean {
    return (this.#flags & (STATUS_MASK | F_BUSY | F_SUSPENDED)) === RUNNING;
  }
  /** RUNNING, STOPPING or STOPPED. */
  get status(): number {
    return this.#flags & STATUS_MASK;
  }
  set status(v: number) {
    this.#flags = (this.#flags & ~STATUS_MASK) | v;
  }
  /** In the ready queue. */
  get scheduled(): boolean {
    return (this.#flags & F_SCHEDULED) !== 0;
  }
  set scheduled(v: boolean) {
    this.#flag(F_SCHEDULED, v);
  }
  /** A handler (or preStart/postStop) has not settled yet: no next message until it does. */
  get busy(): boolean {
    return (this.#flags & F_BUSY) !== 0;
  }
  set busy(v: boolean) {
    this.#flag(F_BUSY, v);
  }
  /** Failed and waiting for its supervisor's directive, or restarting: no next message until resumed. */
  get suspended(): boolean {
    return (this.#flags & F_SUSPENDED) !== 0;
  }
  set suspended(v: boolean) {
    this.#flag(F_SUSPENDED, v);
  }
  /** A handler for the current message runs (until it settles). */
  get handling(): boolean {
    return (this.#flags & F_HANDLING) !== 0;
  }
  set handling(v: boolean) {
    this.#flag(F_HANDLING, v);
  }
  /** The current message was answered (or handed on: a forward, a stash). */
  get curReplied(): boolean {
    return (this.#flags & F_REPLIED) !== 0;
  }
  set curReplied(v: boolean) {
    this.#flag(F_REPLIED, v);
  }
  /** Its handler stashed the current message: its journal slot stays live. */
  get curStashed(): boolean {
    return (this.#flags & F_STASHED) !== 0;
  }
  set curStashed(v: boolean) {
    this.#flag(F_STASHED, v);
  }
  /** The Float64 index of the metrics-page row its definition counts in (runtime/metrics.ts); 0 until set. */
  get metricsAt(): number {
    return this.#flags >>> METRICS_SHIFT;
  }
  set metricsAt(v: number) {
    this.#flags = (this.#flags & FLAGS_MASK) | (v << METRICS_SHIFT);
  }
  #flag(bit: number, v: boolean): void {
    this.#flags = v ? this.#flags | bit : this.#flags & ~bit;
  }

  // ---- the message being handled (kept with the mailbox: one actor handles one message at a time)
  get curKind(): number {
    return this.#mailbox?.curKind ?? 0;
  }
  set curKind(v: number) {
    this.mailbox.curKind = v;
  }
  get curCorr(): number {
    return this.#mailbox?.curCorr ?? 0;
  }
  set curCorr(v: number) {
    this.mailbox.curCorr = v;
  }
  get curSenderThread(): number {
    return this.#mailbox?.curSenderThread ?? 0;
  }
  set curSenderThread(v: number) {
    this.mailbox.curSenderThread = v;
  }
  get curSenderId(): number {
    return this.#mailbox?.curSenderId ?? 0;
  }
  set curSenderId(v: number) {
    this.mailbox.curSenderId = v;
  }
  /** The message being handled. */
  get curMsg(): unknown {
    return this.#mailbox?.curMsg;
  }
  set curMsg(v: unknown) {
    this.mailbox.curMsg = v;
  }
  /** The current message's journal slot. */
  get curSlot(): number {
    return this.#mailbox?.curSlot ?? -1;
  }
  set curSlot(v: number) {
    this.mailbox.curSlot = v;
  }

  // ---- CellExtras: undefined (or 0) until first written
  // Setting a field back to unset when nothing was ever set allocates nothing.
  #x(): CellExtras {
    return (this.#extras ??= new CellExtras());
  }
  /** A smallest-mailbox pool routee's slot in the routee table (layout.ts); -1 for every other actor. */
  get depthSlot(): number {
    return this.#extras?.depthSlot ?? -1;
  }
  set depthSlot(v: number) {
    if (v !== -1 || this.#extras !== undefined) this.#x().depthSlot = v;
  }
  /** A bounded mailbox: unstashed entries at its head that hold no credit (turns.ts); 0 for every other actor. */
  get uncredited(): number {
    return this.#extras?.uncredited ?? 0;
  }
  set uncredited(v: number) {
    if (v !== 0 || this.#extras !== undefined) this.#x().uncredited = v;
  }
  /** Children by their short name. */
  get children(): Map<string, ActorRef> | undefined {
    return this.#extras?.children;
  }
  set children(v: Map<string, ActorRef> | undefined) {
    if (v !== undefined || this.#extras !== undefined) this.#x().children = v;
  }
  /** become / unbecome; undefined until the first change: the next message goes to `receive`. */
  get behaviors(): BehaviorStack | undefined {
    return this.#extras?.behaviors;
  }
  set behaviors(v: BehaviorStack | undefined) {
    if (v !== undefined || this.#extras !== undefined) this.#x().behaviors = v;
  }
  /** Generated child names: `$1`, `$2`, ... */
  get childSeq(): number {
    return this.#extras?.childSeq ?? 0;
  }
  set childSeq(v: number) {
    this.#x().childSeq = v;
  }
  /** Under manual time: asks this actor made that are still pending (asks.ts), so its await is on the system. */
  get asksOut(): number {
    return this.#extras?.asksOut ?? 0;
  }
  set asksOut(v: number) {
    this.#x().asksOut = v;
  }
  /** Threads this actor's name has been announced to (1 = done). */
  get announced(): Uint8Array | undefined {
    return this.#extras?.announced;
  }
  set announced(v: Uint8Array | undefined) {
    if (v !== undefined || this.#extras !== undefined) this.#x().announced = v;
  }
  /** Threads and correlation ids to answer once this actor has stopped. */
  get stopAcks(): number[] | undefined {
    return this.#extras?.stopAcks;
  }
  set stopAcks(v: number[] | undefined) {
    if (v !== undefined || this.#extras !== undefined) this.#x().stopAcks = v;
  }
  /** Journal slots of stop requests, released once the actor has stopped. */
  get stopSlots(): number[] | undefined {
    return this.#extras?.stopSlots;
  }
  set stopSlots(v: number[] | undefined) {
    if (v !== undefined || this.#extras !== undefined) this.#x().stopSlots = v;
  }
  /** Journal slots of the watch requests on this actor, by watcher id. */
  get watchSlots(): Map<number, number> | undefined {
    return this.#extras?.watchSlots;
  }
  set watchSlots(v: Map<number, number> | undefined) {
    if (v !== undefined || this.#extras !== undefined) this.#x().watchSlots = v;
  }
  /** Created by the first ctx.stash(). */
  get stash(): Stash | undefined {
    return this.#extras?.stash;
  }
  set stash(v: Stash | undefined) {
    if (v !== undefined || this.#extras !== undefined) this.#x().stash = v;
  }
  /** Created on first use of ctx.timers. */
  get timers(): Timers | undefined {
    return this.#extras?.timers;
  }
  set timers(v: Timers | undefined) {
    if (v !== undefined || this.#extras !== undefined) this.#x().timers = v;
  }
  /** The tick being handled, if the current message is one of its timers'. */
  get curTimer(): TimerEntry | undefined {
    return this.#extras?.curTimer;
  }
  set curTimer(v: TimerEntry | undefined) {
    if (v !== undefined || this.#extras !== undefined) this.#x().curTimer = v;
  }
  /** Created by the first ctx.setReceiveTimeout(). */
  get idle(): IdleClock | undefined {
    return this.#extras?.idle;
  }
  set idle(v: IdleClock | undefined) {
    if (v !== undefined || this.#extras !== undefined) this.#x().idle = v;
  }
}

class Context implements ActorContext<unknown, unknown> {
  readonly #host: CellHost;
  readonly #cell: Cell;
  #log: ActorLog | undefined = undefined;
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
  get log(): Logger {
    const cell = this.#cell;
    return (this.#log ??= new ActorLog(this.#host.actorLog, { actor: cell.ref.name, definition: cell.def.name, thread: cell.ref.thread }));
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
