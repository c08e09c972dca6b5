// The level and fields the engine logs each of its events at (src/logging/event-log.ts): the table in
// docs/semantics.md, "Logging", row by row.
import { describe, expect, it } from 'vitest';
import type { DeadLetterReason, SystemEvent } from '../../src/index.js';
import { WorkerCrashedError } from '../../src/index.js';
import { DEAD_LETTER_LEVELS, eventRecord } from '../../src/logging/event-log.js';

const boom = Object.assign(new Error('boom'), { code: 'E_BOOM' });
const failed = (directive: 'resume' | 'restart' | 'stop' | 'escalate'): SystemEvent => ({
  type: 'actor-failed',
  actor: 'boss/parser',
  definition: 'Parser',
  error: boom,
  directive,
});

describe('the level of each engine event', () => {
  it('logs a failure that restarts or stops the actor at error, a resumed one at warn, an escalated one at debug', () => {
    expect(['restart', 'stop', 'resume', 'escalate'].map((d) => eventRecord(failed(d as 'stop')).level)).toEqual(['error', 'error', 'warn', 'debug']);
  });

  it('gives a failure the actor path, definition, directive, error and its code', () => {
    expect(eventRecord(failed('restart')).fields).toEqual({
      event: 'actor-failed',
      actor: 'boss/parser',
      definition: 'Parser',
      directive: 'restart',
      err: boom,
      code: 'E_BOOM',
    });
  });

  it('logs a restart at info, and starts and stops at debug', () => {
    expect(eventRecord({ type: 'actor-restarted', actor: 'a', definition: 'D', thread: 1, error: boom }).level).toBe('info');
    expect(eventRecord({ type: 'actor-started', actor: 'a', thread: 1 }).level).toBe('debug');
    expect(eventRecord({ type: 'actor-stopped', actor: 'a', thread: 1 }).level).toBe('debug');
  });

  it('logs dead letters lost to a crash, an overflow or a bad encoding at warn, to a gone actor at info, by design at debug', () => {
    const level = (reason: DeadLetterReason) => eventRecord({ type: 'dead-letter', reason, target: 't', message: { secret: 1 }, sender: null }).level;
    const all = Object.keys(DEAD_LETTER_LEVELS) as DeadLetterReason[];
    expect(Object.fromEntries(all.map((r) => [r, level(r)]))).toEqual({
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
    });
  });

  it("leaves a dead letter's message out, and keeps its cause and code", () => {
    const cause = new WorkerCrashedError(2, boom);
    const r = eventRecord({ type: 'dead-letter', reason: 'worker-crashed', target: 't', message: { secret: 1 }, sender: 's', error: cause, interrupted: true });
    expect(r.fields).toEqual({ event: 'dead-letter', reason: 'worker-crashed', target: 't', sender: 's', err: cause, code: 'ERR_WORKER_CRASHED', interrupted: true });
    expect(JSON.stringify(r)).not.toContain('secret');
  });

  it('logs a worker death and a give-up at error, a replacement at info, or at warn when it lost unjournaled messages', () => {
    expect(eventRecord({ type: 'worker-exited', worker: 1, code: 1, error: boom, restarting: true, restarts: 0 })).toMatchObject({
      level: 'error',
      fields: { worker: 1, exitCode: 1, code: 'E_BOOM', restarting: true, restarts: 0 },
    });
    expect(eventRecord({ type: 'worker-abandoned', worker: 1, restarts: 5, error: boom }).level).toBe('error');
    const restarted = { type: 'worker-restarted', worker: 1, error: boom, restarts: 1, downMs: 20, actors: 3, messages: 4, redelivered: 0, lost: 1 } as const;
    expect(eventRecord({ ...restarted, unjournaled: 0 }).level).toBe('info');
    expect(eventRecord({ ...restarted, unjournaled: 2 }).level).toBe('warn');
  });

  it('logs a failed or late shutdown task at warn', () => {
    expect(eventRecord({ type: 'shutdown-phase-failed', phase: 'service-unbind', task: 'close', error: boom, timedOut: true })).toMatchObject({
      level: 'warn',
      fields: { phase: 'service-unbind', task: 'close', timedOut: true },
    });
  });
});
