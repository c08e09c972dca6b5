// A real pino logger as the `logger` option: it type-checks as a Logger, and its JSON lines carry the engine's fields
// and ctx.log's bindings from a worker (pino is a devDependency only: ringmaster never imports it).
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { ActorSystem, type Logger } from '../../src/index.js';
import { Chatty } from '../fixtures/logging-actors.js';

describe('a pino logger', () => {
  it('takes the records of ctx.log on a worker and of a failure there as JSON lines, at pino’s level numbers', async () => {
    const lines: Record<string, unknown>[] = [];
    const logger: Logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line)) });
    const system = await ActorSystem.start({ workers: 1, actors: [new URL('../fixtures/logging-actors.ts', import.meta.url)], logger });
    try {
      // pino's isLevelEnabled says debug is off: the worker does not ship it.
      expect(system.config.logLevels).toEqual(['error', 'warn', 'info']);
      const chatty = await system.spawn(Chatty, { name: 'pino-chatty' });
      await chatty.ask({ type: 'burst', n: 2 });
      await expect(chatty.ask({ type: 'fail' })).rejects.toMatchObject({ code: 'ERR_ACTOR_FAILED' });
      await chatty.ask({ type: 'levels' }); // after the restart: the failure's records came before this reply
      const burst = lines.filter((l) => l.actor === 'pino-chatty' && l.seq !== undefined);
      // pino formats 'burst %d' with the argument.
      expect(burst).toEqual([
        expect.objectContaining({ level: 30, msg: 'burst 0', seq: 0, definition: 'logging.Chatty', thread: 1 }),
        expect.objectContaining({ level: 30, msg: 'burst 1', seq: 1 }),
      ]);
      const failed = lines.find((l) => l.event === 'actor-failed');
      expect(failed).toMatchObject({ level: 50, actor: 'pino-chatty', directive: 'restart', code: 'E_CHATTY' });
      // pino's error serializer ran on the error that crossed the thread.
      expect(failed?.err).toMatchObject({ type: 'Error', message: 'chatty broke' });
      expect(lines.some((l) => l.msg === 'at debug')).toBe(false);
      expect(lines.filter((l) => l.actor === 'pino-chatty' && typeof l.msg === 'string' && l.msg.startsWith('at ')).map((l) => l.level)).toEqual([50, 40, 30]);
    } finally {
      await system.shutdown();
    }
  });
});
