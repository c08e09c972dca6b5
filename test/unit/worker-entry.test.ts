// Which file a worker runs: from the TypeScript sources, the bootstrap that registers tsx, then the host's source.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { workerEntry } from '../../src/supervision/worker-entry.js';

describe('workerEntry', () => {
  it('from source, starts workers/source-bootstrap.mjs and has it import workers/actor-host.ts, both present', () => {
    const { url, host } = workerEntry();
    expect(url.href).toBe(new URL('../../workers/source-bootstrap.mjs', import.meta.url).href);
    expect(host).toBe(new URL('../../workers/actor-host.ts', import.meta.url).href);
    expect(existsSync(fileURLToPath(url))).toBe(true);
    expect(existsSync(fileURLToPath(host))).toBe(true);
  });
});
