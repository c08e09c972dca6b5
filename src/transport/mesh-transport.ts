/**
 * The Transport over the SharedArrayBuffer mesh: one SPSC ring per ordered pair of threads (mesh.ts), and the
 * doorbell protocol of wait.ts to wake a parked receiver (one ring per park).
 *
 * Contract: owned by one thread, like the Mesh view it wraps.
 */
import type { Mesh } from './mesh.js';
import type { Offered, RecordHeader, RecordSink, Transport } from './transport.js';
import { STEP, TRACING, mark } from './trace.js';
import { wake } from './wait.js';

export class MeshTransport implements Transport {
  readonly mesh: Mesh;
  readonly threads: number;

  constructor(mesh: Mesh) {
    this.mesh = mesh;
    this.threads = mesh.threads;
  }

  reaches(thread: number): boolean {
    return this.mesh.writers[thread] !== undefined;
  }

  offer(thread: number, h: RecordHeader, bytes: Uint8Array, start: number, end: number): Offered {
    const writer = this.mesh.writers[thread]!;
    if (!writer.tryWrite(h, bytes, start, end)) {
      return 'full';
    }
    if (TRACING) mark(STEP.written);
    return wake(this.mesh.controls[thread]!) ? 'woke' : 'sent';
  }

  hasData(): boolean {
    return this.mesh.hasData();
  }

  drain(sink: RecordSink, max: number): boolean {
    const { readers, readerFrom } = this.mesh;
    let worked = false;
    for (let i = 0; i < readers.length; i++) {
      const reader = readers[i]!;
      const from = readerFrom[i]!;
      let n = 0;
      while (n < max && reader.next()) {
        if (!sink.onRecord(reader.record, reader.bytes, from, reader.end)) {
          reader.unread();
          break;
        }
        n++;
      }
      if (n > 0) {
        reader.release();
        worked = true;
      }
    }
    return worked;
  }
}
