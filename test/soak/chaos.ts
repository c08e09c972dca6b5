/**
 * The chaos soak: steady tells and asks from the main thread to actors on two workers, while the workers are killed
 * at random in every way a worker dies (process.exit, a hung loop caught by the watchdog, out of memory, an uncaught
 * throw from a timer, an unhandled rejection). It accounts for every message exactly: each is handled once (the
 * tally on the main thread hears of it) or is a dead letter; per target, the handled ones arrive in send order
 * (FIFO per sender); every ask settles; RSS stays bounded. Run by test/soak/chaos-soak.test.ts (short, in CI) and
 * by `npm run soak -- --minutes N` (test/soak/run.ts), which prints the figures.
 */
import { ActorSystem, type ActorRef } from '../../src/index.js';
import { random } from '../fixtures/prng.js';
import { SoakTally, SoakTarget, type Death, type SoakMsg } from '../fixtures/soak-actors.js';

export interface SoakFigures {
  seconds: number;
  sent: number;
  asks: number;
  handled: number;
  deadLettered: number;
  /** Messages handled twice, or handled and dead-lettered (except as below). */
  duplicates: number;
  /**
   * Messages handled and also reported as `interrupted` dead letters: the worker died (a watchdog's stall verdict
   * on a loaded machine, mostly) while their handler ran, after it had told the tally. Honest, not duplicates.
   */
  interrupted: number;
  /** Accepted messages neither handled nor dead-lettered once the system went quiet. */
  missing: number;
  /** Handled messages of one target that came after a later one of the same target. */
  fifoViolations: number;
  asksSettled: number;
  /** Asks that settled with AskTimeoutError: a reply lost in a full ring with the worker (documented). */
  askTimeouts: number;
  deaths: Record<Death, number>;
  restarts: number;
  /** Messages the dead workers held only in memory (worker-restarted's `unjournaled`): reported by count. */
  unjournaled: number;
  rssStartMb: number;
  rssPeakMb: number;
}

const DEATHS: Death[] = ['exit', 'hang', 'oom', 'throw-async', 'reject-unhandled'];
const TARGETS = 6;
const MAX_IN_FLIGHT = 5_000;
const QUIET_MS = 10_000;

export async function runChaos(options: { durationMs: number; seed: number; onProgress?: (f: SoakFigures) => void }): Promise<SoakFigures> {
  const rnd = random(options.seed);
  const hook = `__ringmasterSoak${options.seed}_${process.pid}`;
  const handledBy: number[][] = Array.from({ length: TARGETS }, () => []);
  const handledCount = new Map<string, number>();
  (globalThis as Record<string, unknown>)[hook] = (target: number, seq: number) => {
    handledBy[target]!.push(seq);
    const k = `${target}:${seq}`;
    handledCount.set(k, (handledCount.get(k) ?? 0) + 1);
  };
  const system = await ActorSystem.start({
    workers: 2,
    actors: [new URL('../fixtures/soak-actors.ts', import.meta.url)],
    stallTimeoutMs: 500,
    resourceLimits: { maxOldGenerationSizeMb: 96 },
    workerRestart: { maxRestarts: 100_000, withinMs: 60_000, backoff: { minMs: 5, maxMs: 50 } },
  });
  const deadLettered = new Map<string, number>();
  const interrupted = new Set<string>();
  const f: SoakFigures = {
    seconds: 0, sent: 0, asks: 0, handled: 0, deadLettered: 0, duplicates: 0, interrupted: 0, missing: 0, fifoViolations: 0,
    asksSettled: 0, askTimeouts: 0, deaths: { exit: 0, hang: 0, oom: 0, 'throw-async': 0, 'reject-unhandled': 0 },
    restarts: 0, unjournaled: 0, rssStartMb: process.memoryUsage().rss / 2 ** 20, rssPeakMb: 0,
  };
  system.events.subscribe('dead-letter', (e) => {
    const m = e.message as { type?: string; seq?: number; target?: number } | undefined;
    if (m?.type !== 'work') return;
    const target = targetIndex.get(e.target);
    const k = `${target}:${m.seq}`;
    deadLettered.set(k, (deadLettered.get(k) ?? 0) + 1);
    if (e.interrupted) interrupted.add(k);
  });
  system.events.subscribe('worker-restarted', (e) => {
    f.restarts++;
    f.unjournaled += e.unjournaled;
  });
  const tally = await system.spawn(SoakTally, { args: { onHandled: hook }, placement: { worker: 0 } });
  const targets: ActorRef<SoakMsg, number>[] = [];
  const targetIndex = new Map<string, number>();
  for (let i = 0; i < TARGETS; i++) {
    const t = await system.spawn(SoakTarget, { name: `target-${i}`, args: { index: i, tally }, placement: { worker: 1 + (i % 2) } });
    targets.push(t);
    targetIndex.set(t.name, i);
  }
  const nextSeq = new Array<number>(TARGETS).fill(0);
  const pendingAsks = new Set<Promise<unknown>>();
  const start = performance.now();
  let nextKill = start + 300 + rnd() * 500;
  let nextSample = start;
  let accounted = 0;
  while (performance.now() - start < options.durationMs) {
    // Steady, not a flood: at most MAX_IN_FLIGHT messages not yet handled or reported, so that the backlog (and
    // the quiet phase at the end) stays bounded on a loaded machine.
    const inFlight = f.sent - accounted;
    for (let i = 0; i < 200 && inFlight + i < MAX_IN_FLIGHT; i++) {
      const ti = Math.floor(rnd() * TARGETS);
      const target = targets[ti]!;
      const msg: SoakMsg = { type: 'work', seq: nextSeq[ti]! };
      if (rnd() < 0.05) {
        f.asks++;
        const p = target.ask(msg, { timeoutMs: 30_000 }).then(
          () => {
            f.asksSettled++;
          },
          (err: { code?: string }) => {
            f.asksSettled++;
            if (err.code === 'ERR_ASK_TIMEOUT') f.askTimeouts++;
          },
        );
        pendingAsks.add(p);
        void p.finally(() => pendingAsks.delete(p));
      } else if (!target.tell(msg)) {
        await target.send(msg); // the ring is full (or the worker down): wait for room, in order
      }
      nextSeq[ti]!++;
      f.sent++;
    }
    const now = performance.now();
    if (now >= nextKill) {
      const how = DEATHS[Math.floor(rnd() * DEATHS.length)]!;
      targets[Math.floor(rnd() * TARGETS)]!.tell({ type: 'die', how });
      f.deaths[how]++;
      nextKill = now + 300 + rnd() * 700;
    }
    if (now >= nextSample) {
      f.rssPeakMb = Math.max(f.rssPeakMb, process.memoryUsage().rss / 2 ** 20);
      f.seconds = (now - start) / 1000;
      options.onProgress?.(account(f, handledBy, handledCount, deadLettered, interrupted, nextSeq));
      nextSample = now + 1000;
    }
    accounted = handledCount.size + deadLettered.size;
    await new Promise((r) => (inFlight >= MAX_IN_FLIGHT ? setTimeout(r, 2) : setImmediate(r)));
  }
  // Quiet: every accepted message handled or reported, every ask settled (bounded by the asks' own timeout).
  await Promise.all([...pendingAsks]);
  // Until nothing is missing, or nothing has moved for QUIET_MS (a worker restarting counts as moving).
  let last = -1;
  let lastMoved = performance.now();
  for (;;) {
    const a = account(f, handledBy, handledCount, deadLettered, interrupted, nextSeq);
    if (a.missing === 0) break;
    const progress = a.handled + a.deadLettered + f.restarts;
    if (progress !== last) {
      last = progress;
      lastMoved = performance.now();
    } else if (performance.now() - lastMoved > QUIET_MS) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  f.seconds = (performance.now() - start) / 1000;
  f.rssPeakMb = Math.max(f.rssPeakMb, process.memoryUsage().rss / 2 ** 20);
  if (process.env.SOAK_DEBUG) {
    for (let t = 0; t < TARGETS; t++) {
      const miss: number[] = [];
      for (let seq = 0; seq < nextSeq[t]!; seq++) if (!handledCount.has(`${t}:${seq}`) && !deadLettered.has(`${t}:${seq}`)) miss.push(seq);
      console.log(`target ${t}: sent ${nextSeq[t]}, handled ${handledBy[t]!.length}, missing ${miss.slice(0, 20).join(',')}${miss.length > 20 ? '...' : ''} (${miss.length})`);
    }
  }
  await system.shutdown();
  delete (globalThis as Record<string, unknown>)[hook];
  return account(f, handledBy, handledCount, deadLettered, interrupted, nextSeq);
}

function account(
  f: SoakFigures,
  handledBy: number[][],
  handledCount: Map<string, number>,
  deadLettered: Map<string, number>,
  interrupted: Set<string>,
  sentPerTarget: number[],
): SoakFigures {
  let handled = 0;
  let dead = 0;
  let duplicates = 0;
  let interruptedAndHandled = 0;
  let missing = 0;
  let fifo = 0;
  for (let t = 0; t < sentPerTarget.length; t++) {
    const seen = handledBy[t]!;
    for (let i = 1; i < seen.length; i++) if (seen[i]! < seen[i - 1]!) fifo++;
    for (let seq = 0; seq < sentPerTarget[t]!; seq++) {
      const h = handledCount.get(`${t}:${seq}`) ?? 0;
      const d = deadLettered.get(`${t}:${seq}`) ?? 0;
      handled += Math.min(h, 1);
      dead += Math.min(d, 1);
      if (h === 1 && d === 1 && interrupted.has(`${t}:${seq}`)) interruptedAndHandled++;
      else if (h + d > 1) duplicates++;
      if (h + d === 0) missing++;
    }
  }
  return { ...f, handled, deadLettered: dead, duplicates, interrupted: interruptedAndHandled, missing, fifoViolations: fifo };
}
