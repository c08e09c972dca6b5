/**
 * tell, send and ask, from the application's code or from an actor: the checks and policies in front of routing
 * (runtime/outbound.ts). A message is encoded exactly once, here; bad input throws before anything is sent.
 *
 * - tell: a full ring, or a mailbox on this thread at its limit (intake.ts), follows the `overflow` policy ('backpressure': false, 'drop': a dead letter and false,
 *   'fail': MailboxFullError). Returns true when the message was accepted.
 * - send: waits in this thread's outbox for room; never refused for room.
 * - ask: like send, plus a pending ask that settles with the reply or a typed error.
 * After shutdown began, messages from outside the actors are refused; actors keep talking while they drain.
 * To an actor with a bounded mailbox (its id says so: ids.ts), every message takes a credit first (credits.ts): a
 * tell without one meets the actor's own overflow policy; send, ask, reply and forward wait for one, in order.
 *
 * Contract: one Sending per Runtime, used only by its thread.
 */
import { MAX_TIMER_MS, type OverflowPolicy } from '../config.js';
import type { AskPath } from '../dispatch/pumpable.js';
import { AskAbortedError, InvalidArgumentError, MailboxFullError, SystemStoppedError } from '../errors.js';
import { K_ASK, K_TELL } from '../protocol.js';
import type { ActorRef, AskOptions } from '../ref.js';
import type { Codec, Encoded } from '../transport/codec.js';
import { STEP, TRACING, mark } from '../transport/trace.js';
import type { PendingAsks } from './asks.js';
import type { Cell } from './cell.js';
import { type CreditWait, type Credits, OV_BACKPRESSURE, OV_DROP_HEAD, OV_DROP_NEW } from './credits.js';
import { BOUNDED_ID_MIN, creditSlotOf } from './ids.js';
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
  readonly #credits: Credits;
  readonly #host: SendingHost;

  constructor(
    thread: number,
    config: { overflow: OverflowPolicy; askTimeoutMs: number; serializeMessages: boolean },
    codec: Codec,
    parts: { out: Outbound; asks: PendingAsks; journal: Journaling; credits: Credits },
    host: SendingHost,
  ) {
    this.#credits = parts.credits;
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
    if (ref.id >= BOUNDED_ID_MIN) return this.#tellBounded(from, ref, message, byReference);
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
    return this.#refused(from, ref, message);
  }

  /** A tell to an actor with a bounded mailbox: a credit first, or the actor's overflow policy. */
  #tellBounded(from: Cell | undefined, ref: ActorRef, message: unknown, byReference: boolean): boolean {
    const credits = this.#credits;
    const slot = creditSlotOf(ref.id);
    const policy = credits.overflow(slot);
    if (!byReference && from !== undefined) this.#out.announce(from, ref.thread);
    const payload = byReference ? undefined : this.#codec.encode(message); // bad input throws before any credit moves
    if (policy === OV_DROP_HEAD) credits.hold(slot);
    else if (!credits.take(slot)) {
      if (policy === OV_BACKPRESSURE) return false;
      if (policy === OV_DROP_NEW) {
        this.#out.deadLetter('mailbox-full', ref.name, message, from?.ref.name ?? null);
        return false;
      }
      throw new MailboxFullError(ref.name, credits.capacity(slot));
    }
    if (byReference) {
      this.#out.postLocal(K_TELL, ref.id, message, from?.id ?? 0, 0);
      return true;
    }
    const posted = this.#out.post(K_TELL, ref.thread, ref.id, ref.name, from, 0, payload!, undefined, false);
    if (posted === 'refused' || posted === 'undeliverable') credits.giveBack(slot);
    if (posted !== 'refused') return true;
    return this.#refused(from, ref, message);
  }

  /** The ring to `ref` was full (or its mailbox on this thread at MAILBOX_LIMIT): the `overflow` policy. */
  #refused(from: Cell | undefined, ref: ActorRef, message: unknown): boolean {
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

  /** `rethrow`: bad input throws rather than rejecting (see Runtime.sendOrThrow). */
  send(from: Cell | undefined, ref: ActorRef, message: unknown, rethrow = false): Promise<void> {
    try {
      if (message === undefined) throw noMessage('send', ref);
      if (this.#host.isClosed() && from === undefined) throw new SystemStoppedError(`send to '${ref.name}'`);
      const byReference = ref.thread === this.#thread && this.#byReference;
      if (!byReference && from !== undefined) this.#out.announce(from, ref.thread);
      const payload = byReference ? undefined : this.#codec.encode(message);
      if (ref.id >= BOUNDED_ID_MIN && !this.#credit(ref)) {
        return new Promise<void>((resolve) => this.#wait(K_TELL, from, ref, message, payload, 0, from?.id ?? 0, this.#thread, resolve));
      }
      if (byReference) {
        this.#out.postLocal(K_TELL, ref.id, message, from?.id ?? 0, 0);
        return Promise.resolve();
      }
      let done!: () => void;
      const p = new Promise<void>((resolve) => (done = resolve));
      this.#posted(ref, this.#out.post(K_TELL, ref.thread, ref.id, ref.name, from, 0, payload!, done, true));
      return p;
    } catch (err) {
      if (rethrow) throw err;
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
        if (ref.id >= BOUNDED_ID_MIN && !this.#credit(ref)) this.#wait(K_ASK, from, ref, message, undefined, corr, from?.id ?? 0, this.#thread, undefined);
        else this.#out.postLocal(K_ASK, ref.id, message, from?.id ?? 0, corr);
        return promise;
      }
      if (from !== undefined) this.#out.announce(from, ref.thread);
      const payload = this.#codec.encode(message);
      const { corr, promise } = this.#asks.create(ref.name, t, ref.thread, from);
      if (signal !== undefined) this.#onAbort(signal, corr, ref.name, promise);
      this.#journal.lastCorr = corr;
      if (ref.id >= BOUNDED_ID_MIN && !this.#credit(ref)) {
        // The ask's timeout runs meanwhile (it covers the wait); the asker's thread waits like any sender.
        this.#wait(K_ASK, from, ref, message, payload, corr, from?.id ?? 0, this.#thread, undefined);
        return promise;
      }
      let posted: Posted;
      try {
        posted = this.#out.post(K_ASK, ref.thread, ref.id, ref.name, from, corr, payload, undefined, true);
      } catch (err) {
        // Refused on the way (a local delivery that cannot decode it): the ask settles now, with that error.
        if (ref.id >= BOUNDED_ID_MIN) this.#credits.giveBack(creditSlotOf(ref.id));
        this.#asks.reject(corr, err as Error);
        return promise;
      }
      if (ref.id >= BOUNDED_ID_MIN) this.#posted(ref, posted);
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
    const byReference = ref.thread === this.#thread && this.#byReference;
    if (!byReference) this.#out.announce(from, ref.thread);
    const payload = byReference ? undefined : this.#codec.encode(message);
    if (ref.id >= BOUNDED_ID_MIN && !this.#credit(ref)) return this.#wait(K_TELL, from, ref, message, payload, 0, from.id, this.#thread, undefined);
    if (byReference) return this.#out.postLocal(K_TELL, ref.id, message, from.id, 0);
    this.#posted(ref, this.#out.post(K_TELL, ref.thread, ref.id, ref.name, from, 0, payload!, undefined, true));
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
    const kind = asking ? K_ASK : K_TELL;
    const corr = asking ? from.curCorr : 0;
    if (ref.thread === this.#thread && this.#byReference) {
      if (asking) from.curReplied = true;
      if (ref.id >= BOUNDED_ID_MIN && !this.#credit(ref)) return this.#wait(kind, from, ref, message, undefined, corr, senderId, senderThread, undefined);
      this.#out.postLocal(kind, ref.id, message, senderId, corr, senderThread);
      return;
    }
    if (senderId !== 0 && senderName !== undefined) this.#out.announceFor(senderId, senderThread, senderName, ref.thread);
    const payload = this.#codec.encode(message);
    if (asking) from.curReplied = true;
    if (ref.id >= BOUNDED_ID_MIN && !this.#credit(ref)) return this.#wait(kind, from, ref, message, payload, corr, senderId, senderThread, undefined);
    this.#posted(ref, this.#out.post(kind, ref.thread, ref.id, ref.name, from, corr, payload, undefined, true, senderId, senderThread));
  }

  /**
   * A message from another node (src/cluster/remoting.ts, main thread only) for local actor `ref`, from the actor
   * whose proxy is `senderId` on this thread (0: no sender), named `senderName`; an ask (`kind` K_ASK) answers
   * this thread's pending ask `corr`. Waits for ring room like `send`, and for a credit when `ref` is bounded.
   */
  inject(kind: number, ref: ActorRef, message: unknown, senderId: number, senderName: string, corr: number): void {
    const th = this.#thread;
    if (ref.thread === th) {
      if (ref.id >= BOUNDED_ID_MIN && !this.#credit(ref)) return this.#wait(kind, undefined, ref, message, undefined, corr, senderId, th, undefined);
      this.#out.postLocal(kind, ref.id, message, senderId, corr, th);
      return;
    }
    if (senderId !== 0) this.#out.announceFor(senderId, th, senderName, ref.thread);
    const payload = this.#codec.encode(message);
    if (ref.id >= BOUNDED_ID_MIN && !this.#credit(ref)) return this.#wait(kind, undefined, ref, message, payload, corr, senderId, th, undefined);
    this.#posted(ref, this.#out.post(kind, ref.thread, ref.id, ref.name, undefined, corr, payload, undefined, true, senderId, th));
    this.#host.kick();
  }

  // ---- bounded mailboxes (credits.ts)

  /** A credit of bounded `ref` for a message that may wait: taken ('drop-head' takes one whatever the count). */
  #credit(ref: ActorRef): boolean {
    const slot = creditSlotOf(ref.id);
    if (this.#credits.overflow(slot) !== OV_DROP_HEAD) return this.#credits.take(slot);
    this.#credits.hold(slot);
    return true;
  }

  /** A record to bounded `ref` was not written after all (its thread died): its credit goes back. */
  #posted(ref: ActorRef, posted: Posted): void {
    if (posted === 'undeliverable' && ref.id >= BOUNDED_ID_MIN) this.#credits.giveBack(creditSlotOf(ref.id));
  }

  /**
   * Queues a message for bounded `ref` until a credit is free (then it goes as it would have: `payload`, copied
   * now, or the message itself by reference; `done` once it is written), as sent by `senderId` of `senderThread`. An ask
   * (`kind` K_ASK, `corr`) keeps its pending entry meanwhile, so its timeout covers the wait.
   */
  #wait(
    kind: number,
    from: Cell | undefined,
    ref: ActorRef,
    message: unknown,
    payload: Encoded | undefined,
    corr: number,
    senderId: number,
    senderThread: number,
    done: (() => void) | undefined,
  ): void {
    const bytes = payload === undefined ? undefined : this.#codec.copyOf(payload);
    const sid = senderId;
    const st = senderThread;
    const out = this.#out;
    const w: CreditWait = {
      thread: ref.thread,
      go: () => {
        if (bytes === undefined) {
          out.postLocal(kind, ref.id, message, sid, corr, st);
          done?.();
          return;
        }
        let posted: Posted;
        try {
          posted = out.post(kind, ref.thread, ref.id, ref.name, from, corr, { bytes, start: 0, end: bytes.length }, done, true, sid, st);
        } catch (err) {
          // Refused on the way (a local delivery that cannot decode it): the ask settles with that error.
          this.#credits.giveBack(creditSlotOf(ref.id));
          if (kind === K_ASK && corr !== 0) {
            if (st === this.#thread) this.#asks.reject(corr, err as Error);
            else out.reply(st, corr, err, true);
          }
          done?.();
          return;
        }
        this.#posted(ref, posted);
        this.#host.kick();
      },
      abandon: () => {
        out.deadLetter('system-shutdown', ref.name, message, from?.ref.name ?? null);
        if (kind === K_ASK && corr !== 0) {
          const err = new SystemStoppedError(`ask to '${ref.name}'`);
          if (st === this.#thread) this.#asks.reject(corr, err);
          else out.reply(st, corr, err, true);
        }
        done?.();
      },
    };
    this.#credits.wait(creditSlotOf(ref.id), w);
  }
}

/**
 * `tell()` with no message (Akka refuses a null message the same way): an actor's receive would get `undefined`, which
 * no message type describes, and fail far from the slip. `null` and every other value are messages.
 */
function noMessage(op: 'tell' | 'send' | 'ask', ref: ActorRef): InvalidArgumentError {
  return new InvalidArgumentError(`${op} to '${ref.name}' has no message (undefined); pass the message to send, e.g. ${op}({ type: 'ping' })`);
}
