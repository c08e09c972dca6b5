// How a ref travels inside a message (src/runtime/ref-codec.ts): a versioned payload, bound on decoding to the
// runtime of the codec that decodes it, and checked before use.
import { Packr, addExtension } from 'msgpackr';
import { describe, expect, it } from 'vitest';
import { ActorRef, type RefRuntime } from '../../src/ref.js';
import { REF_FORMAT_VERSION, installActorRefCodec } from '../../src/runtime/ref-codec.js';
import { Codec, REF_EXTENSION_TYPE } from '../../src/transport/codec.js';

installActorRefCodec();

const fakeRuntime = (tag: string): RefRuntime & { tag: string; told: unknown[] } => {
  const told: unknown[] = [];
  return {
    tag,
    told,
    tell: (_ref, m) => (told.push(m), true),
    send: async () => {},
    ask: async () => undefined,
  };
};

/** Bytes of a message whose ref extension carries `payload` as written by some other version. */
function withRefPayload(payload: unknown): Uint8Array {
  class Foreign {
    constructor(readonly p: unknown) {}
  }
  addExtension({ Class: Foreign, type: REF_EXTENSION_TYPE + 1, write: (f: Foreign) => f.p });
  const bytes = new Packr({ useRecords: false }).pack({ ref: new Foreign(payload) });
  // The same bytes under the ref extension's type: the extension type byte follows the ext header.
  const i = bytes.indexOf(REF_EXTENSION_TYPE + 1);
  bytes[i] = REF_EXTENSION_TYPE;
  return bytes;
}

describe('ActorRef inside a message', () => {
  it(`is written as format ${REF_FORMAT_VERSION}: [version, id, thread, name]`, () => {
    const codec = new Codec(1024);
    const ref = new ActorRef(2 * 2 ** 32 + 5, 1, 'a/b', undefined);
    const bytes = codec.copyOf(codec.encode({ ref }));
    // msgpackr writes the extension as a 1-byte ext of our type (d4 52 00), then its data: a msgpack array of 4
    // (0x94) that starts with the version.
    const hex = Buffer.from(bytes).toString('hex');
    const version = REF_FORMAT_VERSION.toString(16).padStart(2, '0');
    expect(hex).toContain(`d4${REF_EXTENSION_TYPE.toString(16)}0094${version}`);
    const back = codec.decode(bytes, 0, bytes.length) as { ref: ActorRef };
    expect(back.ref).toBeInstanceOf(ActorRef);
    expect(back.ref.toJSON()).toEqual({ id: 2 * 2 ** 32 + 5, thread: 1, name: 'a/b' });
  });

  it('is bound to the runtime of the codec that decodes it, even when decodes of two runtimes interleave', () => {
    const a = fakeRuntime('a');
    const b = fakeRuntime('b');
    const codecA = new Codec(1024, a);
    const codecB = new Codec(1024, b);
    const e = codecA.copyOf(codecA.encode({ ref: new ActorRef(7, 1, 'x', undefined) }));
    const fromA = codecA.decode(e, 0, e.length) as { ref: ActorRef };
    const fromB = codecB.decode(e, 0, e.length) as { ref: ActorRef };
    fromA.ref.tell('to-a');
    fromB.ref.tell('to-b');
    expect(a.told).toEqual(['to-a']);
    expect(b.told).toEqual(['to-b']);
  });

  it('is refused, not misread, when its payload has a format this version does not know', () => {
    const codec = new Codec(1024);
    const bytes = withRefPayload([2, 7, 1, 'x', 'node-b']);
    expect(() => codec.decode(bytes, 0, bytes.length)).toThrow(/format 2; this version reads format 1/);
  });

  it('is refused when its fields have the wrong types', () => {
    const codec = new Codec(1024);
    for (const bad of [[1, 'seven', 1, 'x'], [1, 7, -1, 'x'], [1, 7, 1, 42], 'nonsense']) {
      const bytes = withRefPayload(bad);
      expect(() => codec.decode(bytes, 0, bytes.length)).toThrow(/malformed|format/);
    }
  });

  it('used without a runtime (built by hand) throws NoContextError instead of sending', () => {
    const ref = new ActorRef(7, 1, 'x', undefined);
    expect(() => ref.tell('m')).toThrow(expect.objectContaining({ code: 'ERR_NO_CONTEXT' }));
  });
});
