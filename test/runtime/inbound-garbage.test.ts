// Where a thread meets bytes nobody encoded (fuzzed, seeded: issue 18): records written into a real ring with
// random and mutated payloads, taken by the real Inbound (src/runtime/inbound.ts) with the real codec and journal.
// Every record is accounted for, in order, and the drain never throws: a tell or an ask is delivered or becomes an
// 'undecodable' dead letter carrying a MessageEncodeError (its ask answered with that error), a reply settles its
// ask with the value or with that error. An undecodable record is not journaled (a replacement worker would report
// it a second time), and the ring position is recorded past it.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MessageEncodeError } from '../../src/errors.js';
import { K_ASK, K_REPLY, K_REPLY_ERROR, K_SYSTEM, K_TELL } from '../../src/protocol.js';
import { ActorRef } from '../../src/ref.js';
import { PendingAsks } from '../../src/runtime/asks.js';
import type { Delivery } from '../../src/runtime/delivery.js';
import { idFrom } from '../../src/runtime/ids.js';
import { Inbound } from '../../src/runtime/inbound.js';
import { Journaling } from '../../src/runtime/journaling.js';
import type { Outbound } from '../../src/runtime/outbound.js';
import { installActorRefCodec } from '../../src/runtime/ref-codec.js';
import type { SystemMessages } from '../../src/runtime/system-messages.js';
import { Codec } from '../../src/transport/codec.js';
import { Journal, recoverJournal } from '../../src/transport/journal.js';
import { RING_TAIL, allocateJournal } from '../../src/transport/layout.js';
import { Mesh, allocateMesh } from '../../src/transport/mesh.js';
import { MeshTransport } from '../../src/transport/mesh-transport.js';

installActorRefCodec();

const RING_BYTES = 1 << 16;
const codec = new Codec(1 << 16);
const SEEDS = [{ type: 'inc', by: 1 }, [1, 'two', null], { ref: new ActorRef(7, 1, 'a', undefined), set: new Set([1]) }, 'x'.repeat(200)].map((m) =>
  codec.copyOf(codec.encode(m)),
);

const FILLS_SCRATCH = codec.copyOf(codec.encode('x'.repeat(4093)));
expect(FILLS_SCRATCH.length).toBe(4096);

/** A payload: random bytes, or a real encoding with bytes overwritten, maybe cut short (never empty: see below). */
const payload: fc.Arbitrary<Uint8Array> = fc.oneof(
  fc.uint8Array({ minLength: 1, maxLength: 48 }),
  fc
    .tuple(fc.nat({ max: SEEDS.length - 1 }), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }), fc.option(fc.nat(), { nil: undefined }))
    .map(([i, writes, cut]) => {
      const b = Uint8Array.from(SEEDS[i]!);
      for (const [at, v] of writes) b[at % b.length] = v;
      return cut === undefined ? b : b.subarray(0, 1 + (cut % b.length));
    }),
  // An empty payload: a corrupt length word of 0.
  fc.constant(new Uint8Array(0)),
);
const record = fc.record({ kind: fc.constantFrom(K_TELL, K_ASK, K_REPLY), payload });

type Seen = { what: 'delivered'; id: number; msg: unknown } | { what: 'undecodable'; id: number; error: unknown; isAsk: boolean };

function world() {
  const memory = allocateMesh(2, RING_BYTES);
  const sender = new Mesh(memory, 0);
  const journalSab = allocateJournal(RING_BYTES);
  const asks = new PendingAsks();
  const seen: Seen[] = [];
  const deadLetters: { reason: string; error: unknown }[] = [];
  const delivery = {
    deliver: (id: number, _entry: number, msg: unknown) => seen.push({ what: 'delivered', id, msg }),
    undecodable: (id: number, isAsk: boolean, _note: string, _s: number, _t: number, _c: number, error: Error) => seen.push({ what: 'undecodable', id, error, isAsk }),
  } as unknown as Delivery;
  const out = { deadLetter: (reason: string, _t: string, _m: unknown, _s: unknown, error: unknown) => deadLetters.push({ reason, error }) } as unknown as Outbound;
  const handled: unknown[] = [];
  const system = { handle: (m: unknown) => handled.push(m) } as unknown as SystemMessages;
  const inbound = new Inbound(1, new MeshTransport(new Mesh(memory, 1)), new Codec(1 << 16), { journal: new Journaling(new Journal(journalSab)), asks, delivery, system, out }, () => false);
  const ringTail = (): number => Atomics.load(new Int32Array(memory.rings[0 * 2 + 1]!), RING_TAIL);
  return { sender: sender.writers[1]!, ringTail, journalSab, asks, seen, deadLetters, handled, inbound };
}

describe('records with payloads nobody encoded, taken by a thread', () => {
  it('accounts for every one, in order: delivered or an undecodable dead letter, each reply settling its ask, and journals only what decoded (seed 18)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(record, { minLength: 1, maxLength: 40 }), async (records) => {
        const w = world();
        const expected: { kind: number; id: number; decodes: boolean }[] = [];
        const replies: Promise<unknown>[] = [];
        records.forEach((r, i) => {
          const id = i + 1;
          let corr = 0;
          if (r.kind === K_REPLY) {
            const ask = w.asks.create('target', 60_000);
            corr = ask.corr;
            replies.push(ask.promise.then((value) => ({ value }), (error: unknown) => ({ error })));
          }
          const decodes = (() => {
            try {
              codec.decode(r.payload, 0, r.payload.length);
              return true;
            } catch {
              return false;
            }
          })();
          expected.push({ kind: r.kind, id, decodes });
          expect(w.sender.tryWrite({ kind: r.kind, targetHi: 0, targetLo: id, senderHi: 0, senderLo: 0, senderThread: 0, corr }, r.payload)).toBe(true);
        });
        while (w.inbound.drain()) {}

        const messages = expected.filter((e) => e.kind !== K_REPLY);
        expect(w.seen.map((s) => [s.what, s.id])).toEqual(messages.map((e) => [e.decodes ? 'delivered' : 'undecodable', e.id]));
        for (const s of w.seen) if (s.what === 'undecodable') expect(s.error).toBeInstanceOf(MessageEncodeError);
        expect(w.asks.size).toBe(0);
        const settled = (await Promise.all(replies)) as ({ value: unknown } | { error: unknown })[];
        expect(settled.map((s) => 'value' in s)).toEqual(expected.filter((e) => e.kind === K_REPLY).map((e) => e.decodes));
        for (const s of settled) if ('error' in s) expect(s.error).toBeInstanceOf(MessageEncodeError);
        expect(w.deadLetters).toEqual([]);

        // What a replacement worker would find: the decodable messages, and the ring consumed up to its end.
        const rec = recoverJournal(w.journalSab, 2);
        expect(rec.records.map((r) => idFrom(r.targetHi, r.targetLo))).toEqual(messages.filter((e) => e.decodes).map((e) => e.id));
        expect(rec.consumed[0]).toBe(w.ringTail());
      }),
      // First, an empty record right after one whose payload fills the codec's scratch buffer (4096 bytes): it must
      // not be delivered as a second copy of that message.
      { seed: 18, numRuns: 150, examples: [[[{ kind: K_TELL, payload: FILLS_SCRATCH }, { kind: K_TELL, payload: new Uint8Array(0) }]]] },
    );
  });

  it('takes error replies and system records that are not what their kind says: an error reply rejects its ask, a system record that is no system message is an undecodable dead letter (seed 18)', async () => {
    const kinds = fc.record({ kind: fc.constantFrom(K_REPLY_ERROR, K_SYSTEM), payload: fc.oneof(payload, fc.constantFrom(...[null, 5, 'x', [], {}, { type: 7 }, { code: 5 }, { cause: null }].map((v) => codec.copyOf(codec.encode(v))))) });
    await fc.assert(
      fc.asyncProperty(fc.array(kinds, { minLength: 1, maxLength: 20 }), async (records) => {
        const w = world();
        const replies: Promise<unknown>[] = [];
        let systemRecords = 0;
        for (const r of records) {
          let corr = 0;
          if (r.kind === K_REPLY_ERROR) {
            const ask = w.asks.create('target', 60_000);
            corr = ask.corr;
            replies.push(ask.promise.then(() => 'resolved', (error: unknown) => error));
          } else systemRecords++;
          expect(w.sender.tryWrite({ kind: r.kind, targetHi: 0, targetLo: 1, senderHi: 0, senderLo: 0, senderThread: 0, corr }, r.payload)).toBe(true);
        }
        while (w.inbound.drain()) {}
        expect(w.asks.size).toBe(0);
        for (const e of await Promise.all(replies)) expect(e).toBeInstanceOf(Error);
        for (const m of w.handled) expect(typeof (m as { type?: unknown }).type).toBe('string');
        expect(w.handled.length + w.deadLetters.length).toBe(systemRecords);
        for (const d of w.deadLetters) expect(d).toEqual({ reason: 'undecodable', error: expect.any(MessageEncodeError) });
      }),
      { seed: 18, numRuns: 150 },
    );
  });
});
