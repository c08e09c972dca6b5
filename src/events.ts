/**
 * The system's event stream, on the main thread: dead letters, actor failures, lifecycle. Events raised on a
 * worker travel to the main thread as system messages and are published here in arrival order.
 */
import { InvalidArgumentError } from './errors.js';
import type { DeadLetterReason } from './protocol.js';
import type { Directive } from './supervision/strategy.js';

export type SystemEvent =
  | {
      type: 'dead-letter';
      reason: DeadLetterReason;
      /** The name of the actor the message was for. */
      target: string;
      message: unknown;
      /** The sending actor's name, when an actor sent it. */
      sender: string | null;
      /** For `worker-crashed`: why the worker died (the same cause as its `worker-exited` event). */
      error?: Error;
      /**
       * The message was being handled when its worker died (exited, ran out of memory, was terminated by the
       * watchdog, or was still stuck when shutdownTimeoutMs ended), so its handler may have run in part: what it sent
       * before the death may have gone out. Absent for messages that were only queued.
       */
      interrupted?: true;
    }
  /** An actor failed; `directive` is what its supervisor (its parent, or the guardian) actually applied. */
  | { type: 'actor-failed'; actor: string; definition: string; error: Error; directive: Directive }
  /** An actor was restarted after `error` (its postRestart has run; it takes its next message). */
  | { type: 'actor-restarted'; actor: string; definition: string; thread: number; error: Error }
  | { type: 'actor-started'; actor: string; thread: number }
  | { type: 'actor-stopped'; actor: string; thread: number }
  /**
   * A worker died; `restarting` says whether a replacement will boot (after the backoff). `restarts`: how many times
   * this worker was replaced within `workerRestart.withinMs` before this death.
   */
  | { type: 'worker-exited'; worker: number; code: number; error: Error; restarting: boolean; restarts: number }
  /**
   * A replacement worker booted and recovered its predecessor's actors. `downMs`: from the death to the recovery.
   * `messages`: queued messages delivered again; `redelivered`/`lost`: messages being handled at the crash, handled
   * again (redeliverOnCrash) or reported as dead letters; `unjournaled`: messages the dead worker held only in memory
   * (its journal was full, or they waited for room in a full ring), lost without a dead letter of their own.
   * `error`: why its predecessor died.
   */
  | {
      type: 'worker-restarted';
      worker: number;
      error: Error;
      restarts: number;
      downMs: number;
      actors: number;
      messages: number;
      redelivered: number;
      lost: number;
      unjournaled: number;
    }
  /**
   * A task of a coordinated-shutdown phase threw, rejected, or had not finished when the phase's timeout passed
   * (`timedOut`); the shutdown went on (src/shutdown/coordinated-shutdown.ts).
   */
  | { type: 'shutdown-phase-failed'; phase: string; task: string; error: Error; timedOut: boolean }
  /** Restarts exceeded `workerRestart`'s limit: the worker stays dead, its actors are gone. */
  | { type: 'worker-abandoned'; worker: number; restarts: number; error: Error };

export type SystemEventType = SystemEvent['type'];
/**
 * Every event type, at run time: `subscribe` refuses a type not in it (a typo would otherwise never fire). A Record
 * over SystemEventType, so a new event type that is missing here fails to compile.
 */
const EVENT_TYPES: ReadonlySet<string> = new Set(
  Object.keys({
    'actor-failed': true,
    'actor-restarted': true,
    'actor-started': true,
    'actor-stopped': true,
    'dead-letter': true,
    'shutdown-phase-failed': true,
    'worker-abandoned': true,
    'worker-exited': true,
    'worker-restarted': true,
  } satisfies Record<SystemEventType, true>),
);

export type EventOf<T extends SystemEventType> = Extract<SystemEvent, { type: T }>;

export class EventStream {
  #listeners = new Set<(e: SystemEvent) => void>();
  readonly #onSubscriberError: ((err: unknown, e: SystemEvent) => void) | undefined;

  /**
   * `onSubscriberError`: where a subscriber's throw goes (ActorSystem passes its logger's); without it,
   * console.error, the one place the engine writes to the console.
   */
  constructor(onSubscriberError?: (err: unknown, e: SystemEvent) => void) {
    this.#onSubscriberError = onSubscriberError;
  }

  /** Calls `listener` for every event (or only those of `type`); returns the function that unsubscribes. */
  subscribe(listener: (e: SystemEvent) => void): () => void;
  subscribe<T extends SystemEventType>(type: T, listener: (e: EventOf<T>) => void): () => void;
  subscribe(a: unknown, b?: unknown): () => void {
    let fn: (e: SystemEvent) => void;
    if (typeof a === 'function') fn = a as (e: SystemEvent) => void;
    else {
      if (typeof a !== 'string' || !EVENT_TYPES.has(a)) {
        throw new InvalidArgumentError(
          `events.subscribe: ${JSON.stringify(a) ?? String(a)} is not an event type; use one of ${[...EVENT_TYPES].join(', ')}, ` +
            'or pass only a listener for every event',
        );
      }
      if (typeof b !== 'function') {
        throw new InvalidArgumentError(`events.subscribe('${a}', listener): the listener must be a function, got ${b === null ? 'null' : typeof b}`);
      }
      const type = a as SystemEventType;
      const inner = b as (e: SystemEvent) => void;
      fn = (e) => {
        if (e.type === type) inner(e);
      };
    }
    this.#listeners.add(fn);
    return () => this.#listeners.delete(fn);
  }

  publish(e: SystemEvent): void {
    for (const l of this.#listeners) {
      try {
        l(e);
      } catch (err) {
        // A throwing subscriber must not break delivery to the others, nor the engine's loop.
        if (this.#onSubscriberError !== undefined) this.#onSubscriberError(err, e);
        else console.error('ringmaster: an event subscriber threw', err);
      }
    }
  }
}
