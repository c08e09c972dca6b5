/**
 * Message bytes: msgpackr without shared structures (every thread decodes every record on its own, with no
 * structure table to keep in sync across threads or restarts).
 *
 * One Codec per thread. `encode` returns a view into the codec's reusable buffer: valid only until the next
 * `encode`, so callers copy it into a ring at once (no allocation per message on the send side beyond what
 * msgpackr does internally). `decode` reads in place from ring memory; binary values are copied out
 * (`copyBuffers`) because the ring space is reused as soon as the record is released.
 */
import { Packr, addExtension, REUSE_BUFFER_MODE, RESET_BUFFER_MODE } from 'msgpackr';
import { MessageEncodeError, MessageTooLargeError } from '../errors.js';
import { SMALL_COPY, copyBytes } from './record.js';
import { findLoneSurrogate, mayHoldLoneSurrogate } from './well-formed.js';

/** msgpack extension type for ActorRefs (application range 0..127). */
export const REF_EXTENSION_TYPE = 0x52; // 'R'

/**
 * How refs cross threads, installed once per thread by the layer that owns the ref class (transport knows nothing
 * of actors). `read` gets the owner of the Codec that is decoding, so a decoded ref is bound to the runtime of the
 * thread that received it.
 */
export interface RefCodecHooks<R> {
  /** The class whose instances are encoded as refs. */
  Class: new (...args: never[]) => R;
  write(ref: R): unknown[];
  read(data: unknown, owner: unknown): R;
}

/**
 * msgpackr extensions are process-wide (per thread) and their `read` gets only the data, so the decode in progress
 * is described here: set by `Codec.decode` on entry and restored on exit, read only by the ref extension.
 *
 * On globalThis under a registered symbol, shared by every copy of the engine in the thread (dist/ beside src/,
 * two installed copies): msgpackr keeps one reader per extension type, the last copy's to register, and it must
 * bind a ref with the read hooks and owner of whichever copy's Codec is decoding, not with its own.
 */
interface DecodeInProgress {
  owner: unknown;
  read: ((data: unknown, owner: unknown) => unknown) | undefined;
  /**
   * How refs are written by the encode in progress, when not by the installed hooks: the frames to other nodes
   * (src/cluster/frame.ts) write a ref with its node. Undefined for every encode between threads.
   */
  write?: ((ref: unknown) => unknown) | undefined;
}
const DECODING_KEY = Symbol.for('ringmaster.decoding');
const decoding: DecodeInProgress = ((globalThis as { [DECODING_KEY]?: DecodeInProgress })[DECODING_KEY] ??= {
  owner: undefined,
  read: undefined,
});
/** This copy's ref reader, once its runtime installed one. */
let refRead: ((data: unknown, owner: unknown) => unknown) | undefined;
export function installRefExtension<R>(hooks: RefCodecHooks<R>): void {
  if (refRead !== undefined) return;
  refRead = hooks.read;
  // Every copy registers its own Class for writing (msgpackr matches the classes of all of them).
  addExtension({
    Class: hooks.Class as unknown as new () => R,
    type: REF_EXTENSION_TYPE,
    write: (ref: R) => (decoding.write === undefined ? hooks.write(ref) : decoding.write(ref)),
    read: (data: unknown) => (decoding.read ?? hooks.read)(data, decoding.owner),
  });
}

/**
 * The bytes of the last `encode`: `bytes[start, end)`, a window into msgpackr's reusable buffer, valid until the
 * next encode on this thread (msgpackr's REUSE_BUFFER_MODE: no Buffer view is allocated per message). One object
 * per Codec, reused.
 */
export interface Encoded {
  readonly bytes: Uint8Array;
  readonly start: number;
  readonly end: number;
}

// A SharedArrayBuffer would otherwise encode as an empty object, silently: refuse it.
addExtension({
  Class: SharedArrayBuffer as unknown as new () => SharedArrayBuffer,
  type: 0x53,
  write: () => {
    throw new MessageEncodeError(
      'it contains a SharedArrayBuffer, which a message cannot carry (messages are copied); share memory through workerData or a BroadcastChannel',
    );
  },
  read: () => undefined,
});

const rejectFunction = (fn: unknown): never => {
  const name = typeof fn === 'function' && fn.name ? ` '${fn.name}'` : '';
  throw new MessageEncodeError(`it contains a function${name}`);
};

/**
 * What msgpackr throws for bytes it cannot turn back into a value, as a MessageEncodeError. The one known way a
 * message encodes but does not decode: a Map with keys that are not strings or numbers (msgpack maps arrive as
 * plain objects, whose keys are strings).
 */
function undecodable(err: unknown): MessageEncodeError {
  if (err instanceof MessageEncodeError) return err;
  const msg = err instanceof Error ? err.message : String(err);
  const hint = /property type/i.test(msg) ? 'it contains a Map with a key that is not a string or a number (a Map arrives as a plain object); use string keys or an array of pairs' : `it could not be decoded (${msg})`;
  return new MessageEncodeError(hint, err);
}

/**
 * Runs `fn` (an encode or a decode by another Packr) with refs written by `write` and read by `read` (given the
 * opaque `owner`), restoring the thread's own hooks after: the frame codec for other nodes uses it.
 */
export function withRefHooks<T>(owner: unknown, write: (ref: unknown) => unknown, read: (data: unknown, owner: unknown) => unknown, fn: () => T): T {
  const outerOwner = decoding.owner;
  const outerRead = decoding.read;
  const outerWrite = decoding.write;
  decoding.owner = owner;
  decoding.read = read;
  decoding.write = write;
  try {
    return fn();
  } finally {
    decoding.owner = outerOwner;
    decoding.read = outerRead;
    decoding.write = outerWrite;
  }
}

export class Codec {
  readonly #packr: Packr;
  readonly #maxBytes: number;
  /** Reused decode window: msgpackr reads `{ start, end }` of the source. */
  readonly #window = { start: 0, end: 0 };
  #scratch = Buffer.allocUnsafe(4096);

  readonly #owner: unknown;
  readonly #out: { bytes: Uint8Array; start: number; end: number } = { bytes: Buffer.alloc(0), start: 0, end: 0 };

  /** `owner` is what refs decoded by this codec are bound to (the thread's runtime), opaque here. */
  constructor(maxMessageBytes: number, owner?: unknown) {
    this.#maxBytes = maxMessageBytes;
    this.#owner = owner;
    this.#packr = new Packr({
      useRecords: false,
      moreTypes: true,
      copyBuffers: true,
      writeFunction: rejectFunction,
    } as unknown as ConstructorParameters<typeof Packr>[0]);
  }

  /**
   * Encodes a message into the reusable buffer and returns where its bytes are (see `Encoded`); throws
   * MessageEncodeError or MessageTooLargeError, and sends nothing, on bad input.
   */
  encode(message: unknown, limit: number = this.#maxBytes): Encoded {
    let bytes: Uint8Array & { start?: number; end?: number };
    try {
      bytes = this.#packr.pack(message, REUSE_BUFFER_MODE | RESET_BUFFER_MODE) as unknown as Uint8Array & { start: number; end: number };
    } catch (err) {
      if (err instanceof MessageEncodeError) throw err;
      const msg = err instanceof Error ? err.message : String(err);
      throw new MessageEncodeError(/symbol/i.test(msg) ? 'it contains a symbol' : msg, err);
    }
    const start = bytes.start ?? 0;
    const end = bytes.end ?? bytes.length;
    const length = end - start;
    if (length > limit) throw new MessageTooLargeError(length, limit);
    if (mayHoldLoneSurrogate(bytes, start, end)) {
      const where = findLoneSurrogate(message);
      if (where !== undefined) {
        throw new MessageEncodeError(
          `${where} is a string with a lone surrogate (half of a UTF-16 pair), which UTF-8 cannot carry: it would arrive as U+FFFD. Send well-formed strings (String.prototype.toWellFormed), or the code units as numbers`,
        );
      }
    }
    const out = this.#out;
    out.bytes = bytes;
    out.start = start;
    out.end = end;
    return out;
  }

  /** A private copy of encoded bytes (for records that must wait for ring room). */
  copyOf(e: Encoded): Uint8Array {
    // Not Buffer#slice: on a Buffer it returns a view of the reused buffer, not a copy.
    return Uint8Array.prototype.slice.call(e.bytes, e.start, e.end);
  }

  /**
   * Decodes a payload that lives in shared memory. It is first copied into a private scratch buffer: msgpackr's
   * native string extractor rejects SharedArrayBuffer memory, and its fallback after each rejection (a caught
   * exception per message) cost ~8 µs per message here.
   */
  decodeShared(source: Buffer, start: number, length: number): unknown {
    if (this.#scratch.length < length) this.#scratch = Buffer.allocUnsafe(Math.max(length, this.#scratch.length * 2));
    const scratch = this.#scratch;
    // The small-copy loop is inlined here rather than calling copyBytes: this site sees one pair of array shapes
    // (ring memory -> scratch) and stays monomorphic; the shared helper sees several and was ~50 ns slower per hop.
    if (length <= SMALL_COPY) for (let i = 0; i < length; i++) scratch[i] = source[start + i]!;
    else copyBytes(scratch, 0, source, start, start + length);
    return this.decode(scratch, 0, length);
  }

  /** Decodes `source[start, start + length)`; refs in it are bound to this codec's owner. */
  decode(source: Uint8Array, start: number, length: number): unknown {
    // msgpackr reads `end: 0` as "to the end of the source": an empty window would decode the bytes after it (in
    // decodeShared, what the previous message left in the scratch buffer: a duplicate). No message encodes to
    // nothing, so an empty payload is corrupt.
    if (length <= 0) throw new MessageEncodeError(`it could not be decoded (a payload of ${length} bytes)`);
    const w = this.#window;
    w.start = start;
    w.end = start + length;
    const outerOwner = decoding.owner;
    const outerRead = decoding.read;
    decoding.owner = this.#owner;
    decoding.read = refRead;
    try {
      return this.#packr.unpack(source, w);
    } catch (err) {
      throw undecodable(err);
    } finally {
      decoding.owner = outerOwner;
      decoding.read = outerRead;
    }
  }

  /** Encode and decode in one step: the copy a same-thread delivery gets. */
  copy(message: unknown): unknown {
    const e = this.encode(message);
    return this.decode(e.bytes, e.start, e.end - e.start);
  }
}
