/**
 * Baseline for the HTTP service: the example service's /hash route on piscina 5 with `--workers` threads
 * (`workers/http-server.mjs`, HTTP_MODE=piscina), driven by autocannon (`bench/lib/http-load.ts`). Its saturation
 * sets the fixed rate of all three HTTP scenarios.
 */
import { DEFAULT_BENCH_WORKERS } from '../lib/engine.js';
import { measureHttp, setHttpReference, startHttpServer } from '../lib/http-load.js';
import type { Scenario, ScenarioOptions, ScenarioResult } from '../lib/scenario.js';
import { baselineWorker } from './worker-file.js';
import { fileURLToPath } from 'node:url';

export const httpPiscinaBaseline: Scenario = {
  name: 'http-piscina',
  description: 'node:http service handing ~0.1 ms of SHA-256 per request to piscina 5, under autocannon',

  async run(options: ScenarioOptions): Promise<ScenarioResult> {
    const startedAt = performance.now();
    const workers = options.engine.workers ?? DEFAULT_BENCH_WORKERS;
    const server = await startHttpServer([fileURLToPath(baselineWorker('http-server.mjs'))], { HTTP_MODE: 'piscina', WORKERS: String(workers) });
    return measureHttp(startedAt, options, server, 'piscina', { threads: workers }, setHttpReference);
  },
};

/** The same route with the work on the server's event loop: what a service without a pool does. */
export const httpEventLoopBaseline: Scenario = {
  name: 'http-event-loop',
  description: 'node:http service doing ~0.1 ms of SHA-256 per request on its event loop, under autocannon',
  needs: ['http-piscina'],

  async run(options: ScenarioOptions): Promise<ScenarioResult> {
    const startedAt = performance.now();
    const server = await startHttpServer([fileURLToPath(baselineWorker('http-server.mjs'))], { HTTP_MODE: 'event-loop' });
    return measureHttp(startedAt, options, server, 'event loop', { threads: 0 });
  },
};
