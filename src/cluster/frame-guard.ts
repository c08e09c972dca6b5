/**
 * A structural check of msgpack bytes from another node, before any decoder sees them. Frames come from the
 * network, so they are untrusted: msgpackr's decoder builds what its extensions say (a RegExp from wire data,
 * structured-clone back-references, bundles), recurses on nesting (a deep array throws RangeError from inside it),
 * and trusts declared lengths. This walk reads every item once, without recursion, and refuses:
 * - an extension type outside `ALLOWED_EXTENSIONS` (the ref, Date, BigInt, Set, Error, typed arrays);
 * - nesting deeper than `maxDepth`;
 * - a length that runs past the end of the bytes, bytes left after the value, or the never-used byte 0xc1.
 * It returns undefined when the bytes are acceptable, or what is wrong.
 */

/** msgpack extension types a frame may hold (see msgpackr's unpack.js and transport/codec.ts). */
export const ALLOWED_EXTENSIONS: ReadonlySet<number> = new Set([
  0x52, // an ActorRef (transport/codec.ts REF_EXTENSION_TYPE)
  0xff, // a Date (msgpack timestamp, type -1)
  0x42, // a BigInt
  0x73, // a Set (its elements follow as an array)
  0x65, // an Error (name, message, cause follow as an array)
  0x74, // a typed array
]);

export const DEFAULT_MAX_DEPTH = 64;

export function checkFrameBytes(b: Uint8Array, maxDepth = DEFAULT_MAX_DEPTH): string | undefined {
  const n = b.length;
  let p = 0;
  // remaining[d]: items still to read at depth d (the top level holds one value).
  const remaining: number[] = [1];
  const need = (k: number): boolean => p + k <= n;
  const u16 = (at: number): number => (b[at]! << 8) | b[at + 1]!;
  const u32 = (at: number): number => ((b[at]! << 24) >>> 0) + ((b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!);
  while (remaining.length > 0) {
    if (remaining[remaining.length - 1] === 0) {
      remaining.pop();
      continue;
    }
    remaining[remaining.length - 1]!--;
    if (!need(1)) return 'the frame ends in the middle of a value';
    const t = b[p++]!;
    let skip = 0;
    let items = -1;
    if (t <= 0x7f || t >= 0xe0 || t === 0xc0 || t === 0xc2 || t === 0xc3) skip = 0;
    else if (t >= 0x80 && t <= 0x8f) items = (t & 0x0f) * 2;
    else if (t >= 0x90 && t <= 0x9f) items = t & 0x0f;
    else if (t >= 0xa0 && t <= 0xbf) skip = t & 0x1f;
    else {
      switch (t) {
        case 0xc4:
        case 0xd9:
          if (!need(1)) return 'truncated length';
          skip = b[p]!;
          p += 1;
          break;
        case 0xc5:
        case 0xda:
          if (!need(2)) return 'truncated length';
          skip = u16(p);
          p += 2;
          break;
        case 0xc6:
        case 0xdb:
          if (!need(4)) return 'truncated length';
          skip = u32(p);
          p += 4;
          break;
        case 0xca:
          skip = 4;
          break;
        case 0xcb:
          skip = 8;
          break;
        case 0xcc:
        case 0xd0:
          skip = 1;
          break;
        case 0xcd:
        case 0xd1:
          skip = 2;
          break;
        case 0xce:
        case 0xd2:
          skip = 4;
          break;
        case 0xcf:
        case 0xd3:
          skip = 8;
          break;
        case 0xdc:
          if (!need(2)) return 'truncated length';
          items = u16(p);
          p += 2;
          break;
        case 0xdd:
          if (!need(4)) return 'truncated length';
          items = u32(p);
          p += 4;
          break;
        case 0xde:
          if (!need(2)) return 'truncated length';
          items = u16(p) * 2;
          p += 2;
          break;
        case 0xdf:
          if (!need(4)) return 'truncated length';
          items = u32(p) * 2;
          p += 4;
          break;
        case 0xd4:
        case 0xd5:
        case 0xd6:
        case 0xd7:
        case 0xd8:
        case 0xc7:
        case 0xc8:
        case 0xc9: {
          let len: number;
          if (t >= 0xd4) len = 1 << (t - 0xd4);
          else {
            const w = t === 0xc7 ? 1 : t === 0xc8 ? 2 : 4;
            if (!need(w)) return 'truncated length';
            len = w === 1 ? b[p]! : w === 2 ? u16(p) : u32(p);
            p += w;
          }
          if (!need(1)) return 'truncated extension';
          const type = b[p++]!;
          if (!ALLOWED_EXTENSIONS.has(type)) return `extension type 0x${type.toString(16)} is not accepted from another node`;
          skip = len;
          // A ref, a Set and an Error carry their content as the next value (msgpackr's "noBuffer" extensions).
          if (type === 0x52 || type === 0x73 || type === 0x65) remaining[remaining.length - 1]!++;
          break;
        }
        default:
          return `byte 0x${t.toString(16)} is not msgpack`;
      }
    }
    if (!need(skip)) return 'a length runs past the end of the frame';
    p += skip;
    if (items > 0) {
      // Each item takes at least one byte: a claimed count larger than what is left is a lie, refused early.
      if (items > n - p) return 'a container claims more items than the frame has bytes';
      if (remaining.length >= maxDepth) return `nesting deeper than ${maxDepth} levels`;
      remaining.push(items);
    }
  }
  if (p !== n) return `${n - p} byte(s) after the end of the value`;
  return undefined;
}
