/**
 * Messages between nodes, on the main thread of each: the node's one NATS connection (docs/cluster.md).
 *
 * Outbound: a ref to an actor of another node is, on this node, a proxy: an id with origin REMOTE_ORIGIN
 * (runtime/ids.ts) hosted by the main thread. Any thread sends to it as to a main-thread actor (its ring to the
 * main thread, FIFO); the main thread's delivery finds no cell for the id and hands the message here
 * (`outgoing`), which publishes one frame (frame.ts) on `rm.<cluster>.n.<node>.m.<self>`. An ask is published
 * with the reply subject `rm.<cluster>.n.<self>.r.<corr>`: the answer, or the server's "503 no responders" when
 * nobody serves the target node's subjects (it died), settles the asking thread's pending ask.
 *
 * Inbound: one subscription, `rm.<cluster>.n.<self>.>`. A frame's sender node is the subject's last token (NATS
 * permissions let only that node publish it); its sender actor becomes a proxy here, so `ctx.sender` and
 * `ctx.reply` work across nodes. An ask from another node is a pending ask of this main thread whose settlement
 * publishes the reply. A frame that cannot be decoded is a 'decode-failed' dead letter, never a crash.
 *
 * Order: records of one sender thread reach the main thread in order, NATS keeps one connection's order, and the
 * receiving main thread writes them to the target's ring in order: FIFO per sender actor and receiver actor.
 */
import type { Msg, NatsConnection, Subscription } from '@nats-io/transport-node';
import { ENTRY_ASK } from '../dispatch/mailbox.js';
import { Queue } from '../dispatch/queue.js';
import {
  ActorStoppedError,
  InvalidArgumentError,
  NodeDownError,
  TransportUnavailableError,
  deserializeError,
  serializeError,
  type SerializedError,
} from '../errors.js';
import { K_ASK, K_TELL } from '../protocol.js';
import { ActorRef } from '../ref.js';
import { REMOTE_ORIGIN, isRemoteId, makeId } from '../runtime/ids.js';
import type { RemoteGateway, RemoteHost, RemoteWatch } from '../runtime/remote-host.js';
import {
  F_ASK,
  F_IDENTIFY,
  F_PUBLISH,
  F_REPLY,
  F_REPLY_ERROR,
  F_TELL,
  F_TERMINATED,
  F_UNWATCH,
  F_WATCH,
  type Frame,
  FrameCodec,
  type RemoteAddress,
} from './frame.js';

export interface RemotingOptions {
  cluster: string;
  nodeId: string;
  incarnation: string;
  /** The longest this node keeps an ask from another node waiting for its actor's reply. */
  remoteAskTimeoutMs: number;
  /** How long `lookup` waits for the other node's answer. */
  lookupTimeoutMs: number;
  /** The largest frame published or accepted (the engine's maxMessageBytes plus the frame's own fields). */
  maxFrameBytes: number;
  /** Tells go with a reply subject, so that "no responders" makes them 'node-down' dead letters (#trackTell). */
  reportUnroutedTells: boolean;
}

/** What remoting needs to know of membership (membership.ts). */
export interface MembersView {
  /** The live incarnation of `nodeId`, if it is a member now. */
  incarnationOf(nodeId: string): string | undefined;
}

/** An ask this node published and waits on: the asking thread's pending ask, or a local promise (lookup). */
interface Pending {
  node: string;
  incarnation: string;
  thread: number;
  corr: number;
  at: number;
  resolve?: ((v: unknown) => void) | undefined;
  reject?: ((e: Error) => void) | undefined;
  timer?: ReturnType<typeof setTimeout> | undefined;
}

/** A tell published in the last TELL_WINDOW_MS (see Remoting's #trackTell). */
interface KeptTell {
  seq: number;
  node: string;
  target: string;
  msg: unknown;
  sender: string | null;
  at: number;
  bytes: number;
}

export interface RemotingCounters {
  framesOut: number;
  framesIn: number;
  decodeFailed: number;
  noResponders: number;
}

export class Remoting implements RemoteGateway, RemoteWatch {
  readonly #o: RemotingOptions;
  readonly #nc: NatsConnection;
  readonly #host: RemoteHost;
  readonly #members: MembersView;
  readonly #lookupLocal: (name: string) => ActorRef | undefined;
  readonly #codec: FrameCodec<ActorRef>;
  readonly #prefix: string;
  readonly #replyPrefix: string;
  #sub: Subscription | undefined;
  /** Proxy ids by `${node}/${incarnation}/${id}`, and the address of each. */
  readonly #proxies = new Map<string, number>();
  readonly #addresses = new Map<number, RemoteAddress>();
  #nextProxy = 1;
  readonly #pending = new Map<number, Pending>();
  /** Tells published in the last TELL_WINDOW_MS, by their sequence (see #trackTell). */
  readonly #tells = new Map<number, KeptTell>();
  readonly #tellOrder = new Queue<KeptTell>();
  #tellBytes = 0;
  #nextTell = 1;
  #nextCorr = 1;
  /** Local watchers of each proxy, by watcher id. */
  readonly #watchers = new Map<number, Map<number, ActorRef>>();
  /** `${node}/${incarnation}` of nodes that were downed or left: never reached again. */
  readonly #gone = new Set<string>();
  #sweep: ReturnType<typeof setInterval> | undefined;
  /**
   * False while the NATS client reconnects (cluster.ts follows its status): sends fail at once with
   * TransportUnavailableError instead of waiting in the client's reconnect buffer for an unknown time.
   */
  connected = true;
  readonly counters: RemotingCounters = { framesOut: 0, framesIn: 0, decodeFailed: 0, noResponders: 0 };

  constructor(
    options: RemotingOptions,
    nc: NatsConnection,
    host: RemoteHost,
    members: MembersView,
    lookupLocal: (name: string) => ActorRef | undefined,
  ) {
    this.#o = options;
    this.#nc = nc;
    this.#host = host;
    this.#members = members;
    this.#lookupLocal = lookupLocal;
    this.#prefix = `rm.${options.cluster}.n.`;
    this.#replyPrefix = `rm.${options.cluster}.n.${options.nodeId}.r.`;
    this.#codec = new FrameCodec<ActorRef>(
      {
        isRef: (v): v is ActorRef => v instanceof ActorRef,
        toAddress: (ref) => this.#toAddress(ref),
        fromAddress: (a) => this.#fromAddress(a),
      },
      options.maxFrameBytes,
    );
  }

  /** Subscribes to this node's subjects; resolves once the server has the subscription. */
  async start(): Promise<void> {
    this.#sub = this.#nc.subscribe(`rm.${this.#o.cluster}.n.${this.#o.nodeId}.>`, {
      callback: (err, msg) => {
        if (err === null) this.#onMessage(msg);
      },
    });
    await this.#nc.flush();
    this.#sweep = setInterval(() => this.#expire(performance.now()), 5_000);
    this.#sweep.unref();
  }

  /** Stops taking frames; asks still waiting on other nodes fail with `error`. */
  stop(error: () => Error): void {
    this.#sub?.unsubscribe();
    this.#sub = undefined;
    if (this.#sweep !== undefined) clearInterval(this.#sweep);
    for (const [corr, p] of this.#pending) {
      this.#pending.delete(corr);
      this.#fail(p, error());
    }
  }

  /** The ref of actor `name` on node `nodeId` (undefined when none runs under that name there). */
  lookup(nodeId: string, name: string): Promise<ActorRef | undefined> {
    if (typeof name !== 'string' || name.length === 0) {
      return Promise.reject(new InvalidArgumentError(`cluster.lookup(nodeId, name) needs the actor's name, got ${typeof name}`));
    }
    if (nodeId === this.#o.nodeId) return Promise.resolve(this.#lookupLocal(name));
    const incarnation = this.#members.incarnationOf(nodeId);
    if (incarnation === undefined) return Promise.reject(new NodeDownError(nodeId, 'it is not a member of the cluster'));
    return new Promise((resolve, reject) => {
      const corr = this.#corr();
      const found = (v: unknown): void => resolve(v instanceof ActorRef ? v : undefined);
      const p: Pending = { node: nodeId, incarnation, thread: -1, corr: 0, at: performance.now(), resolve: found, reject };
      p.timer = setTimeout(() => {
        if (this.#pending.delete(corr)) reject(new NodeDownError(nodeId, `it did not answer a lookup within ${this.#o.lookupTimeoutMs} ms`));
      }, this.#o.lookupTimeoutMs);
      this.#pending.set(corr, p);
      const ok = this.#publish(nodeId, this.#frame(F_IDENTIFY, 0, 0, '', incarnation, 0, 0, '', name), `${this.#replyPrefix}${corr}`);
      if (ok !== undefined) {
        this.#pending.delete(corr);
        clearTimeout(p.timer);
        reject(ok);
      }
    });
  }

  // ---- publications (pubsub.ts)

  /** The frame of a message published on a topic: refs in it travel with their node, like in any frame. */
  encodePublication(message: unknown): Uint8Array {
    return this.#frame(F_PUBLISH, 0, 0, '', '', 0, 0, '', message);
  }

  /**
   * The message of a publication's frame, decoded anew for each local subscriber (each gets its own copy), or
   * undefined when the frame is bad: then a 'decode-failed' dead letter has been published.
   */
  decodePublication(topic: string, bytes: Uint8Array): { message: unknown } | undefined {
    try {
      const f = this.#codec.decode(bytes);
      if (f.kind !== F_PUBLISH) throw new TypeError(`a frame of kind ${f.kind} on a topic subject`);
      return { message: f.body };
    } catch (err) {
      this.counters.decodeFailed++;
      this.#host.deadLetter('decode-failed', `(a publication on topic '${topic}')`, null, null, err);
      return undefined;
    }
  }

  /** Set by pubsub.ts: a watched subscriber stopped. */
  onSubscriberStopped: ((actor: ActorRef) => void) | undefined;

  /** Death watch of a local subscriber by pub/sub: its Terminated comes back to `onSubscriberStopped`. */
  watchSubscriber(ref: ActorRef): void {
    this.#host.sendSystem(ref.thread, ref, { type: 'watch', watcher: this.#host.ref(PUBSUB_WATCHER_ID, 0, '(pubsub)'), target: ref });
    this.#host.kick();
  }

  unwatchSubscriber(ref: ActorRef): void {
    this.#host.sendSystem(ref.thread, ref, { type: 'unwatch', watcher: this.#host.ref(PUBSUB_WATCHER_ID, 0, '(pubsub)') });
    this.#host.kick();
  }

  /** Hands a publication to local actor `ref` (no sender). */
  deliverPublication(ref: ActorRef, message: unknown): void {
    this.#host.inject(K_TELL, ref, message, 0, '', 0);
  }

  // ---- outbound (RemoteGateway)

  outgoing(id: number, entry: number, msg: unknown, senderId: number, senderThread: number, corr: number): void {
    const isAsk = entry === ENTRY_ASK && corr !== 0;
    const senderName = senderId === 0 ? null : this.#host.nameOf(senderId, senderThread);
    const a = this.#addresses.get(id);
    if (a === undefined) {
      this.#host.deadLetter('actor-stopped', `#${id}`, msg, senderName);
      if (isAsk) this.#host.settle(senderThread, corr, new ActorStoppedError(`#${id}`), true);
      return;
    }
    const target = `${a.name}@${a.node}`;
    const unreachable = this.#unreachable(a);
    if (unreachable !== undefined) {
      this.#host.deadLetter(unreachable.reason, target, msg, senderName);
      if (isAsk) this.#host.settle(senderThread, corr, unreachable.error, true);
      return;
    }
    let frame: Uint8Array;
    try {
      frame = this.#frame(isAsk ? F_ASK : F_TELL, a.id, a.thread, a.name, a.incarnation, senderId, senderThread, senderName ?? '', msg);
    } catch (err) {
      this.#host.deadLetter('not-delivered-remote', target, msg, senderName, err);
      if (isAsk) this.#host.settle(senderThread, corr, err, true);
      return;
    }
    let fcorr = 0;
    let reply: string | undefined;
    if (isAsk) {
      fcorr = this.#corr();
      this.#pending.set(fcorr, { node: a.node, incarnation: a.incarnation, thread: senderThread, corr, at: performance.now() });
      reply = `${this.#replyPrefix}${fcorr}`;
    } else if (this.#o.reportUnroutedTells) {
      reply = this.#trackTell(a.node, target, msg, senderName, frame.length);
    }
    const failed = this.#publish(a.node, frame, reply);
    if (failed !== undefined) {
      this.#host.deadLetter('not-delivered-remote', target, msg, senderName, failed);
      if (isAsk && this.#pending.delete(fcorr)) this.#host.settle(senderThread, corr, failed, true);
    }
  }

  /**
   * A tell goes with a reply subject too, though nothing answers a delivered one: when nobody serves the target
   * node's subjects (its process died and it is not yet downed), the server answers "503 no responders" there, and
   * the tell becomes a 'node-down' dead letter instead of a silent loss. The tell is kept for TELL_WINDOW_MS (the
   * server answers within a round trip); its message only while those kept add up to less than TELL_KEEP_BYTES.
   */
  #trackTell(node: string, target: string, msg: unknown, sender: string | null, bytes: number): string {
    const now = performance.now();
    // Oldest first, in a FIFO (not by iterating the Map: a Map whose front was deleted is scanned from its start).
    const order = this.#tellOrder;
    for (let head = order.peek(); head !== undefined && head.at < now - TELL_WINDOW_MS; head = order.peek()) {
      order.shift();
      if (this.#tells.delete(head.seq)) this.#tellBytes -= head.bytes;
    }
    const seq = this.#nextTell++;
    const keep = this.#tellBytes + bytes <= TELL_KEEP_BYTES;
    if (keep) this.#tellBytes += bytes;
    const t = { seq, node, target, msg: keep ? msg : undefined, sender, at: now, bytes: keep ? bytes : 0 };
    this.#tells.set(seq, t);
    order.push(t);
    return `${this.#replyPrefix}t${seq}`;
  }

  /** An answer on a tell's reply subject: a 503 makes the tell a dead letter; anything else is ignored. */
  #onTellAnswer(seq: number, msg: Msg): void {
    const t = this.#tells.get(seq);
    if (t === undefined || msg.headers?.code !== 503) return;
    this.#tells.delete(seq);
    this.#tellBytes -= t.bytes;
    this.counters.noResponders++;
    this.#host.deadLetter('node-down', t.target, t.msg ?? null, t.sender, new NodeDownError(t.node, 'nobody serves its subjects (NATS answered "no responders": the node is gone)'));
  }

  // ---- death watch across nodes (RemoteWatch)

  watch(watcher: ActorRef, target: ActorRef): void {
    const a = this.#addresses.get(target.id);
    let ws = this.#watchers.get(target.id);
    if (ws === undefined) this.#watchers.set(target.id, (ws = new Map()));
    ws.set(watcher.id, watcher);
    if (a === undefined || this.#unreachable(a) !== undefined) return this.#terminate(target.id);
    let frame: Uint8Array;
    try {
      frame = this.#frame(F_WATCH, a.id, a.thread, a.name, a.incarnation, watcher.id, watcher.thread, watcher.name, null);
    } catch {
      return this.#terminate(target.id);
    }
    if (this.#publish(a.node, frame, undefined) !== undefined) this.#terminate(target.id);
  }

  unwatch(watcher: ActorRef, targetId: number): void {
    const ws = this.#watchers.get(targetId);
    if (ws === undefined || !ws.delete(watcher.id)) return;
    if (ws.size === 0) this.#watchers.delete(targetId);
    const a = this.#addresses.get(targetId);
    if (a === undefined || this.#unreachable(a) !== undefined) return;
    try {
      this.#publish(a.node, this.#frame(F_UNWATCH, a.id, a.thread, a.name, a.incarnation, watcher.id, watcher.thread, watcher.name, null), undefined);
    } catch {
      // Nothing to undo: the other node keeps a watcher that gets one Terminated too many, dropped here.
    }
  }

  terminated(watcherId: number, actor: ActorRef): void {
    if (watcherId === PUBSUB_WATCHER_ID) return this.onSubscriberStopped?.(actor);
    const w = this.#addresses.get(watcherId);
    if (w === undefined || this.#unreachable(w) !== undefined) return;
    try {
      this.#publish(w.node, this.#frame(F_TERMINATED, w.id, w.thread, w.name, w.incarnation, 0, 0, '', [actor.id, actor.thread, actor.name]), undefined);
    } catch {
      // An actor name too long for a frame cannot happen (names are short); nothing else can fail here.
    }
  }

  // ---- membership changes (cluster.ts)

  /**
   * `node` (that incarnation) was downed or left: asks waiting on it fail with NodeDownError, its watched actors
   * are Terminated for their watchers here, and every later message to it is a dead letter.
   */
  nodeGone(node: string, incarnation: string, why: string): void {
    this.#gone.add(`${node}/${incarnation}`);
    for (const [corr, p] of this.#pending) {
      if (p.node !== node || p.incarnation !== incarnation) continue;
      this.#pending.delete(corr);
      this.#fail(p, new NodeDownError(node, why));
    }
    for (const [proxy, a] of this.#addresses) {
      if (a.node === node && a.incarnation === incarnation && this.#watchers.has(proxy)) this.#terminate(proxy);
    }
  }

  // ---- inbound

  #onMessage(msg: Msg): void {
    const subject = msg.subject;
    // rm.<cluster>.n.<self>.<m|r>.<token>
    const dot = subject.lastIndexOf('.');
    const token = subject.slice(dot + 1);
    const kind = subject.charAt(dot - 1);
    if (subject.charAt(dot - 2) !== '.') return;
    if (kind === 'r') return token.charCodeAt(0) === 116 /* t */ ? this.#onTellAnswer(Number(token.slice(1)), msg) : this.#onReply(Number(token), msg);
    if (kind === 'm') return this.#onFrame(token, msg);
  }

  #onFrame(from: string, msg: Msg): void {
    this.counters.framesIn++;
    let f: Frame;
    try {
      f = this.#codec.decode(msg.data);
    } catch (err) {
      this.counters.decodeFailed++;
      this.#host.deadLetter('decode-failed', `(a frame from node '${from}')`, null, from, err);
      if (msg.reply) this.#replyError(msg.reply, new InvalidArgumentError(`node '${this.#o.nodeId}' could not decode the frame: ${(err as Error).message}`));
      return;
    }
    if (isRemoteId(f.targetId)) {
      // A proxy id names an actor of a third node on this node only, and an honest node never targets one (a ref
      // always travels with its actor's own node): a frame that does would make this node relay for its sender,
      // which would then reach the third node under this node's name. (A sender that is a proxy on its node is a
      // forward: replies to it go back through that node, which is where they belong.)
      this.counters.decodeFailed++;
      this.#host.deadLetter('decode-failed', `(a frame from node '${from}')`, null, from, new InvalidArgumentError('a frame that targets a proxy id (this node relays for nobody)'));
      if (msg.reply) this.#replyError(msg.reply, new InvalidArgumentError(`node '${this.#o.nodeId}' refused a frame naming a proxy id`));
      return;
    }
    const senderProxy = f.senderId === 0 ? 0 : this.#proxyId({ node: from, incarnation: f.senderIncarnation, id: f.senderId, thread: f.senderThread, name: f.senderName });
    const senderName = f.senderId === 0 ? null : proxyName(f.senderName, from);
    switch (f.kind) {
      case F_TELL:
      case F_ASK: {
        const isAsk = f.kind === F_ASK;
        if (isAsk && !msg.reply) {
          this.counters.decodeFailed++;
          this.#host.deadLetter('decode-failed', f.targetName, f.body, senderName, new InvalidArgumentError('an ask frame without a reply subject'));
          return;
        }
        if (f.targetIncarnation !== this.#o.incarnation) {
          this.#host.deadLetter('stale-incarnation', f.targetName, f.body, senderName);
          if (isAsk) this.#replyError(msg.reply!, new NodeDownError(this.#o.nodeId, `the ask was for its incarnation ${f.targetIncarnation}, which is no longer live`));
          return;
        }
        const target = this.#host.ref(f.targetId, f.targetThread, f.targetName);
        if (!isAsk) {
          this.#host.inject(K_TELL, target, f.body, senderProxy, senderName ?? '', 0);
          return;
        }
        const reply = msg.reply!;
        const { corr, promise } = this.#host.pendingAsk(target.name, this.#o.remoteAskTimeoutMs, target.thread);
        promise.then(
          (v) => this.#replyValue(reply, v),
          (e: unknown) => this.#replyError(reply, e),
        );
        this.#host.inject(K_ASK, target, f.body, senderProxy, senderName ?? '', corr);
        return;
      }
      case F_IDENTIFY: {
        if (!msg.reply || typeof f.body !== 'string') return;
        const ref = f.targetIncarnation === this.#o.incarnation ? this.#lookupLocal(f.body) : undefined;
        this.#replyValue(msg.reply, ref ?? null);
        return;
      }
      case F_WATCH:
      case F_UNWATCH: {
        if (senderProxy === 0 || f.targetIncarnation !== this.#o.incarnation) return;
        const target = this.#host.ref(f.targetId, f.targetThread, f.targetName);
        const watcher = this.#host.ref(senderProxy, 0, proxyName(f.senderName, from));
        if (f.kind === F_WATCH) this.#host.sendSystem(target.thread, target, { type: 'watch', watcher, target });
        else this.#host.sendSystem(target.thread, target, { type: 'unwatch', watcher });
        this.#host.kick();
        return;
      }
      case F_TERMINATED: {
        const b = f.body;
        if (f.targetIncarnation !== this.#o.incarnation || !Array.isArray(b) || b.length !== 3) return;
        const [id, thread, name] = b as unknown[];
        if (!Number.isSafeInteger(id) || !Number.isInteger(thread) || typeof name !== 'string') return;
        const proxy = this.#proxyId({ node: from, incarnation: f.senderIncarnation, id: id as number, thread: thread as number, name });
        this.#terminate(proxy, this.#host.ref(f.targetId, f.targetThread, f.targetName));
        return;
      }
      default:
        // Replies come on the reply subjects; a reply kind here is a confused or hostile peer.
        this.counters.decodeFailed++;
        this.#host.deadLetter('decode-failed', `(a frame from node '${from}')`, null, from, new InvalidArgumentError(`frame kind ${f.kind} on a message subject`));
    }
  }

  #onReply(fcorr: number, msg: Msg): void {
    const p = this.#pending.get(fcorr);
    const status = msg.headers?.code ?? 0;
    if (p === undefined) {
      // Its asker gave up long ago (the sweep forgot it): the same as a reply after a timeout.
      if (status === 0) this.#host.deadLetter('ask-timed-out', '(reply from another node)', null, null);
      return;
    }
    this.#pending.delete(fcorr);
    if (status === 503) {
      this.counters.noResponders++;
      return this.#fail(p, new NodeDownError(p.node, 'nobody serves its subjects (NATS answered "no responders": the node is gone)'));
    }
    let f: Frame;
    try {
      f = this.#codec.decode(msg.data);
    } catch (err) {
      this.counters.decodeFailed++;
      this.#host.deadLetter('decode-failed', `(a reply from node '${p.node}')`, null, p.node, err);
      return this.#fail(p, new InvalidArgumentError(`the reply from node '${p.node}' could not be decoded: ${(err as Error).message}`));
    }
    if (f.kind === F_REPLY) return this.#succeed(p, f.body);
    if (f.kind === F_REPLY_ERROR) return this.#fail(p, remoteError(f.body));
    this.#fail(p, new InvalidArgumentError(`node '${p.node}' answered an ask with a frame of kind ${f.kind}`));
  }

  #succeed(p: Pending, value: unknown): void {
    if (p.resolve !== undefined) {
      clearTimeout(p.timer);
      p.resolve(value);
    } else {
      this.#host.settle(p.thread, p.corr, value, false);
    }
  }

  #fail(p: Pending, err: Error): void {
    if (p.reject !== undefined) {
      clearTimeout(p.timer);
      p.reject(err);
    } else {
      this.#host.settle(p.thread, p.corr, err, true);
    }
  }

  /** Every local watcher of proxy `proxy` (or only `only`) gets Terminated for it. */
  #terminate(proxy: number, only?: ActorRef): void {
    const ws = this.#watchers.get(proxy);
    if (ws === undefined) return;
    const a = this.#addresses.get(proxy);
    const actor = this.#host.ref(proxy, 0, a === undefined ? `#${proxy}` : proxyName(a.name, a.node));
    const list = only === undefined ? [...ws.values()] : ws.has(only.id) ? [only] : [];
    for (const w of list) {
      ws.delete(w.id);
      this.#host.sendSystem(w.thread, w, { type: 'terminated', actor });
    }
    if (ws.size === 0) this.#watchers.delete(proxy);
    this.#host.kick();
  }

  #replyValue(subject: string, value: unknown): void {
    let frame: Uint8Array;
    try {
      frame = this.#frame(F_REPLY, 0, 0, '', '', 0, 0, '', value);
    } catch (err) {
      // A reply that cannot travel (too large, unencodable) still settles the ask, with that error.
      return this.#replyError(subject, err);
    }
    this.#send(subject, frame);
  }

  #replyError(subject: string, err: unknown): void {
    const e = serializeError(err);
    let frame: Uint8Array;
    try {
      frame = this.#frame(F_REPLY_ERROR, 0, 0, '', '', 0, 0, '', e);
    } catch {
      frame = this.#frame(F_REPLY_ERROR, 0, 0, '', '', 0, 0, '', { name: e.name, message: e.message.slice(0, 1000), ...(e.code ? { code: e.code } : {}) });
    }
    this.#send(subject, frame);
  }

  #send(subject: string, frame: Uint8Array): void {
    try {
      this.#nc.publish(subject, frame);
      this.counters.framesOut++;
    } catch {
      // The connection closed: the asker's own timeout (or its node's view of this one going down) settles it.
    }
  }

  // ---- helpers

  #corr(): number {
    const c = this.#nextCorr;
    this.#nextCorr = c >= 0x7fffffff ? 1 : c + 1;
    return c;
  }

  #frame(kind: number, tId: number, tThread: number, tName: string, tInc: string, sId: number, sThread: number, sName: string, body: unknown): Uint8Array {
    return this.#codec.encode({
      kind,
      targetId: tId,
      targetThread: tThread,
      targetName: tName,
      targetIncarnation: tInc,
      senderId: sId,
      senderThread: sThread,
      senderName: sName,
      senderIncarnation: this.#o.incarnation,
      body,
    });
  }

  /** Publishes `frame` to `node` (with a reply subject for `fcorr` when not 0); the error when it could not. */
  #publish(node: string, frame: Uint8Array, reply: string | undefined): Error | undefined {
    if (this.#nc.isClosed()) return new TransportUnavailableError('the connection to NATS is closed');
    if (!this.connected) return new TransportUnavailableError('the connection to NATS is down (the client is reconnecting)');
    try {
      const subject = `${this.#prefix}${node}.m.${this.#o.nodeId}`;
      if (reply === undefined) this.#nc.publish(subject, frame);
      else this.#nc.publish(subject, frame, { reply });
      this.counters.framesOut++;
      return undefined;
    } catch (err) {
      return new TransportUnavailableError(err instanceof Error ? err.message : String(err), err);
    }
  }

  /** Why a message to `a` cannot go (its node is gone, or that incarnation is not the live one), if so. */
  #unreachable(a: RemoteAddress): { reason: 'node-down' | 'stale-incarnation'; error: Error } | undefined {
    if (this.#gone.has(`${a.node}/${a.incarnation}`)) return { reason: 'node-down', error: new NodeDownError(a.node, 'it was downed or left the cluster') };
    const live = a.node === this.#o.nodeId ? this.#o.incarnation : this.#members.incarnationOf(a.node);
    if (live !== undefined && live !== a.incarnation) {
      return { reason: 'stale-incarnation', error: new NodeDownError(a.node, `the ref names its incarnation ${a.incarnation}; the live one is ${live} (the node restarted)`) };
    }
    return undefined;
  }

  #toAddress(ref: ActorRef): RemoteAddress {
    if (isRemoteId(ref.id)) {
      const a = this.#addresses.get(ref.id);
      if (a === undefined) throw new TypeError(`${ref.toString()} is not a ref this node knows`);
      return a;
    }
    return { node: this.#o.nodeId, incarnation: this.#o.incarnation, id: ref.id, thread: ref.thread, name: ref.name };
  }

  #fromAddress(a: RemoteAddress): ActorRef {
    if (a.node === this.#o.nodeId && a.incarnation === this.#o.incarnation) {
      if (isRemoteId(a.id)) throw new TypeError('a ref in a frame names a proxy id of this node');
      return this.#host.ref(a.id, a.thread, a.name);
    }
    return this.#host.ref(this.#proxyId(a), 0, proxyName(a.name, a.node));
  }

  #proxyId(a: RemoteAddress): number {
    const key = `${a.node}/${a.incarnation}/${a.id}`;
    let id = this.#proxies.get(key);
    if (id === undefined) {
      id = makeId(REMOTE_ORIGIN, this.#nextProxy++);
      this.#proxies.set(key, id);
      this.#addresses.set(id, { ...a });
      this.#host.rememberName(id, proxyName(a.name, a.node));
    }
    return id;
  }

  /** Asks whose asker has surely given up (older than the longest remote ask): forgotten. */
  #expire(now: number): void {
    const limit = now - this.#o.remoteAskTimeoutMs - 5_000;
    for (const [corr, p] of this.#pending) if (p.resolve === undefined && p.at < limit) this.#pending.delete(corr);
  }
}

/**
 * The watcher id pub/sub watches its subscribers with: a proxy id (counter 0, which no proxy gets) so that the
 * subscriber's Terminated comes back to the main thread's remoting, which hands it to pub/sub.
 */
const PUBSUB_WATCHER_ID = makeId(REMOTE_ORIGIN, 0);

/** How long a tell waits for a possible "no responders" (the server answers within a round trip). */
const TELL_WINDOW_MS = 1_000;
/** Bytes of messages kept for those dead letters; past it a tell is still reported, without its message. */
const TELL_KEEP_BYTES = 8 * 1024 * 1024;

/** How an actor of another node is named here: its path on its node, then `@node`. */
function proxyName(name: string, node: string): string {
  return `${name}@${node}`;
}

/** An error from another node: rebuilt from checked fields only. */
function remoteError(body: unknown, depth = 0): Error {
  if (typeof body !== 'object' || body === null) return new Error('another node failed the ask with a malformed error');
  const s = body as Partial<SerializedError>;
  if (typeof s.name !== 'string' || typeof s.message !== 'string') return new Error('another node failed the ask with a malformed error');
  const clean: SerializedError = { name: s.name.slice(0, 200), message: s.message };
  if (typeof s.code === 'string') clean.code = s.code.slice(0, 100);
  if (typeof s.stack === 'string') clean.stack = s.stack;
  if (s.fields !== undefined && typeof s.fields === 'object' && s.fields !== null) {
    const fields: Record<string, string | number | boolean | null> = {};
    for (const [k, v] of Object.entries(s.fields)) {
      if (k === '__proto__' || k === 'constructor' || k === 'prototype') continue;
      if (v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') fields[k] = v;
    }
    clean.fields = fields;
  }
  const err = deserializeError(clean);
  if (s.cause !== undefined && depth < 8) (err as { cause?: unknown }).cause = remoteError(s.cause, depth + 1);
  return err;
}

/** The frame's own fields beside the message: what `maxFrameBytes` adds to maxMessageBytes. */
export const FRAME_OVERHEAD_BYTES = 2048;
