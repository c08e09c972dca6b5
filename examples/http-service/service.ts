// service.ts: a node:http service whose /hash route hands its CPU work to actors on the worker threads, with a
// graceful drain on shutdown and a /metrics route. server.ts runs it; main.ts checks it from outside.
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ActorSystem, type Logger } from 'ringmaster';
import { registerRingmasterMetrics } from 'ringmaster/prometheus';
import { Pool } from 'ringmaster/routing';
import { Gauge, Registry } from 'prom-client';
import { Hasher } from './hasher.js';

export const MAX_ROUNDS = 1_000_000;

/** What the service counts itself; served at /metrics beside the engine's figures. */
export interface HttpFigures {
  requests: number;
  /** /hash requests accepted and not answered yet. */
  hashInFlight: number;
  errors: number;
}

/**
 * What /metrics serves: Prometheus text from a registry holding the engine's metrics (`ringmaster/prometheus`, read
 * from every thread's shared-memory page at scrape time, so a scrape answers even while every worker is busy
 * hashing) and the service's own counters, collected from `http` at scrape time.
 */
export function metricsRegistry(system: ActorSystem, http: HttpFigures): Registry {
  const registry = new Registry();
  registerRingmasterMetrics(system, { registry });
  const figure = (name: string, help: string, read: () => number): void => {
    new Gauge({ name, help, registers: [registry], collect() { this.set(read()); } });
  };
  figure('http_requests_served', 'HTTP requests answered since the service started', () => http.requests);
  figure('http_hash_in_flight', '/hash requests accepted and not answered yet', () => http.hashInFlight);
  figure('http_request_errors', 'HTTP requests that failed with an error', () => http.errors);
  return registry;
}

export interface Service {
  readonly system: ActorSystem;
  readonly server: Server;
  readonly port: number;
}

export async function startService(options: { port: number; workers: number; logger: Logger }): Promise<Service> {
  const log = options.logger;
  const system = await ActorSystem.start({
    workers: options.workers,
    actors: [new URL('./hasher.ts', import.meta.url)],
    logger: log, // the engine's failures, restarts, worker deaths and dead letters, and ctx.log from the workers
    coordinatedShutdown: { phases: { 'service-requests-done': { timeoutMs: 10_000 } } },
  });
  // One hasher per worker; the RouterRef picks one per request on this thread and writes straight to its ring.
  const hashers = await system.spawnRouter(Pool.roundRobin(options.workers, Hasher), { name: 'hashers' });

  const http: HttpFigures = { requests: 0, hashInFlight: 0, errors: 0 };
  const metrics = metricsRegistry(system, http);
  let draining = false;
  let drained: (() => void) | undefined;

  const send = (res: ServerResponse, status: number, body: unknown, contentType = 'application/json'): void => {
    res.writeHead(status, { 'content-type': contentType });
    res.end(typeof body === 'string' ? body : JSON.stringify(body));
  };

  async function hash(url: URL, res: ServerResponse): Promise<void> {
    const data = url.searchParams.get('data') ?? '';
    const rounds = Number(url.searchParams.get('rounds') ?? '1');
    if (!Number.isInteger(rounds) || rounds < 1 || rounds > MAX_ROUNDS) {
      return send(res, 400, { error: `rounds must be an integer from 1 to ${MAX_ROUNDS}` });
    }
    http.hashInFlight++;
    try {
      const reply = await hashers.ask({ type: 'hash', data, rounds }, { timeoutMs: 10_000 });
      send(res, 200, reply);
    } finally {
      http.hashInFlight--;
      if (http.hashInFlight === 0) drained?.();
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    http.requests++;
    const url = new URL(req.url ?? '/', 'http://localhost');
    try {
      if (req.method !== 'GET') return send(res, 405, { error: 'GET only' });
      if (url.pathname === '/hash') return await hash(url, res);
      if (url.pathname === '/metrics') {
        return send(res, 200, await metrics.metrics(), metrics.contentType);
      }
      // Cheap on purpose (no engine call): what a load balancer polls.
      if (url.pathname === '/healthz') return send(res, draining ? 503 : 200, { draining, hashInFlight: http.hashInFlight });
      return send(res, 404, { error: `no route ${url.pathname}` });
    } catch (err) {
      http.errors++;
      log.error({ err, route: url.pathname }, 'request failed');
      // AskTimeoutError, SystemStoppedError, ...: the engine's errors carry a stable code.
      if (!res.headersSent) send(res, 503, { error: (err as Error).message, code: (err as { code?: string }).code });
    }
  }

  const server = createServer((req, res) => void handle(req, res));
  await new Promise<void>((resolve) => server.listen(options.port, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;

  // The drain, as coordinated-shutdown tasks (src/shutdown/): stop taking connections, answer what was accepted,
  // then the engine's own last phase stops the actors and the workers.
  const cs = system.coordinatedShutdown;
  let closed: Promise<void> | undefined;
  cs.addTask('service-unbind', 'http-close', (reason) => {
    draining = true;
    log.info({ reason, hashInFlight: http.hashInFlight }, 'service unbound: no new connections');
    // close() stops listening at once (new connections are refused) and ends when every connection has closed.
    closed = new Promise((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
  });
  cs.addTask('service-requests-done', 'http-drain', async () => {
    if (http.hashInFlight > 0) await new Promise<void>((resolve) => (drained = resolve));
    // Every accepted request is answered: keep-alive connections left open would hold close() until they time out.
    server.closeAllConnections();
    await closed;
    log.info({ requests: http.requests }, 'requests drained');
  });

  return { system, server, port };
}
