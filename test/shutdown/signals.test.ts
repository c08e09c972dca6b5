/**
 * Coordinated shutdown on a real signal, in a real child process (the lesson of akka.net#3711 and #7963: the
 * signal path must be tested, not mocked): SIGTERM runs every phase and the process exits with 128 + 15; a second
 * signal during the run exits at once; without handleSignals the engine adds no listener.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const PROGRAM = fileURLToPath(new URL('../fixtures/signal-child.ts', import.meta.url));

interface Child {
  proc: ChildProcess;
  out: () => string;
  /** Resolves once stdout contains `text`. */
  saw: (text: string) => Promise<void>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function start(env: Record<string, string>): Child {
  const proc = spawn(process.execPath, ['--import', 'tsx', PROGRAM], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  const waiters: { text: string; resolve: () => void }[] = [];
  proc.stdout!.setEncoding('utf8').on('data', (d: string) => {
    out += d;
    for (const w of [...waiters]) if (out.includes(w.text)) w.resolve();
  });
  proc.stderr!.setEncoding('utf8').on('data', (d: string) => (err += d));
  const killer = setTimeout(() => proc.kill('SIGKILL'), 60_000);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    proc.on('close', (code, signal) => {
      clearTimeout(killer);
      resolve({ code, signal });
    }),
  );
  return {
    proc,
    out: () => `${out}\n(stderr)\n${err}`,
    saw: (text) =>
      out.includes(text)
        ? Promise.resolve()
        : Promise.race([
            new Promise<void>((resolve) => waiters.push({ text, resolve })),
            exited.then(() => {
              if (!out.includes(text)) throw new Error(`the child exited without printing '${text}':\n${out}\n${err}`);
            }),
          ]),
    exited,
  };
}

describe('coordinated shutdown on a signal (a real child process)', () => {
  it('on SIGTERM runs every phase and exits with 143', { timeout: 90_000 }, async () => {
    const child = start({ SIGNAL_CHILD_TASK: 'quick' });
    await child.saw('ready');
    child.proc.kill('SIGTERM');
    const { code, signal } = await child.exited;
    expect({ code, signal }, child.out()).toEqual({ code: 143, signal: null });
    expect(child.out()).toContain('task ran: {"kind":"signal","signal":"SIGTERM"}');
    expect(child.out()).toContain('last task ran');
    expect(child.out().indexOf('task ran')).toBeLessThan(child.out().indexOf('last task ran'));
  });

  it('exits at once with 130 on a second SIGINT while a task holds the first run', { timeout: 90_000 }, async () => {
    const child = start({ SIGNAL_CHILD_TASK: 'stuck' });
    await child.saw('ready');
    child.proc.kill('SIGINT');
    await child.saw('task started');
    child.proc.kill('SIGINT');
    const { code, signal } = await child.exited;
    expect({ code, signal }, child.out()).toEqual({ code: 130, signal: null });
    expect(child.out()).not.toContain('last task ran');
  });

  it('leaves signal handling alone by default: no listener, and SIGTERM kills the process as Node does', { timeout: 90_000 }, async () => {
    const child = start({ SIGNAL_CHILD_TASK: 'quick', SIGNAL_CHILD_HANDLE: '0' });
    await child.saw('ready listeners 0');
    child.proc.kill('SIGTERM');
    const { code, signal } = await child.exited;
    expect({ code, signal }, child.out()).toEqual({ code: null, signal: 'SIGTERM' });
    expect(child.out()).not.toContain('task ran');
  });
});
