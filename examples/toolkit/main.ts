// main.ts: run with `npx tsx examples/toolkit/main.ts` after `npm run build`.
import { ActorSystem } from 'ringmaster';
import { Door } from './door.js';
import { Log, Session } from './session.js';

const system = await ActorSystem.start({
  workers: 2,
  actors: [new URL('./door.ts', import.meta.url), new URL('./session.ts', import.meta.url)],
});

const door = await system.spawn(Door, { name: 'front-door' });
door.tell({ type: 'open' }); // locked: stashed
const seen = [await door.ask({ type: 'state' })]; // 'locked, 1 waiting'
door.tell({ type: 'unlock' }); // closed, then the stashed 'open' opens it
seen.push(await door.ask({ type: 'state' })); // 'open (open)'
door.tell({ type: 'close' });
seen.push(await door.ask({ type: 'state' })); // 'closed, opened 1 time(s)'
console.log(seen.join(' | '));

const log = await system.spawn(Log, { name: 'log', placement: { worker: 0 } });
const expired = new Promise<void>((resolve) =>
  system.events.subscribe('actor-stopped', (e) => {
    if (e.actor === 'session') resolve();
  }),
);
const session = await system.spawn(Session, { name: 'session', args: { events: log } });
session.tell({ type: 'touch' }); // activity: the 100 ms start again from here
await expired; // heartbeats went on meanwhile, but they do not count as activity
const events = await log.ask('get');
console.log(events.map((e) => (e.type === 'beat' ? `beat ${e.n}` : `expired after ${e.beats} beats`)).join(', '));

await system.shutdown();
const last = events[events.length - 1];
const ok = seen.join('|') === 'locked, 1 waiting|open (open)|closed, opened 1 time(s)' && last?.type === 'expired' && last.beats >= 3;
if (!ok) process.exitCode = 1;
