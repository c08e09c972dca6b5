// Strategies as data: options, defaults, validation, and the guardian option.
import { describe, expect, it } from 'vitest';
import {
  allForOne,
  defaultStrategy,
  defineActor,
  InvalidArgumentError,
  InvalidConfigError,
  oneForOne,
  type SupervisorStrategy,
} from '../../src/index.js';
import { resolveConfig } from '../../src/config.js';
import { decide } from '../../src/supervision/strategy.js';

describe('supervisor strategies', () => {
  it('default to restarting, at most 10 times within 60 s, without backoff', () => {
    expect(defaultStrategy).toMatchObject({ kind: 'one-for-one', maxRetries: 10, withinMs: 60_000 });
    expect(defaultStrategy.backoff).toBeUndefined();
    expect(decide(defaultStrategy, new Error('x'))).toBe('restart');
  });

  it('keep the options they are given', () => {
    const s = allForOne({ decider: () => 'stop', maxRetries: 2, withinMs: 1000, backoff: { minMs: 10, maxMs: 100, jitter: 0.2 } });
    expect(s).toMatchObject({ kind: 'all-for-one', maxRetries: 2, withinMs: 1000, backoff: { minMs: 10, maxMs: 100, jitter: 0.2 } });
    expect(decide(s, new Error('x'))).toBe('stop');
  });

  it('escalate when the decider throws or answers something that is not a directive', () => {
    const throwing = oneForOne({ decider: () => { throw new Error('bug in decider'); } });
    const wrong = oneForOne({ decider: () => 'retry' as never });
    expect(decide(throwing, new Error('x'))).toBe('escalate');
    expect(decide(wrong, new Error('x'))).toBe('escalate');
  });

  it.each([
    [() => oneForOne({ maxRetries: -1 }), /oneForOne\(options\): maxRetries must be a non-negative integer or Infinity, got -1/],
    [() => allForOne({ withinMs: 0 }), /allForOne\(options\): withinMs must be a positive number/],
    [() => oneForOne({ backoff: { minMs: 100, maxMs: 10 } }), /backoff.maxMs must be/],
    [() => oneForOne({ decider: 'restart' as never }), /decider must be a function/],
  ])('refuse invalid options with an InvalidArgumentError that names the option (%#)', (make, message) => {
    expect(make).toThrow(InvalidArgumentError);
    expect(make).toThrow(message);
  });

  it('are checked by defineActor, which names the definition', () => {
    const bad = { kind: 'one-for-one', decider: () => 'restart', maxRetries: 1, withinMs: -5 } as SupervisorStrategy;
    expect(() => defineActor('BadStrategy', { supervisorStrategy: bad, receive() {} })).toThrow(
      /defineActor\('BadStrategy'\): behavior.supervisorStrategy: withinMs must be/,
    );
    expect(() => defineActor('BadKind', { supervisorStrategy: { ...defaultStrategy, kind: 'rest-for-one' as never }, receive() {} })).toThrow(
      InvalidArgumentError,
    );
  });
});

describe('the guardian option', () => {
  it("defaults to restart, 10 times within 60 s", () => {
    expect(resolveConfig({}).guardian).toEqual({ strategy: 'restart', maxRetries: 10, withinMs: 60_000 });
  });

  it('fills in the fields that are left out', () => {
    expect(resolveConfig({ guardian: { strategy: 'stop' } }).guardian).toEqual({ strategy: 'stop', maxRetries: 10, withinMs: 60_000 });
  });

  it('refuses an unknown strategy, a negative limit and unknown fields, naming each', () => {
    let err: InvalidConfigError | undefined;
    try {
      resolveConfig({ guardian: { strategy: 'resume', maxRetries: -1, retries: 3 } as never });
    } catch (e) {
      err = e as InvalidConfigError;
    }
    expect(err).toBeInstanceOf(InvalidConfigError);
    expect(err!.issues.map((i) => i.path).sort()).toEqual(['guardian', 'guardian.maxRetries', 'guardian.strategy']);
  });
});
