// main.ts: run with `npx tsx examples/metrics/main.ts` after `npm run build` (and `npm install prom-client`).
import { ActorSystem } from 'ringmaster';
import { registerRingmasterMetrics } from 'ringmaster/prometheus';
import { Registry } from 'prom-client';
import { Orders } from './orders.js';

const system = await ActorSystem.start({
  workers: 2,
  actors: [new URL('./orders.ts', import.meta.url)],
  metrics: { timing: 'all' }, // time every message (default 'sampled': every 16th)
});
const shops = await Promise.all(['north', 'south', 'east'].map((name) => system.spawn(Orders, { name, placement: 'round-robin' })));
for (const shop of shops) for (let i = 1; i <= 100; i++) shop.tell({ type: 'order', items: i % 25 });
const totals = await Promise.all(shops.map((shop) => shop.ask({ type: 'total' })));

// A snapshot read from shared memory: one row per definition and thread, never one per actor.
const rows = system.metrics().definitions.filter((d) => d.definition === 'Orders');
const sum = (pick: (d: (typeof rows)[number]) => number) => rows.reduce((n, d) => n + pick(d), 0);
console.log(`Orders: ${sum((d) => d.actors)} actors on ${rows.length} thread(s), ${sum((d) => d.failed)} failed, ${sum((d) => d.restarts)} restarts`);

// The same figures for Prometheus: serve `await registry.metrics()` at /metrics.
const registry = new Registry();
registerRingmasterMetrics(system, { registry });
const text = await registry.metrics();
console.log(text.split('\n').filter((l) => l.startsWith('ringmaster_actor_failures_total')).join('\n'));

await system.shutdown();
// 100 orders per shop, 4 of them empty (i % 25 === 0): failures, each followed by a restart with fresh state.
if (sum((d) => d.failed) !== 3 * 4 || totals.length !== 3) process.exitCode = 1;
