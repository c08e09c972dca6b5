/**
 * The trace ring: timestamps of the steps of a message's trip, from every thread, in one SharedArrayBuffer, for
 * finding where a round trip's time goes (bench/trace.ts prints the breakdown). Off by default, and free when off:
 * `TRACING` is a module-level constant read once at load, so every `if (TRACING) mark(...)` folds away.
 *
 * Enable it with the environment variable RINGMASTER_TRACE=1 (workers inherit the environment). The main thread
 * allocates the ring with the mesh (mesh.ts) and every thread attaches it; when the ring is full, marks stop (the
 * first TRACE_ENTRIES are kept). Timestamps are `process.hrtime` (CLOCK_MONOTONIC, the same clock on every thread
 * of the process; `performance.now()` has a per-thread origin), in microseconds.
 *
 * ```
 *  Float64 index: 0 (as Int32: [0] next entry)  1 ...                         1 + 2 × TRACE_ENTRIES
 *                 +-----------------------------+------------+---------------+
 *                 | write index (Atomics.add)   | time (µs)  | code          | ...
 *                 +-----------------------------+------------+---------------+
 * ```
 * `code` = thread × 256 + step.
 *
 * Contract: any thread may mark; readers read after the traced work (bench/trace.ts).
 */

/** Whether tracing is on in this process (RINGMASTER_TRACE=1). */
export const TRACING: boolean = typeof process !== 'undefined' && process.env.RINGMASTER_TRACE === '1';

/** Entries a trace ring holds. */
export const TRACE_ENTRIES = 1 << 18;

/** The steps of a trip, in the order they happen for an ask from the main thread to a worker and back. */
export const STEP = {
  /** An ask or tell left `post`, written to the transport (or queued). */
  posted: 1,
  /** A parked thread's wait settled (a notify or its timeout): the loop runs again. */
  woken: 2,
  /** A driver's loop began a round after it had been parked or idle (setImmediate, kick, wake). */
  loop: 3,
  /** A record was taken from the transport. */
  taken: 4,
  /** A handler began (receive). */
  receive: 5,
  /** A reply was written. */
  replied: 6,
  /** An ask settled on the asking thread. */
  settled: 7,
  /** A thread decided to park. */
  parked: 8,
  /** A record was written to a ring, before its receiver is woken. */
  written: 9,
  /** An ask began (the caller's `ask()`), before it is encoded. */
  asked: 10,
} as const;
export type Step = (typeof STEP)[keyof typeof STEP];

export function allocateTrace(): SharedArrayBuffer | undefined {
  return TRACING ? new SharedArrayBuffer(8 * (1 + 2 * TRACE_ENTRIES)) : undefined;
}

let f64: Float64Array | undefined;
let i32: Int32Array | undefined;
let self = 0;

/** This thread marks into `sab` as thread `thread` (a no-op without a ring). */
export function attachTrace(sab: SharedArrayBuffer | undefined, thread: number): void {
  if (sab === undefined) return;
  f64 = new Float64Array(sab);
  i32 = new Int32Array(sab);
  self = thread;
}

/** Records that this thread reached `step` now. Call only under `if (TRACING)`. */
export function mark(step: Step): void {
  if (i32 === undefined) return;
  const i = Atomics.add(i32, 0, 1);
  if (i >= TRACE_ENTRIES) return;
  const t = process.hrtime();
  f64![1 + 2 * i] = t[0] * 1e6 + t[1] / 1e3;
  f64![2 + 2 * i] = self * 256 + step;
}

export interface TraceEntry {
  t: number;
  thread: number;
  step: Step;
}

/** Everything marked so far, in time order; `reset` empties the ring. */
export function readTrace(sab: SharedArrayBuffer, reset = false): TraceEntry[] {
  const a = new Float64Array(sab);
  const n = Math.min(Atomics.load(new Int32Array(sab), 0), TRACE_ENTRIES);
  const out: TraceEntry[] = [];
  for (let i = 0; i < n; i++) {
    const code = a[2 + 2 * i]!;
    out.push({ t: a[1 + 2 * i]!, thread: Math.floor(code / 256), step: (code % 256) as Step });
  }
  if (reset) Atomics.store(new Int32Array(sab), 0, 0);
  return out.sort((x, y) => x.t - y.t);
}
