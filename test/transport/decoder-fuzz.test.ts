// The message decoder fed bytes nobody encoded (fuzzed, seeded: issue 18): random bytes, valid encodings with
// bytes overwritten or cut short, and msgpack headers that announce more than follows. Whatever it gets,
// `Codec.decode` ends (the test's timeout is the bound) with a value or a MessageEncodeError, the error the engine
// turns into an 'undecodable' dead letter (runtime/inbound.ts); it never throws anything else, and it never reads
// a byte outside the window it was given. The ref codec (runtime/ref-codec.ts) inside it gives an ActorRef with
// well-typed fields or that same error.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MessageEncodeError } from '../../src/errors.js';
import { ActorRef } from '../../src/ref.js';
import { installActorRefCodec } from '../../src/runtime/ref-codec.js';
import { Codec, REF_EXTENSION_TYPE } from '../../src/transport/codec.js';

installActorRefCodec();

const codec = new Codec(1 << 16);

/** Messages of every kind the engine carries, encoded by the engine's own encoder: the seeds of the mutations. */
const SEEDS: Uint8Array[] = [
  { type: 'inc', by: 1 },
  [1, 'two', 3.5, null, true, false, -7, 2 ** 40],
  { ref: new ActorRef(2 ** 32 + 5, 1, 'parent/child', undefined), at: new Date(1_700_000_000_000) },
  { set: new Set([1, 'two']), big: 12345678901234567890n, bytes: new Uint8Array([1, 2, 3]), floats: new Float64Array([1.5, -2]) },
  { text: 'x'.repeat(300), unicode: 'Hangul 한글, emoji 🎉' },
  { nested: { deeper: { deepest: [1, [2, [3, [4, { refs: [new ActorRef(9, 2, 'a', undefined)] }]]]] } } },
  { type: 'spawn', def: 'Counter', name: 'c', args: { start: 5 }, parent: null },
].map((m) => codec.copyOf(codec.encode(m)));

/** Bytes a decoder can be handed by a corrupt record. */
const garbage: fc.Arbitrary<Uint8Array> = fc.oneof(
  // Random bytes, short and long.
  fc.uint8Array({ minLength: 0, maxLength: 64 }),
  fc.uint8Array({ minLength: 64, maxLength: 2048 }),
  // A real encoding with a few bytes overwritten, and maybe cut short.
  fc
    .tuple(
      fc.nat({ max: SEEDS.length - 1 }),
      fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 6 }),
      fc.option(fc.nat(), { nil: undefined }),
    )
    .map(([i, writes, cut]) => {
      const b = Uint8Array.from(SEEDS[i]!);
      for (const [at, v] of writes) b[at % b.length] = v;
      return cut === undefined ? b : b.subarray(0, cut % (b.length + 1));
    }),
  // A container, string, binary or extension header (up to 2^32 - 1 elements or bytes) over a few bytes.
  fc
    .tuple(
      fc.constantFrom(0xdc, 0xdd, 0xde, 0xdf, 0xc4, 0xc5, 0xc6, 0xd9, 0xda, 0xdb, 0xc7, 0xc8, 0xc9, 0xd4, 0xd5, 0xd6, 0xd7, 0xd8),
      fc.uint8Array({ minLength: 0, maxLength: 40 }),
    )
    .map(([h, rest]) => Uint8Array.from([h, ...rest])),
  // The ref extension (`d4 52 00`, then its data) followed by random bytes.
  fc.uint8Array({ minLength: 0, maxLength: 40 }).map((rest) => Uint8Array.from([0xd4, REF_EXTENSION_TYPE, 0x00, ...rest])),
);

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

function outcome(f: () => unknown): Outcome {
  try {
    return { ok: true, value: f() };
  } catch (error) {
    return { ok: false, error };
  }
}

/** `bytes` inside a larger buffer, between `before` and `after` bytes of canaries, as a ring or journal holds it. */
function placed(bytes: Uint8Array, before: Uint8Array, after: Uint8Array, shared: boolean): Buffer {
  const size = before.length + bytes.length + after.length;
  const buf = shared ? Buffer.from(new SharedArrayBuffer(size)) : Buffer.alloc(size);
  buf.set(before, 0);
  buf.set(bytes, before.length);
  buf.set(after, before.length + bytes.length);
  return buf;
}

/**
 * The same outcome: equal values, or both a MessageEncodeError (msgpackr may word the same truncation two ways:
 * a DataView read that ran off the source, or its own end check).
 */
function expectSame(a: Outcome, b: Outcome): void {
  expect(a.ok).toBe(b.ok);
  if (a.ok && b.ok) expect(a.value).toEqual(b.value);
  if (!a.ok && !b.ok) expect([a.error, b.error].map((e) => e instanceof MessageEncodeError)).toEqual([true, true]);
}

describe('the message decoder fed bytes nobody encoded', () => {
  it('gives a value or MessageEncodeError for random and mutated bytes, never another error (seed 18)', () => {
    fc.assert(
      fc.property(garbage, (bytes) => {
        const r = outcome(() => codec.decode(bytes, 0, bytes.length));
        if (!r.ok) expect(r.error).toBeInstanceOf(MessageEncodeError);
      }),
      { seed: 18, numRuns: 3000 },
    );
  });

  it('reads nothing outside its window: the bytes around it change nothing, in private and in shared memory (seed 18)', () => {
    fc.assert(
      fc.property(garbage, fc.uint8Array({ maxLength: 24 }), fc.uint8Array({ minLength: 1, maxLength: 24 }), fc.boolean(), (bytes, before, after, shared) => {
        // A Buffer, as the placed copy is (msgpackr gives binary values the source's class).
        const alone = outcome(() => codec.decode(Buffer.from(bytes), 0, bytes.length));
        const buf = placed(bytes, before, after, shared);
        expectSame(
          outcome(() => (shared ? codec.decodeShared(buf, before.length, bytes.length) : codec.decode(buf, before.length, bytes.length))),
          alone,
        );
      }),
      // First, the smallest window that tempts a reader past its end: empty, with a whole message right after it.
      { seed: 18, numRuns: 2000, examples: [[new Uint8Array(0), new Uint8Array(0), Uint8Array.from([0x2a]), false]] },
    );
  });

  it('refuses an empty window with MessageEncodeError rather than decode the bytes after it', () => {
    expect(() => codec.decode(Uint8Array.from([0x2a]), 0, 0)).toThrow(MessageEncodeError);
    // In shared memory the payload goes through the codec's scratch buffer: an empty one must not decode what the
    // previous message left there (here a message that filled the scratch buffer exactly, which it would repeat).
    const big = codec.copyOf(codec.encode('y'.repeat(20_000)));
    const ring = placed(big, new Uint8Array(8), new Uint8Array(8), true);
    expect(codec.decodeShared(ring, 8, big.length)).toBe('y'.repeat(20_000));
    expect(() => codec.decodeShared(ring, 8, 0)).toThrow(MessageEncodeError);
  });
});

describe('the ref codec fed payloads nobody encoded', () => {
  /**
   * A message `{ r: <ref> }` whose ref carries `payload`. msgpackr writes a ref as a 1-byte ext of the ref type
   * (`d4 52 00`) followed by its data as a msgpack value (ref-codec.test.ts shows the bytes).
   */
  function refWith(payload: Uint8Array): Uint8Array {
    return Uint8Array.from([0x81, 0xa1, 0x72, 0xd4, REF_EXTENSION_TYPE, 0x00, ...payload]);
  }
  const anyValue = fc.oneof(fc.jsonValue(), fc.constant(undefined), fc.bigInt(), fc.double());
  const payloads: fc.Arbitrary<Uint8Array> = fc.oneof(
    // Arrays shaped like the format, with fields of any type or out of range.
    fc
      .tuple(fc.oneof(fc.constant(1), anyValue), fc.oneof(fc.integer(), fc.double(), anyValue), fc.oneof(fc.integer({ min: -3, max: 300 }), anyValue), fc.oneof(fc.string(), anyValue))
      .map((fields) => codec.copyOf(codec.encode(fields))),
    // Anything else.
    anyValue.map((v) => codec.copyOf(codec.encode(v))),
    fc.uint8Array({ maxLength: 40 }),
  );

  it('gives an ActorRef with a positive safe-integer id, a thread index and a string name, or MessageEncodeError (seed 18)', () => {
    fc.assert(
      fc.property(payloads, (payload) => {
        const bytes = refWith(payload);
        const r = outcome(() => codec.decode(bytes, 0, bytes.length));
        if (!r.ok) {
          expect(r.error).toBeInstanceOf(MessageEncodeError);
          return;
        }
        const ref = (r.value as { r: unknown }).r;
        expect(ref).toBeInstanceOf(ActorRef);
        const { id, thread, name } = ref as ActorRef;
        expect(Number.isSafeInteger(id) && id > 0).toBe(true);
        expect(Number.isInteger(thread) && thread >= 0).toBe(true);
        expect(typeof name).toBe('string');
      }),
      { seed: 18, numRuns: 2000 },
    );
  });
});
