// actors.ts: loaded by every worker; imported on the main thread for its types.
import { defineActor, type ActorContext } from 'ringmaster';

export type CounterMsg = { type: 'inc'; by: number } | { type: 'get' };

export const Counter = defineActor('Counter', {
  init: (args: { start: number }) => ({ n: args.start }),
  receive(state, msg: CounterMsg, ctx: ActorContext<CounterMsg, number>) {
    if (msg.type === 'inc') state.n += msg.by;
    else ctx.reply(state.n);
  },
});
