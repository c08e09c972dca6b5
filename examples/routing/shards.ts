// shards.ts: the routees. Loaded by every worker; imported on the main thread for its types.
import { defineActor, type ActorContext } from 'ringmaster';

export type ShardMsg = { type: 'add'; user: string; n: number } | { type: 'total'; user: string } | { type: 'where' };

/** Keeps a running total per user. */
export const Shard = defineActor('Shard', {
  init: () => ({ totals: {} as Record<string, number> }),
  // A router hashes on whichever thread sends, so its key function is named: Pool.consistentHashing(n, Shard, { key: 'byUser' }).
  routing: { byUser: (msg: ShardMsg) => (msg.type === 'where' ? '' : msg.user) },
  receive(state, msg: ShardMsg, ctx: ActorContext<ShardMsg, number | string>) {
    if (msg.type === 'add') state.totals[msg.user] = (state.totals[msg.user] ?? 0) + msg.n;
    else if (msg.type === 'total') ctx.reply(state.totals[msg.user] ?? 0);
    else ctx.reply(`${ctx.self.name} on worker ${ctx.thread}`);
  },
});
