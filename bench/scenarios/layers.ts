/**
 * The layers of one message, each alone, on one thread (tinybench): the SAB ring (write a record, read
 * it, release it), the codec (msgpackr encode; decode from shared memory), and the two together. No
 * wake-up and no other thread: what the transport costs before any scheduling, so a slow end-to-end
 * figure can be pinned on a layer. Internal modules (`src/transport/`), not the public API.
 *
 * tinybench times each call; a call does BATCH messages so the timer's own cost (~40 ns) does not
 * swamp a figure of tens of nanoseconds.
 */
import { Bench } from 'tinybench';
import { Codec } from '../../src/transport/codec.js';
import { allocateRing } from '../../src/transport/layout.js';
import { recordHeader } from '../../src/transport/record.js';
import { RingReader, RingWriter } from '../../src/transport/ring.js';
import type { Measurement, Scenario, ScenarioOptions, ScenarioResult } from '../lib/scenario.js';

const BATCH = 1000;
const INC = { type: 'inc', by: 1 } as const;
/** A 16-byte payload: about the size of the encoded INC. */
const PAYLOAD = new Uint8Array(16).fill(7);
/** One reused header, as the runtime sends with: a tell (kind 1) to actor 1. */
const HEADER = { ...recordHeader(), kind: 1, targetLo: 1 };
const RING_CAPACITY = 1 << 20;
const MAX_MESSAGE_BYTES = 64 * 1024;

export const layers: Scenario = {
  name: 'layers',
  description: 'one thread, no wake-ups (tinybench): ring write+read, msgpackr encode, decode, and all together',

  async run(options: ScenarioOptions): Promise<ScenarioResult> {
    const sab = allocateRing(RING_CAPACITY);
    const writer = new RingWriter(sab);
    const reader = new RingReader(sab);
    const codec = new Codec(MAX_MESSAGE_BYTES);
    // One encoded INC in the ring's bytes, for decode alone.
    const encoded = codec.copyOf(codec.encode(INC));
    const encodedLength = encoded.length;
    let sink = 0;

    const ringOnly = (): void => {
      for (let i = 0; i < BATCH; i++) {
        writer.tryWrite(HEADER, PAYLOAD);
        reader.next();
        sink += reader.record.payloadLength;
      }
      reader.release();
    };
    const encodeOnly = (): void => {
      for (let i = 0; i < BATCH; i++) sink += codec.encode(INC).end;
    };
    const decodeOnly = (): void => {
      for (let i = 0; i < BATCH; i++) {
        const message = codec.decode(encoded, 0, encodedLength) as { by: number };
        sink += message.by;
      }
    };
    const oneHop = (): void => {
      for (let i = 0; i < BATCH; i++) {
        const e = codec.encode(INC);
        writer.tryWrite(HEADER, e.bytes, e.start, e.end);
        reader.next();
        const r = reader.record;
        const message = codec.decodeShared(reader.bytes, r.payloadStart, r.payloadLength) as { by: number };
        sink += message.by;
      }
      reader.release();
    };

    const tasks: [string, () => void][] = [
      ['ring: tryWrite + next, 16 B payload', ringOnly],
      ["codec: encode {type:'inc',by:1}", encodeOnly],
      ["codec: decode {type:'inc',by:1}", decodeOnly],
      ['encode + ring + decodeShared (one hop, no wake-up)', oneHop],
    ];
    const bench = new Bench({ time: options.measureMs / tasks.length, warmupTime: options.warmupMs / tasks.length });
    for (const [name, fn] of tasks) bench.add(name, fn);
    options.progress(`${tasks.length} tinybench tasks, ${BATCH} messages per call`);
    await bench.run();

    const measurements: Measurement[] = [];
    const notes: string[] = [];
    for (const task of bench.tasks) {
      const result = task.result;
      if (result.state !== 'completed') throw new Error(`tinybench task '${task.name}' ended ${result.state}`);
      const seconds = result.totalTime / 1000;
      const calls = result.latency.samplesCount;
      const perMessageNs = (result.period * 1e6) / BATCH;
      measurements.push({
        kind: 'throughput',
        what: task.name,
        compare: `layer:${task.name}`,
        messages: calls * BATCH,
        seconds,
        perSecond: (calls * BATCH) / seconds,
        config: { batch: BATCH },
      });
      notes.push(`${task.name}: ${perMessageNs.toFixed(0)} ns per message (±${result.latency.rme.toFixed(1)}%)`);
    }
    if (sink === -1) notes.push('unreachable');
    return { measurements, notes };
  },
};
