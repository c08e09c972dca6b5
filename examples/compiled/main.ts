// main.ts: run with `npx tsx examples/compiled/main.ts` after `npm run build`. The actors live in compiled
// JavaScript (actors.mjs) and the engine comes from dist/, so the workers need neither tsx nor the sources.
import { ActorSystem } from 'ringmaster';
// @ts-expect-error: a plain JavaScript module, without type declarations.
import { Tally } from './actors.mjs';

const system = await ActorSystem.start({ workers: 2, actors: [new URL('./actors.mjs', import.meta.url)] });
const tallies = await Promise.all([1, 2].map((worker) => system.spawn(Tally, { name: `tally-${worker}`, placement: { worker } })));
for (const [i, tally] of tallies.entries()) for (let n = 1; n <= 100; n++) tally.tell({ type: 'add', n: n * (i + 1) });
const totals = (await Promise.all(tallies.map((t) => t.ask({ type: 'total' })))) as { total: number; thread: number }[];
console.log(totals.map((t) => `worker ${t.thread}: ${t.total}`).join(', '));
await system.shutdown();
if (totals[0]?.total !== 5050 || totals[1]?.total !== 10100 || totals[0].thread !== 1 || totals[1].thread !== 2) process.exitCode = 1;
