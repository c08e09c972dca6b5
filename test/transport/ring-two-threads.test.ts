/**
 * One real two-thread test of the ring: a worker produces, the main thread consumes, both at full speed.
 * The single-thread properties live in ring.test.ts; this file checks what only real concurrency can break
 * (publication order of the record bytes against the `tail`/`head` stores).
 */
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { allocateRing } from '../../src/transport/layout.js';
import { recordHeader } from '../../src/transport/record.js';
import { RingReader } from '../../src/transport/ring.js';
import { fillPayload, headerFor } from '../fixtures/ring-producer.js';
import type { ProducerData } from '../fixtures/ring-producer.js';

const RECORDS = 200_000;
const CAPACITY = 4096;

/** Boots `test/fixtures/ring-producer.ts` in a worker through tsx, since Node 20 cannot load TypeScript itself. */
function startProducer(data: ProducerData): { worker: Worker; done: Promise<number> } {
  const entry = new URL('../fixtures/ring-producer.ts', import.meta.url).href;
  const code = [
    `import { register } from ${JSON.stringify(import.meta.resolve('tsx/esm/api'))};`,
    `import { parentPort, workerData } from 'node:worker_threads';`,
    `register();`,
    `const { produce } = await import(${JSON.stringify(entry)});`,
    `parentPort.postMessage(produce(workerData));`,
  ].join('\n');
  const worker = new Worker(new URL('data:text/javascript,' + encodeURIComponent(code)), { workerData: data });
  // Listeners in the same tick as `new Worker`: an 'error' event with no listener crashes the main process.
  const done = new Promise<number>((resolve, reject) => {
    let fullRetries = -1;
    worker.on('message', (n: number) => {
      fullRetries = n;
    });
    worker.on('error', reject);
    worker.on('exit', (code) => {
      if (code === 0 && fullRetries >= 0) resolve(fullRetries);
      else reject(new Error(`ring producer exited with code ${code} before reporting completion`));
    });
  });
  return { worker, done };
}

describe('ring across two threads', () => {
  it(
    `delivers ${RECORDS} records from a worker producer to the main thread in order and intact`,
    async () => {
      const sab = allocateRing(CAPACITY);
      const reader = new RingReader(sab);
      const { worker, done } = startProducer({ sab, count: RECORDS });
      // Settles to 'finished' or to the producer's error, for racing against each poll.
      const producerExit = done.then(
        () => 'finished' as const,
        (error: unknown) => ({ error }),
      );
      const expected = new Uint8Array(64);
      const want = recordHeader();
      const rec = reader.record;
      let seq = 0;
      let mismatch: string | null = null;
      try {
        while (seq < RECORDS && mismatch === null) {
          if (!reader.next()) {
            reader.release();
            const state = await Promise.race([producerExit, new Promise<'polling'>((r) => setImmediate(() => r('polling')))]);
            // Stop polling at once if the producer died: its records will never come.
            if (typeof state === 'object') throw state.error;
            // A finished producer and an empty ring mean records were lost; polling on would spin forever.
            if (state === 'finished' && !reader.hasData()) {
              mismatch = `producer finished but record ${seq} of ${RECORDS} never arrived`;
            }
            continue;
          }
          // Compare by hand and only build a message on failure: 200k `expect` calls would dominate the run.
          const n = fillPayload(seq, expected);
          headerFor(seq, want);
          if (
            rec.corr !== want.corr ||
            rec.kind !== want.kind ||
            rec.targetHi !== want.targetHi ||
            rec.targetLo !== want.targetLo ||
            rec.senderHi !== want.senderHi ||
            rec.senderLo !== want.senderLo ||
            rec.senderThread !== want.senderThread ||
            rec.payloadLength !== n
          ) {
            mismatch = `record ${seq}: got header ${JSON.stringify(rec)}, expected ${JSON.stringify(want)} and length ${n}`;
            break;
          }
          for (let i = 0; i < n; i++) {
            if (reader.bytes[rec.payloadStart + i] !== expected[i]) {
              mismatch = `record ${seq}: payload byte ${i} is ${reader.bytes[rec.payloadStart + i]}, expected ${expected[i]}`;
              break;
            }
          }
          seq++;
          // Hand space back in small batches so the producer rarely waits on a full ring for long.
          if ((seq & 15) === 0) reader.release();
        }
        reader.release();
        expect(mismatch).toBeNull();
        expect(seq).toBe(RECORDS);
        await done;
        // Nothing beyond the last record: the producer wrote exactly RECORDS.
        expect(reader.next()).toBe(false);
      } finally {
        await worker.terminate();
      }
    },
    20_000,
  );
});
