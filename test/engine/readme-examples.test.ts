// The README's example sections show the files under examples/ as they are (CI runs every examples/*/main.ts), so
// each example in the README runs as pasted.
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';

const read = (path: string): string => readFileSync(new URL(path, import.meta.url), 'utf8');

/** The ```ts blocks of the README section under `## heading`, in order. */
function blocksOf(heading: string): string[] {
  const doc = read('../../README.md');
  const start = doc.indexOf(`\n## ${heading}\n`);
  expect(start, `a README section '## ${heading}'`).toBeGreaterThan(0);
  const section = doc.slice(start, doc.indexOf('\n## ', start + 1));
  return [...section.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);
}

it.each([
  ['Behaviors, stash, timers, receive timeout', ['toolkit/door.ts', 'toolkit/session.ts', 'toolkit/main.ts']],
  ['Routers', ['routing/shards.ts', 'routing/main.ts']],
  ['Mailbox kinds', ['mailbox/jobs.ts', 'mailbox/main.ts', 'bounded/ingest.ts', 'bounded/main.ts']],
  ['Coordinated shutdown', ['shutdown/main.ts']],
  ['Metrics', ['metrics/orders.ts', 'metrics/main.ts']],
  ['Streams', ['streams/main.ts', 'streams-islands/stages.ts', 'streams-islands/main.ts']],
  ['Beyond one machine', ['cluster/greeter.ts', 'cluster/main.ts']],
])("shows the example files of the section '%s' in the README as they are", (heading, files) => {
  expect(blocksOf(heading)).toEqual(files.map((f) => read(`../../examples/${f}`)));
});
