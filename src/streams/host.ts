/**
 * What ringmaster/streams needs of an ActorSystem to place islands, lent under a symbol (so the core does not import
 * the streams module, and the streams module reaches no private field).
 */
import type { Placement } from '../actor.js';
import type { ActorRef } from '../ref.js';

export const STREAMS_HOST = Symbol.for('ringmaster.streams-host');

export interface StreamsHost {
  /** The stream boundary table (transport/layout.ts), the main thread's view. */
  readonly boundaries: Float64Array;
  /** No workers: graphs run fused, inline. */
  readonly inline: boolean;
  spawn(def: unknown, options: { name?: string; placement?: Placement; args: unknown }): Promise<ActorRef>;
  stop(ref: ActorRef): Promise<void>;
}
