/**
 * The example service itself (`examples/http-service/server.ts`: node:http, the /hash work asked of a pool of actors
 * on `--workers` workers, pino logging through the `logger` option) as a child process under autocannon: saturation,
 * then 70% of piscina's saturation, beside the same route on piscina and on the event loop alone
 * (`bench/baselines/http-piscina.ts`), same run. The example imports `ringmaster` from `dist/`: run `npm run build`
 * first. Only when named (`--scenario http-service`): it starts three servers.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DEFAULT_BENCH_WORKERS } from '../lib/engine.js';
import { RATE_KEY, SATURATION, measureHttp, startHttpServer } from '../lib/http-load.js';
import type { Scenario, ScenarioOptions, ScenarioResult } from '../lib/scenario.js';

const SERVER = new URL('../../examples/http-service/server.ts', import.meta.url);
const DIST = new URL('../../dist/src/index.js', import.meta.url);

export const httpService: Scenario = {
  name: 'http-service',
  description: 'examples/http-service (node:http, CPU work on actors via ask) under autocannon, vs piscina and the event loop',
  needs: ['http-piscina', 'http-event-loop'],
  targets: [
    {
      label: 'HTTP service p99 at 70% of piscina saturation <= piscina p99 at the same rate',
      compare: RATE_KEY,
      against: { scenario: 'http-piscina', compare: RATE_KEY },
      factor: 1,
      statistic: 'p99',
    },
    {
      label: 'HTTP service throughput at saturation >= piscina',
      compare: SATURATION,
      against: { scenario: 'http-piscina', compare: SATURATION },
      factor: 1,
    },
  ],

  async run(options: ScenarioOptions): Promise<ScenarioResult> {
    if (!existsSync(DIST)) throw new Error('http-service runs examples/http-service, which imports ringmaster from dist/: run `npm run build` first');
    const startedAt = performance.now();
    const workers = options.engine.workers ?? DEFAULT_BENCH_WORKERS;
    // The bench's own runtime flags (tsx's loader) let the child load the example's .ts files.
    const server = await startHttpServer([...process.execArgv, fileURLToPath(SERVER)], { PORT: '0', WORKERS: String(workers), LOG_LEVEL: 'info' }); // info: its listening line
    const result = await measureHttp(startedAt, options, server, 'ringmaster', { workers, engine: 'examples/http-service defaults' });
    return { ...result, notes: [...(result.notes ?? []), 'the engine flags (--wait-strategy, ...) do not reach the example: it starts its own system'] };
  },
};
