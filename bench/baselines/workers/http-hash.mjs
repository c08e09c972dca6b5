// The HTTP benchmark's request, for the piscina and event-loop servers: the same work as the example service's
// Hasher (examples/http-service/hasher.ts, iteratedSha256): SHA-256 of `data`, then of its hex digest, `rounds`
// times. Also piscina's task (its default export).
import { createHash } from 'node:crypto';
import { threadId } from 'node:worker_threads';

export function iteratedSha256(data, rounds) {
  let hash = data;
  for (let i = 0; i < rounds; i++) hash = createHash('sha256').update(hash).digest('hex');
  return hash;
}

export default function task({ data, rounds }) {
  return { hash: iteratedSha256(data, rounds), thread: threadId };
}
