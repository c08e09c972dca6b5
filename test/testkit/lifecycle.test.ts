// createTestSystem: where it is called decides when the system is shut down; options and defaults.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { InvalidArgumentError, InvalidConfigError } from '../../src/index.js';
import { DEFAULT_NO_MSG_MS, DEFAULT_TIMEOUT_MS, createTestSystem, type TestSystem } from '../../src/testkit/index.js';
import { Flaky } from '../fixtures/testkit-actors.js';

const actors = [new URL('../fixtures/testkit-actors.ts', import.meta.url)];

/** A stopped system refuses spawns with SystemStoppedError. */
async function expectShutDown(tk: TestSystem): Promise<void> {
  await expect(tk.system.spawn(Flaky, {})).rejects.toMatchObject({ code: 'ERR_SYSTEM_STOPPED' });
}

// Registered before the file's system below: afterAll hooks run in reverse order, so this runs after its shutdown.
let fileTk: TestSystem | undefined;
afterAll(async () => {
  await expectShutDown(fileTk!);
});
fileTk = await createTestSystem({ mode: 'inline', actors });

describe('a system created at the top level of a file', () => {
  it('belongs to the file and is running in its first test', async () => {
    expect(fileTk!.scope).toBe('suite');
    await fileTk!.system.spawn(Flaky, { name: 'first' });
  });

  it('is the same running system in the next test', async () => {
    expect(fileTk!.system.lookup('first')).toBeDefined();
  });
});

describe('a system created inside a test', () => {
  let perTest: TestSystem | undefined;

  it('belongs to that test', async () => {
    perTest = await createTestSystem({ mode: 'inline', actors });
    expect(perTest.scope).toBe('test');
    await perTest.system.spawn(Flaky, {});
  });

  it('is shut down once that test has finished', async () => {
    await expectShutDown(perTest!);
  });

  it('is shut down even when its test fails', async () => {
    // The failing test runs in a child vitest, so this suite stays green: it reports one failure (the intended one)
    // and one pass (the check, in the same file, that the failed test's system was shut down).
    const dir = fileURLToPath(new URL('../fixtures/testkit-failing/', import.meta.url));
    const vitest = fileURLToPath(new URL('../../node_modules/vitest/vitest.mjs', import.meta.url));
    const out = join(mkdtempSync(join(tmpdir(), 'rm-testkit-')), 'report.json');
    spawnSync(process.execPath, [vitest, 'run', '--root', dir, '--reporter=json', `--outputFile=${out}`], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    const report = JSON.parse(readFileSync(out, 'utf8')) as {
      testResults: { assertionResults: { title: string; status: string }[] }[];
    };
    const results = report.testResults.flatMap((f) => f.assertionResults.map((a) => [a.title, a.status]));
    expect(Object.fromEntries(results)).toEqual({
      'fails on purpose after creating a system': 'failed',
      'finds the system of the failed test shut down': 'passed',
    });
  }, 60_000);
});

describe('a system created in a beforeEach', () => {
  const made: TestSystem[] = [];
  beforeEach(async () => {
    made.push(await createTestSystem({ mode: 'inline', actors }));
  });

  it('belongs to the test about to run', () => {
    expect(made[0]!.scope).toBe('test');
  });

  it('is shut down when that test has finished', async () => {
    await expectShutDown(made[0]!);
    expect(made[1]!.scope).toBe('test');
  });
});

describe('a system created in a describe body', () => {
  let pending: Promise<TestSystem> | undefined;
  describe('inner block', () => {
    // Not awaited here (a describe body is synchronous): the shutdown is registered at once, the tests await it.
    pending = createTestSystem({ mode: 'inline', actors });
    it('belongs to that block', async () => {
      expect((await pending!).scope).toBe('suite');
    });
  });

  it('is shut down after the last test of that block', async () => {
    await expectShutDown(await pending!);
  });
});

describe('shutting down', () => {
  it('a probe holding a message it was asked does not hold up the shutdown', async () => {
    // shutdownTimeoutMs above vitest's 30 s test timeout: a held probe would fail this test by timing out.
    const tk = await createTestSystem({ workers: 1, actors, shutdownTimeoutMs: 60_000 });
    const probe = await tk.probe();
    const unanswered = probe.ref.ask('never answered', { timeoutMs: 60_000 }).catch((e: unknown) => e);
    await probe.expectMsg('never answered');
    await tk.system.shutdown();
    expect(await unanswered).toMatchObject({ code: 'ERR_SYSTEM_STOPPED' });
  });

  it('shutdown is idempotent, and the vitest hook calling it again is harmless', async () => {
    const tk = await createTestSystem({ mode: 'inline' });
    await tk.shutdown();
    await tk.shutdown();
    await expect(tk.probe()).rejects.toThrow(InvalidArgumentError);
  });
});

describe('options', () => {
  it('runs one worker unless told otherwise', async () => {
    const tk = await createTestSystem({ actors });
    expect(tk.system.workers).toBe(1);
  });

  it('has generous default timeouts and a short no-message window', async () => {
    const tk = await createTestSystem({ mode: 'inline' });
    expect(tk.system.workers).toBe(0);
    expect(DEFAULT_TIMEOUT_MS).toBe(3000);
    expect(DEFAULT_NO_MSG_MS).toBe(100);
    if (process.env.RINGMASTER_TEST_TIME_FACTOR === undefined) {
      expect(tk.timeoutMs).toBe(DEFAULT_TIMEOUT_MS);
      expect(tk.noMsgMs).toBe(DEFAULT_NO_MSG_MS);
    }
  });

  it('scales its defaults by the time factor', async () => {
    const tk = await createTestSystem({ mode: 'inline', testKit: { timeoutMs: 1000, noMsgMs: 50, timeFactor: 2.5 } });
    expect(tk.timeoutMs).toBe(2500);
    expect(tk.noMsgMs).toBe(125);
  });

  it('rejects invalid system options with InvalidConfigError, as ActorSystem.start does', async () => {
    await expect(createTestSystem({ mode: 'inline', throughput: 0 })).rejects.toThrow(InvalidConfigError);
  });

  it('rejects invalid TestKit options with a message naming the option', async () => {
    await expect(createTestSystem({ mode: 'inline', testKit: { timeoutMs: -1 } })).rejects.toThrow(
      /testKit.timeoutMs must be a finite number of milliseconds > 0, got -1/,
    );
  });
});
