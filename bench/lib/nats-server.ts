/**
 * A throwaway nats-server for the `remote` scenario: Debian's package (`apt-get install -y nats-server`), JetStream
 * on, loopback, a port the server picks (`-p -1`), a temporary store; stopped by its PID.
 */
import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

export function natsServerBinary(): string | undefined {
  for (const dir of ['/usr/sbin', ...(process.env.PATH ?? '').split(delimiter)]) {
    const p = join(dir, 'nats-server');
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch {}
  }
  return undefined;
}

export async function startNatsServer(): Promise<{ url: string; stop(): Promise<void> }> {
  const bin = natsServerBinary();
  if (bin === undefined) throw new Error("the 'remote' scenario needs nats-server (apt-get install -y nats-server)");
  const store = await mkdtemp(join(tmpdir(), 'rm-bench-nats-'));
  const server = spawn(bin, ['-js', '-a', '127.0.0.1', '-p', '-1', '-sd', store], { stdio: ['ignore', 'ignore', 'pipe'] });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`nats-server did not start within 10 s: ${out}`)), 10_000);
    server.on('error', reject);
    server.stderr!.on('data', (d: Buffer) => {
      out += d;
      const m = /Listening for client connections on ([\d.]+:\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(`nats://${m[1]}`);
      }
    });
  });
  return {
    url,
    async stop() {
      if (server.exitCode === null) {
        const exited = new Promise((r) => server.once('exit', r));
        server.kill('SIGTERM');
        await exited;
      }
      await rm(store, { recursive: true, force: true });
    },
  };
}
