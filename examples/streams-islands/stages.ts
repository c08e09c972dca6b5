// stages.ts: the stages that run on the workers. Every worker loads this module (the system's `actors`), so each
// knows the stages by name: a closure cannot cross threads, a defined stage can.
import { createHash } from 'node:crypto';
import { defineStage } from 'ringmaster/streams';

/** CPU-bound: 2,000 rounds of SHA-256 over a line, the first 8 hex digits of the last digest. */
export const digest = defineStage('example.digest', (line: string) => {
  let d = Buffer.from(line);
  for (let i = 0; i < 2_000; i++) d = createHash('sha256').update(d).digest();
  return { line, digest: d.toString('hex', 0, 4) };
});
