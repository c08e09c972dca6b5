// Cluster test harness: a real nats-server (Debian's 2.9.10 in CI) on loopback, a random port and a temporary store,
// with one NATS user per node and the per-node permissions of docs/cluster-membership.md. Used by test/cluster/*.
//
//   const nats = await startNats({ config: await writeNatsConfig() });
//   const nc = await connectAs(nats.url, 'node-a');        // inboxPrefix _INBOX_node-a, the node's password
//   ...
//   await nats.stop();
//
// A suite that needs the server calls `requireNats()` at the top: without nats-server it fails with a clear message
// in CI (CI=true, where .ci/run installs it) and is skipped with a printed reason elsewhere.
import { type ChildProcess, spawn } from 'node:child_process';
import { accessSync, constants, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { connect, type NatsConnection } from '@nats-io/transport-node';

/** The test cluster's name: subjects rm.t.…, buckets rm_t_…. */
export const TEST_CLUSTER = 't';
/** The NATS users of the test config: one per node id, plus the driver (the test process as a cluster client). */
export const TEST_USERS = ['node-a', 'node-b', 'node-c', 'driver'] as const;
export type TestUser = (typeof TEST_USERS)[number];
/** The committed sample config (test/cluster/nats-server.conf), equal to `natsConfig()` (a test checks it). */
export const SAMPLE_CONFIG = new URL('./nats-server.conf', import.meta.url);

export function passwordOf(user: string): string {
  return `${user}-secret`;
}

/** Where nats-server is, or undefined: /usr/sbin/nats-server (Debian's package) or `nats-server` on PATH. */
export function natsServerPath(): string | undefined {
  const candidates = ['/usr/sbin/nats-server', ...(process.env.PATH ?? '').split(delimiter).map((d) => join(d, 'nats-server'))];
  for (const c of candidates) {
    if (!c.startsWith('/')) continue;
    try {
      accessSync(c, constants.X_OK);
      return c;
    } catch {}
  }
  return undefined;
}

export function natsAvailable(): boolean {
  return natsServerPath() !== undefined;
}

/**
 * For `describe.skipIf(!requireNats())`: true when nats-server is there. Without it: throws in CI (CI=true), so the
 * suite fails instead of being skipped silently; elsewhere prints why and returns false (the suite is skipped).
 */
export function requireNats(suite: string): boolean {
  if (natsAvailable()) return true;
  const why = `${suite}: nats-server not found (neither /usr/sbin/nats-server nor on PATH); install it with \`apt-get install -y nats-server\``;
  if (process.env.CI === 'true') throw new Error(`${why}. CI must run the cluster tests: .ci/run installs it.`);
  console.warn(`skipping ${why}`);
  return false;
}

/**
 * The cluster's KV buckets. Listed one by one: `rm_t_*` is NOT a NATS wildcard (`*` matches a whole token only, so
 * `$KV.rm_t_*.>` would allow nothing but a bucket literally named `rm_t_*`).
 */
export function clusterBuckets(cluster: string): string[] {
  return ['members', 'shards', 'config'].map((b) => `rm_${cluster}_${b}`);
}

/**
 * The JetStream API subjects a node's KV client needs for the cluster's buckets: the minimal set, found by removing
 * each candidate in turn and running test/cluster/membership.test.ts (docs/cluster-membership.md says which call
 * needs which). Not needed, and so not granted: CONSUMER.INFO (the watch reads its cached info), CONSUMER.DELETE
 * (ordered consumers are ephemeral, the server drops them), the old CONSUMER.CREATE.<stream> (2.9 has the named
 * create API), DIRECT.GET.<stream> without a subject (gets by revision).
 */
export function jsApiSubjects(cluster: string): string[] {
  return clusterBuckets(cluster).flatMap((b) => {
    const s = `KV_${b}`;
    return [
      `$JS.API.STREAM.INFO.${s}`,
      `$JS.API.STREAM.CREATE.${s}`,
      `$JS.API.STREAM.MSG.GET.${s}`,
      `$JS.API.DIRECT.GET.${s}.>`,
      `$JS.API.CONSUMER.CREATE.${s}.>`,
      `$JS.FC.${s}.>`,
    ];
  });
}

/** The per-node permissions (docs/cluster-membership.md, "NATS permissions"). */
export function nodePermissions(cluster: string, self: string): { publish: string[]; subscribe: string[] } {
  return {
    publish: [
      `rm.${cluster}.n.*.m.${self}`,
      `rm.${cluster}.n.*.r.>`,
      `rm.${cluster}.t.>`,
      ...clusterBuckets(cluster).map((b) => `$KV.${b}.>`),
      '$JS.API.INFO',
      ...jsApiSubjects(cluster),
    ],
    subscribe: [`rm.${cluster}.n.${self}.>`, `rm.${cluster}.t.>`, `_INBOX_${self}.>`],
  };
}

/** A nats-server config: an authorization block with one user per node, each with `nodePermissions`. */
export function natsConfig(cluster: string = TEST_CLUSTER, users: readonly string[] = TEST_USERS): string {
  const q = (s: string) => JSON.stringify(s);
  const list = (xs: string[]) => `[\n${xs.map((x) => `          ${q(x)},`).join('\n')}\n        ]`;
  const blocks = users.map((u) => {
    const p = nodePermissions(cluster, u);
    return [
      `    {`,
      `      user: ${q(u)}, password: ${q(passwordOf(u))},`,
      `      permissions: {`,
      `        publish: { allow: ${list(p.publish)} },`,
      `        subscribe: { allow: ${list(p.subscribe)} },`,
      `      }`,
      `    },`,
    ].join('\n');
  });
  return [
    `# Per-node NATS authorization for the ringmaster cluster ${q(cluster)}: one user per node (user/password here; an`,
    `# nkey or a JWT works the same), each allowed to publish only what docs/cluster-membership.md lists.`,
    `# Generated by natsConfig() in test/cluster/harness.ts; the cluster tests run the server with it.`,
    `# Start: nats-server -js -a 127.0.0.1 -p PORT -sd STORE_DIR -c nats-server.conf`,
    `authorization {`,
    `  users = [`,
    ...blocks,
    `  ]`,
    `}`,
    ``,
  ].join('\n');
}

/** Writes `natsConfig(...)` into a new temp dir and returns the file's path. */
export async function writeNatsConfig(cluster: string = TEST_CLUSTER, users: readonly string[] = TEST_USERS): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'rm-nats-conf-'));
  const path = join(dir, 'nats-server.conf');
  await writeFile(path, natsConfig(cluster, users));
  return path;
}

export function readSampleConfig(): string {
  return readFileSync(SAMPLE_CONFIG, 'utf8');
}

export interface NatsServer {
  url: string;
  port: number;
  /** The PID of the current server process (changes on restart). */
  readonly pid: number;
  storeDir: string;
  /** SIGTERM, then SIGKILL after 3 s; idempotent. Removes the store dir only via `dispose()`. */
  stop(): Promise<void>;
  /** stop() then start again on the same port with the same store (JetStream data survives). */
  restart(): Promise<void>;
  /** stop() and remove the store dir. */
  dispose(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = new Socket();
    const done = (ok: boolean) => {
      s.destroy();
      resolve(ok);
    };
    s.setTimeout(500, () => done(false));
    s.once('error', () => done(false));
    // The server writes its INFO line on accept: seeing it means the client port is serving.
    s.once('data', (d) => done(d.toString('utf8').startsWith('INFO')));
    s.connect(port, '127.0.0.1');
  });
}

/**
 * Spawns `nats-server -js -a 127.0.0.1 -p <free port> -sd <temp dir>` (plus `-c <config>`), resolving when it
 * accepts connections. The process is stopped by its PID.
 */
export async function startNats(options: { config?: string } = {}): Promise<NatsServer> {
  const bin = natsServerPath();
  if (!bin) throw new Error('nats-server not found (apt-get install -y nats-server)');
  const storeDir = await mkdtemp(join(tmpdir(), 'rm-nats-store-'));
  const port = await freePort();
  let child: ChildProcess | undefined;
  let output = '';

  const launch = async () => {
    const args = ['-js', '-a', '127.0.0.1', '-p', String(port), '-sd', storeDir];
    if (options.config) args.push('-c', options.config);
    output = '';
    const c = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    child = c;
    const keep = (d: Buffer) => {
      output = (output + d.toString('utf8')).slice(-4000);
    };
    c.stdout?.on('data', keep);
    c.stderr?.on('data', keep);
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline) {
      if (c.exitCode !== null || c.signalCode !== null) throw new Error(`nats-server exited at start (${c.exitCode ?? c.signalCode}):\n${output}`);
      if (await canConnect(port)) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    c.kill('SIGKILL');
    throw new Error(`nats-server did not accept connections on ${port} within 10 s:\n${output}`);
  };

  const stop = async () => {
    const c = child;
    child = undefined;
    if (!c || c.exitCode !== null || c.signalCode !== null) return;
    const exited = new Promise<void>((r) => c.once('exit', () => r()));
    process.kill(c.pid as number, 'SIGTERM');
    const killer = setTimeout(() => {
      if (c.exitCode === null && c.signalCode === null) process.kill(c.pid as number, 'SIGKILL');
    }, 3000);
    await exited;
    clearTimeout(killer);
  };

  await launch();
  return {
    url: `nats://127.0.0.1:${port}`,
    port,
    get pid() {
      return child?.pid ?? -1;
    },
    storeDir,
    stop,
    async restart() {
      await stop();
      await launch();
    },
    async dispose() {
      await stop();
      await rm(storeDir, { recursive: true, force: true });
    },
  };
}

export interface CuttableProxy {
  /** nats://127.0.0.1:<proxy port>: connect through this. */
  url: string;
  /** Drops every connection through the proxy and refuses new ones (a network partition of its clients). */
  cut(): void;
  /** Accepts connections again. */
  heal(): void;
  close(): Promise<void>;
}

/** A TCP proxy in front of the server, to cut off some nodes while the others keep their connection. */
export async function startProxy(targetPort: number): Promise<CuttableProxy> {
  let isCut = false;
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    if (isCut) return client.destroy();
    const upstream = new Socket();
    sockets.add(client);
    sockets.add(upstream);
    const drop = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
    upstream.connect(targetPort, '127.0.0.1', () => {
      client.pipe(upstream);
      upstream.pipe(client);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  const cut = () => {
    isCut = true;
    for (const s of sockets) s.destroy();
    sockets.clear();
  };
  return {
    url: `nats://127.0.0.1:${port}`,
    cut,
    heal() {
      isCut = false;
    },
    async close() {
      cut();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

/**
 * A connection as one of the config's users: its password, and `inboxPrefix: '_INBOX_<user>'` (the only inbox it may
 * subscribe to). Reconnects forever with a short wait, so a restarted server is found again within ~250 ms.
 */
export async function connectAs(url: string, user: string, extra: { name?: string } = {}): Promise<NatsConnection> {
  return connect({
    servers: url,
    user,
    pass: passwordOf(user),
    inboxPrefix: `_INBOX_${user}`,
    name: extra.name ?? user,
    maxReconnectAttempts: -1,
    reconnectTimeWait: 250,
    timeout: 5000,
  });
}
