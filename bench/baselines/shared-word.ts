/**
 * Baseline, the floor: one Int32 in a SharedArrayBuffer bounced between the main thread and a worker,
 * both spinning. No serialization, no wake-up, no event loop: what a round trip costs when only the
 * cache line moves. Both threads spin for the whole measurement, so on a 2-core machine nothing else
 * runs meanwhile; the main thread's event loop is blocked on purpose.
 *
 * Word 0 protocol: the main thread stores an odd sequence number (ping), the worker answers by storing
 * it + 1 (pong); STOP (-1) makes the worker leave its loop and exit.
 */
import { sampleLatencySync } from '../lib/measure.js';
import type { Scenario, ScenarioOptions, ScenarioResult } from '../lib/scenario.js';
import { WorkerGroup } from '../lib/workers.js';
import { baselineWorker } from './worker-file.js';

const STOP = -1;
/** Keeps sequence numbers positive and odd: masking an odd number with this keeps bit 0. */
const SEQUENCE_MASK = 0x3fff_ffff;
/** A pong this late means the worker is gone; checked every 2^20 spins to keep the clock off the hot loop. */
const STALL_NS = 2_000_000_000n;

export const sharedWordBaseline: Scenario = {
  name: 'shared-word',
  description: 'floor: one Int32 in a SharedArrayBuffer bounced main <-> worker, both spinning',

  async run(options: ScenarioOptions): Promise<ScenarioResult> {
    const group = new WorkerGroup();
    // One 64-byte cache line, so nothing else shares the word's line.
    const word = new Int32Array(new SharedArrayBuffer(64));
    try {
      const worker = group.spawn(baselineWorker('shared-word.mjs'), { workerData: { buffer: word.buffer } });
      await group.nextMessage(worker); // 'ready': the worker is about to spin

      let sequence = 1;
      const roundTrip = (): void => {
        const pong = sequence + 1;
        Atomics.store(word, 0, sequence);
        let spins = 0;
        let since = 0n;
        while (Atomics.load(word, 0) !== pong) {
          if ((++spins & 0xf_ffff) === 0) {
            const now = process.hrtime.bigint();
            if (since === 0n) since = now;
            else if (now - since > STALL_NS) throw new Error('shared-word worker stopped answering for 2 s');
          }
        }
        sequence = (sequence + 2) & SEQUENCE_MASK;
      };

      options.progress('round trip (both threads spinning, event loop blocked)');
      const latency = sampleLatencySync(options, roundTrip);
      const notes = ['every sample includes two clock reads (the header gives their cost)'];
      if (latency.p50 > 50) {
        notes.push(
          'p50 is a scheduler time slice, not the floor: the two spinners shared one CPU because another ' +
            'process held the other; rerun on an idle machine',
        );
      }
      return {
        measurements: [
          {
            kind: 'latency',
            what: 'round trip of one Int32, spin/spin',
            compare: 'round-trip',
            latency,
            config: { wait: 'spin' },
          },
        ],
        notes,
      };
    } finally {
      Atomics.store(word, 0, STOP);
      await group.terminate();
    }
  },
};
