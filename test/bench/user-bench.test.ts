/**
 * `npx ringmaster bench` (bin/ringmaster.ts, bench/user/): the compiled bin run as a user runs it, a process of
 * `node dist/bin/ringmaster.js`, on the actors of test/fixtures/bench-bin/ (plain JavaScript importing the package by
 * name, which resolves to this repository's dist/). The figures are checked for being there, never for their values.
 *
 * dist/ is built first when it is missing or older than the sources the bin compiles from (CI builds before the
 * tests; so does `npm run build`).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(root, 'dist/bin/ringmaster.js');
const ACTORS = 'test/fixtures/bench-bin/actors.mjs';
const MESSAGES = 'test/fixtures/bench-bin/messages.mjs';
/** Short figures: the test checks that every figure is there, not what it is. */
const FAST = ['--quick', '--duration', '40', '--warmup', '10'];

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(join(root, dir), { withFileTypes: true, recursive: true })) {
    if (entry.isFile() && /\.(m?ts|mjs)$/.test(entry.name)) newest = Math.max(newest, statSync(join(entry.parentPath, entry.name)).mtimeMs);
  }
  return newest;
}

beforeAll(() => {
  const sources = Math.max(...['src', 'workers', 'bin', 'bench/user', 'bench/cli', 'bench/lib', 'bench/report', 'bench/tune'].map(newestSource));
  if (!existsSync(BIN) || statSync(BIN).mtimeMs < sources) {
    execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
  }
}, 120_000);

interface Run {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function ringmaster(...args: string[]): Run {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: root, encoding: 'utf8', timeout: 90_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const bench = (...args: string[]): Run => ringmaster('bench', ...args);

/** A usage error: exit 2, the reason on stderr, no stack trace. */
function expectUsageError(run: Run, reason: RegExp | string): void {
  expect(run.status, run.stderr).toBe(2);
  expect(run.stderr).toMatch(reason);
  expect(run.stderr).not.toMatch(/^\s+at /m);
  expect(run.stdout).toBe('');
}

type Json = { scenarios: { name: string; status: string; result?: { measurements: any[] } }[]; baselines: string[] };

describe('npx ringmaster bench on a user actor', () => {
  it('measures the round trip, bursty gaps, one-way and the service, beside postMessage, as JSON', () => {
    const run = bench(
      '--module', ACTORS, '--definition', 'Counter', '--args', '{"start":1}',
      '--message', '{"type":"get"}', '--tell', '{"type":"inc","by":1}', ...FAST, '--json',
    );
    expect(run.status, run.stderr).toBe(0);
    const report = JSON.parse(run.stdout) as Json;
    const byName = new Map(report.scenarios.map((s) => [s.name, s]));
    expect([...byName.keys()]).toEqual(['post-message', 'post-message-bursty', 'ask-round-trip', 'bursty', 'one-way', 'service']);
    expect(report.baselines).toEqual(['post-message', 'post-message-bursty']);
    for (const s of report.scenarios) expect(s.status, JSON.stringify(s)).toBe('ok');

    const [ask] = byName.get('ask-round-trip')!.result!.measurements;
    expect(ask).toMatchObject({ kind: 'latency', compare: 'round-trip', vsBaseline: { kind: 'latency' } });
    expect(ask.latency.samples).toBeGreaterThan(0);
    expect(ask.latency.p50).toBeGreaterThan(0);
    expect(ask.latency.p99).toBeGreaterThanOrEqual(ask.latency.p50);

    const gaps = byName.get('bursty')!.result!.measurements;
    expect(gaps.map((m) => m.compare)).toEqual(['bursty-10us', 'bursty-100us', 'bursty-1ms', 'bursty-10ms']);
    for (const m of gaps) expect(m.vsReferences[0]).toMatchObject({ scenario: 'post-message-bursty', ratios: { kind: 'latency' } });

    const [tell] = byName.get('one-way')!.result!.measurements;
    expect(tell).toMatchObject({ kind: 'throughput', compare: 'one-way', vsBaseline: { kind: 'throughput' } });
    expect(tell.perSecond).toBeGreaterThan(0);

    const service = byName.get('service')!.result!.measurements.map((m) => m.compare);
    expect(service).toEqual(expect.arrayContaining(['service-saturation', 'service-30%', 'service-50%', 'service-70%', 'service-90%']));
  });

  // The quick start's actors.ts: TypeScript, loaded through tsx on Node 20 (on the main thread after a first failed
  // import, which the engine's loader must not repeat when the system then loads the module) and by type stripping
  // on Node 22.18+.
  it('prints the terminal report, and writes the HTML page, for a TypeScript module with messages from a messages module', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ringmaster-bench-'));
    try {
      const html = join(dir, 'report.html');
      const run = bench('--module', 'examples/quickstart/actors.ts', '--definition', 'Counter', '--messages', MESSAGES,
        '--scenario', 'ask-round-trip,one-way', ...FAST, '--workers', '1', '--html', html);
      expect(run.status, run.stderr).toBe(0);
      expect(run.stdout).toContain('npx ringmaster bench --module examples/quickstart/actors.ts --definition Counter');
      expect(run.stdout).toMatch(/ask-round-trip\s+ask \{"type":"get"\}/);
      expect(run.stdout).toMatch(/one-way\s+tell tell\(i\) of test\/fixtures\/bench-bin\/messages\.mjs/);
      expect(run.stdout).not.toContain('bursty');
      expect(readFileSync(html, 'utf8')).toContain('<svg');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('--tune sweeps the dispatcher settings on one scenario and prints the best as ActorSystem.start options', () => {
    const run = bench('--module', ACTORS, '--definition', 'Counter', '--message', '{"type":"get"}',
      '--tune', '--scenario', 'ask-round-trip', '--duration', '20', '--warmup', '0');
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain('Tuning ask-round-trip');
    expect(run.stdout).toContain("await ActorSystem.start({ actors: [new URL('./test/fixtures/bench-bin/actors.mjs', import.meta.url)], workers:");
  }, 120_000);
});

describe('npx ringmaster bench on bad input: exit 2, what to do, no stack trace', () => {
  it('names the definitions the module has when --definition is not one of them', () => {
    expectUsageError(bench('--module', ACTORS, '--definition', 'Nope', '--message', '{}'),
      /--definition Nope: .* defines no actor of that name; it defines: BenchBinBroken \(export Broken\), BenchBinCounter \(export Counter\), BenchBinNeedsArgs \(export NeedsArgs\), BenchBinSilent \(export Silent\)/);
  });

  it('says a module that defines no actor lists none, with its exports', () => {
    expectUsageError(bench('--module', 'test/fixtures/bench-bin/not-actors.mjs', '--definition', 'X', '--message', '{}'),
      /exports no actor definition .*; its exports: answer/);
  });

  it('rejects a value that is not JSON, and shows how to quote it', () => {
    expectUsageError(bench('--module', ACTORS, '--definition', 'Counter', '--message', "{type:'get'}"),
      /--message is not JSON .*\n.*--message '\{"type":"get"\}'/);
  });

  it('says which file is missing', () => {
    expectUsageError(bench('--module', './nowhere.ts', '--definition', 'Counter', '--message', '{}'), /--module \.\/nowhere\.ts: no such file \(looked for .*nowhere\.ts\)/);
  });

  it('reports a module that throws while loading', () => {
    expectUsageError(bench('--module', 'test/fixtures/bench-bin/throws.mjs', '--definition', 'X', '--message', '{}'), /could not be loaded: .*this module cannot load/);
  });

  it('asks for a message when none is given', () => {
    expectUsageError(bench('--module', ACTORS, '--definition', 'Counter'), /a message BenchBinCounter replies to is required: --message JSON/);
  });

  it('rejects unknown flags and scenarios', () => {
    expectUsageError(bench('--module', ACTORS, '--definition', 'Counter', '--message', '{}', '--frobnicate'), /Unknown option '--frobnicate'/);
    expectUsageError(bench('--module', ACTORS, '--definition', 'Counter', '--message', '{}', '--scenario', 'fan-out'), /unknown scenario fan-out; known: ask-round-trip, bursty, one-way, service/);
  });

  it('says an actor that never replies needs a message it answers, instead of timing out in every scenario', () => {
    expectUsageError(bench('--module', ACTORS, '--definition', 'Silent', '--message', '{"type":"get"}'),
      /BenchBinSilent did not reply to \{"type":"get"\} within 5 s/);
  });

  it('passes on the error an actor fails with', () => {
    expectUsageError(bench('--module', ACTORS, '--definition', 'Broken', '--message', '{"type":"get"}'), /broken on purpose/);
  });

  it('says the spawn failed, and why, when the actor needs args it was not given', () => {
    expectUsageError(bench('--module', ACTORS, '--definition', 'NeedsArgs', '--message', '{"type":"get"}'),
      /spawning BenchBinNeedsArgs without --args failed: .*Cannot read properties of undefined/);
  });

  it('rejects an unknown command', () => {
    const run = ringmaster('benchmark');
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('unknown command "benchmark"');
  });
});
