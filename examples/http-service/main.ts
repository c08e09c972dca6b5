// main.ts: run with `npx tsx examples/http-service/main.ts` after `npm run build` (CI runs it). It starts the service
// (server.ts) as a child process on an ephemeral port, checks its answers and its /metrics, sends it SIGTERM while
// requests are in flight, and checks that every one of them is answered and that the process exits with code 0.
// Then, in a second process, that a second SIGTERM during the drain ends it at once.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { iteratedSha256 } from './hasher.js';

type LogLine = Record<string, unknown>;
const failures: string[] = [];
const check = (ok: boolean, what: string): void => {
  if (!ok) failures.push(what);
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
};

/** server.ts as a child process, with the JSON lines (pino) it logs, which tell its port and what it did. */
function startServer() {
  // The same runtime flags as this process (tsx's loader when run through tsx), so the child loads .ts the same way.
  const child = spawn(process.execPath, [...process.execArgv, fileURLToPath(new URL('./server.ts', import.meta.url))], {
    env: { ...process.env, PORT: '0', WORKERS: '2' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const killer = setTimeout(() => child.kill('SIGKILL'), 90_000);
  process.on('exit', () => child.kill('SIGKILL')); // never leave the service behind (a no-op once it has exited)
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('close', (code, signal) => {
      clearTimeout(killer);
      resolve({ code, signal });
    }),
  );
  const records: LogLine[] = [];
  const waiters: { pred: (r: LogLine) => boolean; resolve: (r: LogLine) => void }[] = [];
  let partial = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    const lines = (partial + chunk).split('\n');
    partial = lines.pop()!;
    for (const line of lines) {
      if (line.trim() === '') continue;
      let r: LogLine;
      try {
        r = JSON.parse(line);
      } catch {
        failures.push(`a stdout line that is not JSON: ${line}`);
        continue;
      }
      records.push(r);
      for (const w of [...waiters]) {
        if (!w.pred(r)) continue;
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(r);
      }
    }
  });
  /** Resolves with the first record `pred` accepts, logged already or later; rejects if the service exits first. */
  const logged = (pred: (r: LogLine) => boolean): Promise<LogLine> => {
    const seen = records.find(pred);
    if (seen !== undefined) return Promise.resolve(seen);
    return Promise.race([
      new Promise<LogLine>((resolve) => waiters.push({ pred, resolve })),
      exited.then(() => {
        throw new Error('the service exited before logging what was expected');
      }),
    ]);
  };
  const listening = logged((r) => r.msg === 'listening').then((r) => `http://127.0.0.1:${r.port as number}`);
  return { child, exited, records, logged, listening };
}

async function get(url: string) {
  const res = await fetch(url);
  return { status: res.status, type: res.headers.get('content-type'), body: await res.text() };
}
/** A request that may be cut by the shutdown: a failure becomes status 0, not an unhandled rejection. */
const tryGet = (url: string) => get(url).catch((err: unknown) => ({ status: 0, type: null, body: JSON.stringify({ hash: String(err) }) }));

/** Until the service counts `n` /hash requests in flight (/healthz: the cheap route). */
async function inFlight(base: string, n: number): Promise<void> {
  for (;;) {
    const h = JSON.parse((await get(`${base}/healthz`)).body) as { hashInFlight: number };
    if (h.hashInFlight >= n) return;
    await new Promise((r) => setTimeout(r, 5));
  }
}

const first = startServer();
try {
  const base = await first.listening;

  // The CPU work runs on the workers, and every answer is the right hash.
  const inputs = Array.from({ length: 16 }, (_, i) => `item-${i}`);
  const answers = await Promise.all(inputs.map((d) => get(`${base}/hash?data=${d}&rounds=200`)));
  check(answers.every((a) => a.status === 200), '16 concurrent /hash requests answered 200');
  const replies = answers.map((a) => JSON.parse(a.body) as { hash: string; thread: number });
  check(replies.every((r, i) => r.hash === iteratedSha256(inputs[i]!, 200)), 'every hash is SHA-256 iterated 200 times');
  check(new Set(replies.map((r) => r.thread)).size === 2 && replies.every((r) => r.thread >= 1), 'the work ran on both workers, none on the main thread');
  check((await get(`${base}/hash?rounds=0`)).status === 400, 'a bad rounds is a 400');
  check((await get(`${base}/nowhere`)).status === 404, 'an unknown route is a 404');

  // /metrics: Prometheus text, the engine's metrics (read from shared memory) beside the service's own.
  const metrics = await get(`${base}/metrics`);
  const sample = (name: string, labels = ''): number => {
    const line = metrics.body.split('\n').find((l) => l.startsWith(`${name}${labels} `));
    return line === undefined ? Number.NaN : Number(line.slice(line.lastIndexOf(' ') + 1));
  };
  check(metrics.status === 200 && (metrics.type ?? '').startsWith('text/plain'), '/metrics answers 200 with Prometheus text');
  check(
    [1, 2].every((t) => sample('ringmaster_messages_processed_total', `{actor_type="http-service.Hasher",thread="${t}"}`) >= 1),
    '/metrics counts the messages each worker\'s hasher processed',
  );
  check(sample('http_requests_served') >= 19, '/metrics counts the requests served so far');

  // ctx.log from the workers reached the service's logger on the main thread, with the actor bound.
  const ready = first.records.filter((r) => r.msg === 'hasher ready');
  check(ready.length === 2 && new Set(ready.map((r) => r.thread)).size === 2, "each worker's hasher logged 'hasher ready' through ctx.log");

  // SIGTERM with requests in flight: they are answered, then the process exits 0.
  const slow = Array.from({ length: 4 }, (_, i) => tryGet(`${base}/hash?data=slow-${i}&rounds=150000`));
  await inFlight(base, 4);
  // Both workers are busy hashing: /metrics still answers at once (shared memory, no message to a worker).
  const busy = await get(`${base}/metrics`);
  check(busy.status === 200 && /^http_hash_in_flight 4$/m.test(busy.body), '/metrics answers while every worker is busy, with the 4 in flight');
  first.child.kill('SIGTERM');
  await first.logged((r) => r.msg === 'service unbound: no new connections');
  const refused = await fetch(`${base}/healthz`).then(
    () => false,
    () => true,
  );
  check(refused, 'a new connection after the unbind phase is refused');
  const late = await Promise.all(slow);
  check(late.every((a) => a.status === 200), 'the 4 requests in flight at SIGTERM were answered 200');
  check(
    late.every((a, i) => (JSON.parse(a.body) as { hash: string }).hash === iteratedSha256(`slow-${i}`, 150000)),
    'with the right hashes',
  );
  const { code, signal } = await first.exited;
  check(code === 0 && signal === null, `the service exited with code 0 after SIGTERM (got code ${code}, signal ${signal})`);
  check(first.records.some((r) => r.msg === 'requests drained') && first.records.some((r) => r.msg === 'stopped'), "it logged 'requests drained' and 'stopped'");
  check(!first.records.some((r) => typeof r.level === 'number' && r.level >= 40), 'nothing was logged at warn or error');

  // A second SIGTERM while the drain waits for long requests: the operator insists, the process ends at once.
  const second = startServer();
  const base2 = await second.listening;
  const stuck = [0, 1].map((i) => tryGet(`${base2}/hash?data=long-${i}&rounds=1000000`));
  await inFlight(base2, 2);
  second.child.kill('SIGTERM');
  await second.logged((r) => r.msg === 'service unbound: no new connections');
  second.child.kill('SIGTERM');
  const again = await second.exited;
  check(again.signal === 'SIGTERM', `a second SIGTERM during the drain ended the process at once (got code ${again.code}, signal ${again.signal})`);
  await Promise.all(stuck);
} catch (err) {
  failures.push(String(err));
}

if (failures.length > 0) {
  console.log(`${failures.length} check(s) failed:\n  ${failures.join('\n  ')}`);
  process.exitCode = 1;
} else {
  console.log('http-service: every check passed');
}
