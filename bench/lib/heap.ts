/**
 * A thread's own heap, after a full garbage collection: what the actor-memory scenario reads on the main thread
 * and, through `bench.MemoryProbe`, inside a worker.
 *
 * Forcing a GC needs `--expose-gc`, and a worker refuses it in `execArgv` (Node 20: ERR_WORKER_INVALID_EXEC_ARGV,
 * V8 flags are not per-worker options) while `tsx bench/run.ts` gives no way to pass it to the main process. So
 * each thread turns the flag on at run time (`v8.setFlagsFromString`) and takes `gc` from a fresh context, where
 * V8 installs it once the flag is set; the thread's existing global is left as it was. The flag is process-wide,
 * which only matters to code that looks for `globalThis.gc` in contexts created later: nothing in the engine does.
 */
import v8 from 'node:v8';
import vm from 'node:vm';

let gc: (() => void) | undefined;

function collect(): void {
  if (gc === undefined) {
    v8.setFlagsFromString('--expose-gc');
    gc = vm.runInNewContext('gc') as () => void;
  }
  // Twice: the first collection can leave objects that only its weak callbacks freed.
  gc();
  gc();
}

export interface HeapFigures {
  /** V8's used heap of this thread's isolate (objects, strings, code), bytes. */
  readonly heapUsed: number;
  /** Memory outside the V8 heap that this isolate's objects hold: ArrayBuffer backing stores (typed arrays). */
  readonly external: number;
}

/** This thread's heap after a full collection. */
export function measureHeap(): HeapFigures {
  collect();
  const h = v8.getHeapStatistics();
  return { heapUsed: h.used_heap_size, external: h.external_memory };
}
