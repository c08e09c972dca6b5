/**
 * `system.cluster`: this node's view of the cluster (membership.ts), its events, and refs to actors on other
 * nodes (remoting.ts). Made by `startCluster` when `ActorSystem.start` has a `cluster` option; loaded only then,
 * so that a system without a cluster never loads the NATS client.
 */
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { NatsConnection } from '@nats-io/transport-node';
import type { ResolvedCluster } from '../config.js';
import { InvalidConfigError, TransportUnavailableError } from '../errors.js';
import type { ActorRef } from '../ref.js';
import type { RemoteHost } from '../runtime/remote-host.js';
import type { RemoteGateway, RemoteWatch } from '../runtime/remote-host.js';
import { Membership, type Member, type MembershipEvent } from './membership.js';
import { PubSub } from './pubsub.js';
import { FRAME_OVERHEAD_BYTES, Remoting } from './remoting.js';

export type { Member, MembershipEvent } from './membership.js';
export type ClusterEventType = MembershipEvent['type'];

/** What the cluster needs from its system (src/system.ts). */
export interface ClusterSystem {
  maxMessageBytes: number;
  workers: number;
  install(gateway: RemoteGateway, watch: RemoteWatch): RemoteHost;
  lookup(name: string): ActorRef | undefined;
  /** The system was downed and `onDowned` is 'shutdown'. */
  shutdown(): void;
}

export class Cluster {
  readonly #nc: NatsConnection;
  readonly #membership: Membership;
  readonly #remoting: Remoting;
  readonly #name: string;
  #closed = false;
  readonly #listeners = new Map<ClusterEventType | '*', Set<(e: MembershipEvent) => void>>();
  /** Publish/subscribe on topics across the cluster (pubsub.ts). */
  readonly pubsub: PubSub;

  /** @internal made by startCluster */
  constructor(name: string, nc: NatsConnection, membership: Membership, remoting: Remoting) {
    this.pubsub = new PubSub(name, nc, remoting);
    this.#name = name;
    this.#nc = nc;
    this.#membership = membership;
    this.#remoting = remoting;
    membership.subscribe((e) => this.#emit(e));
  }

  /** The cluster's name. */
  get name(): string {
    return this.#name;
  }

  /** This node: its id, the incarnation drawn at this start, its roles. */
  get self(): Member {
    return this.#membership.self;
  }

  /** Every member this node knows, itself included, with whether it is reachable now. */
  members(): Member[] {
    return this.#membership.members();
  }

  /** Whether this node has fenced itself (its heartbeats have failed for selfFenceAfterMs). */
  get fenced(): boolean {
    return this.#membership.fenced;
  }

  /** Resolves once this node is a member (already true when `ActorSystem.start` has resolved). */
  whenUp(): Promise<void> {
    return Promise.resolve();
  }

  /**
   * Membership events: `subscribe(type, fn)` for one type, or `subscribe(fn)` for all. Returns the function that
   * unsubscribes. Types: member-up, member-unreachable, member-reachable, member-down, member-left, self-fenced,
   * self-unfenced, self-downed.
   */
  readonly events = {
    subscribe: (typeOrFn: ClusterEventType | ((e: MembershipEvent) => void), fn?: (e: MembershipEvent) => void): (() => void) => {
      const type = typeof typeOrFn === 'function' ? '*' : typeOrFn;
      const f = typeof typeOrFn === 'function' ? typeOrFn : fn;
      if (typeof f !== 'function') throw new TypeError('cluster.events.subscribe(type, fn) needs a function');
      let set = this.#listeners.get(type);
      if (set === undefined) this.#listeners.set(type, (set = new Set()));
      set.add(f);
      return () => void set.delete(f);
    },
  };

  /**
   * The ref of the actor named `actorName` on node `nodeId` (a top-level name, or `parent/child`), or undefined
   * when no actor of that name runs there. Rejects with NodeDownError when the node is not a member or does not
   * answer within `lookupTimeoutMs`. The ref works like any other: tell, ask, inside messages, from any thread.
   */
  lookup<M = unknown, R = unknown>(nodeId: string, actorName: string): Promise<ActorRef<M, R> | undefined> {
    return this.#remoting.lookup(nodeId, actorName) as Promise<ActorRef<M, R> | undefined>;
  }

  /** Leaves the cluster: the others see `member-left` (not `member-down`). Part of coordinated shutdown. */
  async leave(): Promise<void> {
    if (this.#closed) return;
    await this.#membership.leave();
  }

  /** @internal Frame counters (frames in and out, decode failures, "no responders" answers). */
  get counters(): Remoting['counters'] {
    return this.#remoting.counters;
  }

  /** @internal The end of the system's shutdown: stops membership and remoting, closes the connection. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#remoting.stop(() => new TransportUnavailableError('the system shut down'));
    await this.#membership.close().catch(() => {});
    await this.#nc.drain().catch(() => this.#nc.close());
  }

  #emit(e: MembershipEvent): void {
    for (const key of [e.type, '*'] as const) {
      const set = this.#listeners.get(key);
      if (set === undefined) continue;
      for (const f of set) {
        try {
          f(e);
        } catch {
          // A subscriber's failure is its own; the others still hear of the event.
        }
      }
    }
  }
}

/** A subject-safe default node id: `<hostname>-<pid>`. */
function defaultNodeId(): string {
  const h = hostname().replace(/[^A-Za-z0-9_-]/g, '-').slice(0, 40) || 'node';
  return `${h}-${process.pid}`;
}

/**
 * Connects to NATS, joins the cluster and makes the main thread the node's gateway. Fails with
 * TransportUnavailableError when NATS cannot be reached, InvalidConfigError when the server's max_payload is
 * below what maxMessageBytes needs, NodeIdTakenError when another live node has this id.
 */
export async function startCluster(system: ClusterSystem, c: ResolvedCluster): Promise<Cluster> {
  const { connect } = await import('@nats-io/transport-node');
  const nodeId = c.nodeId ?? defaultNodeId();
  const incarnation = randomBytes(8).toString('hex');
  let nc: NatsConnection;
  try {
    nc = await connect({
      servers: c.nats.servers,
      name: `ringmaster ${c.name}/${nodeId}`,
      inboxPrefix: `_INBOX_${nodeId}`,
      maxReconnectAttempts: -1,
      ...(c.nats.user !== undefined && { user: c.nats.user }),
      ...(c.nats.pass !== undefined && { pass: c.nats.pass }),
      ...(c.nats.token !== undefined && { token: c.nats.token }),
      ...(c.nats.tls !== undefined && { tls: c.nats.tls as never }),
      ...(c.nats.authenticator !== undefined && { authenticator: c.nats.authenticator as never }),
    });
  } catch (err) {
    throw new TransportUnavailableError(`could not connect to ${JSON.stringify(c.nats.servers)}: ${(err as Error).message}`, err);
  }
  try {
    const maxFrameBytes = system.maxMessageBytes + FRAME_OVERHEAD_BYTES;
    const maxPayload = nc.info?.max_payload ?? Number.POSITIVE_INFINITY;
    if (maxFrameBytes > maxPayload) {
      throw new InvalidConfigError([
        {
          path: 'maxMessageBytes',
          message: `a message of maxMessageBytes (${system.maxMessageBytes}) plus the frame's ${FRAME_OVERHEAD_BYTES} bytes exceeds the NATS server's max_payload (${maxPayload}); lower maxMessageBytes or raise max_payload`,
        },
      ]);
    }
    const selfFenceAfterMs = c.selfFenceAfterMs ?? Math.floor(c.failureTimeoutMs / 2);
    let membership: Membership | undefined;
    const members = { incarnationOf: (id: string) => membership?.member(id)?.incarnation };
    // The gateway is installed before joining: from the moment others see this node, its subjects are served.
    let remoting!: Remoting;
    const host = system.install(
      { outgoing: (...a) => remoting.outgoing(...a) },
      { watch: (w, t) => remoting.watch(w, t), unwatch: (w, t) => remoting.unwatch(w, t), terminated: (w, a) => remoting.terminated(w, a) },
    );
    remoting = new Remoting(
      { cluster: c.name, nodeId, incarnation, remoteAskTimeoutMs: c.remoteAskTimeoutMs, lookupTimeoutMs: c.lookupTimeoutMs, maxFrameBytes, reportUnroutedTells: c.reportUnroutedTells },
      nc,
      host,
      members,
      (name) => system.lookup(name),
    );
    await remoting.start();
    void (async () => {
      for await (const st of nc.status()) {
        if (st.type === 'disconnect') remoting.connected = false;
        else if (st.type === 'reconnect') remoting.connected = true;
      }
    })().catch(() => {});
    membership = await Membership.join(nc, {
      cluster: c.name,
      nodeId,
      incarnation,
      roles: c.roles,
      workers: system.workers,
      heartbeatIntervalMs: c.heartbeatIntervalMs,
      failureTimeoutMs: c.failureTimeoutMs,
      selfFenceAfterMs,
    });
    membership.subscribe((e) => {
      if (e.type === 'member-down') remoting.nodeGone(e.member.id, e.member.incarnation, 'it was downed: no heartbeat for failureTimeoutMs');
      else if (e.type === 'member-left') remoting.nodeGone(e.member.id, e.member.incarnation, 'it left the cluster');
      else if (e.type === 'self-downed' && c.onDowned === 'shutdown') system.shutdown();
    });
    return new Cluster(c.name, nc, membership, remoting);
  } catch (err) {
    await nc.close().catch(() => {});
    throw err;
  }
}
