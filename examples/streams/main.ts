// main.ts: run with `npx tsx examples/streams/main.ts` after `npm run build`.
import { Sink, Source } from 'ringmaster/streams';

const lines = ['GET /a 200 12', 'GET /b 500 3', 'POST /a 200 40', '', 'GET /c 404 1'];

// A graph is a plain value: nothing runs until runWith (or run) materializes it, here on the main thread.
const total = await Source.from(lines)
  .filter((line) => line.length > 0)
  .map((line) => line.split(' '))
  .filter(([, , status]) => status === '200')
  .map(([, , , ms]) => Number(ms))
  .runWith(Sink.fold(0, (sum: number, ms: number) => sum + ms));

console.log(`time spent on successful requests: ${total} ms`); // 52 ms
