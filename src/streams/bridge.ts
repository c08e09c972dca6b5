/**
 * Bridges between two interpreters on one thread: merge, alsoTo and groupBy run their other source, side sink or
 * substreams as interpreters of their own, so every interpreter stays a linear chain. A bridge never calls into
 * the other interpreter's stages directly: each crossing is an `invoke` (an event in that interpreter's loop).
 */
import { Interpreter, Logic } from './interpreter.js';

export interface BridgeSinkOwner {
  element(x: unknown): void;
  done(err: unknown): void;
}

/** The sink end of an inner interpreter: hands each element to its owner, and pulls again when asked to. */
export class BridgeSinkLogic extends Logic {
  constructor(private readonly owner: BridgeSinkOwner) {
    super();
  }
  request(): void {
    this.interp.invoke(() => this.pull());
  }
  stop(): void {
    this.interp.invoke(() => this.cancel());
  }
  override onPush(x: unknown): void {
    this.owner.element(x);
  }
  override onUpstreamFinish(): void {
    this.owner.done(undefined);
  }
  override onUpstreamFailure(err: unknown): void {
    this.owner.done(err);
  }
}

export interface BridgeSourceOwner {
  demand(v?: unknown): void;
  cancelled(cause: unknown): void;
}

/** The source end of an inner interpreter: emits what its owner offers, only after a pull it reported. */
export class BridgeSourceLogic extends Logic {
  constructor(private readonly owner: BridgeSourceOwner) {
    super();
  }
  offer(x: unknown): void {
    this.interp.invoke(() => this.push(x));
  }
  finish(err?: unknown): void {
    this.interp.invoke(() => (err === undefined ? this.completeStage() : this.failStage(err)));
  }
  override onPull(): void {
    this.owner.demand();
  }
  override onDownstreamFinish(cause: unknown): void {
    this.owner.cancelled(cause);
  }
}

/** Builds and starts an interpreter of `logics` (the caller adds its bridge ends). */
export function startInner(logics: Logic[]): Interpreter {
  const interp = new Interpreter(logics);
  interp.start();
  return interp;
}
