// The CPU-bound request of the service scenario (bench/lib/service.ts), shared by the ringmaster actor
// (bench/actors/bench-actors.ts) and the piscina task (bench/baselines/workers/piscina-service.mjs) so
// both do exactly the same work. Plain JS: piscina's workers cannot load TypeScript on Node 20.
//
// One request hashes a fixed 16 KiB payload with SHA-256 `rounds` times, chaining each digest into the
// next, starting from the request's seed; it returns the first 32 bits of the last digest.
import { createHash } from 'node:crypto';

const PAYLOAD = Buffer.alloc(16 * 1024);
for (let i = 0; i < PAYLOAD.length; i++) PAYLOAD[i] = (i * 31 + 7) & 0xff;

/** Rounds per request: about 0.1 ms of work on the development machine (the report gives the measured cost). */
export const WORK_ROUNDS = 8;

export function cpuWork(rounds, seed) {
  let digest = Buffer.from(String(seed));
  for (let r = 0; r < rounds; r++) digest = createHash('sha256').update(digest).update(PAYLOAD).digest();
  return digest.readUInt32LE(0);
}
