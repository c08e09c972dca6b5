// hasher.ts: the CPU work, as an actor. Loaded by every worker; imported on the main thread for its types.
import { createHash } from 'node:crypto';
import { defineActor, type ActorContext } from 'ringmaster';

export type HashMsg = { type: 'hash'; data: string; rounds: number };
export type HashReply = { hash: string; thread: number };

/** SHA-256 of `data`, then of its own hex digest, `rounds` times: synchronous CPU work that would block a loop. */
export function iteratedSha256(data: string, rounds: number): string {
  let hash = data;
  for (let i = 0; i < rounds; i++) hash = createHash('sha256').update(hash).digest('hex');
  return hash;
}

export const Hasher = defineActor('http-service.Hasher', {
  preStart(_state, ctx: ActorContext<HashMsg, HashReply>) {
    // ctx.log: written on a worker, it reaches the system's logger (pino, in server.ts) on the main thread.
    ctx.log.info('hasher ready');
  },
  receive(_state, msg: HashMsg, ctx: ActorContext<HashMsg, HashReply>) {
    ctx.reply({ hash: iteratedSha256(msg.data, msg.rounds), thread: ctx.thread });
  },
});
