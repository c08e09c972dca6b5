/**
 * The parking protocol (src/transport/wait.ts) across two real threads: a worker produces bursts of records and
 * calls `wake` after each; the main thread drains, parks with `Atomics.waitAsync` when the ring is empty, and
 * wakes. Every park waits up to a minute, longer than the test may run: a lost wake-up fails the test by its
 * timeout instead of being papered over by a short park timeout.
 */
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { CTL_DOORBELL, allocateControl, allocateRing } from '../../src/transport/layout.js';
import { RingReader } from '../../src/transport/ring.js';
import { Parker } from '../../src/transport/wait.js';
import type { WakeProducerData } from '../fixtures/wake-producer.js';

const RECORDS = 100_000;
const PARK_MS = 60_000;

function startProducer(data: WakeProducerData): Promise<void> {
  const entry = new URL('../fixtures/wake-producer.ts', import.meta.url).href;
  const code = [
    `import { register } from ${JSON.stringify(import.meta.resolve('tsx/esm/api'))};`,
    `import { workerData } from 'node:worker_threads';`,
    `register();`,
    `const { produce } = await import(${JSON.stringify(entry)});`,
    `produce(workerData);`,
  ].join('\n');
  const worker = new Worker(new URL('data:text/javascript,' + encodeURIComponent(code)), { workerData: data });
  return new Promise((resolve, reject) => {
    worker.on('error', reject);
    worker.on('exit', (c) => (c === 0 ? resolve() : reject(new Error(`wake producer exited with code ${c}`))));
  });
}

describe('parking and waking across two threads', () => {
  it.each([1, 2, 3])(
    `wakes the parked consumer for every burst: ${RECORDS} records arrive in order, none lost (seed %i)`,
    async (seed) => {
      const ring = allocateRing(1 << 16);
      const control = allocateControl();
      const reader = new RingReader(ring);
      const parker = new Parker(new Int32Array(control));
      const produced = startProducer({ ring, control, count: RECORDS, seed });
      // Something must keep the process alive while we wait: a pending waitAsync does not
      // (docs/platform.md#parking-a-worker).
      const keepAlive = setInterval(() => {}, 1000);
      let seq = 0;
      let parks = 0;
      try {
        while (seq < RECORDS) {
          while (reader.next()) {
            expect(reader.record.corr).toBe(seq);
            seq++;
          }
          reader.release();
          if (seq === RECORDS) break;
          const seen = parker.beginPark();
          parks++;
          if (!reader.hasData()) {
            const wait = parker.parkAsync(seen, PARK_MS);
            if (wait !== undefined) {
              const outcome = await wait;
              expect(outcome, 'a park ended by its timeout: a wake-up was lost').toBe('ok');
            }
          }
          parker.endPark();
        }
      } finally {
        clearInterval(keepAlive);
      }
      await produced;
      expect(seq).toBe(RECORDS);
      // One ring per park at most: producers that find the consumer already rung do not ring again.
      const rings = Atomics.load(new Int32Array(control), CTL_DOORBELL);
      expect(rings).toBeGreaterThan(0);
      expect(rings).toBeLessThanOrEqual(parks);
    },
    30_000,
  );
});
