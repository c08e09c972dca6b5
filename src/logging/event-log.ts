/**
 * What the engine logs of its own events, and at which level: one pure function from a SystemEvent to a record, so
 * that docs/semantics.md ("Logging") and test/logging/ can pin the table. Levels follow Akka where it has a rule:
 * a failure is an error, a resumed one a warning, an escalation is left to the supervisor's own failure record
 * (Akka's `SupervisorStrategy.logFailure`), dead letters are info.
 *
 * Contract: main thread only (the event stream's subscriber that ActorSystem installs when given a logger).
 */
import type { SystemEvent } from '../events.js';
import type { DeadLetterReason } from '../protocol.js';
import type { LogLevel } from './logger.js';

export interface LogRecord {
  level: LogLevel;
  fields: Record<string, unknown>;
  msg: string;
}

/**
 * Dead letters by how much they say about a problem: a message lost to a crash, dropped by overflow or undecodable
 * is a warning; one to an actor that is gone (Akka's dead letter) is info; the ones a shutdown or a scatter-gather
 * produces by design are debug.
 */
export const DEAD_LETTER_LEVELS: Readonly<Record<DeadLetterReason, LogLevel>> = {
  'worker-crashed': 'warn',
  'mailbox-full': 'warn',
  undecodable: 'warn',
  'node-down': 'warn',
  'decode-failed': 'warn',
  'not-delivered-remote': 'warn',
  'stale-incarnation': 'info',
  'actor-stopped': 'info',
  'no-asker': 'info',
  'ask-timed-out': 'info',
  'stash-discarded': 'info',
  'no-routees': 'info',
  'system-shutdown': 'debug',
  superseded: 'debug',
};

/** The error's own `code` (ERR_WORKER_OUT_OF_MEMORY, ERR_ASK_TIMEOUT, ...), when it has one. */
function codeOf(err: Error): { code?: string } {
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' ? { code } : {};
}

/**
 * The record for `e`. The message of a dead letter is left out on purpose (it is user data, and can be large):
 * subscribe to `dead-letter` events for it.
 */
export function eventRecord(e: SystemEvent): LogRecord {
  switch (e.type) {
    case 'actor-failed':
      return {
        level: e.directive === 'resume' ? 'warn' : e.directive === 'escalate' ? 'debug' : 'error',
        fields: { event: e.type, actor: e.actor, definition: e.definition, directive: e.directive, err: e.error, ...codeOf(e.error) },
        msg: `actor ${e.actor} failed (${e.directive}): ${e.error.message}`,
      };
    case 'actor-restarted':
      return {
        level: 'info',
        fields: { event: e.type, actor: e.actor, definition: e.definition, thread: e.thread, err: e.error, ...codeOf(e.error) },
        msg: `actor ${e.actor} restarted`,
      };
    case 'actor-started':
    case 'actor-stopped':
      return { level: 'debug', fields: { event: e.type, actor: e.actor, thread: e.thread }, msg: `actor ${e.actor} ${e.type === 'actor-started' ? 'started' : 'stopped'}` };
    case 'dead-letter':
      return {
        level: DEAD_LETTER_LEVELS[e.reason] ?? 'info',
        fields: {
          event: e.type,
          reason: e.reason,
          target: e.target,
          sender: e.sender,
          ...(e.error !== undefined ? { err: e.error, ...codeOf(e.error) } : {}),
          ...(e.interrupted === true ? { interrupted: true } : {}),
        },
        msg: `dead letter to ${e.target} (${e.reason})`,
      };
    case 'worker-exited':
      return {
        level: 'error',
        fields: { event: e.type, worker: e.worker, exitCode: e.code, restarting: e.restarting, restarts: e.restarts, err: e.error, ...codeOf(e.error) },
        msg: `worker ${e.worker} died (exit code ${e.code})${e.restarting ? ', restarting it' : ''}: ${e.error.message}`,
      };
    case 'worker-restarted': {
      const { type, error, ...figures } = e;
      return {
        // Messages the dead worker held only in memory have no dead letter of their own: this is their only record.
        level: e.unjournaled > 0 ? 'warn' : 'info',
        fields: { event: type, ...figures, err: error, ...codeOf(error) },
        msg: `worker ${e.worker} replaced in ${Math.round(e.downMs)} ms (${e.actors} actors, ${e.messages} messages recovered)`,
      };
    }
    case 'worker-abandoned':
      return {
        level: 'error',
        fields: { event: e.type, worker: e.worker, restarts: e.restarts, err: e.error, ...codeOf(e.error) },
        msg: `worker ${e.worker} given up on after ${e.restarts} restarts: its actors are gone`,
      };
    case 'shutdown-phase-failed':
      return {
        level: 'warn',
        fields: { event: e.type, phase: e.phase, task: e.task, timedOut: e.timedOut, err: e.error, ...codeOf(e.error) },
        msg: `shutdown task ${e.phase}/${e.task} ${e.timedOut ? 'timed out' : 'failed'}; the shutdown goes on`,
      };
  }
}
