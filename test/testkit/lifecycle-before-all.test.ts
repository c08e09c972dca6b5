// createTestSystem called in a beforeAll: the system belongs to the file and is shut down after its last test.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestSystem, type TestSystem } from '../../src/testkit/index.js';

let tk: TestSystem | undefined;

// Registered at collection time, before the beforeAll below adds the system's shutdown: it runs after it.
afterAll(async () => {
  await expect(tk!.probe()).rejects.toThrow(/the test system is shut down/);
  await expect(tk!.system.lookup('kept')).toBeUndefined();
});

describe('a system created in a beforeAll', () => {
  beforeAll(async () => {
    tk = await createTestSystem({ workers: 1 });
  });

  it('belongs to the file', async () => {
    expect(tk!.scope).toBe('file');
    const probe = await tk!.probe('kept');
    probe.ref.tell('hello');
    await probe.expectMsg('hello');
  });

  it('is still running in the next test', async () => {
    expect(tk!.system.lookup('kept')).toBeDefined();
  });
});
