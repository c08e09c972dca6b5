/**
 * The stage descriptors a graph is made of: plain, frozen values. `fn` is a closure or a defined stage; a later
 * materializer can rebuild any descriptor whose functions are defined stages on another thread.
 */
import type { Readable, Writable } from 'node:stream';
import type { Placement } from '../actor.js';
import type { DefinedStage } from './stage.js';
import type { OverflowStrategy } from './ops-buffer.js';
import type { ThrottleMode } from './ops-time.js';
import type { TargetRef } from './sinks.js';
import type { StreamDecider } from './supervision.js';

export type OperatorDesc =
  | { readonly kind: 'map'; readonly fn: unknown }
  | { readonly kind: 'filter'; readonly fn: unknown }
  | { readonly kind: 'mapAsync'; readonly parallelism: number; readonly fn: unknown }
  | { readonly kind: 'mapAsyncUnordered'; readonly parallelism: number; readonly fn: unknown }
  | { readonly kind: 'take'; readonly n: number }
  | { readonly kind: 'takeWhile'; readonly fn: unknown }
  | { readonly kind: 'grouped'; readonly n: number }
  | { readonly kind: 'groupedWithin'; readonly n: number; readonly ms: number }
  | { readonly kind: 'buffer'; readonly size: number; readonly overflow: OverflowStrategy }
  | { readonly kind: 'throttle'; readonly elements: number; readonly perMs: number; readonly burst: number; readonly mode: ThrottleMode }
  | {
      readonly kind: 'groupBy';
      readonly maxSubstreams: number;
      readonly fn: unknown;
      readonly onOverflow: 'fail' | 'drop-new';
      readonly substream: readonly StageDesc[];
    }
  | { readonly kind: 'merge'; readonly source: readonly StageDesc[] }
  | { readonly kind: 'alsoTo'; readonly sink: readonly StageDesc[] }
  | { readonly kind: 'recover'; readonly fn: unknown };

export type SourceDesc =
  | { readonly kind: 'from'; readonly iterable: Iterable<unknown> }
  | { readonly kind: 'failed'; readonly error: unknown }
  | { readonly kind: 'unfold'; readonly seed: unknown; readonly fn: unknown }
  | { readonly kind: 'fromAsyncIterable'; readonly iterable: AsyncIterable<unknown> }
  | { readonly kind: 'fromReadable'; readonly readable: Readable }
  | { readonly kind: 'fromReadableStream'; readonly stream: ReadableStream<unknown> }
  | { readonly kind: 'queue'; readonly size: number; readonly overflow: OverflowStrategy; readonly maxConcurrentOffers: number }
  | { readonly kind: 'tick'; readonly ms: number; readonly value: unknown };

export type SinkDesc =
  | { readonly kind: 'forEach'; readonly fn: unknown }
  | { readonly kind: 'fold'; readonly zero: unknown; readonly fn: unknown }
  | { readonly kind: 'collect' }
  | { readonly kind: 'ignore' }
  | { readonly kind: 'asyncIterable' }
  | { readonly kind: 'toWritable'; readonly writable: Writable }
  | { readonly kind: 'actorRef'; readonly ref: TargetRef<unknown>; readonly ack: boolean };

/**
 * Island markers (no stage of their own): `async` ends the island being built and starts the next one (placed at
 * `placement`, with `inputBuffer` elements at most in flight across the boundary); `on` places the island being
 * built. The materializer splits the list at them (materialize.ts).
 */
export type MarkerDesc =
  | { readonly kind: 'async'; readonly placement: Placement | undefined; readonly inputBuffer: number }
  | { readonly kind: 'on'; readonly placement: Placement };

/** Every descriptor may carry a decider (withSupervision) and a name (named). */
export type StageDesc = (OperatorDesc | SourceDesc | SinkDesc | MarkerDesc) & { readonly decider?: StreamDecider | DefinedStage<never, unknown>; readonly name?: string };

export const isMarker = (d: StageDesc): d is MarkerDesc & StageDesc => d.kind === 'async' || d.kind === 'on';

/** Which stages' materialized values a graph's value is made of. */
export type MatExpr =
  | { readonly kind: 'none' }
  | { readonly kind: 'stage'; readonly at: number }
  | { readonly kind: 'combine'; readonly left: MatExpr; readonly right: MatExpr; readonly fn: (l: unknown, r: unknown) => unknown };

export function shift(m: MatExpr, by: number): MatExpr {
  if (m.kind === 'stage') return { kind: 'stage', at: m.at + by };
  if (m.kind === 'combine') return { kind: 'combine', left: shift(m.left, by), right: shift(m.right, by), fn: m.fn };
  return m;
}

export function evaluate(m: MatExpr, mats: readonly unknown[]): unknown {
  if (m.kind === 'stage') return mats[m.at];
  if (m.kind === 'combine') return m.fn(evaluate(m.left, mats), evaluate(m.right, mats));
  return undefined;
}
