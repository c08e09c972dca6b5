/**
 * Cluster membership in a NATS KV bucket (`rm_<cluster>_members`), one key per node: `m.<nodeId>`.
 *
 * Liveness comes from heartbeats alone (NATS server 2.9.10 ignores per-key TTL): every heartbeat is a
 * compare-and-set `update` that makes a new revision; every node watches the bucket and keeps, per member, the time
 * (its own `performance.now()`, never another node's clock) it last saw a new revision. No new revision for
 * `failureTimeoutMs` → unreachable; an unreachable member is downed by a conditional delete
 * (`delete(key, { previousSeq: lastSeenRevision })`), which fails if it heartbeated meanwhile and which only one of
 * several contenders can win. The delete marker is the `member-down` every node sees.
 *
 * A node fences itself when its own heartbeat has not succeeded for `selfFenceAfterMs`; it learns it was downed from
 * a heartbeat failing with wrong-last-sequence (or the delete marker of its key in the watch).
 * docs/cluster-membership.md has the state machine, the timings and why it is safe.
 */
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import { JetStreamApiCodes, JetStreamApiError, StorageType } from '@nats-io/jetstream';
import { type KV, type KvEntry, Kvm } from '@nats-io/kv';
import type { NatsConnection, QueuedIterator } from '@nats-io/transport-node';
import type { z as Zod } from 'zod';
import { type ConfigIssue, InvalidConfigError, NodeIdTakenError } from '../errors.js';
import { SUBJECT_TOKEN } from './token.js';

export type MemberStatus = 'up' | 'leaving';

export interface Member {
  readonly id: string;
  readonly incarnation: string;
  readonly status: MemberStatus;
  readonly roles: readonly string[];
  readonly workers: number;
  /** False once no new revision of its key was seen for `failureTimeoutMs` (for self: false while fenced). */
  readonly reachable: boolean;
}

export type MembershipEvent =
  | { type: 'member-up'; member: Member }
  | { type: 'member-unreachable'; member: Member }
  | { type: 'member-reachable'; member: Member }
  /** Its key was deleted by a downer (a survivor's conditional delete); once per member incarnation. */
  | { type: 'member-down'; member: Member }
  /** It deleted its own key after `leave()` (its last record said 'leaving'); once per member incarnation. */
  | { type: 'member-left'; member: Member }
  /** This node's own heartbeat has not succeeded for `selfFenceAfterMs`: stop hosting. */
  | { type: 'self-fenced' }
  /** A later heartbeat succeeded with the old revision: hosting may resume. */
  | { type: 'self-unfenced' }
  /** This node's key was deleted (or taken over) by someone else: it was downed. Always after 'self-fenced'. */
  | { type: 'self-downed' };

export interface MembershipOptions {
  /** Subject-safe name (`[A-Za-z0-9_-]{1,64}`); the bucket is `rm_<cluster>_members`. */
  cluster: string;
  /** Subject-safe id (`[A-Za-z0-9_-]{1,64}`); the key is `m.<nodeId>`. */
  nodeId: string;
  /** Random per start, drawn by the caller. */
  incarnation: string;
  roles: readonly string[];
  workers: number;
  heartbeatIntervalMs: number;
  failureTimeoutMs: number;
  selfFenceAfterMs: number;
  /** Called for each KV value that fails validation (it is ignored, never stored); `invalidRecords` counts them. */
  onInvalid?: (key: string, reason: string) => void;
}

const SUBJECT_SAFE = SUBJECT_TOKEN;
/** The record format; a record with another version is invalid (and ignored) for this code. */
const RECORD_VERSION = 1;
/** The bucket's TTL: garbage collection of records nobody deleted, never liveness (heartbeats rewrite far sooner). */
const BUCKET_TTL_MS = 3_600_000;
const JOIN_TIMEOUT_MS = 15_000;

interface MemberRecord {
  id: string;
  incarnation: string;
  status: MemberStatus;
  roles: string[];
  workers: number;
  version: number;
  hb: number;
}

let recordSchema: Zod.ZodType<MemberRecord> | undefined;
function schema(): Zod.ZodType<MemberRecord> {
  if (recordSchema) return recordSchema;
  // zod is loaded on first use, as src/config.ts does (a module the package index reaches stays cheap to import).
  const { z } = createRequire(import.meta.url)('zod') as typeof import('zod');
  recordSchema = z.object({
    id: z.string().regex(SUBJECT_SAFE),
    incarnation: z.string().min(1).max(128),
    status: z.enum(['up', 'leaving']),
    roles: z.array(z.string().min(1).max(128)).max(64),
    workers: z.number().int().min(0).max(65_536),
    version: z.literal(RECORD_VERSION),
    hb: z.number().int().min(0),
  });
  return recordSchema;
}

function validateOptions(o: MembershipOptions): void {
  const issues: ConfigIssue[] = [];
  const add = (path: string, message: string) => issues.push({ path, message });
  const posInt = (path: string, v: unknown) => {
    if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) add(path, `must be a positive number of milliseconds (got ${String(v)})`);
  };
  for (const k of ['cluster', 'nodeId'] as const) {
    if (typeof o[k] !== 'string' || !SUBJECT_SAFE.test(o[k])) add(k, `must match [A-Za-z0-9_-]{1,64} (got ${JSON.stringify(o[k])})`);
  }
  if (typeof o.incarnation !== 'string' || o.incarnation.length === 0 || o.incarnation.length > 128) {
    add('incarnation', 'must be a non-empty string of at most 128 characters');
  }
  if (!Array.isArray(o.roles) || o.roles.some((r) => typeof r !== 'string' || r.length === 0 || r.length > 128) || o.roles.length > 64) {
    add('roles', 'must be an array of at most 64 non-empty strings');
  }
  if (typeof o.workers !== 'number' || !Number.isInteger(o.workers) || o.workers < 0) add('workers', `must be a non-negative integer (got ${String(o.workers)})`);
  posInt('heartbeatIntervalMs', o.heartbeatIntervalMs);
  posInt('failureTimeoutMs', o.failureTimeoutMs);
  posInt('selfFenceAfterMs', o.selfFenceAfterMs);
  if (o.selfFenceAfterMs >= o.failureTimeoutMs) {
    add('selfFenceAfterMs', `must be less than failureTimeoutMs (${o.selfFenceAfterMs} >= ${o.failureTimeoutMs}): a node must fence itself before others may down it`);
  }
  if (o.heartbeatIntervalMs >= o.selfFenceAfterMs) {
    add('heartbeatIntervalMs', `must be less than selfFenceAfterMs (${o.heartbeatIntervalMs} >= ${o.selfFenceAfterMs}): one late heartbeat would fence the node`);
  }
  if (o.onInvalid !== undefined && typeof o.onInvalid !== 'function') add('onInvalid', 'must be a function');
  if (issues.length > 0) throw new InvalidConfigError(issues.map((i) => ({ ...i, path: `cluster.${i.path}` })));
}

function isWrongLastSequence(err: unknown): boolean {
  return (
    err instanceof JetStreamApiError &&
    (err.code === JetStreamApiCodes.StreamWrongLastSequence || err.code === JetStreamApiCodes.StreamWrongLastSequenceUnknown)
  );
}

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

interface Tracked {
  member: Member;
  /** The revision of its key last seen (the previousSeq of a downing delete). */
  revision: number;
  /** This node's performance.now() when it last saw a new revision of the key. */
  lastSeenAt: number;
  downing: boolean;
}

type Parsed = { ok: true; record: MemberRecord } | { ok: false; reason: string };

export class Membership {
  /** Successful downing deletes this node made (a test and a metric: across the cluster, one per downed member). */
  downedByMe = 0;
  /** KV values that failed validation and were ignored. */
  invalidRecords = 0;

  readonly #kv: KV;
  readonly #o: MembershipOptions;
  readonly #key: string;
  #record: MemberRecord;
  #ownRevision: number;
  /** performance.now() when the last successful write of our own key was sent (the fence is measured from it). */
  #lastOkSentAt: number;
  #fenced = false;
  #downed = false;
  #leaving = false;
  #stopped = false;
  #pausedUntil = 0;
  #watchPausedUntil = 0;
  readonly #held: KvEntry[] = [];
  #beat: Promise<void> | undefined;
  /** performance.now() when the watch last delivered a revision of our own key that we wrote. */
  #lastOwnSeenAt: number;
  #watchStartedAt = 0;
  readonly #tracked = new Map<string, Tracked>();
  /** `${id}\n${incarnation}` of members whose down/left was reported: exactly once, and never resurrected. */
  readonly #ended = new Set<string>();
  readonly #subscribers = new Set<(e: MembershipEvent) => void>();
  #hbTimer: NodeJS.Timeout | undefined;
  #checkTimer: NodeJS.Timeout | undefined;
  #fenceTimer: NodeJS.Timeout | undefined;
  #watch: QueuedIterator<KvEntry> | undefined;
  #watchLoop: Promise<void> | undefined;
  #caughtUp: (() => void) | undefined;

  private constructor(kv: KV, o: MembershipOptions, record: MemberRecord, revision: number, sentAt: number) {
    this.#kv = kv;
    this.#o = o;
    this.#key = `m.${o.nodeId}`;
    this.#record = record;
    this.#ownRevision = revision;
    this.#lastOkSentAt = sentAt;
    this.#lastOwnSeenAt = performance.now();
  }

  /** Writes this node's key (replacing a dead incarnation of the same id) and reads the member list. */
  static async join(nc: NatsConnection, options: MembershipOptions): Promise<Membership> {
    validateOptions(options);
    const o: MembershipOptions = { ...options, roles: [...options.roles] };
    const kv = await new Kvm(nc).create(`rm_${o.cluster}_members`, {
      history: 1,
      storage: StorageType.File,
      ttl: BUCKET_TTL_MS,
    });
    const record: MemberRecord = {
      id: o.nodeId,
      incarnation: o.incarnation,
      status: 'up',
      roles: [...o.roles],
      workers: o.workers,
      version: RECORD_VERSION,
      hb: 0,
    };
    const { revision, sentAt } = await claim(kv, o, record);
    const m = new Membership(kv, o, record, revision, sentAt);
    try {
      await m.#startWatch();
    } catch (err) {
      await m.close();
      throw err;
    }
    m.#armFence();
    m.#hbTimer = setTimeout(() => m.#tick(), o.heartbeatIntervalMs).unref();
    m.#checkTimer = setInterval(() => m.#check(), Math.max(10, Math.min(o.heartbeatIntervalMs, o.failureTimeoutMs / 4))).unref();
    return m;
  }

  get self(): Member {
    return this.#selfMember();
  }

  get fenced(): boolean {
    return this.#fenced;
  }

  members(): Member[] {
    return [this.#selfMember(), ...[...this.#tracked.values()].map((t) => t.member)];
  }

  member(nodeId: string): Member | undefined {
    if (nodeId === this.#o.nodeId) return this.#selfMember();
    return this.#tracked.get(nodeId)?.member;
  }

  subscribe(fn: (e: MembershipEvent) => void): () => void {
    // A wrapper per call, so subscribing the same function twice gives two independent subscriptions.
    const entry = (e: MembershipEvent) => fn(e);
    this.#subscribers.add(entry);
    return () => {
      this.#subscribers.delete(entry);
    };
  }

  /** Writes status 'leaving', then deletes the own key (others see 'member-left'); stops heartbeats and the watch. */
  async leave(): Promise<void> {
    if (this.#stopped || this.#leaving) return;
    this.#leaving = true;
    clearTimeout(this.#hbTimer);
    await this.#beat;
    if (!this.#downed) {
      try {
        const leaving = { ...this.#record, status: 'leaving' as const, hb: this.#record.hb + 1 };
        const rev = await this.#kv.update(this.#key, encoder.encode(JSON.stringify(leaving)), this.#ownRevision);
        this.#record = leaving;
        this.#ownRevision = rev;
        await this.#kv.delete(this.#key, { previousSeq: rev });
      } catch (err) {
        // Wrong last sequence: we were downed meanwhile (others saw member-down); nothing left to delete.
        if (!isWrongLastSequence(err)) {
          await this.close();
          throw err;
        }
      }
    }
    await this.close();
  }

  /** Stops the timers and the watch without deleting the key: to others this looks like a crash. */
  async close(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#hbTimer);
    clearInterval(this.#checkTimer);
    clearTimeout(this.#fenceTimer);
    this.#watch?.stop();
    this.#caughtUp?.();
    await this.#watchLoop;
    await this.#beat;
    this.#subscribers.clear();
  }

  /**
   * @internal Test hook: skip heartbeats for `ms` (a stalled node, as others and its own fence see it).
   */
  pauseHeartbeatsFor(ms: number): void {
    this.#pausedUntil = performance.now() + ms;
  }

  /**
   * @internal Test hook: hold the watch's entries for `ms`, then apply them in order (a stalled watch: every member,
   * this node's own heartbeats included, looks silent meanwhile).
   */
  pauseWatchFor(ms: number): void {
    this.#watchPausedUntil = performance.now() + ms;
  }

  #selfMember(): Member {
    const r = this.#record;
    return Object.freeze({ id: r.id, incarnation: r.incarnation, status: r.status, roles: Object.freeze([...r.roles]), workers: r.workers, reachable: !this.#fenced });
  }

  #emit(e: MembershipEvent): void {
    if (this.#stopped) return;
    for (const fn of [...this.#subscribers]) {
      try {
        fn(e);
      } catch (err) {
        // A throwing subscriber must not stop the watch; its error surfaces as an uncaught exception.
        queueMicrotask(() => {
          throw err;
        });
      }
    }
  }

  // --- own heartbeat and fence ---

  #armFence(): void {
    clearTimeout(this.#fenceTimer);
    if (this.#stopped || this.#downed) return;
    const wait = Math.max(0, this.#lastOkSentAt + this.#o.selfFenceAfterMs - performance.now());
    this.#fenceTimer = setTimeout(() => this.#fence(), wait).unref();
  }

  #fence(): void {
    if (this.#fenced || this.#stopped) return;
    this.#fenced = true;
    this.#emit({ type: 'self-fenced' });
  }

  #tick(): void {
    if (this.#stopped || this.#downed || this.#leaving) return;
    this.#hbTimer = setTimeout(() => this.#tick(), this.#o.heartbeatIntervalMs).unref();
    if (this.#beat || performance.now() < this.#pausedUntil) return;
    this.#beat = this.#heartbeat().finally(() => {
      this.#beat = undefined;
    });
  }

  async #heartbeat(): Promise<void> {
    const next = { ...this.#record, hb: this.#record.hb + 1 };
    const sentAt = performance.now();
    try {
      // The timeout bounds an attempt to the fence window: a heartbeat older than that could not unfence anyway.
      const rev = await this.#kv.update(this.#key, encoder.encode(JSON.stringify(next)), this.#ownRevision, this.#o.selfFenceAfterMs);
      if (this.#stopped || this.#leaving) return;
      this.#record = next;
      this.#ownRevision = rev;
      this.#lastOkSentAt = sentAt;
      this.#armFence();
      if (this.#fenced && !this.#downed) {
        this.#fenced = false;
        // What we saw of the others while we could not reach NATS says nothing about them: give each a full
        // failureTimeoutMs from now (otherwise after an outage every node would down every other one).
        const now = performance.now();
        for (const t of this.#tracked.values()) t.lastSeenAt = Math.max(t.lastSeenAt, now);
        this.#emit({ type: 'self-unfenced' });
      }
    } catch (err) {
      if (this.#stopped) return;
      if (isWrongLastSequence(err)) await this.#checkOwnKey();
      // Anything else (timeout, disconnected): the fence timer does its work; the next tick tries again.
    }
  }

  /** After a wrong-last-sequence: either an earlier heartbeat that timed out did land (adopt it), or we were downed. */
  async #checkOwnKey(): Promise<void> {
    let entry: KvEntry | null;
    try {
      entry = await this.#kv.get(this.#key);
    } catch {
      return; // unknown: the next heartbeat asks again
    }
    if (this.#stopped) return;
    if (entry?.operation === 'PUT') {
      const p = this.#parse(entry);
      if (p.ok && p.record.incarnation === this.#o.incarnation) {
        // Only this node writes its incarnation: the write landed; its reply was lost.
        this.#record = { ...this.#record, hb: Math.max(this.#record.hb, p.record.hb) };
        this.#ownRevision = entry.revision;
        return;
      }
    }
    this.#onDowned();
  }

  #onDowned(): void {
    if (this.#downed || this.#leaving || this.#stopped) return;
    this.#downed = true;
    clearTimeout(this.#hbTimer);
    clearTimeout(this.#fenceTimer);
    this.#fence();
    this.#emit({ type: 'self-downed' });
  }

  // --- the watch ---

  async #startWatch(): Promise<void> {
    const iter = await this.#kv.watch({ key: 'm.>' });
    this.#watch = iter;
    this.#watchStartedAt = performance.now();
    const caughtUp = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the member list of cluster '${this.#o.cluster}' could not be read within ${JOIN_TIMEOUT_MS} ms`)), JOIN_TIMEOUT_MS).unref();
      this.#caughtUp = () => {
        clearTimeout(timer);
        this.#caughtUp = undefined;
        resolve();
      };
    });
    this.#watchLoop = (async () => {
      try {
        for await (const e of iter) {
          if (this.#stopped) break;
          if (performance.now() < this.#watchPausedUntil) {
            this.#held.push(e);
            continue;
          }
          for (const h of this.#held.splice(0)) this.#onEntry(h);
          this.#onEntry(e);
          if (e.delta === 0) this.#caughtUp?.();
        }
      } catch {
        // The iterator failed (connection closed): #check restarts the watch if we are still running.
      }
    })();
    await caughtUp;
  }

  #restartWatch(): void {
    const old = this.#watch;
    const oldLoop = this.#watchLoop;
    old?.stop();
    this.#held.length = 0; // the new watch starts with the current values
    this.#watch = undefined;
    this.#watchStartedAt = performance.now();
    void (async () => {
      await oldLoop;
      if (this.#stopped) return;
      try {
        await this.#startWatch();
      } catch {
        // Retried by #check after another failureTimeoutMs.
      }
      if (this.#stopped) this.#watch?.stop();
    })();
  }

  #parse(e: KvEntry): Parsed {
    let json: unknown;
    try {
      json = JSON.parse(decoder.decode(e.value));
    } catch {
      return { ok: false, reason: 'not UTF-8 JSON' };
    }
    const r = schema().safeParse(json);
    if (!r.success) return { ok: false, reason: r.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ') };
    if (`m.${r.data.id}` !== e.key) return { ok: false, reason: `record id '${r.data.id}' does not match its key` };
    return { ok: true, record: r.data };
  }

  #invalid(key: string, reason: string): void {
    this.invalidRecords++;
    try {
      this.#o.onInvalid?.(key, reason);
    } catch {}
  }

  #onEntry(e: KvEntry): void {
    if (!e.key.startsWith('m.')) return this.#invalid(e.key, 'not a member key (m.<nodeId>)');
    const id = e.key.slice(2);
    const deleted = e.operation === 'DEL' || e.operation === 'PURGE';
    if (id === this.#o.nodeId) return this.#onOwnEntry(e, deleted);
    const t = this.#tracked.get(id);
    if (deleted) {
      if (t && e.revision > t.revision) this.#end(id, t, t.member.status === 'leaving' ? 'member-left' : 'member-down');
      return;
    }
    const p = this.#parse(e);
    if (!p.ok) return this.#invalid(e.key, p.reason);
    const r = p.record;
    if (this.#ended.has(`${id}\n${r.incarnation}`)) return; // a reported-down incarnation never comes back
    const now = performance.now();
    if (t && t.member.incarnation !== r.incarnation) {
      // A restart with the same id replaced the old incarnation's record: the old one is down.
      if (e.revision <= t.revision) return;
      this.#end(id, t, 'member-down');
    } else if (t) {
      if (e.revision <= t.revision) return;
      const wasUnreachable = !t.member.reachable;
      t.revision = e.revision;
      t.lastSeenAt = now;
      t.member = toMember(r, true);
      if (wasUnreachable) this.#emit({ type: 'member-reachable', member: t.member });
      return;
    }
    const fresh: Tracked = { member: toMember(r, true), revision: e.revision, lastSeenAt: now, downing: false };
    this.#tracked.set(id, fresh);
    this.#emit({ type: 'member-up', member: fresh.member });
  }

  #end(id: string, t: Tracked, type: 'member-down' | 'member-left'): void {
    this.#tracked.delete(id);
    const k = `${id}\n${t.member.incarnation}`;
    if (this.#ended.has(k)) return;
    this.#ended.add(k);
    this.#emit({ type, member: t.member });
  }

  #onOwnEntry(e: KvEntry, deleted: boolean): void {
    if (e.revision < this.#ownRevision) return; // older than what we wrote last (the initial value, or a replay)
    if (deleted) {
      if (!this.#leaving) this.#onDowned();
      return;
    }
    const p = this.#parse(e);
    if (p.ok && p.record.incarnation === this.#o.incarnation) {
      this.#lastOwnSeenAt = performance.now();
      return;
    }
    // Someone else wrote our key (another incarnation replaced us, or garbage): we no longer own it.
    if (!p.ok) this.#invalid(e.key, p.reason);
    if (!this.#leaving) this.#onDowned();
  }

  // --- failure detection ---

  #check(): void {
    if (this.#stopped) return;
    const now = performance.now();
    const timeout = this.#o.failureTimeoutMs;
    for (const [id, t] of this.#tracked) {
      if (now - t.lastSeenAt < timeout) continue;
      if (t.member.reachable) {
        t.member = Object.freeze({ ...t.member, reachable: false });
        this.#emit({ type: 'member-unreachable', member: t.member });
      }
      if (this.#canJudge(now) && !t.downing) this.#down(id, t);
    }
    // The watch must deliver our own heartbeats; if it has not for failureTimeoutMs while they succeed, it is stale
    // (a consumer lost with a server restart): start a new one.
    if (
      !this.#fenced &&
      !this.#downed &&
      now - this.#lastOwnSeenAt > timeout &&
      now - this.#lastOkSentAt < this.#o.selfFenceAfterMs &&
      now - this.#watchStartedAt > timeout
    ) {
      this.#restartWatch();
    }
  }

  /**
   * Whether this node may down others: it is not fenced, downed or leaving, and its watch has shown its own last
   * heartbeats (a watch that delivers nothing would make everyone look silent).
   */
  #canJudge(now: number): boolean {
    return !this.#fenced && !this.#downed && !this.#leaving && now - this.#lastOwnSeenAt <= this.#o.selfFenceAfterMs;
  }

  #down(id: string, t: Tracked): void {
    t.downing = true;
    const revision = t.revision;
    this.#kv
      .delete(`m.${id}`, { previousSeq: revision })
      .then(
        () => {
          this.downedByMe++;
        },
        () => {
          // Wrong last sequence: it heartbeated meanwhile, or another node downed it first. Otherwise, retried.
        },
      )
      .finally(() => {
        t.downing = false;
      });
  }
}

function toMember(r: MemberRecord, reachable: boolean): Member {
  return Object.freeze({ id: r.id, incarnation: r.incarnation, status: r.status, roles: Object.freeze([...r.roles]), workers: r.workers, reachable });
}

/**
 * Writes this node's record: `create`; if a record for the id exists, watch its revision for failureTimeoutMs and
 * replace it (CAS on the revision seen) if it stayed the same; if it changed, a live node has the id.
 */
async function claim(kv: KV, o: MembershipOptions, record: MemberRecord): Promise<{ revision: number; sentAt: number }> {
  const value = () => encoder.encode(JSON.stringify(record));
  for (let attempt = 0; attempt < 5; attempt++) {
    const sentAt = performance.now();
    try {
      return { revision: await kv.create(`m.${o.nodeId}`, value()), sentAt };
    } catch (err) {
      if (!isWrongLastSequence(err)) throw err;
    }
    const seen = await kv.get(`m.${o.nodeId}`);
    if (!seen || seen.operation !== 'PUT') continue; // deleted meanwhile: create again
    const deadline = performance.now() + o.failureTimeoutMs;
    let changed = false;
    while (performance.now() < deadline) {
      await new Promise((r) => setTimeout(r, Math.min(o.heartbeatIntervalMs / 2, Math.max(1, deadline - performance.now()))).unref());
      const now = await kv.get(`m.${o.nodeId}`);
      if (!now || now.revision !== seen.revision) {
        changed = true;
        break;
      }
    }
    if (changed) {
      const now = await kv.get(`m.${o.nodeId}`);
      if (now?.operation === 'PUT') throw new NodeIdTakenError(o.nodeId, o.cluster);
      continue; // it was deleted (downed or left): create again
    }
    const replaceAt = performance.now();
    try {
      return { revision: await kv.update(`m.${o.nodeId}`, value(), seen.revision), sentAt: replaceAt };
    } catch (err) {
      if (!isWrongLastSequence(err)) throw err;
      // It changed just now: look again.
    }
  }
  throw new NodeIdTakenError(o.nodeId, o.cluster);
}
