// main.ts: run with `npx tsx examples/streams-islands/main.ts` after `npm run build`.
import { ActorSystem } from 'ringmaster';
import { Keep, Sink, Source } from 'ringmaster/streams';
import { digest } from './stages.js';

const system = await ActorSystem.start({ workers: 2, actors: [new URL('./stages.ts', import.meta.url)] });

// Three islands: a generated source on the main thread; the CPU-bound stage on worker 1, at most 32 lines in
// flight to it (demand flows back across the rings); the sink back on the main thread, where its closure lives.
const lines = Array.from({ length: 200 }, (_, i) => `line ${i}`);
const graph = Source.from(lines)
  .async({ placement: { worker: 1 }, inputBuffer: 32 }) // island 1: worker 1
  .map(digest)
  .async({ placement: { worker: 0 } }) // island 2: back on the main thread, where the sink's closure runs
  .toMat(
    Sink.fold(new Map<string, string>(), (seen, { line, digest }: { line: string; digest: string }) => seen.set(line, digest)),
    Keep.right,
  );

const { value, completion, stats } = graph.run(system);
const digests = await value;
await completion;
console.log(`${digests.size} digests; line 0 -> ${digests.get('line 0')}`);
console.log('elements across each boundary:', stats().boundaries.map((b) => b.emitted).join(', ')); // 200, 200

await system.shutdown();
if (digests.size !== 200 || stats().boundaries.some((b) => b.emitted !== 200)) process.exitCode = 1;
