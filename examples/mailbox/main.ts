// main.ts: run with `npx tsx examples/mailbox/main.ts` after `npm run build`.
import { ActorSystem } from 'ringmaster';
import { Printer } from './jobs.js';

const system = await ActorSystem.start({ workers: 1, actors: [new URL('./jobs.ts', import.meta.url)] });
const printer = await system.spawn(Printer, { name: 'printer' });

printer.tell({ type: 'warm-up', ms: 200 });
printer.tell({ type: 'print', doc: 'report.pdf' });
printer.tell({ type: 'print', doc: 'boarding-pass.pdf', urgent: true });
printer.tell({ type: 'print', doc: 'photos.zip' });
printer.tell({ type: 'print', doc: 'ticket.pdf', urgent: true });
// 'printed' ranks with the ordinary jobs: behind them, as it was sent after them.
const printed = await printer.ask({ type: 'printed' });
console.log(printed.join(' ')); // boarding-pass.pdf ticket.pdf report.pdf photos.zip

await system.shutdown();
if (printed.join(' ') !== 'boarding-pass.pdf ticket.pdf report.pdf photos.zip') process.exitCode = 1;
