/**
 * The actor-memory scenario's probe (re-exported by bench-actors.ts, which every worker loads): asked anything, it
 * answers with its worker's heap after a full garbage collection (bench/lib/heap.ts), measured inside the worker,
 * so the main thread's own allocations do not count.
 */
import { defineActor, type ActorContext } from '../../src/index.js';
import { measureHeap, type HeapFigures } from '../lib/heap.js';

export type MemoryProbeMsg = { type: 'heap' };

export const BenchMemoryProbe = defineActor('bench.MemoryProbe', {
  receive(_state, _msg: MemoryProbeMsg, ctx: ActorContext<MemoryProbeMsg, HeapFigures>) {
    ctx.reply(measureHeap());
  },
});
