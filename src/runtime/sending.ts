/**
 * tell, send and ask, from the application's code or from an actor: the checks and policies in front of routing
 * (runtime/outbound.ts). A message is encoded exactly once, here; bad input throws before anything is sent.
 *
 * - tell: a full ring, or a mailbox on this thread at its limit (intake.ts), follows the `overflow` policy ('backpressure': false, 'drop': a dead letter and false,
 *   'fail': MailboxFullError). Returns true when the message was accepted.
 * - send: waits in this thread's outbox for room; never refused for room.
 * - ask: like send, plus a pending ask that settles with the reply or a typed error.
 * After shutdown began, messages from outside the actors are refused; actors keep talking while they drain.
 *
 * Contract: one Sending per Runtime, used only by its thread.
 */
import { MAX_TIMER_MS, type OverflowPolicy } from '../config.js';
import type { AskPath } from '../dispatch/pumpable.js';
import { AskAbortedError, InvalidArgumentError, MailboxFullError, SystemStoppedError } from '../errors.js';
import { K_ASK, K_TELL } from '../protocol.js';
import type { ActorRef, AskOptions } from '../ref.js';
import type { Codec } from '../transport/codec.js';
import { STEP, TRACING, mark } from '../transport/trace.js';
import type { PendingAsks } from './asks.js';
import type { Cell } from './cell.js';
import type { Journaling } from './journaling.js';
import type { Outbound, Posted } from './outbound.js';

export interface SendingHost {
  /** After shutdown began: the API refuses messages from outside the actors. */
  isClosed(): boolean;
  /** Whether actor `id` of this thread has a mailbox at its limit (a tell to it meets the overflow policy). */
  localFull(id: number): boolean;
  /** An ask from outside any actor went to another thread, by `to` (see DriverLink.afterAsk). */
  askedAcross(to: AskPath): void;
  kick(): void;
}

export class Sending {
  readonly #thread: number;
  readonly #overflow: OverflowPolicy;
  readonly #askTimeoutMs: number;
  /** Messages to actors of this thread are passed by reference, not encoded (`serializeMessages` off). */
  readonly #byReference: boolean;
  readonly #codec: Codec;
  readonly #out: Outbound;
  readonly #asks: PendingAsks;
  readonly #journal: Journaling;
  readonly #host: SendingHost;

  constructor(
    thread: number,
    config: { overflow: OverflowPolicy; askTimeoutMs: number; serializeMessages: boolean },
    codec: Codec,
    parts: { out: Outbound; asks: PendingAsks; journal: Journaling },
    host: SendingHost,
  ) {
    this.#thread = thread;
    this.#overflow = config.overflow;
    this.#askTimeoutMs = config.askTimeoutMs;
    this.#byReference = !config.serializeMessages;
    this.#codec = codec;
    this.#out = parts.out;
    this.#asks = parts.asks;
    this.#journal = parts.journal;
    this.#host = host;
  }

  tell(from: Cell | undefined, ref: ActorRef, message: unknown): boolean {
    if (message === undefined) throw noMessage('tell', ref);
    const local = ref.thread === this.#thread;
    const byReference = local && this.#byReference;
    if (this.#host.isClosed() && from === undefined) {
      if (!byReference) this.#codec.encode(message); // bad input is still a thrown error, whatever the state
      this.#out.deadLetter('system-shutdown', ref.name, message, null);
      return false;
    }
    const full = local && this.#host.localFull(ref.id);
    if (byReference) {
      if (!full) {
        this.#out.postLocal(K_TELL, ref.id, message, from?.id ?? 0, 0);
        return true;
      }
    } else {
      if (from !== undefined) this.#out.announce(from, ref.thread);
      const payload = this.#codec.encode(message);
      if (!full && this.#out.post(K_TELL, ref.thread, ref.id, ref.name, from, 0, payload, undefined, false) !== 'refused') return true;
    }
    switch (this.#overflow) {
      case 'backpressure':
        return false;
      case 'drop':
        this.#out.deadLetter('mailbox-full', ref.name, message, from?.ref.name ?? null);
        return false;
      case 'fail':
        throw new MailboxFullError(ref.name);
    }
  }

  send(from: Cell | undefined, ref: ActorRef, message: unknown): Promise<void> {
    try {
      if (message === undefined) throw noMessage('send', ref);
      if (this.#host.isClosed() && from === undefined) throw new SystemStoppedError(`send to '${ref.name}'`);
      if (ref.thread === this.#thread && this.#byReference) {
        this.#out.postLocal(K_TELL, ref.id, message, from?.id ?? 0, 0);
        return Promise.resolve();
      }
      if (from !== undefined) this.#out.announce(from, ref.thread);
      const payload = this.#codec.encode(message);
      let done!: () => void;
      const p = new Promise<void>((resolve) => (done = resolve));
      this.#out.post(K_TELL, ref.thread, ref.id, ref.name, from, 0, payload, done, true);
      return p;
    } catch (err) {
      return Promise.reject(err);
    }
  }

  ask(from: Cell | undefined, ref: ActorRef, message: unknown, options: AskOptions | undefined): Promise<unknown> {
    if (TRACING) mark(STEP.asked);
    try {
      if (message === undefined) throw noMessage('ask', ref);
      const timeoutMs = options?.timeoutMs;
      const signal = options?.signal;
      const t = timeoutMs === undefined ? this.#askTimeoutMs : timeoutMs;
      if (typeof t !== 'number' || !Number.isFinite(t) || t <= 0 || t > MAX_TIMER_MS) {
        throw new InvalidArgumentError(
          `ask timeoutMs must be a number of milliseconds > 0 and at most ${MAX_TIMER_MS} (2^31 - 1), got ${String(timeoutMs)}; leave it out for askTimeoutMs`,
        );
      }
      if (signal !== undefined && !(signal instanceof AbortSignal)) {
        throw new InvalidArgumentError(`ask signal must be an AbortSignal, got ${typeof signal}`);
      }
      if (this.#host.isClosed() && from === undefined) throw new SystemStoppedError(`ask to '${ref.name}'`);
      const byReference = ref.thread === this.#thread && this.#byReference;
      if (signal?.aborted) {
        if (!byReference) this.#codec.encode(message); // bad input is still a thrown error
        throw new AskAbortedError(ref.name, signal.reason);
      }
      if (byReference) {
        const { corr, promise } = this.#asks.create(ref.name, t, ref.thread, from);
        if (signal !== undefined) this.#onAbort(signal, corr, ref.name, promise);
        this.#journal.lastCorr = corr;
        this.#out.postLocal(K_ASK, ref.id, message, from?.id ?? 0, corr);
        return promise;
      }
      if (from !== undefined) this.#out.announce(from, ref.thread);
      const payload = this.#codec.encode(message);
      const { corr, promise } = this.#asks.create(ref.name, t, ref.thread, from);
      if (signal !== undefined) this.#onAbort(signal, corr, ref.name, promise);
      this.#journal.lastCorr = corr;
      let posted: Posted;
      try {
        posted = this.#out.post(K_ASK, ref.thread, ref.id, ref.name, from, corr, payload, undefined, true);
      } catch (err) {
        // Refused on the way (a local delivery that cannot decode it): the ask settles now, with that error.
        this.#asks.reject(corr, err as Error);
        return promise;
      }
      if (from === undefined && ref.thread !== this.#thread) {
        this.#host.askedAcross(posted === 'sent' ? 'awake' : posted === 'woke' ? 'woken' : 'other');
      } else {
        this.#host.kick();
      }
      return promise;
    } catch (err) {
      return Promise.reject(err);
    }
  }

  /** An aborted signal rejects the ask; the listener goes once the ask has settled either way. */
  #onAbort(signal: AbortSignal, corr: number, target: string, promise: Promise<unknown>): void {
    const abort = (): void => {
      this.#asks.reject(corr, new AskAbortedError(target, signal.reason));
    };
    signal.addEventListener('abort', abort, { once: true });
    const remove = (): void => signal.removeEventListener('abort', abort);
    promise.then(remove, remove);
  }

  /**
   * `ctx.reply(v)` to a tell from an actor: `v` goes to that actor as a message from `from` (Akka's
   * `Sender.Tell(v)`). It waits for ring room like `send`: a reply is never refused for room.
   */
  replyTo(from: Cell, ref: ActorRef, message: unknown): void {
    if (ref.thread === this.#thread && this.#byReference) {
      this.#out.postLocal(K_TELL, ref.id, message, from.id, 0);
      return;
    }
    this.#out.announce(from, ref.thread);
    const payload = this.#codec.encode(message);
    this.#out.post(K_TELL, ref.thread, ref.id, ref.name, from, 0, payload, undefined, true);
  }

  /**
   * `ctx.forward(ref, msg)`: sends as the sender of the message `from` is handling (none stays none). An ask not
   * yet answered travels on as an ask with its correlation id, so the new target's `ctx.reply` answers the
   * original asker, and `from` no longer does. Waits for ring room like `send`.
   */
  forward(from: Cell, ref: ActorRef, message: unknown, senderName: string | undefined): void {
    const senderId = from.curSenderId;
    const senderThread = from.curSenderThread;
    const asking = from.awaitingReply;
    if (ref.thread === this.#thread && this.#byReference) {
      if (asking) from.curReplied = true;
      this.#out.postLocal(asking ? K_ASK : K_TELL, ref.id, message, senderId, asking ? from.curCorr : 0, senderThread);
      return;
    }
    if (senderId !== 0 && senderName !== undefined) this.#out.announceFor(senderId, senderThread, senderName, ref.thread);
    const payload = this.#codec.encode(message);
    if (asking) from.curReplied = true;
    const kind = asking ? K_ASK : K_TELL;
    this.#out.post(kind, ref.thread, ref.id, ref.name, from, asking ? from.curCorr : 0, payload, undefined, true, senderId, senderThread);
  }
}

/**
 * `tell()` with no message (Akka refuses a null message the same way): an actor's receive would get `undefined`, which
 * no message type describes, and fail far from the slip. `null` and every other value are messages.
 */
function noMessage(op: 'tell' | 'send' | 'ask', ref: ActorRef): InvalidArgumentError {
  return new InvalidArgumentError(`${op} to '${ref.name}' has no message (undefined); pass the message to send, e.g. ${op}({ type: 'ping' })`);
}
