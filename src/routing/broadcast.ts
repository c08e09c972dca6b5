/**
 * `broadcast(msg)`: the envelope that makes any router deliver `msg` to every routee, whatever its routing logic
 * (Akka's `Broadcast`). It takes precedence over the logic: a consistent-hashing router does not hash it, so each
 * routee gets it exactly once (akkadotnet/akka.net#8049). The envelope never reaches an actor: routees get `msg`.
 */

export const BROADCAST = 'ringmaster/broadcast';

export interface Broadcast<M> {
  readonly type: typeof BROADCAST;
  readonly message: M;
}

export function broadcast<M>(message: M): Broadcast<M> {
  return { type: BROADCAST, message };
}

export function isBroadcast(value: unknown): value is Broadcast<unknown> {
  return value !== null && typeof value === 'object' && (value as { type?: unknown }).type === BROADCAST && 'message' in value;
}
