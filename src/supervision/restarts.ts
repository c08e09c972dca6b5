/**
 * Restart counting and backoff: pure, with the clock injected (every call takes `now`, in milliseconds from any
 * monotonic origin). Used for actor restarts (the parent's strategy) and meant for worker restarts too; it runs on
 * whichever thread owns the supervised thing and holds no shared state.
 *
 * Semantics (Akka's `maxNrOfRetries` within `withinTimeRange`, with a sliding window):
 * - a restart recorded at time `t` counts at time `now` while `now - t < withinMs`;
 * - a failure at `now` may restart when fewer than `maxRetries` restarts count at `now`; then it is recorded;
 *   a failure that may not restart is not recorded (the caller stops the supervised thing);
 * - `maxRetries: 0` never restarts; `maxRetries: Infinity` or `withinMs: Infinity` lift the limit or the window;
 * - the backoff of a restart grows with the restarts already in the window (`attempt`, from 0):
 *   `min(maxMs, minMs * 2^attempt * (1 + jitter * random()))`, so it lies in `[minMs, maxMs]` and falls back to
 *   `minMs` once the window has emptied; no backoff means a delay of 0;
 * - `reset()` forgets every restart (for example after the supervised thing has been healthy for a while).
 */
import { MAX_TIMER_MS } from '../config.js';
import { InvalidArgumentError } from '../errors.js';

/** Exponential backoff between restarts. */
export interface BackoffOptions {
  /** The delay of the first restart in a window, in ms (>= 0). */
  minMs: number;
  /** The largest delay, in ms (>= minMs). */
  maxMs: number;
  /** How much random delay to add, as a fraction of the delay (0..1); 0 by default. */
  jitter?: number;
  /** The random source for jitter, returning [0, 1); `Math.random` by default. Inject one to test. */
  random?: () => number;
}

/** At most `maxRetries` restarts within any `withinMs` window, each after its backoff delay. */
export interface RestartPolicy {
  maxRetries: number;
  withinMs: number;
  backoff?: BackoffOptions;
}

/** What a tracker answers to a failure. */
export type RestartDecision =
  | {
      restart: true;
      /** Restarts already in the window before this one (0 for the first). */
      attempt: number;
      /** How long to wait before restarting, in ms. */
      delayMs: number;
    }
  | {
      restart: false;
      /** Restarts in the window when the limit was hit. */
      restartsInWindow: number;
    };

/**
 * Checks a policy's numbers and throws an InvalidArgumentError naming the bad field (`what` prefixes the field
 * path, for example `supervisorStrategy of 'parent'`). Returns the policy, for chaining.
 */
export function validateRestartPolicy<P extends RestartPolicy>(policy: P, what = 'restart policy'): P {
  const bad = (field: string, rule: string, got: unknown): never => {
    throw new InvalidArgumentError(`${what}: ${field} must be ${rule}, got ${show(got)}`);
  };
  if (policy === null || typeof policy !== 'object') bad('the policy', 'an object', policy);
  const { maxRetries, withinMs, backoff } = policy;
  if (typeof maxRetries !== 'number' || !(Number.isInteger(maxRetries) || maxRetries === Infinity) || maxRetries < 0) {
    bad('maxRetries', 'a non-negative integer or Infinity', maxRetries);
  }
  if (typeof withinMs !== 'number' || Number.isNaN(withinMs) || withinMs <= 0) {
    bad('withinMs', 'a positive number of milliseconds or Infinity', withinMs);
  }
  if (backoff !== undefined) {
    if (backoff === null || typeof backoff !== 'object') bad('backoff', 'an object { minMs, maxMs, jitter? }', backoff);
    const { minMs, maxMs, jitter, random } = backoff;
    // A delay is a timer: past MAX_TIMER_MS Node would fire it after 1 ms (the restart would not wait at all).
    if (typeof minMs !== 'number' || !Number.isFinite(minMs) || minMs < 0 || minMs > MAX_TIMER_MS) {
      bad('backoff.minMs', `a finite number of milliseconds >= 0 and at most ${MAX_TIMER_MS} (2^31 - 1)`, minMs);
    }
    if (typeof maxMs !== 'number' || !Number.isFinite(maxMs) || maxMs < minMs || maxMs > MAX_TIMER_MS) {
      bad('backoff.maxMs', `a finite number of milliseconds at most ${MAX_TIMER_MS} (2^31 - 1) and >= backoff.minMs (${minMs})`, maxMs);
    }
    if (jitter !== undefined && (typeof jitter !== 'number' || !(jitter >= 0 && jitter <= 1))) {
      bad('backoff.jitter', 'a number from 0 to 1', jitter);
    }
    if (random !== undefined && typeof random !== 'function') bad('backoff.random', 'a function', random);
  }
  return policy;
}

/** The backoff delay of restart number `attempt` (from 0) in a window. 0 when there is no backoff. */
export function backoffDelay(backoff: BackoffOptions | undefined, attempt: number, random?: number): number {
  if (backoff === undefined) return 0;
  const { minMs, maxMs, jitter = 0 } = backoff;
  // 2^attempt overflows to Infinity past 1023, and Infinity * 0 is NaN: cap the growth before multiplying.
  const base = minMs === 0 ? 0 : Math.min(maxMs, minMs * 2 ** Math.min(attempt, 1024));
  const r = random ?? (backoff.random ?? Math.random)();
  return Math.min(maxMs, base * (1 + jitter * r));
}

/** Counts restarts in a sliding window and answers whether the next failure may restart, and after what delay. */
export class RestartTracker {
  readonly policy: RestartPolicy;
  /** Times of the restarts still in the window, oldest first. */
  #times: number[] = [];

  constructor(policy: RestartPolicy) {
    this.policy = validateRestartPolicy(policy);
  }

  /** Restarts that count at `now`. */
  restartsInWindow(now: number): number {
    this.#prune(now);
    return this.#times.length;
  }

  /** Whether a failure at `now` would be allowed to restart, without recording anything. */
  canRestart(now: number): boolean {
    return this.restartsInWindow(now) < this.policy.maxRetries;
  }

  /** Records a failure at `now` and decides: restart (recorded, with its backoff delay) or give up. */
  onFailure(now: number): RestartDecision {
    const attempt = this.restartsInWindow(now);
    if (attempt >= this.policy.maxRetries) return { restart: false, restartsInWindow: attempt };
    this.#times.push(now);
    return { restart: true, attempt, delayMs: backoffDelay(this.policy.backoff, attempt) };
  }

  /** Forgets every restart: the next failure starts a fresh window with the shortest backoff. */
  reset(): void {
    this.#times = [];
  }

  #prune(now: number): void {
    if (!Number.isFinite(now)) throw new InvalidArgumentError(`now must be a finite time in ms, got ${show(now)}`);
    const { withinMs } = this.policy;
    if (withinMs === Infinity) return;
    let drop = 0;
    while (drop < this.#times.length && now - (this.#times[drop] as number) >= withinMs) drop++;
    if (drop > 0) this.#times.splice(0, drop);
  }
}

function show(v: unknown): string {
  if (typeof v === 'function') return 'a function';
  if (typeof v === 'string') return `'${v}'`;
  try {
    return typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v);
  } catch {
    return String(v);
  }
}
