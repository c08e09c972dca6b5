// The quiescence check of manual time (src/runtime/virtual-time.ts) against hand-set shared memory: a fake system
// whose host callbacks, which the check calls between its reads, play a worker that moves meanwhile.
import { describe, expect, it } from 'vitest';
import { NotQuiescentError } from '../../src/errors.js';
import { VirtualTime, type VirtualTimeHost } from '../../src/runtime/virtual-time.js';
import { RING_HEAD, RING_TAIL, VT_ACTIVITY, allocateTimeBlock, vtLine } from '../../src/transport/layout.js';
import { allocateMesh } from '../../src/transport/mesh.js';

const WORKERS = 2;
const THREADS = WORKERS + 1;

function fakeSystem(hooks: { afterStatusOf?: (t: number) => void; afterRings?: () => void } = {}) {
  const mesh = allocateMesh(THREADS, 4096);
  const block = allocateTimeBlock(THREADS);
  const ring = (from: number, to: number): Int32Array => new Int32Array(mesh.rings[from * THREADS + to]!);
  const host: VirtualTimeHost = {
    workers: WORKERS,
    rings: mesh.rings,
    controls: mesh.controls.map((c) => new Int32Array(c)),
    isUp: (t) => {
      hooks.afterStatusOf?.(t);
      return true;
    },
    mainWorkLeft: () => {
      hooks.afterRings?.();
      return 0;
    },
    mainPending: () => false,
    mainAwaitingOutside: () => [],
    workerAwaitingOutside: async () => [],
    kickMain: () => {},
  };
  return { vt: new VirtualTime(block, host), block: new Int32Array(block), ring };
}

describe('manual time: quiescence from shared memory', () => {
  it('is quiescent at once when every thread is idle and every ring is empty', async () => {
    const { vt } = fakeSystem();
    await vt.settle(50);
  });

  it('is not quiescent while a record waits in a ring', async () => {
    const { vt, ring } = fakeSystem();
    Atomics.store(ring(0, 1), RING_TAIL, 8);
    const err = await vt.settle(20).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NotQuiescentError);
    expect((err as NotQuiescentError).busy).toContainEqual(expect.objectContaining({ what: 'records wait in the ring from main thread to worker 1' }));
  });

  it('is not fooled by a record a worker took after its status was read and passed on after the rings were read', async () => {
    let moved = false;
    const sys = fakeSystem({
      // Worker 1, whose status already read idle, takes the record from ring 0 -> 1 (its pump counter moves) ...
      afterStatusOf: (t) => {
        if (t !== WORKERS || moved) return;
        moved = true;
        Atomics.store(sys.ring(0, 1), RING_HEAD, 8);
        Atomics.add(sys.block, vtLine(1) + VT_ACTIVITY, 1);
      },
      // ... and, once the rings were read (all empty), writes what it made of it into ring 1 -> 2, then idles again.
      afterRings: () => {
        if (moved) Atomics.store(sys.ring(1, 2), RING_TAIL, 8);
      },
    });
    Atomics.store(sys.ring(0, 1), RING_TAIL, 8);
    // Every single read saw idle threads and empty rings; only the pump counters, read twice, tell.
    const err = await sys.vt.settle(20).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NotQuiescentError);
    expect((err as NotQuiescentError).busy).toContainEqual(expect.objectContaining({ what: 'records wait in the ring from worker 1 to worker 2' }));
  });
});
