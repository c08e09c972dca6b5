// The README's configuration table against the options schema: every option has a row (or is named in its parent's
// row), every row is an option, and every default shown is the schema's. And the hand-written SystemOptions
// interface against the schema, at compile time (`npm run typecheck` runs these lines).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { optionsSchema, type Same, type SchemaMatches, type SystemOptions } from '../../src/config.js';

type Input = z.input<ReturnType<typeof optionsSchema>>;
type Flat<T> = { [K in keyof T]: T[K] };
const matches: SchemaMatches = true;
const flatMatches: Same<Flat<SystemOptions>, Input> = true; // the control for the two below: flattening keeps it true
// @ts-expect-error: an option the schema does not have makes the check fail
const extraKey: Same<Flat<SystemOptions & { colour?: string }>, Input> = true;
// @ts-expect-error: so does a nested option of another type
const nestedType: Same<Flat<Omit<SystemOptions, 'workerRestart'> & { workerRestart?: { spare?: string } }>, Input> = true;
void [matches, flatMatches, extraKey, nestedType];

interface Row {
  option: string;
  defaultCell: string;
  text: string;
}

function configurationTable(): Row[] {
  const doc = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const start = doc.indexOf('\n## Configuration\n');
  expect(start).toBeGreaterThan(0);
  const lines = doc.slice(start).split('\n');
  const first = lines.findIndex((l) => l.startsWith('| option |'));
  expect(first).toBeGreaterThan(0);
  const rows: Row[] = [];
  for (const line of lines.slice(first + 2)) {
    if (!line.startsWith('|')) break;
    const cells = line.split(' | ');
    const option = /^\| `([\w.]+)`$/.exec(cells[0]!)?.[1];
    expect(option, `a row that names no option: ${line}`).toBeDefined();
    rows.push({ option: option!, defaultCell: cells[1]!, text: line });
  }
  return rows;
}

// A zod schema with its default/prefault/optional wrappers taken off.
type Node = { _zod: { def: { type: string; innerType?: Node } }; shape?: Record<string, Node>; parse(v: unknown): unknown };
const unwrap = (s: Node): Node => (s._zod.def.innerType ? unwrap(s._zod.def.innerType) : s);

/** Every option path with its schema, parents before their children. */
function options(shape: Record<string, Node>, prefix = ''): { path: string; schema: Node; children: string[] }[] {
  return Object.entries(shape).flatMap(([key, schema]) => {
    const inner = unwrap(schema);
    const children = inner._zod.def.type === 'object' ? Object.keys(inner.shape!) : [];
    const self = { path: prefix + key, schema, children };
    return inner._zod.def.type === 'object' ? [self, ...options(inner.shape!, `${prefix}${key}.`)] : [self];
  });
}

/** A default cell such as `'hybrid'`, `1048576` or `{ minMs: 10, maxMs: 5000, jitter: 0.2 }`, as a value. */
function literal(cell: string): unknown {
  const code = /^`([^`]+)`$/.exec(cell)?.[1];
  if (code === undefined) return undefined;
  return JSON.parse(code.replace(/'([^']*)'/g, '"$1"').replace(/([{,]\s*)([A-Za-z_]\w*)\s*:/g, '$1"$2":'));
}

describe("the README's configuration table", () => {
  const rows = configurationTable();
  const byOption = new Map(rows.map((r) => [r.option, r]));
  const all = options(optionsSchema().shape as unknown as Record<string, Node>);
  const paths = new Set(all.map((o) => o.path));

  it('has a row for every option of the schema, or names the option in the row of an object it is in', () => {
    const missing: string[] = [];
    for (const { path } of all) {
      if (byOption.has(path) || rows.some((r) => r.option.startsWith(`${path}.`))) continue;
      const key = path.slice(path.lastIndexOf('.') + 1);
      let ancestor = path;
      let row: Row | undefined;
      while (row === undefined && ancestor.includes('.')) {
        ancestor = ancestor.slice(0, ancestor.lastIndexOf('.'));
        row = byOption.get(ancestor);
      }
      if (row === undefined || !new RegExp(`\\b${key}\\b`).test(row.text)) missing.push(path);
    }
    expect(missing).toEqual([]);
  });

  it('has no row for an option the schema does not have', () => {
    expect(rows.map((r) => r.option).filter((o) => !paths.has(o))).toEqual([]);
  });

  it("shows the schema's default in every row, and no literal where the schema has none", () => {
    for (const { path, schema } of all) {
      const row = byOption.get(path);
      if (row === undefined) continue;
      const schemaDefault = schema.parse(undefined);
      expect({ option: path, default: literal(row.defaultCell) }).toEqual({ option: path, default: schemaDefault });
    }
  });
});
