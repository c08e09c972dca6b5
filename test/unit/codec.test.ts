import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { MessageEncodeError, MessageTooLargeError } from '../../src/errors.js';
import { Codec } from '../../src/transport/codec.js';

const roundTrip = (codec: Codec, v: unknown): unknown => {
  const encoded = codec.encode(v);
  // Decode from a copy placed at an offset inside a SharedArrayBuffer, as a ring holds it.
  const bytes = codec.copyOf(encoded);
  const shared = Buffer.from(new SharedArrayBuffer(bytes.length + 16));
  shared.set(bytes, 8);
  return codec.decodeShared(shared, 8, bytes.length);
};

describe('Codec', () => {
  it('round-trips JSON-like values through shared memory', () => {
    const codec = new Codec(1 << 20);
    const noProtoKey = (v: unknown): boolean => !JSON.stringify(v ?? null).includes('"__proto__"');
    fc.assert(
      fc.property(fc.jsonValue().filter(noProtoKey), (v) => {
        // Compared with what JSON keeps (msgpack, like JSON, has no -0 for integers).
        expect(roundTrip(codec, v)).toEqual(JSON.parse(JSON.stringify(v)));
      }),
      { seed: 7, numRuns: 300 },
    );
  });

  it('round-trips the richer types messages may hold', () => {
    const codec = new Codec(1 << 20);
    const v = {
      big: 12345678901234567890n,
      date: new Date(1_700_000_000_000),
      set: new Set([1, 'two']),
      bytes: new Uint8Array([1, 2, 3]),
      floats: new Float64Array([1.5, -2]),
      long: 'x'.repeat(5000),
      nothing: null,
    };
    expect(roundTrip(codec, v)).toEqual(v);
  });

  it('returns binary values that stay valid after the ring space is reused', () => {
    const codec = new Codec(1 << 20);
    const decoded = roundTrip(codec, { b: new Uint8Array([9, 8, 7]) }) as { b: Uint8Array };
    roundTrip(codec, { b: new Uint8Array([0, 0, 0]) });
    expect([...decoded.b]).toEqual([9, 8, 7]);
  });

  it("renames a '__proto__' key rather than let a message pollute a prototype (msgpackr's guard)", () => {
    const codec = new Codec(1024);
    const decoded = roundTrip(codec, JSON.parse('{"__proto__": 1}')) as Record<string, unknown>;
    expect(Object.getPrototypeOf(decoded)).toBe(Object.prototype);
    expect(Object.keys(decoded)).toEqual(['__proto_']);
  });

  it('keeps a copy of the encoded bytes intact when the next message is encoded', () => {
    const codec = new Codec(1024);
    const copy = codec.copyOf(codec.encode({ type: 'first', n: 1 }));
    codec.encode({ type: 'second-and-longer', n: 2 });
    expect(codec.decode(copy, 0, copy.length)).toEqual({ type: 'first', n: 1 });
  });

  it('refuses a function with MessageEncodeError naming it', () => {
    const codec = new Codec(1024);
    expect(() => codec.encode({ f: function handler() {} })).toThrow(MessageEncodeError);
    expect(() => codec.encode({ f: function handler() {} })).toThrow(/function 'handler'/);
  });

  it('refuses a SharedArrayBuffer instead of sending it as an empty object', () => {
    const codec = new Codec(1024);
    expect(() => codec.encode({ sab: new SharedArrayBuffer(8) })).toThrow(/SharedArrayBuffer/);
    expect(() => codec.encode({ sab: new SharedArrayBuffer(8) })).toThrow(expect.objectContaining({ code: 'ERR_MESSAGE_ENCODE' }));
  });

  it('refuses a symbol with MessageEncodeError', () => {
    const codec = new Codec(1024);
    expect(() => codec.encode({ s: Symbol('x') })).toThrow(expect.objectContaining({ code: 'ERR_MESSAGE_ENCODE' }));
  });

  it('refuses a message over maxMessageBytes with its size and the limit', () => {
    const codec = new Codec(100);
    expect(() => codec.encode('y'.repeat(200))).toThrow(MessageTooLargeError);
    expect(() => codec.encode('y'.repeat(200))).toThrow(/\d+ bytes, over maxMessageBytes \(100\)/);
  });

  it('still encodes after a refused message', () => {
    const codec = new Codec(100);
    expect(() => codec.encode({ f: () => 1 })).toThrow();
    expect(roundTrip(codec, { ok: true })).toEqual({ ok: true });
  });
});
