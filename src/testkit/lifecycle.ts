/**
 * Shutting a test system down at the right moment, with vitest's hooks. Where `createTestSystem` is called
 * decides its scope:
 *
 * - inside a test (or a beforeEach/afterEach): the system belongs to that test, and is shut down when the test
 *   finishes, passed or failed (`onTestFinished`);
 * - at the top level of a test file, or in a describe body (collection time): it belongs to that file or describe
 *   block, and is shut down after its last test (`afterAll`);
 * - inside a beforeAll: it belongs to the file, and is shut down after the file's last test. Vitest ignores hooks
 *   registered while its tests run, so this one is added to the file's own afterAll list (through
 *   `TestRunner.getSuiteHooks`, the API vitest 4.1 offers to runner extensions).
 *
 * Contract: main thread of a vitest worker only.
 */
import { TestRunner, afterAll, onTestFinished } from 'vitest';
import { InvalidArgumentError } from '../errors.js';

export type Scope = 'test' | 'suite' | 'file';

/** Registers `shutdown` to run at the end of the scope the caller is in; returns that scope. */
export function registerShutdown(shutdown: () => Promise<void>): Scope {
  if (TestRunner.getCurrentTest() !== undefined) {
    onTestFinished(shutdown);
    return 'test';
  }
  let file: object | undefined;
  try {
    file = TestRunner.getCurrentSuite().file;
  } catch {
    file = undefined;
  }
  if (file === undefined) {
    throw new InvalidArgumentError(
      'createTestSystem must be called inside a vitest test file: in a test, a beforeEach, a beforeAll, a describe body, or at the top level of the file; outside vitest, use ActorSystem.start and shut it down yourself',
    );
  }
  // vitest sets a file's hooks once it has collected the file: until then we are collecting, and afterAll applies.
  const fileHooks = TestRunner.getSuiteHooks(file as Parameters<typeof TestRunner.getSuiteHooks>[0]) as { afterAll?: unknown[] } | undefined;
  if (fileHooks === undefined) {
    afterAll(shutdown);
    return 'suite';
  }
  if (!Array.isArray(fileHooks.afterAll)) {
    throw new InvalidArgumentError('createTestSystem: this version of vitest has no afterAll hook list to shut the system down from');
  }
  fileHooks.afterAll.push(() => shutdown());
  return 'file';
}
