// main.ts: run with `npx tsx examples/routing/main.ts` after `npm run build`.
import { ActorSystem } from 'ringmaster';
import { Pool, broadcast } from 'ringmaster/routing';
import { Shard } from './shards.js';

const system = await ActorSystem.start({ workers: 2, actors: [new URL('./shards.ts', import.meta.url)] });

// Four routees, children of the router's head, placed round-robin over the two workers.
const shards = await system.spawnRouter(Pool.consistentHashing(4, Shard, { key: 'byUser' }), { name: 'shards' });
console.log((await shards.routees()).map((r) => `${r.name}@${r.thread}`).join(' ')); // shards/routee-1@1 ... routee-4@2
const users = ['ada', 'bob', 'cy'];
for (const user of users) for (let n = 1; n <= 3; n++) shards.tell({ type: 'add', user, n }); // one ring record each
shards.tell(broadcast({ type: 'add', user: 'everyone', n: 1 })); // once to every routee, whatever the logic
// A user's messages all reach the same routee, so its total is whole: 1 + 2 + 3.
const totals = await Promise.all(users.map((user) => shards.ask({ type: 'total', user })));
console.log(totals.join(' ')); // 6 6 6

// Scatter-gather: every routee is asked, the first reply wins, the others become 'superseded' dead letters.
const anyone = await system.spawnRouter(Pool.scatterGatherFirstCompleted(2, Shard, { withinMs: 1_000 }), { name: 'anyone' });
const superseded = new Promise<string>((resolve) =>
  system.events.subscribe('dead-letter', (e) => {
    if (e.reason === 'superseded') resolve(e.target);
  }),
);
const first = await anyone.ask({ type: 'where' });
console.log(`first: ${first}; superseded: ${await superseded}`);

await system.shutdown();
if (totals.join(' ') !== '6 6 6') process.exitCode = 1;
