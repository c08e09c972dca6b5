// The README's 'Testing actors' section shows readme-example.test.ts and its actors as a user writes them (with the
// published package's imports): this keeps the text and the tested files the same.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const read = (path: string): string => readFileSync(new URL(path, import.meta.url), 'utf8');

/** The repository's paths, as the README shows them. */
function asPublished(source: string): string {
  return source
    .replaceAll("'../../src/testkit/index.js'", "'ringmaster/testkit'")
    .replaceAll("'../../src/index.js'", "'ringmaster'")
    .replaceAll("'../fixtures/testkit-readme-actors.js'", "'./actors.js'")
    .replaceAll("'../fixtures/testkit-readme-actors.ts'", "'./actors.ts'")
    .replaceAll("'../fixtures/testkit-readme-reminder.js'", "'./reminder.js'")
    .replaceAll("'../fixtures/testkit-readme-reminder.ts'", "'./reminder.ts'");
}

function readmeBlock(firstLine: string): string {
  const doc = read('../../README.md');
  const start = doc.indexOf('\n## Testing actors\n');
  if (start < 0) throw new Error("README.md has no '## Testing actors' section");
  const section = doc.slice(start, doc.indexOf('\n## ', start + 1));
  const blocks = [...section.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);
  const block = blocks.find((b) => b.startsWith(firstLine));
  if (block === undefined) throw new Error(`README.md's testing section has no block starting with '${firstLine}'`);
  return block;
}

describe("the README's testing section", () => {
  it('shows the actors of the example test as they are', () => {
    expect(readmeBlock('// actors.ts')).toBe(asPublished(read('../fixtures/testkit-readme-actors.ts')));
  });

  it('shows the example test as it is', () => {
    expect(readmeBlock('// greeter.test.ts')).toBe(asPublished(read('./readme-example.test.ts')));
  });

  it('shows the manual-time example and its actor as they are', () => {
    expect(readmeBlock('// reminder.ts')).toBe(asPublished(read('../fixtures/testkit-readme-reminder.ts')));
    expect(readmeBlock('// reminder.test.ts')).toBe(asPublished(read('./readme-manual-time.test.ts')));
  });
});
