/**
 * The actors ringmaster's benchmark scenarios use. Every thread loads this module (it is the system's
 * `actors` option, see `bench/scenarios/system.ts`), so the definitions exist on the main thread and in
 * every worker; the scenarios import it for the definitions and their message types.
 *
 * The messages mirror the postMessage baseline's: `{type:'get'}` answered with a number, and
 * `{type:'inc', by:1}` counted, so the ratios compare the same work.
 */
import { defineActor, type ActorContext, type ActorRef } from '../../src/index.js';
import type { LatencySummary } from '../lib/histogram.js';
import { cpuWork } from '../lib/cpu-work.mjs';
import { sampleLatencyAsync } from '../lib/measure.js';

export type CounterMsg = { type: 'inc'; by: number } | { type: 'get' } | { type: 'take' };

export const GET = { type: 'get' } as const satisfies CounterMsg;
export const INC = { type: 'inc', by: 1 } as const satisfies CounterMsg;
export const TAKE = { type: 'take' } as const satisfies CounterMsg;

/**
 * Counts `inc`; answers `get` with the count, and `take` with the count before resetting it to 0 (so a
 * throughput round learns how many of its messages arrived).
 */
export const BenchCounter = defineActor('bench.Counter', {
  init: () => ({ n: 0 }),
  receive(state, msg: CounterMsg, ctx: ActorContext<CounterMsg, number>) {
    switch (msg.type) {
      case 'inc':
        state.n += msg.by;
        return;
      case 'get':
        ctx.reply(state.n);
        return;
      case 'take':
        ctx.reply(state.n);
        state.n = 0;
        return;
    }
  },
});

export type PingerMsg = {
  type: 'ping-pong';
  /** The actor to ask `{type:'get'}`, on another worker. */
  target: ActorRef<CounterMsg, number>;
  warmupMs: number;
  measureMs: number;
};

/**
 * Actor-to-actor round trips: on `ping-pong`, asks `target` `{type:'get'}` back to back, one at a time,
 * with the same time-driven warm-up-then-measure loop and HDR histogram as the main-thread scenarios
 * (`bench/lib/measure.ts`, run here inside the worker), and replies with the latency summary in µs. The
 * handler is async, so the actor takes no other message until the loop is done.
 */
export const BenchPinger = defineActor('bench.Pinger', {
  async receive(_state, msg: PingerMsg, ctx: ActorContext<PingerMsg, LatencySummary>) {
    const budget = { warmupMs: msg.warmupMs, measureMs: msg.measureMs };
    const summary = await sampleLatencyAsync(budget, () => ctx.ask(msg.target, GET));
    ctx.reply(summary);
  },
});

export type ProducerMsg = {
  type: 'blast';
  target: ActorRef<CounterMsg, number>;
  count: number;
};

/**
 * Actor-to-actor one-way throughput: on `blast`, tells `target` `{type:'inc', by:1}` `count` times
 * (when the ring is full, `tell` returns false and it waits for room with `send`), then asks `target`
 * `{type:'take'}` and replies with what the target counted, so the round ends once everything arrived.
 */
export const BenchProducer = defineActor('bench.Producer', {
  async receive(_state, msg: ProducerMsg, ctx: ActorContext<ProducerMsg, number>) {
    const { target, count } = msg;
    for (let i = 0; i < count; i++) {
      if (!ctx.tell(target, INC)) await ctx.send(target, INC);
    }
    ctx.reply(await ctx.ask<CounterMsg, number>(target, TAKE));
  },
});

export type HasherMsg = { type: 'hash'; rounds: number; seed: number };

/**
 * The CPU-bound service's worker: hashes (`cpuWork` from `bench/lib/cpu-work.mjs`, the same function the
 * piscina baseline's task runs) and replies with 32 bits of the digest.
 */
export const BenchHasher = defineActor('bench.Hasher', {
  receive(_state, msg: HasherMsg, ctx: ActorContext<HasherMsg, number>) {
    ctx.reply(cpuWork(msg.rounds, msg.seed));
  },
});

// The toolkit-overhead scenario's counters (receive timeout, become), in a module of their own.
export { BenchTimeoutCounter, BenchBecomeCounter } from './toolkit-actors.js';
// The actor-memory scenario's probe: a worker's heap after a forced GC.
export { BenchMemoryProbe, type MemoryProbeMsg } from './memory-probe.js';
