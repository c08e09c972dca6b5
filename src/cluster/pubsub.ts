/**
 * Distributed publish/subscribe on NATS subjects (`cluster.pubsub`; Akka's DistributedPubSub mediator, without
 * gossip): a topic is the subject `rm.<cluster>.t.<topic>`.
 *
 * - `subscribe(topic, ref)`: every publication on the topic, from any node, reaches `ref`. A node keeps one NATS
 *   subscription per topic and fans out to its local subscribers.
 * - `subscribe(topic, ref, { group })`: each publication reaches exactly one subscriber of the group in the whole
 *   cluster: the node's subscription joins the NATS queue group `group` (the server picks one node), and that node
 *   picks one of its local members of the group, in turn.
 * - `subscribe` resolves once the server has the subscription (a flush): a publish that starts afterwards, from any
 *   node, reaches it (stronger than Akka's gossiped registry, which takes up to a gossip interval).
 * - `publish(topic, message)`: one NATS publish, encoded once; refs inside travel with their node. It carries no
 *   sender (the subject does not name the publishing node), so `ctx.sender` is undefined for a publication.
 *
 * Delivery is at most once and best effort: a publication while NATS is unreachable fails at the call
 * (TransportUnavailableError). Subscribers are watched: one that stops leaves its topics (a topic nobody here
 * subscribes to any more closes its NATS subscription, so a group's publications go to the nodes that have members).
 */
import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import { InvalidArgumentError, TransportUnavailableError } from '../errors.js';
import { ActorRef } from '../ref.js';
import type { Remoting } from './remoting.js';
import { SUBJECT_TOKEN, SUBJECT_TOKEN_RULE } from './token.js';

export interface SubscribeOptions {
  /** Deliver each publication to one subscriber of this group, cluster-wide (a NATS queue group). */
  group?: string | undefined;
}

interface Channel {
  sub: Subscription;
  /** Local subscribers by ref id; for a group, taken in turn. */
  refs: Map<number, ActorRef>;
  next: number;
}

export class PubSub {
  readonly #nc: NatsConnection;
  readonly #remoting: Remoting;
  readonly #prefix: string;
  /** By `${topic}\u0000${group ?? ''}`. */
  readonly #channels = new Map<string, Channel>();

  /** @internal made by the cluster */
  constructor(cluster: string, nc: NatsConnection, remoting: Remoting) {
    this.#nc = nc;
    this.#remoting = remoting;
    this.#prefix = `rm.${cluster}.t.`;
    remoting.onSubscriberStopped = (actor) => this.#stopped(actor);
  }

  /** Local subscribers, each with how many (topic, group) subscriptions it has: watched while it has any. */
  readonly #subscribers = new Map<number, { ref: ActorRef; count: number }>();

  /**
   * Subscribes the local actor `ref` to `topic`; resolves, once the server has the subscription, to the function
   * that unsubscribes it. Subscribing the same ref twice to one topic and group subscribes it once.
   */
  async subscribe(topic: string, ref: ActorRef<any, any>, options?: SubscribeOptions): Promise<() => Promise<void>> {
    checkToken('topic', topic);
    const group = options?.group;
    if (group !== undefined) checkToken('group', group);
    if (!(ref instanceof ActorRef)) throw new InvalidArgumentError(`pubsub.subscribe(topic, ref) needs an ActorRef, got ${typeof ref}`);
    if (this.#nc.isClosed()) throw new TransportUnavailableError('the connection to NATS is closed');
    const key = `${topic}\u0000${group ?? ''}`;
    let ch = this.#channels.get(key);
    if (ch === undefined) {
      const channel: Channel = { sub: undefined as unknown as Subscription, refs: new Map(), next: 0 };
      channel.sub = this.#nc.subscribe(`${this.#prefix}${topic}`, {
        ...(group !== undefined && { queue: group }),
        callback: (err, msg) => {
          if (err === null) this.#deliver(topic, channel, group !== undefined, msg.data);
        },
      });
      this.#channels.set(key, (ch = channel));
    }
    if (!ch.refs.has(ref.id)) {
      ch.refs.set(ref.id, ref as ActorRef);
      this.#count(ref as ActorRef, +1);
    }
    await this.#nc.flush();
    const channel = ch;
    return async () => {
      if (!channel.refs.delete(ref.id)) return;
      this.#count(ref as ActorRef, -1);
      if (channel.refs.size > 0) return;
      this.#close(key, channel);
      await this.#nc.flush().catch(() => {});
    };
  }

  /** Subscriptions of local actors, for tests and metrics. */
  subscriptions(): { topic: string; group: string | undefined; subscribers: number }[] {
    return [...this.#channels].map(([key, ch]) => {
      const [topic, group] = key.split('\u0000') as [string, string];
      return { topic, group: group === '' ? undefined : group, subscribers: ch.refs.size };
    });
  }

  /** A subscriber's first subscription watches it (Akka's mediator does too); its last one unwatches it. */
  #count(ref: ActorRef, delta: number): void {
    const s = this.#subscribers.get(ref.id);
    if (s === undefined) {
      if (delta < 0) return;
      this.#subscribers.set(ref.id, { ref, count: 1 });
      this.#remoting.watchSubscriber(ref);
      return;
    }
    s.count += delta;
    if (s.count > 0) return;
    this.#subscribers.delete(ref.id);
    this.#remoting.unwatchSubscriber(ref);
  }

  /** A subscriber stopped: it leaves every topic, and a topic with nobody left here closes its NATS subscription. */
  #stopped(actor: ActorRef): void {
    if (!this.#subscribers.delete(actor.id)) return;
    for (const [key, ch] of this.#channels) {
      if (ch.refs.delete(actor.id) && ch.refs.size === 0) this.#close(key, ch);
    }
  }

  #close(key: string, ch: Channel): void {
    if (this.#channels.get(key) === ch) this.#channels.delete(key);
    ch.sub.unsubscribe();
  }

  /** Publishes `message` on `topic` to its subscribers on every node. Throws on bad input or a closed connection. */
  publish(topic: string, message: unknown): void {
    checkToken('topic', topic);
    if (message === undefined) throw new InvalidArgumentError(`publish to '${topic}' has no message (undefined)`);
    const frame = this.#remoting.encodePublication(message);
    if (this.#nc.isClosed() || !this.#remoting.connected) throw new TransportUnavailableError('the connection to NATS is down');
    this.#nc.publish(`${this.#prefix}${topic}`, frame);
  }

  #deliver(topic: string, ch: Channel, grouped: boolean, data: Uint8Array): void {
    if (ch.refs.size === 0) return;
    if (grouped) {
      const refs = [...ch.refs.values()];
      const ref = refs[ch.next++ % refs.length]!;
      const p = this.#remoting.decodePublication(topic, data);
      if (p !== undefined) this.#remoting.deliverPublication(ref, p.message);
      return;
    }
    for (const ref of ch.refs.values()) {
      // Decoded once per subscriber: actors of this thread get the value itself, and must not share it.
      const p = this.#remoting.decodePublication(topic, data);
      if (p === undefined) return;
      this.#remoting.deliverPublication(ref, p.message);
    }
  }
}

function checkToken(what: string, value: unknown): void {
  if (typeof value !== 'string' || !SUBJECT_TOKEN.test(value)) {
    throw new InvalidArgumentError(`pubsub ${what} ${JSON.stringify(value)} ${SUBJECT_TOKEN_RULE}`);
  }
}
