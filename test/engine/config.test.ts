import { availableParallelism } from 'node:os';
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/config.js';
import { ActorSystem, InvalidConfigError, RingmasterError } from '../../src/index.js';

/** The InvalidConfigError that `fn` throws, or a failure when it throws something else or nothing. */
function configErrorOf(fn: () => unknown): InvalidConfigError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(InvalidConfigError);
    return err as InvalidConfigError;
  }
  throw new Error('expected an InvalidConfigError, but nothing was thrown');
}

describe('configuration', () => {
  it('resolves every option to its default when none is given', () => {
    expect(resolveConfig({})).toEqual({
      mode: 'threads',
      workers: Math.max(1, availableParallelism() - 1),
      actors: [],
      throughput: 32,
      ringBytes: 1 << 20,
      waitStrategy: 'hybrid',
      spinIterations: 20_000,
      placement: 'hash',
      overflow: 'backpressure',
      maxMessageBytes: 64 * 1024,
      serializeMessages: false,
      askTimeoutMs: 5000,
      shutdownTimeoutMs: 10_000,
      workerRestart: {
        maxRestarts: 5,
        withinMs: 60_000,
        backoff: { minMs: 10, maxMs: 5_000, jitter: 0.2 },
        onGiveUp: 'stop-actors',
        spare: true,
      },
      stallTimeoutMs: 10_000,
      guardian: { strategy: 'restart', maxRetries: 10, withinMs: 60_000 },
      coordinatedShutdown: { defaultPhaseTimeoutMs: 5000, phases: {}, handleSignals: false, exitProcess: true },
      // No logger: no levels for the workers to ship, and no `logger` key (the instance never goes into config).
      logLevels: [],
      metrics: { timing: 'sampled', maxDefinitions: 256 },
    });
  });

  it('resolves no options at all like an empty object', () => {
    expect(resolveConfig()).toEqual(resolveConfig({}));
  });

  it('keeps the options it is given', () => {
    const c = resolveConfig({
      workers: 3,
      throughput: 8,
      ringBytes: 4096,
      waitStrategy: 'park',
      spinIterations: 0,
      placement: 'round-robin',
      overflow: 'drop',
      maxMessageBytes: 1024,
      askTimeoutMs: 100,
      shutdownTimeoutMs: 200,
    });
    expect(c).toMatchObject({
      workers: 3,
      throughput: 8,
      ringBytes: 4096,
      waitStrategy: 'park',
      spinIterations: 0,
      placement: 'round-robin',
      overflow: 'drop',
      maxMessageBytes: 1024,
      askTimeoutMs: 100,
      shutdownTimeoutMs: 200,
    });
  });

  it('runs no workers in inline mode', () => {
    expect(resolveConfig({ mode: 'inline' }).workers).toBe(0);
  });

  it('turns actor module paths and URLs into absolute URL strings', () => {
    const url = new URL('../fixtures/actors.ts', import.meta.url);
    const c = resolveConfig({ actors: [url, 'test/fixtures/actors.ts'] });
    expect(c.actors).toEqual([url.href, new URL('test/fixtures/actors.ts', `file://${process.cwd()}/`).href]);
  });

  it('lists every problem of an invalid configuration in one InvalidConfigError', () => {
    const err = configErrorOf(() => resolveConfig({ workers: 0, ringBytes: 5000, waitStrategy: 'nap', bogus: 1 }));
    expect(err.code).toBe('ERR_INVALID_CONFIG');
    expect(err).toBeInstanceOf(RingmasterError);
    const paths = err.issues.map((i) => i.path);
    expect(paths).toEqual(expect.arrayContaining(['workers', 'ringBytes', 'waitStrategy']));
    expect(err.issues.some((i) => i.message.includes('bogus'))).toBe(true);
    // The message names every problem too, for whoever reads only the message.
    for (const word of ['workers', 'ringBytes', 'waitStrategy', 'bogus']) expect(err.message).toContain(word);
  });

  it('refuses a ring size that is not a power of two, saying so', () => {
    const err = configErrorOf(() => resolveConfig({ ringBytes: 5000, maxMessageBytes: 1024 }));
    expect(err.issues).toEqual([{ path: 'ringBytes', message: expect.stringMatching(/power of two/) }]);
  });

  it('refuses a ring smaller than 4096 bytes', () => {
    const err = configErrorOf(() => resolveConfig({ ringBytes: 2048, maxMessageBytes: 512 }));
    expect(err.issues.map((i) => i.path)).toEqual(['ringBytes']);
  });

  it('refuses options of the wrong type', () => {
    const err = configErrorOf(() => resolveConfig({ throughput: 'fast', askTimeoutMs: -1, overflow: 'panic' }));
    expect(err.issues.map((i) => i.path).sort()).toEqual(['askTimeoutMs', 'overflow', 'throughput']);
  });

  it('refuses a maxMessageBytes larger than half the ring minus the record header', () => {
    const err = configErrorOf(() => resolveConfig({ ringBytes: 4096, maxMessageBytes: 4096 / 2 - 32 + 1 }));
    expect(err.issues).toEqual([{ path: 'maxMessageBytes', message: expect.stringMatching(/ringBytes/) }]);
  });

  it('accepts a maxMessageBytes of exactly half the ring minus the record header', () => {
    expect(resolveConfig({ ringBytes: 4096, maxMessageBytes: 4096 / 2 - 32 }).maxMessageBytes).toBe(2016);
  });

  it('refuses the default maxMessageBytes with a ring too small for it', () => {
    const err = configErrorOf(() => resolveConfig({ ringBytes: 4096 }));
    expect(err.issues.map((i) => i.path)).toEqual(['maxMessageBytes']);
  });

  it('checks the worker supervision options, nested ones included', () => {
    const err = configErrorOf(() => resolveConfig({
      workerRestart: { maxRestarts: -1, backoff: { minMs: 100, maxMs: 10, jitter: 2 }, onGiveUp: 'panic' },
      stallTimeoutMs: -5,
      resourceLimits: { maxOldGenerationSizeMb: 0 },
    }));
    expect(err.issues.map((i) => i.path).sort()).toEqual([
      'resourceLimits.maxOldGenerationSizeMb',
      'stallTimeoutMs',
      'workerRestart.backoff.jitter',
      'workerRestart.backoff.maxMs',
      'workerRestart.maxRestarts',
      'workerRestart.onGiveUp',
    ]);
  });

  it('makes ActorSystem.start reject an invalid configuration with every problem listed', async () => {
    const start = ActorSystem.start({
      workers: 0,
      ringBytes: 5000,
      waitStrategy: 'nap',
      bogus: 1,
    } as unknown as Parameters<typeof ActorSystem.start>[0]);
    const err = await start.then(
      () => {
        throw new Error('ActorSystem.start resolved with an invalid configuration');
      },
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(InvalidConfigError);
    expect((err as InvalidConfigError).code).toBe('ERR_INVALID_CONFIG');
    const issues = (err as InvalidConfigError).issues;
    expect(issues.map((i) => i.path)).toEqual(expect.arrayContaining(['workers', 'ringBytes', 'waitStrategy']));
    expect(issues.some((i) => i.message.includes('bogus'))).toBe(true);
  });
});
