// The README's toolkit section shows examples/toolkit/ as it is (CI runs that example), so it runs as pasted.
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';

const read = (path: string): string => readFileSync(new URL(path, import.meta.url), 'utf8');

it("shows the toolkit example's three files in the README as they are", () => {
  const doc = read('../../README.md');
  const start = doc.indexOf('\n## Behaviors, stash, timers, receive timeout\n');
  expect(start).toBeGreaterThan(0);
  const section = doc.slice(start, doc.indexOf('\n## ', start + 1));
  const blocks = [...section.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);
  expect(blocks).toEqual([read('../../examples/toolkit/door.ts'), read('../../examples/toolkit/session.ts'), read('../../examples/toolkit/main.ts')]);
});

it("shows the coordinated-shutdown example in the README as it is", () => {
  const doc = read('../../README.md');
  const start = doc.indexOf('\n## Coordinated shutdown\n');
  expect(start).toBeGreaterThan(0);
  const section = doc.slice(start, doc.indexOf('\n## ', start + 1));
  const blocks = [...section.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);
  expect(blocks).toEqual([read('../../examples/shutdown/main.ts')]);
});
