// main.ts: run with `npx tsx examples/bounded/main.ts` after `npm run build`.
import { ActorSystem } from 'ringmaster';
import { Writer } from './ingest.js';

const system = await ActorSystem.start({ workers: 1, actors: [new URL('./ingest.ts', import.meta.url)] });
const writer = await system.spawn(Writer, { name: 'writer' });

// A tell that finds the mailbox full is refused (false): with 'backpressure' the row was not taken.
let refused = 0;
for (let n = 1; n <= 1_000; n++) if (!writer.tell({ type: 'row', n })) refused++;
// `send` waits for room instead, without blocking the thread: nothing is refused, nothing is lost.
for (let n = 1; n <= 1_000; n++) await writer.send({ type: 'row', n });
const rows = await writer.ask({ type: 'count' });
console.log(`told 1000 (${refused} refused), sent 1000: ${rows} rows written`);

await system.shutdown();
if (refused === 0 || rows !== 2_000 - refused) process.exitCode = 1;
