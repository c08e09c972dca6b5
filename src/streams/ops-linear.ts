/** The synchronous one-in one-out operators: each runs its user code under its stage's decider. */
import { StreamFailedError } from '../errors.js';
import { Logic } from './interpreter.js';

export class MapLogic extends Logic {
  constructor(private readonly f: (x: unknown) => unknown) {
    super();
  }
  override onPull(): void {
    this.pull();
  }
  override onPush(x: unknown): void {
    let y: unknown;
    try {
      y = this.f(x);
    } catch (err) {
      if (this.decide(err) !== 'stopped') this.pull();
      return;
    }
    this.push(y);
  }
}

export class FilterLogic extends Logic {
  constructor(private readonly p: (x: unknown) => unknown) {
    super();
  }
  override onPull(): void {
    this.pull();
  }
  override onPush(x: unknown): void {
    let keep: unknown;
    try {
      keep = this.p(x);
    } catch (err) {
      if (this.decide(err) !== 'stopped') this.pull();
      return;
    }
    if (keep) this.push(x);
    else this.pull();
  }
}

export class TakeLogic extends Logic {
  private left: number;
  constructor(n: number) {
    super();
    this.left = n;
  }
  override preStart(): void {
    if (this.left <= 0) this.completeStage();
  }
  override onPull(): void {
    this.pull();
  }
  override onPush(x: unknown): void {
    this.push(x);
    if (--this.left <= 0) this.completeStage();
  }
}

export class TakeWhileLogic extends Logic {
  constructor(private readonly p: (x: unknown) => unknown) {
    super();
  }
  override onPull(): void {
    this.pull();
  }
  override onPush(x: unknown): void {
    let keep: unknown;
    try {
      keep = this.p(x);
    } catch (err) {
      if (this.decide(err) !== 'stopped') this.pull();
      return;
    }
    if (keep) this.push(x);
    else this.completeStage();
  }
}

export class GroupedLogic extends Logic {
  private group: unknown[] = [];
  constructor(private readonly n: number) {
    super();
  }
  override onPull(): void {
    this.pull();
  }
  override onPush(x: unknown): void {
    this.group.push(x);
    if (this.group.length < this.n) this.pull();
    else {
      const g = this.group;
      this.group = [];
      this.push(g);
    }
  }
  override onUpstreamFinish(): void {
    if (this.group.length > 0) this.push(this.group);
    this.completeStage();
  }
}

/** recover(f): an upstream failure becomes one last element, f(cause), then completion. */
export class RecoverLogic extends Logic {
  private pending: { y: unknown } | undefined;
  constructor(private readonly f: (err: unknown) => unknown) {
    super();
  }
  override onPull(): void {
    if (this.pending) {
      this.push(this.pending.y);
      this.completeStage();
    } else this.pull();
  }
  override onPush(x: unknown): void {
    this.push(x);
  }
  override onUpstreamFailure(err: unknown): void {
    const cause = err instanceof StreamFailedError ? err.cause : err;
    let y: unknown;
    try {
      y = this.f(cause);
    } catch (thrown) {
      // 'stop' fails the stream with recover's own error; 'resume' and 'restart' drop the recovery element, so
      // the stream completes without it.
      if (this.decide(thrown) !== 'stopped') this.completeStage();
      return;
    }
    this.pending = { y };
    if (this.outPulled) this.onPull();
  }
}
