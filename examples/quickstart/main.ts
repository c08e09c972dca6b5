// main.ts: starts two workers, spawns a Counter on one of them, asks it for its count.
import { ActorSystem } from 'ringmaster';
import { Counter } from './actors.ts';

const system = await ActorSystem.start({ workers: 2, actors: [new URL('./actors.ts', import.meta.url)] });
const counter = await system.spawn(Counter, { name: 'c1', args: { start: 5 } }); // ActorRef<CounterMsg, number>
counter.tell({ type: 'inc', by: 2 });
const n = await counter.ask({ type: 'get' }, { timeoutMs: 1000 }); // 7, typed as number
console.log(`c1 = ${n}`);
await system.shutdown(); // then the process exits by itself
if (n !== 7) process.exitCode = 1;
