import { defineActor, type ActorContext } from 'ringmaster';

export type GreeterMsg = { type: 'greet'; who: string };

/** Answers a greeting with the node and the worker it runs on. */
export const Greeter = defineActor('example.Greeter', {
  init: (args: { node: string }) => ({ node: args.node }),
  receive(state, msg: GreeterMsg, ctx: ActorContext<GreeterMsg, string>) {
    ctx.reply(`hello ${msg.who}, from ${state.node} (worker ${ctx.thread})`);
  },
});
