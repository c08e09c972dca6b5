/**
 * The actor behind every TestProbe, and the inbox through which it hands messages to the test.
 *
 * A probe is an ordinary actor hosted on the main thread (placement `{ worker: 0 }`), so its ref works from any
 * worker and it can be a sender. Its receive puts each message into the inbox of its probe, found by a token in
 * its spawn args, and then *holds* the message: the handler returns a promise that settles only when the test has
 * moved past the message (replied to it, or asked the probe for the next one). Holding is what makes
 * `probe.reply(value)` possible: an ask is answered by `ctx.reply` while its handler is still running, and a
 * handler cannot tell an ask from a tell, so every message is held. The cost: the probe takes its messages one at
 * a time, as the test reads them; the rest wait, in order, in the probe's mailbox.
 *
 * Contract: main thread only. Only the main thread spawns probes, so the definition is registered there only
 * (importing `ringmaster/testkit` registers it); workers never need it.
 */
import { defineActor, type ActorContext } from '../actor.js';
import { InvalidArgumentError } from '../errors.js';
import type { ActorRef } from '../ref.js';
import { AWAITS_THE_TEST } from '../runtime/virtual-clock.js';
import type { Arrival } from './format.js';

/** One message the probe actor received, as the inbox keeps it. */
export interface Delivery extends Arrival {
  /** Answers the message, as `ctx.reply` does in any actor. */
  reply(value: unknown): void;
  /** Forwards it with its original sender, as `ctx.forward` does. */
  forward(target: ActorRef, message: unknown): void;
  /** Lets the probe actor go on to its next message. Idempotent. */
  release(): void;
}

/** The main-thread side of one probe: the messages its actor received, and the test waiting for them. */
export class Inbox {
  readonly token: string;
  /** The probe actor's context, set in its preStart: the TestProbe sends with it (the probe as sender). */
  ctx: ActorContext | undefined;
  readonly #queue: Delivery[] = [];
  #waiter: ((d: Delivery | undefined) => void) | undefined;
  /** The latest delivery: the only one that can still be held (the actor handles one message at a time). */
  #latest: Delivery | undefined;
  #closed = false;

  constructor(token: string) {
    this.token = token;
  }

  /** After close, the actor no longer holds messages (so a shutdown or a stop is not held up by one). */
  get closed(): boolean {
    return this.#closed;
  }

  deliver(d: Delivery): void {
    this.#latest = d;
    const w = this.#waiter;
    if (w !== undefined) {
      this.#waiter = undefined;
      w(d);
    } else {
      this.#queue.push(d);
    }
  }

  /**
   * The next message, or undefined when none has arrived within `timeoutMs` (0: only one already there).
   * One waiter at a time: two expectations on one probe at once would split its messages unpredictably.
   */
  next(timeoutMs: number, probeName: string): Promise<Delivery | undefined> {
    const queued = this.#queue.shift();
    if (queued !== undefined) return Promise.resolve(queued);
    if (this.#waiter !== undefined) {
      return Promise.reject(
        new InvalidArgumentError(
          `probe '${probeName}' is already waiting for a message in another expectation; await each expectation on a probe before starting the next (use one probe per concurrent flow)`,
        ),
      );
    }
    if (timeoutMs <= 0) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#waiter = undefined;
        resolve(undefined);
      }, timeoutMs);
      this.#waiter = (d) => {
        clearTimeout(timer);
        resolve(d);
      };
    });
  }

  /** Stops holding: releases every message not yet released, and those to come are not held. */
  close(): void {
    this.#closed = true;
    this.#latest?.release();
  }
}

// On globalThis under a registered symbol, like the definitions registry (src/actor.ts): a TypeScript loader may
// evaluate this module twice, and the definition registered last must find the inboxes of every copy.
const INBOXES_KEY = Symbol.for('ringmaster.testkit.inboxes');
function inboxes(): Map<string, Inbox> {
  const g = globalThis as { [INBOXES_KEY]?: Map<string, Inbox> };
  return (g[INBOXES_KEY] ??= new Map());
}

let nextToken = 0;

/** A new inbox, registered under a token unique in this process (probe names repeat across test systems). */
export function openInbox(): Inbox {
  const inbox = new Inbox(`inbox-${process.pid}-${++nextToken}`);
  inboxes().set(inbox.token, inbox);
  return inbox;
}

export function dropInbox(inbox: Inbox): void {
  inbox.close();
  inboxes().delete(inbox.token);
}

interface ProbeState {
  inbox: Inbox;
}

export const ProbeActor = defineActor('ringmaster.TestProbe', {
  init(args: { inbox: string }): ProbeState {
    const inbox = inboxes().get(args.inbox);
    if (inbox === undefined) {
      throw new InvalidArgumentError(
        `the TestProbe actor has no inbox '${args.inbox}': probes are created with testSystem.probe(), on the main thread`,
      );
    }
    return { inbox };
  },
  preStart(state, ctx) {
    state.inbox.ctx = ctx as ActorContext;
  },
  receive(state, message: unknown, ctx: ActorContext<unknown, unknown>) {
    const inbox = state.inbox;
    const sender: ActorRef | undefined = ctx.sender;
    if (inbox.closed) {
      const reply = (): void => {
        throw new InvalidArgumentError('probe.reply(): the probe is stopped; it no longer answers asks');
      };
      inbox.deliver({ message, sender, reply, forward: reply, release: () => {} });
      return;
    }
    return new Promise<void>((resolve) => {
      inbox.deliver({ message, sender, reply: (v) => ctx.reply(v), forward: (t, m) => ctx.forward(t, m), release: resolve });
    });
  },
});

// A held message waits for the test, not for the system: under manual time it does not keep the system from
// being quiescent (runtime/virtual-time.ts).
(ProbeActor as { [AWAITS_THE_TEST]?: boolean })[AWAITS_THE_TEST] = true;
