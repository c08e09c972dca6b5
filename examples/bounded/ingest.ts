// ingest.ts: a writer that takes at most 100 rows at a time. Loaded by every worker; imported for its types.
import { setTimeout as sleep } from 'node:timers/promises';
import { defineActor, type ActorContext } from 'ringmaster';

export type IngestMsg = { type: 'row'; n: number } | { type: 'count' };

export const Writer = defineActor('Writer', {
  init: () => ({ rows: 0 }),
  // At most 100 rows queued, counted by every sender on every thread (rows still on their way included).
  mailbox: { kind: 'bounded', capacity: 100, overflow: 'backpressure' },
  async receive(state, msg: IngestMsg, ctx: ActorContext<IngestMsg, number>) {
    if (msg.type === 'row') {
      if (msg.n % 100 === 0) await sleep(5); // a slow disk, now and then
      state.rows++;
    } else {
      ctx.reply(state.rows);
    }
  },
});
