/**
 * How an ActorRef travels inside a message: a msgpack extension (transport/codec.ts) whose payload is versioned,
 * so that a later version can name a node as well as a thread without breaking what is in flight or journaled.
 *
 *   version 1: [1, id, thread, name]
 *
 * A ref decoded on a thread is bound to the runtime of the codec that decoded it (the receiving thread's). The
 * payload is checked before use: records can come from a journal written by a dead worker, and later from the
 * network, so a malformed one is a decode error, never a ref with wrong fields.
 */
import { ActorRef, type RefRuntime } from '../ref.js';
import { installRefExtension } from '../transport/codec.js';

export const REF_FORMAT_VERSION = 1;

export function installActorRefCodec(): void {
  installRefExtension<ActorRef>({
    Class: ActorRef as never,
    write: (ref) => [REF_FORMAT_VERSION, ref.id, ref.thread, ref.name],
    read: (data, owner) => {
      if (!Array.isArray(data) || data[0] !== REF_FORMAT_VERSION) {
        throw new TypeError(`an actor ref in a message has format ${JSON.stringify(Array.isArray(data) ? data[0] : data)}; this version reads format ${REF_FORMAT_VERSION}`);
      }
      const [, id, thread, name] = data as [number, unknown, unknown, unknown];
      if (!Number.isSafeInteger(id) || (id as number) <= 0 || !Number.isInteger(thread) || (thread as number) < 0 || typeof name !== 'string') {
        throw new TypeError('an actor ref in a message is malformed (id, thread or name of the wrong type)');
      }
      return new ActorRef(id as number, thread as number, name, owner as RefRuntime | undefined);
    },
  });
}
