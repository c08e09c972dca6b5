// door.ts: become and stash. Loaded by every worker; imported on the main thread for its types.
import { defineActor, type ActorContext } from 'ringmaster';

export type DoorMsg = { type: 'unlock' } | { type: 'lock' } | { type: 'open' } | { type: 'close' } | { type: 'state' };

export const Door = defineActor('Door', {
  init: () => ({ opened: 0 }),
  stashCapacity: 100, // default 1000; one more stash fails the actor with StashOverflowError
  // The initial behavior ('receive'): locked. What comes meanwhile waits in the stash.
  receive(_state, msg: DoorMsg, ctx: ActorContext<DoorMsg, string>) {
    if (msg.type === 'unlock') {
      ctx.become('closed');
      ctx.unstashAll(); // the stashed messages, in order, before anything queued after them
    } else if (msg.type === 'state') ctx.reply(`locked, ${ctx.stashSize} waiting`);
    else ctx.stash();
  },
  behaviors: {
    closed(state, msg, ctx) {
      if (msg.type === 'open') {
        state.opened++;
        ctx.becomeStacked('open');
      } else if (msg.type === 'lock') ctx.become('receive');
      else if (msg.type === 'state') ctx.reply(`closed, opened ${state.opened} time(s)`);
    },
    open(_state, msg, ctx) {
      if (msg.type === 'close') ctx.unbecome(); // back to 'closed'
      else if (msg.type === 'state') ctx.reply(`open (${ctx.behavior})`);
    },
  },
});
