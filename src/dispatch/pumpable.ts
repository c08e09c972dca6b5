/**
 * What a driver (driver.ts) needs from the runtime of its thread, and what the runtime needs from its driver. The
 * runtime implements Pumpable; the driver attaches itself with `attach`, so the arrow points down: dispatch/ knows
 * nothing of runtime/.
 */

export interface Pumpable {
  /** One round of work (drain incoming records, run ready actors, flush outboxes); true if there was any. */
  pump(): boolean;
  /** Whether any record waits in this thread's incoming rings. */
  hasIncoming(): boolean;
  /** Work that can be done without anything arriving: ready actors, records waiting for ring room. */
  hasLocalWork(): boolean;
  /** Handlers whose promise has not settled: their continuations need the event loop. */
  readonly asyncInFlight: number;
  /** Asks of this thread still waiting for their reply. */
  readonly pendingAsks: number;
  /** This thread's control block (doorbell, parked flag, heartbeat); undefined inline (no shared memory). */
  readonly control: Int32Array | undefined;
  /** Every thread's control block, by thread index (the spin gate reads their parked flags); empty inline. */
  readonly controls: readonly Int32Array[];
  /** This thread's metrics page (transport/metrics-layout.ts), where the driver counts parks and wake-ups. */
  readonly metricsPage: Float64Array;
  /** The driver registers itself: the runtime tells it when work appears out of band. */
  attach(driver: DriverLink): void;
}

export interface DriverLink {
  /** New work may exist: make sure a pump is coming. */
  kick(): void;
  /**
   * Main thread only: an ask from outside any actor has just gone to another thread. `to` says how: written to a
   * thread that was awake, written and its parked thread woken, or neither (it waits in an outbox, or failed at
   * once). The driver may wait for the reply synchronously (reply-wait.ts), or park at once.
   */
  afterAsk?(to: AskPath): void;
}

/** How an ask reached its thread: see `DriverLink.afterAsk`. */
export type AskPath = 'awake' | 'woken' | 'other';
