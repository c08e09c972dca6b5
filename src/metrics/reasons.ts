/**
 * The dead-letter reasons in the order of their counters in the metrics page header (MH_DEAD_LETTERS + index).
 * A reason added to DeadLetterReason without a place here fails to compile (the check below).
 */
import type { DeadLetterReason } from '../protocol.js';
import { MH_MAX_REASONS } from '../transport/metrics-layout.js';

export const DEAD_LETTER_REASONS = [
  'actor-stopped',
  'mailbox-full',
  'system-shutdown',
  'ask-timed-out',
  'no-asker',
  'stash-discarded',
  'worker-crashed',
  'undecodable',
  'superseded',
  'no-routees',
  'node-down',
  'stale-incarnation',
  'decode-failed',
  'not-delivered-remote',
] as const satisfies readonly DeadLetterReason[];

type Missing = Exclude<DeadLetterReason, (typeof DEAD_LETTER_REASONS)[number]>;
const everyReason: [Missing] extends [never] ? true : Missing = true;
void everyReason;

if (DEAD_LETTER_REASONS.length > MH_MAX_REASONS) throw new Error('metrics-layout.ts: the header has no room for every dead-letter reason');

/** Index of each reason's counter. */
export const REASON_INDEX: Readonly<Record<DeadLetterReason, number>> = Object.fromEntries(
  DEAD_LETTER_REASONS.map((r, i) => [r, i]),
) as Record<DeadLetterReason, number>;
