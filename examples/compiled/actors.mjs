// actors.mjs: a plain JavaScript actor module, as an application ships it after its own build. Workers load it
// without any TypeScript loader; with `ringmaster` imported from its compiled `dist/`, they run compiled code only.
import { defineActor } from 'ringmaster';

export const Tally = defineActor('Tally', {
  init: () => ({ total: 0 }),
  receive(state, msg, ctx) {
    if (msg.type === 'add') state.total += msg.n;
    else ctx.reply({ total: state.total, thread: ctx.thread });
  },
});
