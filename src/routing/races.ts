/**
 * The two asks that race routees (Akka's ScatterGatherFirstCompleted and TailChopping routers): the first reply
 * settles the ask, and every later reply becomes a 'superseded' dead letter (nobody waits for it, and it is never
 * lost silently). Both settle: with a reply, with the first failure once every routee asked has failed, or with
 * AskTimeoutError (target: the router) after `withinMs`.
 *
 * Contract: called by RouterRef on its thread; timers on that thread's clock (virtual under manual time).
 */
import { AskTimeoutError } from '../errors.js';
import type { AskOptions } from '../ref.js';
import type { Clock, TimerHandle } from '../runtime/clock.js';

/** What a race needs of its router: the routees (by index) and one ask to routee i, counted like any routed ask. */
export interface RaceHost {
  readonly name: string;
  readonly clock: Clock;
  readonly size: number;
  nameAt(i: number): string;
  ask(i: number, message: unknown, options: AskOptions): Promise<unknown>;
  superseded(routee: string, value: unknown): void;
}

const isTimeout = (e: unknown): boolean => (e as { code?: unknown } | null)?.code === 'ERR_ASK_TIMEOUT';
const withSignal = (timeoutMs: number, signal: AbortSignal | undefined): AskOptions => (signal ? { timeoutMs, signal } : { timeoutMs });

/** Scatter-gather: every routee is asked at once. */
export function scatterGather(host: RaceHost, message: unknown, withinMs: number, signal: AbortSignal | undefined): Promise<unknown> {
  const n = host.size;
  return new Promise((resolve, reject) => {
    let settled = false;
    let failed = 0;
    let firstError: unknown;
    for (let i = 0; i < n; i++) {
      const routee = host.nameAt(i);
      host.ask(i, message, withSignal(withinMs, signal)).then(
        (value) => {
          if (settled) return host.superseded(routee, value);
          settled = true;
          resolve(value);
        },
        (err: unknown) => {
          if (firstError === undefined && !isTimeout(err)) firstError = err;
          if (++failed === n && !settled) {
            settled = true;
            reject(firstError ?? new AskTimeoutError(host.name, withinMs));
          }
        },
      );
    }
  });
}

/**
 * Tail chopping: a random routee first, then another untried one every `intervalMs`, and at once when one fails
 * (a hedged request: Akka ends on the first failure; here a failure ends the race only when no routee is left).
 */
export function tailChop(host: RaceHost, message: unknown, withinMs: number, intervalMs: number, signal: AbortSignal | undefined): Promise<unknown> {
  const clock = host.clock;
  const n = host.size;
  const order = shuffled(n);
  const deadline = clock.now() + withinMs;
  return new Promise((resolve, reject) => {
    let settled = false;
    let tried = 0;
    let outstanding = 0;
    let firstError: unknown;
    let interval: TimerHandle | undefined;
    const finish = (ok: boolean, v: unknown): void => {
      settled = true;
      if (interval !== undefined) clock.clearTimer(interval);
      clock.clearTimer(overall);
      if (ok) resolve(v);
      else reject(v);
    };
    const next = (): void => {
      if (settled || tried >= n) return;
      const i = order[tried++]!;
      const routee = host.nameAt(i);
      outstanding++;
      // Each ask waits no longer than the race: a reply after the deadline is the engine's 'ask-timed-out'.
      host.ask(i, message, withSignal(Math.max(1, deadline - clock.now()), signal)).then(
        (value) => {
          outstanding--;
          if (settled) return host.superseded(routee, value);
          finish(true, value);
        },
        (err: unknown) => {
          outstanding--;
          if (settled) return;
          if (firstError === undefined && !isTimeout(err)) firstError = err;
          if (tried < n) {
            arm(); // the next one now, and the interval counts from it
            next();
          } else if (outstanding === 0) finish(false, firstError ?? new AskTimeoutError(host.name, withinMs));
        },
      );
    };
    const arm = (): void => {
      if (interval !== undefined) clock.clearTimer(interval);
      interval = clock.setTimer(() => {
        interval = undefined;
        next();
        if (!settled && tried < n) arm();
      }, intervalMs);
    };
    const overall = clock.setTimer(() => {
      if (!settled) finish(false, firstError ?? new AskTimeoutError(host.name, withinMs));
    }, withinMs);
    next();
    if (!settled && tried < n) arm();
  });
}

function shuffled(n: number): number[] {
  const a = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}
