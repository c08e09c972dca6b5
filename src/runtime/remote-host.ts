/**
 * The seam between a node's main-thread runtime and its remoting (src/cluster/remoting.ts): what the runtime hands
 * out (messages and watches for proxy ids, ids.ts REMOTE_ORIGIN) and what remoting may do in return. Only the main
 * thread of a node in a cluster has one; without `cluster` nothing here is used.
 */
import type { DeadLetterReason, SystemMessage } from '../protocol.js';
import type { ActorRef } from '../ref.js';

export type { RemoteGateway } from './delivery.js';

/** Watches of, and by, proxies: death watch across nodes. */
export interface RemoteWatch {
  /** Local actor `watcher` watches proxy `target`. */
  watch(watcher: ActorRef, target: ActorRef): void;
  unwatch(watcher: ActorRef, targetId: number): void;
  /** Local actor `actor` stopped, and proxy `watcherId` (an actor of another node) watched it. */
  terminated(watcherId: number, actor: ActorRef): void;
}

export interface RemoteHost {
  /** A message from another node for local `ref` (see Sending.inject). */
  inject(kind: number, ref: ActorRef, message: unknown, senderId: number, senderName: string, corr: number): void;
  /** A pending ask of this thread (an ask from another node to a local actor), settled by the actor's reply. */
  pendingAsk(target: string, timeoutMs: number, thread: number): { corr: number; promise: Promise<unknown> };
  /** Answers the pending ask `corr` of `thread` with a value or an error. */
  settle(thread: number, corr: number, value: unknown, isError: boolean): void;
  deadLetter(reason: DeadLetterReason, target: string, message: unknown, sender: string | null, error?: unknown): void;
  rememberName(id: number, name: string): void;
  nameOf(id: number, thread: number): string;
  /** A ref bound to this runtime (the local actor's own when it lives on this thread). */
  ref(id: number, thread: number, name: string): ActorRef;
  sendSystem(thread: number, target: ActorRef | undefined, m: SystemMessage): void;
  kick(): void;
}
