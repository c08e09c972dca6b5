/**
 * The drawing at the top of src/transport/layout.ts, as numbers: if a constant moves, this test says which line of
 * the drawing to redraw.
 */
import { describe, expect, it } from 'vitest';
import {
  CONTROL_BYTES,
  CTL_ACTORS,
  CTL_DOORBELL,
  CTL_HEARTBEAT,
  CTL_CONTENDED_UNTIL,
  CTL_PARKED,
  JOURNAL_HEADER_BYTES,
  JOURNAL_RECORD_HEADER_BYTES,
  JR_SLOT,
  JR_SRC_END,
  JR_SRC_THREAD,
  JR_STATE,
  J_CONSUMED,
  J_HEAD,
  J_LAST_CORR,
  J_MAX_THREADS,
  J_NEXT_LOCAL,
  J_SPAWN_SEEN,
  J_TAIL,
  J_UNJOURNALED,
  RECORD_HEADER_BYTES,
  REC_CORR,
  REC_KIND,
  REC_LENGTH,
  REC_SENDER_HI,
  REC_SENDER_LO,
  REC_SENDER_THREAD,
  REC_TARGET_HI,
  REC_TARGET_LO,
  RING_HEAD,
  RING_HEADER_BYTES,
  RING_TAIL,
  maxRecordPayload,
  recordBytes,
} from '../../src/transport/layout.js';

describe('the shared-memory layout', () => {
  it('puts the ring indexes on separate cache lines, before the data area at byte 128', () => {
    expect([RING_TAIL, RING_HEAD, RING_HEADER_BYTES]).toEqual([0, 16, 128]);
  });

  it('frames a ring record as drawn: length, kind, target, sender, sender thread, corr, then the payload at byte 32', () => {
    expect([REC_LENGTH, REC_KIND, REC_TARGET_HI, REC_TARGET_LO, REC_SENDER_HI, REC_SENDER_LO, REC_SENDER_THREAD, REC_CORR]).toEqual([
      0, 1, 2, 3, 4, 5, 6, 7,
    ]);
    expect(RECORD_HEADER_BYTES).toBe(32);
  });

  it('puts each control word on its own cache line', () => {
    expect([CTL_DOORBELL, CTL_PARKED, CTL_ACTORS, CTL_HEARTBEAT, CTL_CONTENDED_UNTIL, CONTROL_BYTES]).toEqual([
      0, 16, 32, 48, 64, 320,
    ]);
  });

  it('lays out the journal header as drawn, with no unused word, and starts its data 8-byte aligned at byte 544', () => {
    expect([J_TAIL, J_HEAD, J_UNJOURNALED, J_NEXT_LOCAL, J_LAST_CORR, J_CONSUMED, J_SPAWN_SEEN]).toEqual([0, 1, 2, 3, 4, 5, 70]);
    expect(J_MAX_THREADS).toBe(65);
    expect(J_SPAWN_SEEN + J_MAX_THREADS).toBe(135);
    expect(JOURNAL_HEADER_BYTES).toBe(544);
  });

  it('frames a journal record as a ring record followed by state, source thread, source end and slot', () => {
    expect([JR_STATE, JR_SRC_THREAD, JR_SRC_END, JR_SLOT]).toEqual([8, 9, 10, 11]);
    expect(JOURNAL_RECORD_HEADER_BYTES).toBe(48);
  });

  it.each([1024, 4096, 1 << 20])('lets the largest record of a %s-byte ring take exactly half of it', (ringBytes) => {
    expect(recordBytes(maxRecordPayload(ringBytes))).toBe(ringBytes / 2);
    expect(recordBytes(maxRecordPayload(ringBytes) + 1)).toBeGreaterThan(ringBytes / 2);
  });
});
