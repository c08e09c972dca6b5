/**
 * The N×N mesh of rings: one ring for every ordered pair of threads (thread 0 is the main thread, 1..N the
 * workers), plus one control block per thread. The main thread allocates it all; every thread attaches a Mesh
 * view for itself, holding the writers of its outgoing rings and the readers of its incoming ones.
 */
import { allocateBoundaryTable, allocateControl, allocateCreditTable, allocateDepthTable, allocateRing } from './layout.js';
import { allocateMetricsPage } from './metrics-layout.js';
import { RingReader, RingWriter } from './ring.js';
import { allocateTrace, attachTrace } from './trace.js';

/** Plain data, passed to workers through `workerData` (SharedArrayBuffers are shared, not copied). */
export interface MeshMemory {
  threads: number;
  /** Index `from * threads + to`; null on the diagonal (a thread never rings itself). */
  rings: (SharedArrayBuffer | null)[];
  controls: SharedArrayBuffer[];
  /** The routee table (layout.ts): smallest-mailbox routers read it on any thread. */
  depth: SharedArrayBuffer;
  /** The credit table (layout.ts): bounded mailboxes' credits, taken and given back on any thread. */
  credits: SharedArrayBuffer;
  /** The stream boundary table (layout.ts): elements across each async boundary of a running stream. */
  boundaries: SharedArrayBuffer;
  /** One metrics page per thread, by thread index (metrics-layout.ts): the main thread reads them all. */
  metrics: SharedArrayBuffer[];
  /** The trace ring (trace.ts), only when RINGMASTER_TRACE=1. */
  trace?: SharedArrayBuffer;
  /** The virtual-time block (layout.ts), only under manual time: its presence is what makes time manual. */
  time?: SharedArrayBuffer;
}

/** `metricsRows`: rows of each thread's metrics page (`metrics.maxDefinitions`). */
export function allocateMesh(threads: number, ringBytes: number, metricsRows = 256): MeshMemory {
  const rings: (SharedArrayBuffer | null)[] = [];
  for (let from = 0; from < threads; from++) {
    for (let to = 0; to < threads; to++) rings.push(from === to ? null : allocateRing(ringBytes));
  }
  const controls = Array.from({ length: threads }, () => allocateControl());
  const depth = allocateDepthTable();
  const credits = allocateCreditTable();
  const boundaries = allocateBoundaryTable();
  const metrics = Array.from({ length: threads }, () => allocateMetricsPage(metricsRows));
  const trace = allocateTrace();
  return trace === undefined ? { threads, rings, controls, depth, credits, boundaries, metrics } : { threads, rings, controls, depth, credits, boundaries, metrics, trace };
}

export class Mesh {
  readonly self: number;
  readonly threads: number;
  /** Outgoing writers by destination thread (undefined for self). */
  readonly writers: (RingWriter | undefined)[] = [];
  /** Incoming readers, densely packed, and the thread each reads from. */
  readonly readers: RingReader[] = [];
  readonly readerFrom: number[] = [];
  /** Control blocks of every thread, by thread index. */
  readonly controls: Int32Array[];
  /** The virtual-time block, under manual time. */
  readonly time: SharedArrayBuffer | undefined;
  /** The routee table (layout.ts). */
  readonly depth: Int32Array;
  /** The credit table (layout.ts). */
  readonly credits: Int32Array;
  /** The stream boundary table (layout.ts). */
  readonly boundaries: Float64Array;
  /** This thread's metrics page. */
  readonly metricsPage: SharedArrayBuffer;

  constructor(memory: MeshMemory, self: number) {
    this.self = self;
    this.threads = memory.threads;
    this.controls = memory.controls.map((c) => new Int32Array(c));
    this.time = memory.time;
    this.depth = new Int32Array(memory.depth);
    this.credits = new Int32Array(memory.credits);
    this.boundaries = new Float64Array(memory.boundaries);
    this.metricsPage = memory.metrics[self]!;
    attachTrace(memory.trace, self);
    for (let t = 0; t < memory.threads; t++) {
      const out = memory.rings[self * memory.threads + t];
      this.writers.push(out ? new RingWriter(out) : undefined);
      const inn = memory.rings[t * memory.threads + self];
      if (inn) {
        this.readers.push(new RingReader(inn));
        this.readerFrom.push(t);
      }
    }
  }

  /** True when any incoming ring holds a record. */
  hasData(): boolean {
    const rs = this.readers;
    for (let i = 0; i < rs.length; i++) if (rs[i]!.hasData()) return true;
    return false;
  }
}
