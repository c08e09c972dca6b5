// The README's 'Actor supervision' section shows examples/supervision/actors.ts as it is (CI runs that example).
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';

const read = (path: string): string => readFileSync(new URL(path, import.meta.url), 'utf8');

it("shows the supervision example's actors in the README as they are", () => {
  const doc = read('../../README.md');
  const start = doc.indexOf('\n## Actor supervision\n');
  expect(start).toBeGreaterThan(0);
  const section = doc.slice(start, doc.indexOf('\n## ', start + 1));
  const block = [...section.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!)[0];
  expect(block).toBe(read('../../examples/supervision/actors.ts'));
});
