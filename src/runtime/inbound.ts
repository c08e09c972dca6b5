/**
 * Where a message enters from a ring: the records the transport hands this thread are decoded, journaled (on a
 * worker, before anything acts on them, with the ring position after them so a replacement resumes there), and
 * dispatched: user messages to their mailboxes, replies to their asks, system messages to their handler.
 *
 * Contract: one Inbound per Runtime, used only by its thread. Records from one source are taken in order, and
 * the journal is written in that order.
 */
import { ENTRY_ASK, ENTRY_TELL } from '../dispatch/mailbox.js';
import { MessageEncodeError, deserializeError, toError, type SerializedError } from '../errors.js';
import { K_ASK, K_REPLY, K_REPLY_ERROR, K_SYSTEM, K_TELL, type SystemMessage } from '../protocol.js';
import type { Codec } from '../transport/codec.js';
import type { ReceivedRecord, RecordSink, Transport } from '../transport/transport.js';
import type { PendingAsks } from './asks.js';
import type { Delivery } from './delivery.js';
import { idFrom } from './ids.js';
import { NO_SLOT, isJournaled, type Journaling } from './journaling.js';
import type { Outbound } from './outbound.js';
import type { SystemMessages } from './system-messages.js';
import { STEP, TRACING, mark } from '../transport/trace.js';

/** Records taken from one source per pump before the others get their turn. */
const DRAIN_BATCH = 1024;

export class Inbound implements RecordSink {
  readonly #transport: Transport;
  readonly #codec: Codec;
  readonly #journal: Journaling;
  readonly #asks: PendingAsks;
  readonly #delivery: Delivery;
  readonly #system: SystemMessages;
  readonly #out: Outbound;
  /** Whether a user message for this actor must stay in its ring for now (intake.ts). */
  readonly #hold: (targetId: number) => boolean;

  constructor(
    _thread: number,
    transport: Transport,
    codec: Codec,
    parts: { journal: Journaling; asks: PendingAsks; delivery: Delivery; system: SystemMessages; out: Outbound },
    hold: (targetId: number) => boolean,
  ) {
    this.#hold = hold;
    this.#transport = transport;
    this.#codec = codec;
    this.#journal = parts.journal;
    this.#asks = parts.asks;
    this.#delivery = parts.delivery;
    this.#system = parts.system;
    this.#out = parts.out;
  }

  /** Takes what waits in the incoming rings (up to a batch per ring). True if anything came. */
  drain(): boolean {
    return this.#transport.drain(this, DRAIN_BATCH);
  }

  #undecodable(r: ReceivedRecord, err: unknown): void {
    const error = toError(err);
    const note = `(${r.payloadLength} bytes that could not be decoded: ${error.message})`;
    switch (r.kind) {
      case K_TELL:
      case K_ASK:
        this.#delivery.undecodable(idFrom(r.targetHi, r.targetLo), r.kind === K_ASK, note, idFrom(r.senderHi, r.senderLo), r.senderThread, r.corr, error);
        return;
      case K_REPLY:
      case K_REPLY_ERROR:
        this.#asks.reject(r.corr, error);
        return;
      default:
        this.#out.deadLetter('undecodable', '(system)', note, null, error);
    }
  }

  /**
   * One record from thread `from`'s ring; `position` is the ring position just past it. False when it is left in
   * the ring: a user message for a busy actor whose mailbox is at its limit (backpressure, intake.ts).
   */
  onRecord(r: ReceivedRecord, bytes: Buffer, from: number, position: number): boolean {
    const kind = r.kind;
    if ((kind === K_TELL || kind === K_ASK) && this.#hold(idFrom(r.targetHi, r.targetLo))) return false;
    if (TRACING) mark(STEP.taken);
    let value: unknown;
    try {
      value = this.#codec.decodeShared(bytes, r.payloadStart, r.payloadLength);
    } catch (err) {
      // Bytes that encoded but do not decode (a Map with object keys): reported, and an ask settles at once.
      this.#journal.consumed(from, position);
      this.#undecodable(r, err);
      return true;
    }
    if (kind === K_SYSTEM && (typeof value !== 'object' || value === null || typeof (value as { type?: unknown }).type !== 'string')) {
      // Only the engine writes system records: one that decodes to no system message is corrupt, and is reported
      // as undecodable rather than handed to the handlers (which would throw on it, taking this thread down).
      this.#journal.consumed(from, position);
      this.#undecodable(r, new MessageEncodeError('it decoded to something that is not a system message'));
      return true;
    }
    let slot = NO_SLOT;
    // Messages for actors, and the system messages that change which actors exist, are journaled before they are
    // acted on, and the ring position after them is recorded: a replacement worker resumes from there.
    if (kind === K_TELL || kind === K_ASK || (kind === K_SYSTEM && isJournaled(value as SystemMessage))) {
      slot = this.#journal.append(r, from, position, bytes, r.payloadStart, r.payloadStart + r.payloadLength);
    }
    this.#journal.consumed(from, position);
    switch (kind) {
      case K_TELL:
      case K_ASK:
        this.#delivery.deliver(
          idFrom(r.targetHi, r.targetLo),
          kind === K_ASK ? ENTRY_ASK : ENTRY_TELL,
          value,
          idFrom(r.senderHi, r.senderLo),
          r.senderThread,
          r.corr,
          slot,
        );
        return true;
      case K_REPLY:
        if (!this.#asks.resolve(r.corr, value)) this.#out.deadLetter('ask-timed-out', '(reply)', value, null);
        return true;
      case K_REPLY_ERROR: {
        // The ask fails either way; an error description that cannot be rebuilt fails it as undecodable.
        let error: Error;
        try {
          error = deserializeError(value as SerializedError);
        } catch (err) {
          error = new MessageEncodeError(`it is an error reply that could not be rebuilt (${toError(err).message})`, err);
        }
        this.#asks.reject(r.corr, error);
        return true;
      }
      case K_SYSTEM:
        this.#system.handle(value as SystemMessage, r.senderThread, idFrom(r.targetHi, r.targetLo), r.corr, slot);
        return true;
    }
    return true;
  }
}
