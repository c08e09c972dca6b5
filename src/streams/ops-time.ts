/** The operators that use timers (setTimeout, so vitest's fake timers drive them in tests). */
import { RateExceededError } from '../errors.js';
import { Logic } from './interpreter.js';

/** groupedWithin(n, ms): a group goes out when it has n elements or ms after its first element, whichever first. */
export class GroupedWithinLogic extends Logic {
  private group: unknown[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  private due = false;
  constructor(
    private readonly n: number,
    private readonly ms: number,
  ) {
    super();
  }
  override preStart(): void {
    this.pull();
  }
  override onPush(x: unknown): void {
    this.group.push(x);
    if (this.group.length === 1) {
      const fire = this.callback<undefined>(() => {
        this.timer = undefined;
        this.due = true;
        this.emit();
      });
      this.timer = setTimeout(() => fire(undefined), this.ms);
    }
    if (this.group.length >= this.n) {
      this.due = true;
      this.emit();
    } else this.pull();
  }
  override onPull(): void {
    this.emit();
  }
  private emit(): void {
    if (!this.due || !this.outPulled || this.group.length === 0) return;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.due = false;
    const g = this.group;
    this.group = [];
    this.push(g);
    if (this.inClosed) this.completeStage();
    else this.pull();
  }
  override onUpstreamFinish(): void {
    if (this.group.length === 0) this.completeStage();
    else {
      this.due = true;
      this.emit();
    }
  }
  override postStop(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
  }
}

export type ThrottleMode = 'shaping' | 'enforcing';

/**
 * throttle: a token bucket of `burst` tokens (at least 1) refilled at `elements` per `perMs`. 'shaping' delays an
 * element until a token is there; 'enforcing' fails the stream with RateExceededError instead.
 */
export class ThrottleLogic extends Logic {
  private tokens: number;
  private last = Date.now();
  private held: { x: unknown } | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  constructor(
    private readonly elements: number,
    private readonly perMs: number,
    private readonly burst: number,
    private readonly mode: ThrottleMode,
  ) {
    super();
    this.tokens = Math.max(1, burst);
  }
  private refill(): void {
    const now = Date.now();
    this.tokens = Math.min(Math.max(1, this.burst), this.tokens + ((now - this.last) * this.elements) / this.perMs);
    this.last = now;
  }
  override onPull(): void {
    if (this.held === undefined) this.pull();
  }
  override onPush(x: unknown): void {
    this.refill();
    if (this.tokens >= 1) {
      this.tokens -= 1;
      this.push(x);
      return;
    }
    if (this.mode === 'enforcing') {
      this.failStage(new RateExceededError(this.elements, this.perMs));
      return;
    }
    this.held = { x };
    const wait = Math.ceil(((1 - this.tokens) * this.perMs) / this.elements);
    const fire = this.callback<undefined>(() => {
      this.timer = undefined;
      this.refill();
      this.tokens = Math.max(0, this.tokens - 1);
      const h = this.held;
      this.held = undefined;
      if (h) this.push(h.x);
      if (this.inClosed) this.completeStage();
    });
    this.timer = setTimeout(() => fire(undefined), wait);
  }
  override onUpstreamFinish(): void {
    if (this.held === undefined) this.completeStage();
  }
  override postStop(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
  }
}
