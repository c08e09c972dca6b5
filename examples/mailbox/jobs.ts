// jobs.ts: a print queue whose urgent jobs overtake the others. Loaded by every worker; imported for its types.
import { setTimeout as sleep } from 'node:timers/promises';
import { defineActor, type ActorContext } from 'ringmaster';

export type JobMsg = { type: 'print'; doc: string; urgent?: boolean } | { type: 'warm-up'; ms: number } | { type: 'printed' };

export const Printer = defineActor('Printer', {
  init: () => ({ printed: [] as string[] }),
  // Lower first; among equals, first in first out. The function runs on the printer's thread as each message arrives.
  mailbox: { kind: 'priority', priority: (msg: JobMsg) => (msg.type === 'print' && msg.urgent ? 0 : 1) },
  async receive(state, msg: JobMsg, ctx: ActorContext<JobMsg, string[]>) {
    if (msg.type === 'warm-up') await sleep(msg.ms); // busy: what is sent meanwhile queues, in priority order
    else if (msg.type === 'print') state.printed.push(msg.doc);
    else ctx.reply(state.printed);
  },
});
