/**
 * ringmaster memory per idle actor, and the time to spawn them: 100,000 `bench.Counter` actors (state `{ n: 0 }`,
 * never sent a message) spawned from the main thread with `system.spawn(..., { placement: { worker: 1 } })`, at
 * most SPAWN_WINDOW spawns awaiting their acknowledgement at a time, all on worker 1.
 *
 * What one idle actor costs is read where it lives, before and after the 100,000 spawns:
 * - worker 1's heap, inside the worker: `bench.MemoryProbe` (bench/actors/memory-probe.ts) answers an ask with its
 *   isolate's used heap plus the memory outside it that its objects hold (typed arrays' backing stores), after a
 *   forced full GC. A worker refuses `--expose-gc` in `execArgv`, so the probe turns the flag on at run time
 *   (bench/lib/heap.ts says how and why);
 * - worker 1's shared memory: the journal bytes its live records take (`system.stats()` `journal.liveBytes`): each
 *   hosted actor keeps its spawn record there, so that a replacement worker can re-create it after a crash. The
 *   rings and the journal themselves are allocated at start, whatever the actor count, and are not per actor;
 * - the main thread's heap (same forced GC), reported beside it: the system's registry of top-level names.
 * "Bytes per idle actor", the figure the target holds, is worker heap + journal, divided by 100,000. The process's
 * RSS growth is in the notes, for comparison with the first figure (it also counts the main thread and
 * memory V8 keeps for its heaps' growth).
 *
 * The journal holds at most `ringBytes` of live records, so 100,000 spawn records (~100 bytes each) need
 * `ringBytes` >= 16 MiB: the scenario raises ringBytes to that when the CLI's setting (default 1 MiB, which fits
 * ~9,000 actors per worker) is smaller, and says so in its config.
 */
import type { ActorRef } from '../../src/index.js';
import { BenchCounter, BenchMemoryProbe, type CounterMsg, type MemoryProbeMsg } from '../actors/bench-actors.js';
import { engineConfig } from '../lib/engine.js';
import { measureHeap, type HeapFigures } from '../lib/heap.js';
import type { Scenario, ScenarioOptions, ScenarioResult } from '../lib/scenario.js';
import { withSystem } from './system.js';

/** The actors measured. */
const ACTORS = 100_000;
/** Spawned first and kept: the code paths of a spawn are compiled before the clock starts. */
const WARMUP_ACTORS = 2_000;
/** Spawns awaiting their acknowledgement at once (a front end spawning in bulk would have many in flight too). */
const SPAWN_WINDOW = 1_000;
/** The least ringBytes whose journal holds ACTORS + WARMUP_ACTORS spawn records (live limit = ringBytes). */
const MIN_RING_BYTES = 16 * 1024 * 1024;

/** Spawns `count` idle counters on worker 1, at most SPAWN_WINDOW at a time; resolves with their refs. */
async function spawnIdle(
  spawn: () => Promise<ActorRef<CounterMsg, number>>,
  count: number,
): Promise<ActorRef<CounterMsg, number>[]> {
  const refs: ActorRef<CounterMsg, number>[] = [];
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < count) {
      next++;
      refs.push(await spawn());
    }
  };
  await Promise.all(Array.from({ length: Math.min(SPAWN_WINDOW, count) }, lane));
  return refs;
}

const perActor = (after: number, before: number): number => (after - before) / ACTORS;
const heapBytes = (h: HeapFigures): number => h.heapUsed + h.external;

export const actorMemory: Scenario = {
  name: 'actor-memory',
  description: `${ACTORS.toLocaleString('en')} idle actors on one worker: bytes per actor (worker heap + journal) and the time to spawn them`,
  targets: [
    { label: 'bytes per idle actor (worker heap + journal) <= 400', compare: 'actor-bytes', limit: 400 },
    { label: `${ACTORS.toLocaleString('en')} spawns in under 2 s`, compare: 'spawn-time', limit: 2000 },
  ],

  run(options: ScenarioOptions): Promise<ScenarioResult> {
    const ringBytes = Math.max(options.engine.ringBytes ?? 0, MIN_RING_BYTES);
    options.progress(`starting the actor system (ringBytes ${ringBytes})`);
    return withSystem({ ...options.engine, ringBytes }, async (system) => {
      const placement = { worker: 1 } as const;
      const probe: ActorRef<MemoryProbeMsg, HeapFigures> = await system.spawn(BenchMemoryProbe, { name: 'memory-probe', placement });
      const spawn = (): Promise<ActorRef<CounterMsg, number>> => system.spawn(BenchCounter, { placement });
      const journal = async (): Promise<number> => (await system.stats()).find((s) => s.thread === 1)!.journal.liveBytes;
      options.progress(`warming up: ${WARMUP_ACTORS} spawns`);
      await spawnIdle(spawn, WARMUP_ACTORS);

      const heapBefore = await probe.ask({ type: 'heap' }, { timeoutMs: 60_000 });
      const journalBefore = await journal();
      const mainBefore = measureHeap();
      const rssBefore = process.memoryUsage().rss;

      options.progress(`spawning ${ACTORS} idle actors on worker 1, ${SPAWN_WINDOW} at a time`);
      const started = performance.now();
      const refs = await spawnIdle(spawn, ACTORS);
      const spawnMs = performance.now() - started;

      const heapAfter = await probe.ask({ type: 'heap' }, { timeoutMs: 60_000 });
      const journalAfter = await journal();
      const mainAfter = measureHeap();
      const rssAfter = process.memoryUsage().rss;
      const actors = (await system.stats()).find((s) => s.thread === 1)!.actors;
      if (refs.length !== ACTORS || actors < ACTORS + WARMUP_ACTORS) {
        throw new Error(`spawned ${refs.length} refs, worker 1 hosts ${actors} actors; expected ${ACTORS} + ${WARMUP_ACTORS} + the probe`);
      }

      const workerHeap = perActor(heapBytes(heapAfter), heapBytes(heapBefore));
      const journalBytes = perActor(journalAfter, journalBefore);
      const config = { ...engineConfig(system.config), actors: ACTORS, spawnWindow: SPAWN_WINDOW };
      // The settings go with the first figure only: they are the same for all five.
      const value = (what: string, compare: string, v: number, unit: string, withConfig = false) =>
        ({ kind: 'value', what, compare, value: v, unit, better: 'lower', ...(withConfig && { config }) }) as const;
      return {
        measurements: [
          value('bytes per idle actor: worker heap + journal', 'actor-bytes', workerHeap + journalBytes, 'bytes', true),
          value('  of which worker heap (used + external)', 'actor-heap-bytes', workerHeap, 'bytes'),
          value('  of which journal (spawn record)', 'actor-journal-bytes', journalBytes, 'bytes'),
          value('main thread heap per actor (registry)', 'actor-main-bytes', perActor(heapBytes(mainAfter), heapBytes(mainBefore)), 'bytes'),
          value(`${ACTORS.toLocaleString('en')} spawns from the main thread`, 'spawn-time', spawnMs, 'ms'),
        ],
        notes: [
          `spawn rate ${Math.round(ACTORS / (spawnMs / 1000)).toLocaleString('en')}/s (${SPAWN_WINDOW} awaiting at a time)`,
          `worker 1 heap ${(heapBytes(heapBefore) / 2 ** 20).toFixed(1)} -> ${(heapBytes(heapAfter) / 2 ** 20).toFixed(1)} MiB ` +
            `(used ${perActor(heapAfter.heapUsed, heapBefore.heapUsed).toFixed(0)} + external ${perActor(heapAfter.external, heapBefore.external).toFixed(0)} bytes per actor); ` +
            `journal live ${(journalBefore / 2 ** 20).toFixed(1)} -> ${(journalAfter / 2 ** 20).toFixed(1)} MiB`,
          `process RSS +${((rssAfter - rssBefore) / 2 ** 20).toFixed(0)} MiB (${perActor(rssAfter, rssBefore).toFixed(0)} bytes per actor, every thread and V8's reserve)`,
          ...(ringBytes !== options.engine.ringBytes
            ? [`ringBytes raised to ${ringBytes}: the journal (live limit = ringBytes) must hold ${ACTORS + WARMUP_ACTORS} spawn records`]
            : []),
        ],
      };
    });
  },
};
