/**
 * What the `streams` scenario runs on the workers: the defined stages of its graphs and, for the comparison, the
 * same elements sent with `ctx.tell` one by one. Every thread loads this module (with bench-actors.ts).
 */
import { defineActor, type ActorContext, type ActorRef } from '../../src/index.js';
import { defineStage } from '../../src/streams/index.js';
import { cpuWork } from '../lib/cpu-work.mjs';

/** An element of about `bytes` bytes once encoded: a number for 16, a string otherwise. */
export function element(n: number, bytes: number): number | string {
  return bytes <= 16 ? n : `${n}`.padEnd(bytes - 8, '.');
}

/** Source.unfold's step: `[n + 1, element n]`, `count` of them. */
export const nextElement = defineStage('bench.nextElement', (n: number, a: { count: number; bytes: number }) =>
  n < a.count ? ([n + 1, element(n, a.bytes)] as const) : undefined,
);

/** Half of the CPU-bound request (`cpuWork` with `rounds` rounds): two of them in a row make one request's work. */
export const hashStage = defineStage('bench.hashStage', (seed: number, rounds: number) => cpuWork(rounds, seed));

export type ElementMsg = { type: 'el'; x: unknown } | { type: 'take' };

/** Counts what it gets; `take` answers the count and resets it. */
export const ElementCounter = defineActor('bench.ElementCounter', {
  init: () => ({ n: 0 }),
  receive(state, msg: ElementMsg, ctx: ActorContext<ElementMsg, number>) {
    if (msg.type === 'el') state.n++;
    else {
      ctx.reply(state.n);
      state.n = 0;
    }
  },
});

/** Tells `target` `count` elements of `bytes` one by one (waiting with `send` when the ring is full), then takes its count. */
export const ElementProducer = defineActor('bench.ElementProducer', {
  async receive(_s: undefined, msg: { target: ActorRef<ElementMsg, number>; count: number; bytes: number }, ctx: ActorContext<never, number>) {
    const { target, count, bytes } = msg;
    for (let i = 0; i < count; i++) {
      const m: ElementMsg = { type: 'el', x: element(i, bytes) };
      if (!ctx.tell(target, m)) await ctx.send(target, m);
    }
    ctx.reply(await ctx.ask<ElementMsg, number>(target, { type: 'take' }));
  },
});
