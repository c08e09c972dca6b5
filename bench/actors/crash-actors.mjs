// The crash-recovery scenario's actor for compiled workers: plain JS importing the compiled engine (dist/), so a
// replacement worker boots the way it does in production. Same behaviour as crash-actors.ts, under its own name: definition
// names are global to a thread, whichever copy of the engine defines them (DefinitionTakenError otherwise).
import { defineActor } from '../../dist/src/index.js';

export const Crashy = defineActor('bench.CrashyCompiled', {
  init: () => ({ n: 0 }),
  receive(state, msg, ctx) {
    if (msg.type === 'crash') process.exit(1);
    ctx.reply(++state.n);
  },
});
