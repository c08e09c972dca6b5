/**
 * Actors for the toolkit-overhead scenario (re-exported by bench-actors.ts, which every worker loads): the same
 * counter as bench.Counter, once with a receive timeout set (what each message then costs: one timestamp when its
 * handler settles) and once switching behavior with ctx.become on every message.
 */
import { defineActor, type ActorContext } from '../../src/index.js';
import type { CounterMsg } from './bench-actors.js';

function count(state: { n: number }, msg: CounterMsg, ctx: ActorContext<CounterMsg, number>): void {
  if (msg.type === 'inc') state.n += msg.by;
  else {
    ctx.reply(state.n);
    if (msg.type === 'take') state.n = 0;
  }
}

/** bench.Counter with a receive timeout that never fires during a run (60 s). */
export const BenchTimeoutCounter = defineActor('bench.TimeoutCounter', {
  init: () => ({ n: 0 }),
  preStart(_state, ctx: ActorContext<CounterMsg, number>) {
    ctx.setReceiveTimeout(60_000);
  },
  receive: count,
});

/** bench.Counter that alternates between two behaviors with ctx.become on every 'inc'. */
export const BenchBecomeCounter = defineActor('bench.BecomeCounter', {
  init: () => ({ n: 0 }),
  receive(state, msg: CounterMsg, ctx: ActorContext<CounterMsg, number>) {
    count(state, msg, ctx);
    if (msg.type === 'inc') ctx.become('other');
  },
  behaviors: {
    other(state, msg, ctx) {
      count(state, msg, ctx);
      if (msg.type === 'inc') ctx.become('receive');
    },
  },
});
