/**
 * The transport seam: how a runtime hands a record to "the thread that hosts this actor", and takes the records
 * addressed to its own thread. The runtime (runtime/outbound.ts, runtime/inbound.ts) sees only this interface;
 * the SharedArrayBuffer mesh (mesh-transport.ts) is its first implementation, and a transport to other nodes
 * (remoting over NATS) is meant to be a second one, without any change to routing.
 *
 * Contract: a Transport is used only by the thread it was made for. `offer` never blocks and never throws for a
 * full destination: it answers 'full' and the caller decides (outbox, refusal). Records from one source arrive
 * in the order that source offered them (FIFO per ordered pair), which ordering guarantees rely on.
 */

/** The fixed fields of a record; the payload travels beside it as bytes. */
export interface RecordHeader {
  /** K_TELL, K_ASK, K_REPLY, K_REPLY_ERROR or K_SYSTEM (protocol.ts). */
  kind: number;
  /** The target actor's id as two Int32 halves (0, 0 for replies and thread-level system messages). */
  targetHi: number;
  targetLo: number;
  /** The sending actor's id (0, 0: no sender). */
  senderHi: number;
  senderLo: number;
  /** The thread that wrote the record. */
  senderThread: number;
  /** The ask's correlation id (0: none). */
  corr: number;
}

/** A record as a receiver sees it: its header, and where its payload lies in `bytes`. */
export interface ReceivedRecord extends RecordHeader {
  payloadStart: number;
  payloadLength: number;
}

/** What became of an offered record: written (and whether its receiver had to be woken), or refused for room. */
export type Offered = 'sent' | 'woke' | 'full';

/** Where a transport hands the records it takes; `position` is the source's position just past the record. */
export interface RecordSink {
  onRecord(record: ReceivedRecord, bytes: Buffer, from: number, position: number): void;
}

export interface Transport {
  /** How many threads (and later nodes) records can be addressed to, by index. */
  readonly threads: number;
  /** Whether records can be offered to `thread` at all (false for this thread itself and for unknown indexes). */
  reaches(thread: number): boolean;
  /**
   * Writes one record with payload `bytes[start, end)` for `thread`, waking it if it sleeps. The header is read
   * synchronously and may be reused by the caller at once.
   */
  offer(thread: number, header: RecordHeader, bytes: Uint8Array, start: number, end: number): Offered;
  /** Whether any record waits for this thread. */
  hasData(): boolean;
  /**
   * Hands up to `max` waiting records per source to `sink`, each source in order, then frees their space.
   * Returns whether any record was taken. The record view and its bytes are valid only inside `onRecord`.
   */
  drain(sink: RecordSink, max: number): boolean;
}
