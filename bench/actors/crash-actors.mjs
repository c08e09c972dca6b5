// The crash-recovery scenario's actor for compiled workers: plain JS importing the compiled engine (dist/), so a
// replacement worker boots the way it does in production. Same behaviour as crash-actors.ts.
import { defineActor } from '../../dist/src/index.js';

export const Crashy = defineActor('bench.Crashy', {
  init: () => ({ n: 0 }),
  receive(state, msg, ctx) {
    if (msg.type === 'crash') process.exit(1);
    ctx.reply(++state.n);
  },
});
