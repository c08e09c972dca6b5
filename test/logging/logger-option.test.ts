// The `logger` option: the engine's own records (levels and fields, docs/semantics.md "Logging"), ctx.log from the
// workers reaching the main thread in order, a logger that throws, and the console left alone.
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { ActorSystem, InvalidConfigError } from '../../src/index.js';
import { Crasher } from '../fixtures/crash-actors.js';
import { captureLogger, waitForRecords, type CaptureLogger } from '../fixtures/capture-logger.js';
import { Chatty } from '../fixtures/logging-actors.js';

const ACTORS = [new URL('../fixtures/logging-actors.ts', import.meta.url)];

describe('ctx.log on a worker', () => {
  let logger: CaptureLogger;
  let system: ActorSystem;
  beforeAll(async () => {
    logger = captureLogger({ enabled: ['error', 'warn', 'info'] });
    system = await ActorSystem.start({ workers: 2, actors: ACTORS, logger });
  });
  afterAll(() => system?.shutdown());

  it("delivers an actor's records to the main thread's logger in the order it wrote them, with its path, definition and thread bound", async () => {
    const chatty = await system.spawn(Chatty, { name: 'chatty', placement: { worker: 1 } });
    logger.records.length = 0;
    // Records written before the reply share its ring to the main thread: they are at the logger when the ask resolves.
    await chatty.ask({ type: 'burst', n: 500 });
    const burst = logger.records.filter((r) => r.fields.actor === 'chatty');
    expect(burst.map((r) => r.fields.seq)).toEqual(Array.from({ length: 500 }, (_, i) => i));
    expect(burst[7]).toEqual({
      level: 'info',
      fields: { actor: 'chatty', definition: 'logging.Chatty', thread: 1, seq: 7 },
      msg: 'burst %d',
      args: [7],
    });
  });

  it('keeps the order per actor while two actors on two workers write at once', async () => {
    const a = await system.spawn(Chatty, { name: 'a', placement: { worker: 1 } });
    const b = await system.spawn(Chatty, { name: 'b', placement: { worker: 2 } });
    logger.records.length = 0;
    await Promise.all([a.ask({ type: 'burst', n: 300 }), b.ask({ type: 'burst', n: 300 })]);
    for (const name of ['a', 'b']) {
      expect(logger.records.filter((r) => r.fields.actor === name).map((r) => r.fields.seq)).toEqual(Array.from({ length: 300 }, (_, i) => i));
    }
  });

  it('drops a record of a level the logger had disabled at start where it is written, before it crosses a thread', async () => {
    const chatty = await system.spawn(Chatty, { name: 'levels', placement: { worker: 2 } });
    logger.records.length = 0;
    await chatty.ask({ type: 'levels' });
    // The capturing logger keeps a debug call too: only the worker's own filter can have left it out.
    expect(logger.records.filter((r) => r.fields.actor === 'levels').map((r) => r.level)).toEqual(['error', 'warn', 'info']);
  });

  it('binds a child logger’s fields after the actor’s', async () => {
    const chatty = await system.spawn(Chatty, { name: 'parent-log', placement: { worker: 1 } });
    logger.records.length = 0;
    await chatty.ask({ type: 'child-logger' });
    expect(logger.records.find((r) => r.fields.actor === 'parent-log')).toMatchObject({
      level: 'warn',
      fields: { actor: 'parent-log', definition: 'logging.Chatty', thread: 1, order: 42, step: 1 },
      msg: 'from a child',
    });
  });

  it('replaces fields that cannot cross a thread with a note, instead of throwing into the handler', async () => {
    const chatty = await system.spawn(Chatty, { name: 'odd', placement: { worker: 1 } });
    logger.records.length = 0;
    await expect(chatty.ask({ type: 'odd-fields' })).resolves.toBe('done');
    const r = logger.records.find((x) => x.fields.actor === 'odd');
    expect(r?.msg).toBe('with a function');
    expect(r?.fields.logFieldsDropped).toEqual(expect.any(String));
    expect(r?.fields.callback).toBeUndefined();
  });

  it('logs a failure on a worker at error with the actor, its definition, the directive, the error and its code', async () => {
    const chatty = await system.spawn(Chatty, { name: 'failing', placement: { worker: 2 } });
    logger.records.length = 0;
    await expect(chatty.ask({ type: 'fail' })).rejects.toMatchObject({ code: 'ERR_ACTOR_FAILED' });
    await waitForRecords(logger, (rs) => rs.some((r) => r.fields.event === 'actor-restarted'));
    const failed = logger.records.find((r) => r.fields.event === 'actor-failed');
    expect(failed).toMatchObject({
      level: 'error',
      fields: { event: 'actor-failed', actor: 'failing', definition: 'logging.Chatty', directive: 'restart', code: 'E_CHATTY' },
    });
    expect((failed!.fields.err as Error).message).toBe('chatty broke');
    expect(logger.records.find((r) => r.fields.event === 'actor-restarted')).toMatchObject({
      level: 'info',
      fields: { actor: 'failing', definition: 'logging.Chatty', thread: 2 },
    });
  });

  it("logs a dead letter to a stopped actor at info, without the message's body", async () => {
    const chatty = await system.spawn(Chatty, { name: 'gone', placement: { worker: 1 } });
    await system.stop(chatty);
    logger.records.length = 0;
    chatty.tell({ type: 'levels' });
    await waitForRecords(logger, (rs) => rs.some((r) => r.fields.event === 'dead-letter'));
    const r = logger.records.find((x) => x.fields.event === 'dead-letter');
    expect(r).toMatchObject({ level: 'info', fields: { reason: 'actor-stopped', target: 'gone', sender: null } });
    expect(JSON.stringify(r)).not.toContain('levels');
  });
});

describe('a worker that dies', () => {
  it('is logged at error with its exit code, and its replacement at info', async () => {
    const logger = captureLogger();
    const system = await ActorSystem.start({
      workers: 1,
      actors: [new URL('../fixtures/crash-actors.ts', import.meta.url)],
      logger,
      workerRestart: { backoff: { minMs: 0, maxMs: 0, jitter: 0 } },
    });
    try {
      const crasher = await system.spawn(Crasher, { name: 'crasher' });
      crasher.tell({ type: 'exit', code: 7 });
      await waitForRecords(logger, (rs) => rs.some((r) => r.fields.event === 'worker-restarted'));
      expect(logger.records.find((r) => r.fields.event === 'worker-exited')).toMatchObject({
        level: 'error',
        fields: { worker: 1, exitCode: 7, restarting: true, restarts: 0 },
      });
      expect(logger.records.find((r) => r.fields.event === 'worker-restarted')).toMatchObject({ level: 'info', fields: { worker: 1, actors: 1 } });
      expect(await crasher.ask({ type: 'ping' })).toBe('pong');
    } finally {
      await system.shutdown();
    }
  });
});

describe('the logger and the console', () => {
  afterEach(() => vi.restoreAllMocks());

  it('sends a throwing event subscriber to the logger at error, and nothing to console.error', async () => {
    const logger = captureLogger();
    const consoleError = vi.spyOn(console, 'error').mockImplementation(() => {});
    const system = await ActorSystem.start({ mode: 'inline', logger });
    try {
      system.events.subscribe('actor-started', () => {
        throw new Error('subscriber broke');
      });
      await system.spawn(Chatty, { name: 'watched' });
      const r = logger.records.find((x) => x.msg.includes('subscriber threw'));
      expect(r).toMatchObject({ level: 'error', fields: { event: 'actor-started' } });
      expect((r!.fields.err as Error).message).toBe('subscriber broke');
      expect(consoleError).not.toHaveBeenCalled();
    } finally {
      await system.shutdown();
    }
  });

  it('still prints a throwing subscriber with console.error when no logger is given', async () => {
    const consoleError = vi.spyOn(console, 'error').mockImplementation(() => {});
    const system = await ActorSystem.start({ mode: 'inline' });
    try {
      system.events.subscribe('actor-started', () => {
        throw new Error('subscriber broke');
      });
      await system.spawn(Chatty, { name: 'watched' });
      expect(consoleError).toHaveBeenCalledWith('ringmaster: an event subscriber threw', expect.objectContaining({ message: 'subscriber broke' }));
    } finally {
      await system.shutdown();
    }
  });

  it('keeps the engine running when the logger throws, and says so once with a process warning', async () => {
    const logger = captureLogger({ throws: true });
    const warning = vi.spyOn(process, 'emitWarning').mockImplementation(() => {});
    const system = await ActorSystem.start({ workers: 1, actors: ACTORS, logger });
    try {
      const chatty = await system.spawn(Chatty, { name: 'loud' });
      await expect(chatty.ask({ type: 'burst', n: 10 })).resolves.toBe('done');
      await expect(chatty.ask({ type: 'fail' })).rejects.toMatchObject({ code: 'ERR_ACTOR_FAILED' });
      await expect(chatty.ask({ type: 'levels' })).resolves.toBe('done');
      const ours = warning.mock.calls.filter((c) => (c[1] as { code?: string } | undefined)?.code === 'RINGMASTER_LOGGER_THREW');
      expect(ours).toHaveLength(1);
    } finally {
      await system.shutdown();
    }
  });

  it('makes ctx.log a no-op without a logger', async () => {
    const system = await ActorSystem.start({ workers: 1, actors: ACTORS });
    try {
      const chatty = await system.spawn(Chatty, { name: 'quiet' });
      await expect(chatty.ask({ type: 'levels' })).resolves.toBe('done');
      expect(system.config.logLevels).toEqual([]);
    } finally {
      await system.shutdown();
    }
  });

  it('refuses a logger option without the methods it needs, with InvalidConfigError naming the option', async () => {
    const err = await ActorSystem.start({ mode: 'inline', logger: { info() {} } as never }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidConfigError);
    expect((err as InvalidConfigError).issues).toEqual([expect.objectContaining({ path: 'logger' })]);
  });

  it('logs ctx.log of an actor on the main thread through the same logger, with thread 0', async () => {
    const logger = captureLogger();
    const system = await ActorSystem.start({ mode: 'inline', logger });
    try {
      const chatty = await system.spawn(Chatty, { name: 'local' });
      await chatty.ask({ type: 'burst', n: 3 });
      expect(logger.records.filter((r) => r.msg === 'burst %d').map((r) => [r.fields.actor, r.fields.thread, r.fields.seq])).toEqual([
        ['local', 0, 0],
        ['local', 0, 1],
        ['local', 0, 2],
      ]);
    } finally {
      await system.shutdown();
    }
  });
});
