// `npm run soak -- --minutes N [--seed S]`: the chaos soak of test/soak/chaos.ts for N minutes (default 3), its
// figures printed every second and at the end; exits 1 when the accounting finds a message lost, duplicated or out
// of order, or an ask that did not settle. SOAK_DEBUG=1 lists, per target, the messages neither handled nor
// dead-lettered.
import { runChaos, type SoakFigures } from './chaos.js';

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isFinite(v) || v <= 0) throw new Error(`--${name} needs a positive number, got ${process.argv[i + 1]}`);
  return v;
};
const minutes = arg('minutes', 3);
const seed = arg('seed', Date.now() % 100_000);

const line = (f: SoakFigures): string =>
  `${f.seconds.toFixed(0).padStart(5)} s  sent ${f.sent}  asks ${f.asksSettled}/${f.asks}  handled ${f.handled}  dead-lettered ${f.deadLettered}  ` +
  `missing ${f.missing}  duplicates ${f.duplicates}  interrupted ${f.interrupted}  fifo ${f.fifoViolations}  restarts ${f.restarts}  rss ${f.rssPeakMb.toFixed(0)} MB`;

console.log(`chaos soak: ${minutes} min, seed ${seed}`);
const f = await runChaos({ durationMs: minutes * 60_000, seed, onProgress: (p) => console.log(line(p)) });
console.log(line(f));
console.log(`deaths ${JSON.stringify(f.deaths)}  ask timeouts ${f.askTimeouts}  unjournaled ${f.unjournaled}  rss ${f.rssStartMb.toFixed(0)} -> ${f.rssPeakMb.toFixed(0)} MB`);
const ok = f.duplicates === 0 && f.fifoViolations === 0 && f.missing <= f.unjournaled && f.asksSettled === f.asks;
console.log(ok ? 'PASS' : 'FAIL');
process.exit(ok ? 0 : 1);
