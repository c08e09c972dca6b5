// The README's quick start as a new user runs it: an empty folder, the README's set-up commands (with
// `npm install ringmaster` pointed at the packed tarball), the two files pasted from the README, and the run command
// the README gives for this Node line: `node main.ts` where Node strips types (and then tsx must not be installed:
// the workers load the `.ts` actor module without it), the tsx line elsewhere. It must print `c1 = 7` and exit 0.
// Then `npx ringmaster bench` on the quick start's actor (benchOwnActor below); where Node strips types it then
// checks the fallback to tsx (tsxFallback below).
//
// Usage: node .ci/quickstart.mjs TARBALL [NODE_BIN_DIR]   (NODE_BIN_DIR goes first on PATH: the Node line to try)
// Plain JavaScript, so that it runs on any Node without a loader.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';

const [tarballArg, nodeBin] = process.argv.slice(2);
if (tarballArg === undefined) throw new Error('usage: node .ci/quickstart.mjs TARBALL [NODE_BIN_DIR]');
const tarball = resolve(tarballArg);
const env = { ...process.env, PATH: nodeBin ? `${nodeBin}${delimiter}${process.env.PATH}` : process.env.PATH };

function sh(command, cwd) {
  console.log(`$ ${command}`);
  const r = spawnSync('bash', ['-c', command], { cwd, env, encoding: 'utf8', timeout: 180_000 });
  process.stdout.write(r.stdout ?? '');
  process.stderr.write(r.stderr ?? '');
  if (r.status !== 0) throw new Error(`'${command}' exited with ${r.status ?? r.signal ?? r.error}`);
  return r.stdout;
}

const probe = JSON.parse(sh(`node -p 'JSON.stringify({ version: process.version, strip: Boolean(process.features.typescript) })'`));
console.log(`quick start on Node ${probe.version}, type stripping: ${probe.strip}`);

// The section's blocks, in order: ```sh set-up, ```ts actors.ts, ```ts main.ts, ```sh run.
const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const start = readme.indexOf('\n## Quick start\n');
if (start < 0) throw new Error('README.md has no "## Quick start" section');
const section = readme.slice(start, readme.indexOf('\n## ', start + 1));
const blocks = [...section.matchAll(/```(\w+)\n([\s\S]*?)```/g)].map((m) => ({ lang: m[1], code: m[2] }));
const shell = blocks.filter((b) => b.lang === 'sh').map((b) => b.code.split('\n').filter((l) => l.trim() !== ''));
const files = blocks.filter((b) => b.lang === 'ts');
if (shell.length !== 2 || files.length !== 2) throw new Error('expected two sh blocks and two ts blocks in the quick start');
const command = (line) => line.replace(/\s+#.*$/, '').trim();

// Where Node strips types, an actor module that only tsx can load (an enum, `./util.js` for util.ts) fails with the
// reason and the remedy while tsx is missing, and loads through tsx, on the main thread and in the workers, once
// it is installed. The files are .ci/tsx-fallback/.
function tsxFallback(dir) {
  for (const name of ['util.ts', 'legacy.ts', 'legacy-main.mjs']) {
    copyFileSync(new URL(`./tsx-fallback/${name}`, import.meta.url), join(dir, name));
  }
  const without = spawnSync('node', ['legacy-main.mjs'], { cwd: dir, env, encoding: 'utf8', timeout: 60_000 });
  const said = `${without.stdout}${without.stderr}`;
  if (without.status === 0 || !said.includes('ERR_MODULE_LOAD') || !said.includes("install the 'tsx' package")) {
    throw new Error(`without tsx, legacy.ts should fail with ERR_MODULE_LOAD naming tsx; got status ${without.status}:\n${said}`);
  }
  sh('npm install --no-audit --no-fund -D tsx', dir);
  const out = sh('node legacy-main.mjs', dir);
  if (!out.includes('reply 3 from worker 1')) throw new Error(`through tsx, expected "reply 3 from worker 1", got:\n${out}`);
  console.log(`tsx fallback on Node ${probe.version}: ok`);
}

// `npx ringmaster bench` (README, "Benchmarking your own actors") on the quick start's Counter, from the installed
// tarball, with figures of a few ms: every scenario and the postMessage baselines must have measured. It runs before
// tsxFallback, so where Node strips types the bin loads actors.ts without tsx, as the quick start did.
function benchOwnActor(dir) {
  const command =
    `npx ringmaster bench --module ./actors.ts --definition Counter --args '{"start":0}' --message '{"type":"get"}' ` +
    `--tell '{"type":"inc","by":1}' --quick --duration 40 --warmup 10 --json`;
  console.log(`$ ${command}`);
  const r = spawnSync('bash', ['-c', command], { cwd: dir, env, encoding: 'utf8', timeout: 120_000 });
  if (r.status !== 0) {
    process.stdout.write(r.stdout ?? '');
    process.stderr.write(r.stderr ?? '');
    throw new Error(`'npx ringmaster bench' exited with ${r.status ?? r.signal ?? r.error}`);
  }
  const outcomes = JSON.parse(r.stdout).scenarios.map((s) => `${s.name} ${s.status}`);
  const expected = ['post-message', 'post-message-bursty', 'ask-round-trip', 'bursty', 'one-way', 'service'].map((n) => `${n} ok`);
  if (outcomes.join(', ') !== expected.join(', ')) throw new Error(`npx ringmaster bench: expected ${expected.join(', ')}; got ${outcomes.join(', ')}`);
  console.log(`npx ringmaster bench on Node ${probe.version}: ${outcomes.join(', ')}`);
}

const dir = mkdtempSync(join(tmpdir(), 'ringmaster-quickstart-'));
try {
  for (const line of shell[0]) {
    const c = command(line);
    sh(c === 'npm install ringmaster' ? `npm install --no-audit --no-fund ${JSON.stringify(tarball)}` : c, dir);
  }
  for (const { code } of files) {
    const name = /^\/\/ ([\w.-]+\.ts):/.exec(code)?.[1];
    if (name === undefined) throw new Error(`a quick start file without a "// NAME.ts:" first line:\n${code}`);
    writeFileSync(join(dir, name), code);
  }
  const runs = shell[1].map(command);
  const run = probe.strip ? runs.find((c) => c === 'node main.ts') : runs.find((c) => c.includes('npx tsx main.ts'));
  if (run === undefined) throw new Error(`the README gives no run command for Node ${probe.version}: ${runs.join(' | ')}`);
  const out = sh(run, dir);
  if (probe.strip && existsSync(join(dir, 'node_modules', 'tsx'))) throw new Error('tsx is installed: this run proves nothing');
  if (!out.split('\n').includes('c1 = 7')) throw new Error(`expected the line "c1 = 7", got:\n${out}`);
  console.log(`quick start on Node ${probe.version}: ok`);
  benchOwnActor(dir);
  if (probe.strip) tsxFallback(dir);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
