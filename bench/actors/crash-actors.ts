/**
 * The crash-recovery scenario's actor, for workers started from source (tsx). `crash-actors.mjs` is the same
 * actor for compiled workers (`dist/`), in plain JS so that no TypeScript loader is involved.
 */
import { defineActor, type ActorContext } from '../../src/index.js';

export type CrashyMsg = { type: 'get' } | { type: 'crash' };
export const Crashy = defineActor('bench.Crashy', {
  init: () => ({ n: 0 }),
  receive(state, msg: CrashyMsg, ctx: ActorContext<CrashyMsg, number>) {
    if (msg.type === 'crash') process.exit(1);
    ctx.reply(++state.n);
  },
});
