// The README's routers section shows examples/routing/ as it is (CI runs that example), so it runs as pasted.
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';

const read = (path: string): string => readFileSync(new URL(path, import.meta.url), 'utf8');

it("shows the routing example's two files in the README as they are", () => {
  const doc = read('../../README.md');
  const start = doc.indexOf('\n## Routers\n');
  expect(start).toBeGreaterThan(0);
  const section = doc.slice(start, doc.indexOf('\n## ', start + 1));
  const blocks = [...section.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);
  expect(blocks).toEqual([read('../../examples/routing/shards.ts'), read('../../examples/routing/main.ts')]);
});
