/**
 * Where a round trip's time goes: `RINGMASTER_TRACE=1 npx tsx bench/trace.ts [--samples N] [--gaps 10,100,1000,10000]`.
 *
 * For each idle gap (µs) of the bursty scenario, it runs N asks main -> actor on worker 1 -> main with that gap
 * before each, and prints, per step of the trip, the median and p90 time from the ask's start (µs), read from the
 * trace ring (src/transport/trace.ts): the ask posted, the worker's wait settling, its loop starting, the record
 * taken, receive running, the reply written, then the same steps on the main thread, the ask settled, and the
 * caller's `await` resuming. A step missing from a trip (the worker was not parked, so never woke) is left out of
 * that step's figures, and the count says how many trips had it.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { ActorSystem } from '../src/index.js';
import { STEP, TRACING, readTrace, type Step, type TraceEntry } from '../src/transport/trace.js';
import { BenchCounter, GET } from './actors/bench-actors.js';
import { BENCH_ACTORS } from './scenarios/system.js';

const { values } = parseArgs({
  options: { samples: { type: 'string', default: '300' }, gaps: { type: 'string', default: '10,100,1000,10000' } },
});
if (!TRACING) {
  console.error('bench/trace.ts needs RINGMASTER_TRACE=1 in its environment (the trace ring is off otherwise)');
  process.exit(2);
}
const samples = Number(values.samples);
const gaps = values.gaps.split(',').map(Number);

const word = new Int32Array(new SharedArrayBuffer(4));
async function idle(gapUs: number): Promise<void> {
  if (gapUs >= 1000) await sleep(gapUs / 1000);
  else if (gapUs >= 100) Atomics.wait(word, 0, 0, gapUs / 1000);
  else {
    const until = performance.now() + gapUs / 1000;
    while (performance.now() < until);
  }
}
const nowUs = (): number => {
  const t = process.hrtime();
  return t[0] * 1e6 + t[1] / 1e3;
};

/** The steps reported, in trip order: [label, thread (1 = the worker, 0 = main), step]. */
const ROWS: [string, number, Step][] = [
  ['main: ask() entered', 0, STEP.asked],
  ['main: record written', 0, STEP.written],
  ['main: ask posted (woke)', 0, STEP.posted],
  ['worker: wait settled (woken)', 1, STEP.woken],
  ['worker: loop runs', 1, STEP.loop],
  ['worker: record taken', 1, STEP.taken],
  ['worker: receive runs', 1, STEP.receive],
  ['worker: reply written', 1, STEP.replied],
  ['main: wait settled (woken)', 0, STEP.woken],
  ['main: loop runs', 0, STEP.loop],
  ['main: reply taken', 0, STEP.taken],
  ['main: ask settled', 0, STEP.settled],
];

const system = await ActorSystem.start({ workers: 2, actors: [BENCH_ACTORS] });
const sab = system.traceBuffer();
if (sab === undefined) throw new Error('the system allocated no trace ring');
const counter = await system.spawn(BenchCounter, { name: 'counter', placement: { worker: 1 } });
for (let i = 0; i < 2000; i++) await counter.ask(GET);

const pct = (xs: number[], q: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? NaN;
};
for (const gap of gaps) {
  const offsets = new Map<string, number[]>(ROWS.map(([label]) => [label, []]));
  const total: number[] = [];
  for (let i = 0; i < samples; i++) {
    await idle(gap);
    readTrace(sab, true);
    const t0 = nowUs();
    await counter.ask(GET);
    const t1 = nowUs();
    total.push(t1 - t0);
    const entries: TraceEntry[] = readTrace(sab).filter((e) => e.t >= t0 && e.t <= t1);
    for (const [label, thread, step] of ROWS) {
      const e = entries.find((x) => x.thread === thread && x.step === step);
      if (e !== undefined) offsets.get(label)!.push(e.t - t0);
    }
  }
  console.log(`\ngap ${gap} µs, ${samples} trips: round trip p50 ${pct(total, 0.5).toFixed(1)} µs, p90 ${pct(total, 0.9).toFixed(1)} µs`);
  console.log('  step                              trips    p50 from start   p90 from start');
  for (const [label] of ROWS) {
    const xs = offsets.get(label)!;
    if (xs.length === 0) {
      console.log(`  ${label.padEnd(32)} ${String(0).padStart(6)}`);
      continue;
    }
    console.log(`  ${label.padEnd(32)} ${String(xs.length).padStart(6)}   ${pct(xs, 0.5).toFixed(1).padStart(12)}   ${pct(xs, 0.9).toFixed(1).padStart(12)}`);
  }
  console.log(`  ${'main: await resumed'.padEnd(32)} ${String(samples).padStart(6)}   ${pct(total, 0.5).toFixed(1).padStart(12)}   ${pct(total, 0.9).toFixed(1).padStart(12)}`);
}
await system.shutdown();
