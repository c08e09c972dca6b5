/**
 * become / unbecome: an actor's behavior stack (Akka.NET's `Become`, `BecomeStacked`, `UnbecomeStacked`). The
 * bottom is always the definition's `receive`; a behavior is a name of the definition's `behaviors` (R1: it runs
 * on the actor's own thread, so a closure is fine too) or a function. A change applies from the next message:
 * the turn that is running already holds the function it called.
 *
 * Contract: one stack per cell, used only by the hosting thread. `reset` (restart, and a fresh cell after a worker
 * crash) goes back to `receive`, as Akka.NET clears the stack when it clears the actor.
 */
import type { ActorDefinition, Handled } from '../actor.js';
import { DEFAULT_MAX_BEHAVIOR_DEPTH, INITIAL_BEHAVIOR } from '../definition-options.js';
import { BehaviorStackOverflowError, InvalidArgumentError } from '../errors.js';

/** The shape of `receive`: what `become` takes as a function. */
export type ReceiveFn<S = any, M = any, C = any> = (state: S, message: M, ctx: C) => Handled;

export const ANONYMOUS_BEHAVIOR = '<anonymous>';

export class BehaviorStack {
  readonly #def: ActorDefinition<any, any, any, any>;
  readonly #maxDepth: number;
  /** Pushed behaviors above `receive`: names and functions side by side. */
  readonly #names: string[] = [];
  readonly #fns: ReceiveFn[] = [];
  /** The behavior the next message goes to. */
  current: ReceiveFn;
  name = INITIAL_BEHAVIOR;

  constructor(def: ActorDefinition<any, any, any, any>) {
    this.#def = def;
    this.#maxDepth = def.behavior.maxBehaviorDepth ?? DEFAULT_MAX_BEHAVIOR_DEPTH;
    this.current = def.behavior.receive;
  }

  /** Replaces the behavior on top (the initial `receive` stays at the bottom underneath). */
  become(b: string | ReceiveFn): void {
    const [name, fn] = this.#resolve(b, 'become');
    if (this.#fns.length === 0) {
      this.#names.push(name);
      this.#fns.push(fn);
    } else {
      this.#names[this.#names.length - 1] = name;
      this.#fns[this.#fns.length - 1] = fn;
    }
    this.#top();
  }

  /** Pushes a behavior; past `maxBehaviorDepth` it throws (the actor fails and is supervised) and pushes nothing. */
  becomeStacked(b: string | ReceiveFn, actor: string): void {
    const [name, fn] = this.#resolve(b, 'becomeStacked');
    if (this.#fns.length >= this.#maxDepth) throw new BehaviorStackOverflowError(actor, this.#maxDepth);
    this.#names.push(name);
    this.#fns.push(fn);
    this.#top();
  }

  /** Pops back to the previous behavior; at the bottom it stays on `receive`. */
  unbecome(): void {
    this.#names.pop();
    this.#fns.pop();
    this.#top();
  }

  reset(): void {
    this.#names.length = 0;
    this.#fns.length = 0;
    this.#top();
  }

  get depth(): number {
    return this.#fns.length;
  }

  #top(): void {
    const n = this.#fns.length;
    this.current = n === 0 ? this.#def.behavior.receive : this.#fns[n - 1]!;
    this.name = n === 0 ? INITIAL_BEHAVIOR : this.#names[n - 1]!;
  }

  #resolve(b: string | ReceiveFn, op: string): [string, ReceiveFn] {
    if (typeof b === 'function') return [ANONYMOUS_BEHAVIOR, b];
    const behavior = this.#def.behavior;
    if (b === INITIAL_BEHAVIOR) return [b, behavior.receive];
    const fn = typeof b === 'string' && behavior.behaviors !== undefined && Object.hasOwn(behavior.behaviors, b) ? behavior.behaviors[b] : undefined;
    if (fn === undefined) {
      const known = [INITIAL_BEHAVIOR, ...Object.keys(behavior.behaviors ?? {})].map((k) => `'${k}'`).join(', ');
      throw new InvalidArgumentError(
        `ctx.${op}(${JSON.stringify(b)}) in actor definition '${this.#def.name}': no behavior by that name; known: ${known} (add it to the definition's behaviors, or pass a function)`,
      );
    }
    return [b, fn];
  }
}
