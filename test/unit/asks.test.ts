import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AskTimeoutError } from '../../src/errors.js';
import { PendingAsks } from '../../src/runtime/asks.js';

describe('PendingAsks', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('resolves an ask with its reply exactly once', async () => {
    const asks = new PendingAsks();
    const { corr, promise } = asks.create('a', 1000);
    expect(asks.resolve(corr, 42)).toBe(true);
    expect(asks.resolve(corr, 43)).toBe(false);
    await expect(promise).resolves.toBe(42);
    expect(asks.size).toBe(0);
  });

  it('never hands out correlation id 0 and never reuses a pending id', () => {
    const asks = new PendingAsks();
    const seen = new Set<number>();
    for (let i = 0; i < 1000; i++) {
      const { corr, promise } = asks.create('a', 60_000);
      promise.catch(() => {});
      expect(corr).not.toBe(0);
      expect(seen.has(corr)).toBe(false);
      seen.add(corr);
    }
    asks.rejectAll(() => new Error('done'));
  });

  it('rejects with AskTimeoutError naming the target and the timeout when no reply comes', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    const asks = new PendingAsks();
    const { promise } = asks.create('slow-actor', 250);
    const settled = expect(promise).rejects.toMatchObject({ code: 'ERR_ASK_TIMEOUT', target: 'slow-actor', timeoutMs: 250 });
    await vi.advanceTimersByTimeAsync(260);
    await settled;
    expect(asks.size).toBe(0);
  });

  it('expires asks with different timeouts each at its own deadline, leaving answered ones alone', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    const asks = new PendingAsks();
    const outcome: string[] = [];
    const track = (name: string, p: Promise<unknown>) =>
      p.then(
        () => outcome.push(`${name}:ok`),
        (e: unknown) => outcome.push(`${name}:${e instanceof AskTimeoutError ? 'timeout' : 'error'}`),
      );
    const long = asks.create('long', 1000);
    const short = asks.create('short', 100);
    const answered = asks.create('answered', 100);
    const p = Promise.all([track('long', long.promise), track('short', short.promise), track('answered', answered.promise)]);
    asks.resolve(answered.corr, 'yes');
    await vi.advanceTimersByTimeAsync(150);
    expect(outcome.sort()).toEqual(['answered:ok', 'short:timeout']);
    await vi.advanceTimersByTimeAsync(900);
    await p;
    expect(outcome.sort()).toEqual(['answered:ok', 'long:timeout', 'short:timeout']);
  });

  it('reports a late reply as unanswerable so the caller can dead-letter it', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    const asks = new PendingAsks();
    const { corr, promise } = asks.create('a', 10);
    promise.catch(() => {});
    await vi.advanceTimersByTimeAsync(20);
    expect(asks.resolve(corr, 'late')).toBe(false);
  });

  it('rejects every pending ask on rejectAll', async () => {
    const asks = new PendingAsks();
    const ps = [asks.create('a', 1000).promise, asks.create('b', 2000).promise];
    asks.rejectAll(() => new Error('shutting down'));
    for (const p of ps) await expect(p).rejects.toThrow('shutting down');
    expect(asks.size).toBe(0);
  });

  it('times out an ask made after earlier ones settled at its own deadline, not at the earlier timer', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    const asks = new PendingAsks();
    const first = asks.create('first', 1000);
    asks.resolve(first.corr, 1); // its timer (due at 1000) stays armed, unreferenced, for the next ask
    await first.promise;
    await vi.advanceTimersByTimeAsync(500);
    let outcome = 'pending';
    const second = asks.create('second', 1000); // due at 1500
    second.promise.then(
      () => (outcome = 'resolved'),
      (e: unknown) => (outcome = e instanceof AskTimeoutError ? 'timed out' : 'other error'),
    );
    await vi.advanceTimersByTimeAsync(600); // t = 1100: the old timer fired, found nothing due, re-armed
    expect(outcome).toBe('pending');
    await vi.advanceTimersByTimeAsync(500); // t = 1600
    expect(outcome).toBe('timed out');
  });

  it('lets the process exit once every ask has settled, without waiting for their timeout', () => {
    const root = fileURLToPath(new URL('../../', import.meta.url));
    const program = fileURLToPath(new URL('../fixtures/settled-ask-exit.ts', import.meta.url));
    // The ask's timeout is 10 minutes; the child gets 30 s to exit by itself.
    const r = spawnSync(process.execPath, ['--import', 'tsx', program], { cwd: root, encoding: 'utf8', timeout: 30_000 });
    expect({ status: r.status, signal: r.signal, stdout: r.stdout.trim() }, r.stderr).toEqual({
      status: 0,
      signal: null,
      stdout: 'settled done',
    });
  }, 45_000);
});
