// main.ts: run with `npx tsx examples/supervision/main.ts` after `npm run build`.
import { ActorSystem, type ActorRef } from 'ringmaster';
import { Boss, type ParserMsg } from './actors.js';

const system = await ActorSystem.start({ workers: 2, actors: [new URL('./actors.ts', import.meta.url)] });
system.events.subscribe('actor-failed', (e) => console.log(`${e.actor} failed (${e.error.message}): ${e.directive}`));
const bossStopped = new Promise<void>((resolve) => {
  system.events.subscribe('actor-stopped', (e) => e.actor === 'boss' && resolve());
});

const boss = await system.spawn(Boss, { name: 'boss', placement: { worker: 1 } });
const parser = await boss.ask<ActorRef<ParserMsg, number>>({ type: 'parser' });
parser.tell({ type: 'parse', text: 'a' });
parser.tell({ type: 'parse', text: '' }); // ValidationError: resumed, its count kept
parser.tell({ type: 'parse', text: 'b' });
const afterResume = await parser.ask({ type: 'count' });
parser.tell({ type: 'parse', text: 'corrupt' }); // restarted after a 100 ms backoff, with fresh state
parser.tell({ type: 'parse', text: 'c' }); // waits in the mailbox during the backoff
const afterRestart = await parser.ask({ type: 'count' });
console.log(`after resume: ${afterResume} parsed; after restart: ${afterRestart} parsed`);

await system.stop(parser);
await bossStopped; // the boss watched the parser
console.log('boss stopped after its parser');
await system.shutdown();
if (afterResume !== 2 || afterRestart !== 1) process.exitCode = 1;
