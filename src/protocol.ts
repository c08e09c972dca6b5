/**
 * What travels in ring records: the record kinds (an Int32 in the header) and the system messages (the payload of
 * a K_SYSTEM record). User messages and system messages are separate: a user message is whatever the user sent,
 * a system message is this discriminated union.
 */
import type { SerializedError } from './errors.js';
import type { ActorRef } from './ref.js';
import type { LogLevel } from './logging/logger.js';
import type { Directive } from './supervision/strategy.js';

export const K_TELL = 1;
export const K_ASK = 2;
export const K_REPLY = 3;
export const K_REPLY_ERROR = 4;
export const K_SYSTEM = 5;

/** Thread value for "no sender" in a record (the sender id is then 0). */
export const NO_THREAD = -1;

export type DeadLetterReason =
  | 'actor-stopped' // the target is stopped, stopping, or was never spawned
  | 'mailbox-full' // overflow 'drop' and the ring was full; or a bounded mailbox at capacity ('drop-new': the new one, 'drop-head': the oldest)
  | 'system-shutdown' // sent after shutdown began, or still queued when it finished
  | 'ask-timed-out' // a reply that arrived after its ask had timed out
  | 'no-asker' // ctx.reply to a message that was a tell with no sender
  | 'stash-discarded' // dropped from a stash by ctx.clearStash() or the filter of ctx.unstashAll(filter)
  | 'worker-crashed' // lost with a worker that died
  | 'undecodable' // its bytes encoded but could not be decoded by the receiver (a Map with object keys)
  | 'superseded' // a reply to a scatter-gather or tail-chopping ask that another routee had already answered
  | 'no-routees' // sent through a router whose routees have all stopped
  | 'node-down' // for an actor on another node that is down (downed, or nobody serves its subject)
  | 'stale-incarnation' // for an actor of an earlier incarnation of a node that restarted
  | 'decode-failed' // a frame from another node that could not be decoded (malformed, hostile, or a forged sender)
  | 'not-delivered-remote'; // a message this node could not publish to another node (NATS connection closed)

export type SystemMessage =
  | {
      type: 'spawn';
      definition: string;
      name: string;
      /**
       * Left out when undefined, as `parent` when there is none: a worker keeps each hosted actor's spawn record in
       * its journal for as long as the actor lives, so its bytes count per actor (the two keys were 16 of ~57).
       */
      args?: unknown;
      parent?: ActorRef | null;
      /** A smallest-mailbox pool routee: its slot in the routee table (layout.ts), which its host counts down. */
      depthSlot?: number;
      /** Reply with K_REPLY (ok) or K_REPLY_ERROR to the sender's corr when it is not 0. */
    }
  | { type: 'stop' }
  /** Before an actor's first message to a thread: its name, so the receiver can name the sender. */
  | { type: 'name'; id: number; name: string }
  /** From the main thread to the others: `thread` died; fail what waits on it. */
  | { type: 'thread-dead'; thread: number; error: SerializedError }
  | { type: 'poison' }
  | { type: 'child-terminated'; child: ActorRef }
  /** `recovered`: re-created by a replacement worker after a crash, not a new actor. */
  | { type: 'registered'; ref: ActorRef; definition: string; parent: ActorRef | null; recovered: boolean }
  /** From the main thread to the others: `thread` was replaced; announce names to it again. */
  | { type: 'thread-restarted'; thread: number }
  /** From the main thread to a replacement worker: children of its recovered actors that live on other threads. */
  | { type: 'adopt'; parent: ActorRef; children: ActorRef[] }
  /** From a replacement worker: what it recovered, and how many messages its predecessor held in memory only. */
  | { type: 'recovered'; actors: number; messages: number; redelivered: number; lost: number; unjournaled: number }
  | { type: 'unregistered'; ref: ActorRef }
  | {
      type: 'dead-letter';
      reason: DeadLetterReason;
      target: string;
      message: unknown;
      sender: string | null;
      error?: SerializedError;
      /** The message was being handled when its worker died (see SystemEvent 'dead-letter'). */
      interrupted?: true;
    }
  | { type: 'actor-failed'; actor: string; definition: string; error: SerializedError; directive: Directive }
  // ---- actor supervision (src/runtime/supervisor.ts) and death watch (src/runtime/watch.ts) ----
  /** From a failed child (suspended) to its parent, on the parent's thread. */
  | { type: 'child-failed'; child: ActorRef; definition: string; error: SerializedError }
  /** From a parent to a child: the directive to apply; `delayMs` is the backoff before a restart. */
  | { type: 'supervise'; directive: 'resume' | 'restart' | 'stop'; error: SerializedError; delayMs: number }
  /** To the watched actor: add or remove `watcher`. */
  | { type: 'watch'; watcher: ActorRef; target: ActorRef }
  | { type: 'unwatch'; watcher: ActorRef }
  /** To a watcher: `actor` has stopped. */
  | { type: 'terminated'; actor: ActorRef }
  /** A report for the main thread's event stream. */
  | { type: 'actor-restarted'; actor: string; definition: string; thread: number; error: SerializedError }
  /**
   * A record of `ctx.log` (src/runtime/actor-log.ts) for the main thread's logger. It travels as every report does,
   * so the records of one actor arrive in the order it wrote them. `bindings`: the actor's and its children's.
   */
  | { type: 'log'; level: LogLevel; bindings: Record<string, unknown>; fields: object | undefined; msg: string; args: unknown[] };
