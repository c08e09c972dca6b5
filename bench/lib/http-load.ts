/**
 * The HTTP benchmark's two halves, shared by `http-service` and its baselines: a service started as a child process
 * (`startHttpServer`), and autocannon 9 driving it from this process (`drive`), at saturation and at a fixed rate.
 *
 * Latency is taken from autocannon's 'response' events (the response time of each request, from when autocannon
 * wrote it, in fractional ms) into the bench's own HDR histogram, because autocannon's own histogram keeps whole
 * milliseconds, too coarse for ~0.1 ms of work. At a fixed rate autocannon paces each connection and a request
 * waits for its connection to be free: latency counts from the write, so queueing in front of a slow server is
 * under-counted (coordinated omission); the many connections (CONNECTIONS) keep that small below saturation.
 *
 * Main thread only.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import autocannon from 'autocannon';
import { hogCpuSeconds } from './hog.js';
import { LatencyHistogram, type LatencySummary } from './histogram.js';
import type { Config, Measurement, ScenarioOptions, ScenarioResult } from './scenario.js';

/** Connections autocannon keeps open: enough for a fixed rate never to wait for a free one below saturation. */
export const CONNECTIONS = 32;
/** The request every server gets: ~0.1 ms of SHA-256 (rounds × ~2.6 µs on the development VM). */
export const HASH_PATH = '/hash?data=bench&rounds=40';
export const SATURATION = 'http-saturation';
export const RATE_FRACTION = 0.7;
export const RATE_KEY = 'http-70%';

export interface HttpServer {
  readonly url: string;
  /** The server process's CPU time so far (all its threads), in seconds; null off Linux. */
  cpuSeconds(): number | null;
  /** SIGTERM, then the exit code (the ringmaster example exits 0 after its drain). */
  stop(): Promise<number | null>;
}

/** Starts `args` (a script and its runtime flags) and resolves once it logged a JSON line with msg 'listening'. */
export function startHttpServer(args: string[], env: Record<string, string>): Promise<HttpServer> {
  const child: ChildProcess = spawn(process.execPath, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (err += d));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    let buffer = '';
    const onData = (chunk: string): void => {
      buffer += chunk;
      const lines = buffer.split('\n');
      buffer = lines.pop()!; // a line not ended yet
      for (const line of lines) {
        if (!line.includes('"listening"')) continue;
        const { port } = JSON.parse(line) as { port: number };
        child.stdout!.off('data', onData);
        child.stdout!.resume(); // keep draining its log lines
        resolve({
          url: `http://127.0.0.1:${port}`,
          cpuSeconds: () => (child.pid === undefined ? null : hogCpuSeconds(child.pid)),
          stop: () => {
            child.kill('SIGTERM');
            const killer = setTimeout(() => child.kill('SIGKILL'), 20_000);
            return exited.finally(() => clearTimeout(killer));
          },
        });
        return;
      }
    };
    child.stdout!.setEncoding('utf8').on('data', onData);
    void exited.then((code) => reject(new Error(`the server exited (code ${code}) before listening: ${err.slice(-2000)}`)));
  });
}

export interface LoadResult {
  latency: LatencySummary;
  completed: number;
  seconds: number;
  perSecond: number;
  /** Connection errors, timeouts and non-2xx answers: any is a failed figure. */
  failed: number;
}

/** One autocannon run against `url + HASH_PATH` for `ms`, at `overallRate` requests/s or as fast as answered. */
export async function drive(url: string, ms: number, overallRate?: number): Promise<LoadResult> {
  const histogram = new LatencyHistogram();
  const run = autocannon({
    url: url + HASH_PATH,
    connections: CONNECTIONS,
    duration: ms / 1000,
    timeout: 30,
    ...(overallRate !== undefined ? { overallRate: Math.max(1, Math.round(overallRate)) } : {}),
  });
  run.on('response', (_client, status, _bytes, responseTime) => {
    if (status === 200) histogram.record(Math.max(1, Math.round(responseTime * 1e6)));
  });
  const r = await run;
  const completed = r.requests.total - r.non2xx;
  return {
    latency: histogram.summary(),
    completed,
    seconds: r.duration,
    perSecond: completed / r.duration,
    failed: r.errors + r.timeouts + r.non2xx,
  };
}

/**
 * piscina's saturation in this run, which sets the fixed rate for all three servers. Module state on purpose, as in
 * lib/service.ts: the CLI runs `http-piscina` first (the others `need` it) in the same process.
 */
let reference: number | undefined;
export const setHttpReference = (perSecond: number): void => {
  reference = perSecond;
};
export function httpReference(own: number): { perSecond: number; note?: string } {
  return reference !== undefined
    ? { perSecond: reference }
    : { perSecond: own, note: 'WARNING: http-piscina saturation unavailable; the fixed rate is a fraction of this scenario own saturation' };
}

/**
 * The figures of one server: warm-up, saturation, then RATE_FRACTION of piscina's saturation; `onSaturation` lets
 * the piscina baseline set the reference. Stops the server in any case. The server's own CPU is load the scenario
 * imposed (`imposedCpu`, over `startedAt` until now), not a neighbour's: the CLI subtracts it.
 */
export async function measureHttp(
  startedAt: number,
  options: ScenarioOptions,
  server: HttpServer,
  label: string,
  config: Config,
  onSaturation?: (perSecond: number) => void,
): Promise<ScenarioResult> {
  const notes: string[] = [];
  try {
    options.progress(`${label}: warm-up`);
    await drive(server.url, options.warmupMs);
    options.progress(`${label}: saturation (${CONNECTIONS} connections)`);
    const sat = await drive(server.url, options.measureMs);
    onSaturation?.(sat.perSecond);
    const ref = httpReference(sat.perSecond);
    if (ref.note !== undefined) notes.push(ref.note);
    const rate = RATE_FRACTION * ref.perSecond;
    options.progress(`${label}: fixed rate ${Math.round(rate)} req/s`);
    const fixed = await drive(server.url, options.measureMs, rate);
    for (const [what, r] of [['saturation', sat], ['fixed rate', fixed]] as const) {
      if (r.failed > 0) notes.push(`WARNING: ${r.failed} request(s) failed (errors, timeouts or non-2xx) at ${what}`);
    }
    notes.push(`autocannon 9, ${CONNECTIONS} connections, GET ${HASH_PATH}; latency from each request's write (see bench/lib/http-load.ts)`);
    const measurements: Measurement[] = [
      { kind: 'throughput', what: `${label}, saturation`, compare: SATURATION, messages: sat.completed, seconds: sat.seconds, perSecond: sat.perSecond, config },
      { kind: 'latency', what: `${label}, latency at saturation`, compare: `${SATURATION}-latency`, latency: sat.latency, config },
      {
        kind: 'latency',
        what: `${label}, ${Math.round(rate)} req/s (${RATE_FRACTION * 100}% of piscina's saturation)`,
        compare: RATE_KEY,
        latency: fixed.latency,
        config,
      },
      {
        kind: 'throughput',
        what: `${label}, completed at the fixed rate`,
        compare: `${RATE_KEY}-completed`,
        messages: fixed.completed,
        seconds: fixed.seconds,
        perSecond: fixed.perSecond,
        imposedRate: true,
        config,
      },
    ];
    const cpu = server.cpuSeconds();
    const wallS = (performance.now() - startedAt) / 1000;
    return { measurements, notes, ...(cpu !== null && wallS > 0 && { imposedCpu: cpu / wallS }) };
  } finally {
    const code = await server.stop();
    if (code !== 0) notes.push(`WARNING: the server exited with code ${code} after SIGTERM`);
  }
}
