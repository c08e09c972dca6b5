/**
 * The routing kinds (Akka's router names, kebab-cased) and the checks every router builder runs on its options,
 * so that bad input fails where the router is written, with an InvalidArgumentError naming the field.
 */
import { MAX_TIMER_MS } from '../config.js';
import { InvalidArgumentError } from '../errors.js';

export type RouterKind =
  | 'round-robin'
  | 'random'
  | 'consistent-hashing'
  | 'smallest-mailbox'
  | 'broadcast'
  | 'scatter-gather-first-completed'
  | 'tail-chopping';

export const ROUTER_KINDS: ReadonlySet<string> = new Set<RouterKind>([
  'round-robin',
  'random',
  'consistent-hashing',
  'smallest-mailbox',
  'broadcast',
  'scatter-gather-first-completed',
  'tail-chopping',
]);

/** Akka's default: 10 points on the ring per routee. */
export const DEFAULT_VIRTUAL_NODES_FACTOR = 10;

/** What the routing logic of one router needs, whatever holds its routees (a pool head or a group). */
export interface LogicOptions {
  readonly kind: RouterKind;
  /** scatter-gather and tail-chopping: how long the ask waits for a first reply. */
  readonly withinMs?: number;
  /** tail-chopping: the delay before the next untried routee is asked. */
  readonly intervalMs?: number;
  /** consistent hashing: points per routee, and the key of a message. */
  readonly virtualNodesFactor?: number;
  readonly keyOf?: (message: any) => unknown;
  /** Where `keyOf` is found by name on another thread: a definition's `routing` function, or a defineRouting one. */
  readonly keySource?: { readonly definition: string; readonly key: string } | { readonly routing: string };
}

export function checkKind(kind: unknown, what: string): RouterKind {
  if (typeof kind !== 'string' || !ROUTER_KINDS.has(kind)) {
    throw new InvalidArgumentError(`${what}: unknown router kind ${JSON.stringify(kind)}; build the router with Pool.<kind>(...) or Group.<kind>(...) (kinds: ${[...ROUTER_KINDS].join(', ')})`);
  }
  return kind as RouterKind;
}

export function checkSize(n: unknown, what: string): number {
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1) {
    throw new InvalidArgumentError(`${what}: the number of routees must be an integer >= 1, got ${String(n)}`);
  }
  return n;
}

export function checkMs(v: unknown, field: string, what: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0 || v > MAX_TIMER_MS) {
    throw new InvalidArgumentError(`${what}: ${field} must be a number of milliseconds > 0 and at most ${MAX_TIMER_MS} (2^31 - 1), got ${String(v)}`);
  }
  return v;
}

export function checkVirtualNodes(v: unknown, what: string): number {
  if (v === undefined) return DEFAULT_VIRTUAL_NODES_FACTOR;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > 1000) {
    throw new InvalidArgumentError(`${what}: virtualNodesFactor must be an integer from 1 to 1000, got ${String(v)}`);
  }
  return v;
}

/** The timing options of the two kinds that wait for replies; tail-chopping's interval must be below its window. */
export function checkTiming(kind: RouterKind, o: { withinMs?: unknown; intervalMs?: unknown } | undefined, what: string): { withinMs?: number; intervalMs?: number } {
  if (kind === 'scatter-gather-first-completed') return { withinMs: checkMs(o?.withinMs, 'withinMs', what) };
  if (kind === 'tail-chopping') {
    const withinMs = checkMs(o?.withinMs, 'withinMs', what);
    const intervalMs = checkMs(o?.intervalMs, 'intervalMs', what);
    if (intervalMs >= withinMs) {
      throw new InvalidArgumentError(`${what}: intervalMs (${intervalMs}) must be below withinMs (${withinMs}), or no second routee would ever be asked`);
    }
    return { withinMs, intervalMs };
  }
  return {};
}
