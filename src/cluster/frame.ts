/**
 * Frames between nodes: one msgpack array per NATS message, encoded and decoded on the main thread only.
 *
 *   [version, kind, targetId, targetThread, targetName, targetIncarnation,
 *    senderId, senderThread, senderName, senderIncarnation, body]
 *
 * The sender's node is not in the frame: it is the last token of the subject, which NATS permissions let only
 * that node publish (docs/cluster.md, "Security"), so it cannot be forged. senderId 0 means "no sender".
 *
 * Refs inside the body travel with their node: `[2, id, thread, name, node, incarnation]` (format 2 of the ref
 * extension; threads of one node use format 1, runtime/ref-codec.ts). Decoding is hardened (frame-guard.ts runs
 * first; then a Packr of its own without records, structured clone or functions), and every field is checked
 * before use: a bad frame is an error here, which the caller turns into a 'decode-failed' dead letter.
 */
import { Packr } from 'msgpackr';
import { MessageEncodeError, MessageTooLargeError } from '../errors.js';
import { withRefHooks } from '../transport/codec.js';
import { checkFrameBytes } from './frame-guard.js';
import { SUBJECT_TOKEN } from './token.js';

export const FRAME_VERSION = 1;
/** Ref format inside frames (a ref with its node). */
export const REMOTE_REF_FORMAT = 2;

export const F_TELL = 1;
export const F_ASK = 2;
export const F_REPLY = 3;
export const F_REPLY_ERROR = 4;
/** "Which actor is called `body` on your node?": answered with F_REPLY, the ref or null. */
export const F_IDENTIFY = 5;
/** The sender actor watches the target: F_TERMINATED comes back when it stops. */
export const F_WATCH = 6;
export const F_UNWATCH = 7;
/** body: [actorId, actorThread, actorName] of an actor of the sending node that stopped; target: the watcher. */
export const F_TERMINATED = 8;
/** A message published on a topic (cluster.pubsub): no target, no sender. */
export const F_PUBLISH = 9;

const KINDS = new Set([F_TELL, F_ASK, F_REPLY, F_REPLY_ERROR, F_IDENTIFY, F_WATCH, F_UNWATCH, F_TERMINATED, F_PUBLISH]);

/** Where an actor lives in the cluster. */
export interface RemoteAddress {
  node: string;
  incarnation: string;
  id: number;
  thread: number;
  name: string;
}

export interface Frame {
  kind: number;
  targetId: number;
  targetThread: number;
  targetName: string;
  targetIncarnation: string;
  senderId: number;
  senderThread: number;
  senderName: string;
  senderIncarnation: string;
  body: unknown;
}

/** What the frame codec needs to turn refs into addresses and back (src/cluster/remoting.ts). */
export interface RefMapping<R> {
  /** The class of refs to write (ActorRef). */
  isRef(value: unknown): value is R;
  toAddress(ref: R): RemoteAddress;
  fromAddress(a: RemoteAddress): R;
}


export class FrameCodec<R> {
  readonly #packr = new Packr({
    useRecords: false,
    moreTypes: true,
    structuredClone: false,
    mapsAsObjects: true,
    copyBuffers: true,
  } as unknown as ConstructorParameters<typeof Packr>[0]);
  readonly #refs: RefMapping<R>;
  readonly #maxBytes: number;
  readonly #write = (ref: unknown): unknown => {
    const a = this.#refs.toAddress(ref as R);
    return [REMOTE_REF_FORMAT, a.id, a.thread, a.name, a.node, a.incarnation];
  };
  readonly #read = (data: unknown): unknown => {
    if (!Array.isArray(data) || data[0] !== REMOTE_REF_FORMAT || data.length !== 6) {
      throw new TypeError('a ref in a frame is not in the node format');
    }
    const [, id, thread, name, node, incarnation] = data as unknown[];
    if (!Number.isSafeInteger(id) || (id as number) <= 0 || !Number.isInteger(thread) || (thread as number) < 0 || (thread as number) > 127) {
      throw new TypeError('a ref in a frame has a bad id or thread');
    }
    if (typeof name !== 'string' || name.length === 0 || name.length > 1024 || typeof node !== 'string' || !SUBJECT_TOKEN.test(node) || typeof incarnation !== 'string' || incarnation.length > 64) {
      throw new TypeError('a ref in a frame has a bad name, node or incarnation');
    }
    return this.#refs.fromAddress({ node, incarnation, id: id as number, thread: thread as number, name });
  };

  constructor(refs: RefMapping<R>, maxBytes: number) {
    this.#refs = refs;
    this.#maxBytes = maxBytes;
  }

  /** The bytes of a frame (a fresh buffer: NATS keeps it). Throws MessageEncodeError / MessageTooLargeError. */
  encode(f: Frame): Uint8Array {
    const arr = [
      FRAME_VERSION,
      f.kind,
      f.targetId,
      f.targetThread,
      f.targetName,
      f.targetIncarnation,
      f.senderId,
      f.senderThread,
      f.senderName,
      f.senderIncarnation,
      f.body,
    ];
    let bytes: Uint8Array;
    try {
      bytes = withRefHooks(undefined, this.#write, this.#read, () => this.#packr.pack(arr));
    } catch (err) {
      throw new MessageEncodeError(err instanceof Error ? err.message : String(err), err);
    }
    if (bytes.length > this.#maxBytes) throw new MessageTooLargeError(bytes.length, this.#maxBytes);
    return bytes;
  }

  /** The frame in `bytes`, checked; throws a TypeError saying what is wrong with it. */
  decode(bytes: Uint8Array): Frame {
    if (bytes.length > this.#maxBytes) throw new TypeError(`the frame has ${bytes.length} bytes, more than ${this.#maxBytes}`);
    const bad = checkFrameBytes(bytes);
    if (bad !== undefined) throw new TypeError(`the frame is not acceptable: ${bad}`);
    let v: unknown;
    try {
      v = withRefHooks(undefined, this.#write, this.#read, () => this.#packr.unpack(bytes));
    } catch (err) {
      throw new TypeError(`the frame could not be decoded: ${err instanceof Error ? err.message : String(err)}`);
    }
    if (!Array.isArray(v) || v.length !== 11 || v[0] !== FRAME_VERSION) throw new TypeError('the frame is not a version 1 frame');
    const [, kind, tId, tThread, tName, tInc, sId, sThread, sName, sInc, body] = v as unknown[];
    if (typeof kind !== 'number' || !KINDS.has(kind)) throw new TypeError(`the frame has an unknown kind ${String(kind)}`);
    if (!Number.isSafeInteger(tId) || (tId as number) < 0 || !Number.isInteger(tThread) || (tThread as number) < 0 || (tThread as number) > 127) {
      throw new TypeError('the frame has a bad target');
    }
    if (!Number.isSafeInteger(sId) || (sId as number) < 0 || !Number.isInteger(sThread) || (sThread as number) < 0 || (sThread as number) > 127) {
      throw new TypeError('the frame has a bad sender');
    }
    if (typeof tName !== 'string' || typeof tInc !== 'string' || typeof sName !== 'string' || typeof sInc !== 'string') {
      throw new TypeError('the frame has a bad name or incarnation');
    }
    return {
      kind,
      targetId: tId as number,
      targetThread: tThread as number,
      targetName: tName,
      targetIncarnation: tInc,
      senderId: sId as number,
      senderThread: sThread as number,
      senderName: sName,
      senderIncarnation: sInc,
      body,
    };
  }
}
