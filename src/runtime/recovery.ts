/**
 * Where crash recovery lives: a replacement worker's first act, before it reads any ring. It re-creates the actors
 * its dead predecessor hosted (same ids, names and parents), queues their messages again in the order they were
 * taken, settles the message each was handling when the worker died (a 'worker-crashed' dead letter and
 * WorkerCrashedError, or a redelivery for `redeliverOnCrash` actors), queues the messages they had stashed first
 * (in stash order), and resumes every incoming ring just after
 * the last record the predecessor took. Everything it replays is journaled again for the next replacement.
 *
 * Contract: called once, on the replacement worker's thread, by its Runtime.
 */
import { ENTRY_ASK, ENTRY_TELL } from '../dispatch/mailbox.js';
import { WorkerCrashedError } from '../errors.js';
import { K_ASK, K_SYSTEM, type SystemMessage } from '../protocol.js';
import type { Codec } from '../transport/codec.js';
import type { RecoveredJournal, RecoveredRecord } from '../transport/journal.js';
import { JS_STARTED, JS_STASHED } from '../transport/layout.js';
import type { Mesh } from '../transport/mesh.js';
import type { ActorTable } from './actors.js';
import type { PendingAsks } from './asks.js';
import type { Delivery } from './delivery.js';
import type { Credits } from './credits.js';
import { BOUNDED_ID_MIN, creditSlotOf, idFrom } from './ids.js';
import type { Journaling } from './journaling.js';
import type { Lifecycle } from './lifecycle.js';
import type { Outbound } from './outbound.js';
import type { SystemMessages } from './system-messages.js';

export interface RecoveryParts {
  thread: number;
  codec: Codec;
  mesh: Mesh;
  journal: Journaling;
  actors: ActorTable;
  asks: PendingAsks;
  lifecycle: Lifecycle;
  system: SystemMessages;
  delivery: Delivery;
  out: Outbound;
  credits: Credits;
}

/** Replays `rec`, the journal of this worker's dead predecessor, which died of `cause`. */
export function recover(p: RecoveryParts, rec: RecoveredJournal, cause: Error): void {
  const { journal, mesh, actors } = p;
  p.lifecycle.raiseNextLocal(rec.nextLocal);
  for (let t = 0; t < rec.spawnSeen.length; t++) {
    if (actors.raiseSpawnSeen(t, rec.spawnSeen[t]!)) journal.setSpawnSeen(t, rec.spawnSeen[t]!);
  }
  p.asks.continueAfter(rec.lastCorr);
  for (let i = 0; i < mesh.readers.length; i++) mesh.readers[i]!.skipTo(rec.consumed[mesh.readerFrom[i]!] ?? 0);
  const counts = { actors: 0, messages: 0, redelivered: 0, lost: 0 };
  const decoded = rec.records.map((r) => p.codec.decode(r.payload, 0, r.payload.length));
  const rejournal = (r: RecoveredRecord): number => journal.append(r, -1, 0, r.payload, 0, r.payload.length);
  // Spawns first, in journal order (a parent before its children): messages then find their actors.
  rec.records.forEach((r, i) => {
    const m = decoded[i] as SystemMessage;
    if (r.kind !== K_SYSTEM || m.type !== 'spawn') return;
    const id = idFrom(r.targetHi, r.targetLo);
    if (r.state === JS_STARTED) {
      p.system.handle(m, r.senderThread, id, 0, rejournal(r), cause);
      counts.actors++;
    } else {
      p.system.handle(m, r.senderThread, id, r.corr, rejournal(r));
    }
  });
  // Bounded mailboxes (credits.ts): the credits of what the predecessor held in memory only died with it. The
  // messages still queued in the journal keep theirs; those that had given theirs back (stashed, or being handled
  // and redelivered) take one again as they re-enter the mailbox, whatever the count.
  for (const cell of actors.values()) if (cell.id >= BOUNDED_ID_MIN) p.credits.reclaimAtRisk(creditSlotOf(cell.id));
  const recredit = (id: number): void => {
    if (id >= BOUNDED_ID_MIN) p.credits.hold(creditSlotOf(id));
  };
  // Stashed messages next, in stash order: they were accepted, and they were ahead of everything still queued.
  const stashed = rec.records.map((r, i) => ({ r, i })).filter(({ r }) => r.kind !== K_SYSTEM && r.state >= JS_STASHED);
  stashed.sort((a, b) => a.r.state - b.r.state);
  for (const { r, i } of stashed) {
    const senderId = idFrom(r.senderHi, r.senderLo);
    counts.messages++;
    recredit(idFrom(r.targetHi, r.targetLo));
    p.delivery.deliver(idFrom(r.targetHi, r.targetLo), r.kind === K_ASK ? ENTRY_ASK : ENTRY_TELL, decoded[i], senderId, r.senderThread, r.corr, rejournal(r));
  }
  rec.records.forEach((r, i) => {
    const msg = decoded[i];
    const id = idFrom(r.targetHi, r.targetLo);
    if (r.kind !== K_SYSTEM && r.state >= JS_STASHED) return;
    if (r.kind === K_SYSTEM) {
      if ((msg as SystemMessage).type !== 'spawn') p.system.handle(msg as SystemMessage, r.senderThread, id, r.corr, rejournal(r));
      return;
    }
    const senderId = idFrom(r.senderHi, r.senderLo);
    if (r.state === JS_STARTED) {
      // The message its actor was handling when the worker died: at-most-once unless the actor opted in.
      const cell = actors.get(id);
      if (cell === undefined || cell.def.behavior.redeliverOnCrash !== true) {
        const name = cell?.ref.name ?? `#${id}`;
        p.out.deadLetter('worker-crashed', name, msg, senderId === 0 ? null : actors.nameOf(senderId, r.senderThread), cause, true);
        if (r.kind === K_ASK && r.corr !== 0) p.out.reply(r.senderThread, r.corr, new WorkerCrashedError(p.thread, cause), true);
        counts.lost++;
        return;
      }
      counts.redelivered++;
      recredit(id);
    } else {
      counts.messages++;
    }
    p.delivery.deliver(id, r.kind === K_ASK ? ENTRY_ASK : ENTRY_TELL, msg, senderId, r.senderThread, r.corr, rejournal(r));
  });
  p.out.report({ type: 'recovered', ...counts, unjournaled: rec.unjournaled });
}
