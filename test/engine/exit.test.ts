import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const EXIT_TIMEOUT_MS = 30_000;
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const PROGRAM = fileURLToPath(new URL('../fixtures/run-and-exit.ts', import.meta.url));

interface Outcome {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** True when the process was still running after EXIT_TIMEOUT_MS and had to be killed. */
  hung: boolean;
  stdout: string;
  stderr: string;
}

/** Runs `node --import tsx <file>` and resolves when it exits, killing it if it has not after the timeout. */
function runNode(file: string): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', file], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let hung = false;
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => {
      hung = true;
      child.kill('SIGKILL');
    }, EXIT_TIMEOUT_MS);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, hung, stdout, stderr });
    });
  });
}

describe('process exit', () => {
  it(
    'lets a program that started, used and shut down a system with two workers exit by itself with code 0',
    async () => {
      const outcome = await runNode(PROGRAM);
      const what = `stdout:\n${outcome.stdout}\nstderr:\n${outcome.stderr}`;
      expect({ hung: outcome.hung, code: outcome.code, signal: outcome.signal }, what).toEqual({
        hung: false,
        code: 0,
        signal: null,
      });
      expect(outcome.stdout, what).toContain('result 7');
    },
    EXIT_TIMEOUT_MS + 15_000,
  );
});
