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
import { copyBytes } from './record.js';

/** msgpack extension type for ActorRefs (application range 0..127). */
export const REF_EXTENSION_TYPE = 0x52; // 'R'

export interface RefCodecHooks<R> {
  /** The class whose instances are encoded as refs. */
  Class: new (...args: never[]) => R;
  write(ref: R): [number, number, string];
  read(data: [number, number, string]): R;
}

let refHooksInstalled = false;
/**
 * Registers how ActorRefs cross threads. msgpackr extensions are process-wide (per thread), so this runs once
 * per thread; `read` rebinds a decoded ref to the runtime that is decoding it.
 */
export function installRefExtension<R>(hooks: RefCodecHooks<R>): void {
  if (refHooksInstalled) return;
  refHooksInstalled = true;
  addExtension({
    Class: hooks.Class as unknown as new () => R,
    type: REF_EXTENSION_TYPE,
    write: (ref: R) => hooks.write(ref),
    read: (data: [number, number, string]) => hooks.read(data),
  });
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

export class Codec {
  readonly #packr: Packr;
  readonly #maxBytes: number;
  /** Reused decode window: msgpackr reads `{ start, end }` of the source. */
  readonly #window = { start: 0, end: 0 };
  #scratch = Buffer.allocUnsafe(4096);

  constructor(maxMessageBytes: number) {
    this.#maxBytes = maxMessageBytes;
    this.#packr = new Packr({
      useRecords: false,
      moreTypes: true,
      copyBuffers: true,
      writeFunction: rejectFunction,
    } as unknown as ConstructorParameters<typeof Packr>[0]);
  }

  /**
   * The last `encode`'s bytes are `encoded[encodedStart, encodedEnd)`: a window into msgpackr's reusable buffer,
   * valid until the next encode (msgpackr's REUSE_BUFFER_MODE: no Buffer view is allocated per message).
   */
  encoded: Uint8Array = Buffer.alloc(0);
  encodedStart = 0;
  encodedEnd = 0;

  /**
   * Encodes a message into the reusable buffer (see `encoded`) and returns its length; throws MessageEncodeError
   * or MessageTooLargeError, and sends nothing, on bad input.
   */
  encode(message: unknown, limit: number = this.#maxBytes): number {
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
    this.encoded = bytes;
    this.encodedStart = start;
    this.encodedEnd = end;
    return length;
  }

  /** A private copy of the last encoded bytes (for records that must wait, and for same-thread delivery). */
  encodedCopy(): Uint8Array {
    // Not Buffer#slice: on a Buffer it returns a view of the reused buffer, not a copy.
    return Uint8Array.prototype.slice.call(this.encoded, this.encodedStart, this.encodedEnd);
  }

  /**
   * Decodes a payload that lives in shared memory. It is first copied into a private scratch buffer: msgpackr's
   * native string extractor rejects SharedArrayBuffer memory, and its fallback after each rejection (a caught
   * exception per message) cost ~8 µs per message here.
   */
  decodeShared(source: Buffer, start: number, length: number): unknown {
    if (this.#scratch.length < length) this.#scratch = Buffer.allocUnsafe(Math.max(length, this.#scratch.length * 2));
    copyBytes(this.#scratch, 0, source, start, start + length);
    return this.decode(this.#scratch, 0, length);
  }

  decode(source: Uint8Array, start: number, length: number): unknown {
    const w = this.#window;
    w.start = start;
    w.end = start + length;
    return this.#packr.unpack(source, w);
  }

  /** Encode and decode in one step: the copy a same-thread delivery gets. */
  copy(message: unknown): unknown {
    this.encode(message);
    return this.decode(this.encoded, this.encodedStart, this.encodedEnd - this.encodedStart);
  }
}
