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

import type { RecordHeader } from './record.js';
import type { RecordView } from './ring.js';

export type { RecordHeader } from './record.js';
/** A record as a receiver sees it: its header, and where its payload lies in the bytes handed with it. */
export type ReceivedRecord = RecordView;

/** What became of an offered record: written (and whether its receiver had to be woken), or refused for room. */
export type Offered = 'sent' | 'woke' | 'full';

/**
 * Where a transport hands the records it takes; `position` is the source's position just past the record. A sink
 * that answers `false` did not take the record: it stays at the head of its source, which is not drained further
 * in this call (the receiver cannot take it yet, and the sender meets a full ring: backpressure).
 */
export interface RecordSink {
  onRecord(record: ReceivedRecord, bytes: Buffer, from: number, position: number): boolean;
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
