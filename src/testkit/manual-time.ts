/**
 * `tk.time`: the TestKit's manual clock (Akka's ManualTime / TestScheduler), for a test system started with
 * `testKit: { manualTime: true }`. Time moves only when the test says so, and only once the system is quiescent
 * (runtime/virtual-time.ts), so a timer an actor set in answer to a message the test just sent fires in the same
 * `advance`, with no sleep and no race.
 *
 * What the virtual clock governs: actor timers, receive timeouts, ask timeouts (the asks of actors and of the
 * test), supervision backoff and restart windows, and `ctx.now()`. What stays on real time: the TestKit's own
 * expectation timeouts (a virtual `expectMsg` would wait forever), spawn, stop and shutdown waits, parking, the
 * stall watchdog and worker restarts.
 *
 * Contract: main thread; one `advance`/`advanceTo`/`settle`/`expectNoMsgFor` at a time.
 */
import { InvalidArgumentError } from '../errors.js';
import type { VirtualTime } from '../runtime/virtual-time.js';
import { expectationFailed, showArrival } from './format.js';
import { TestProbe } from './probe.js';
import { checkMs } from './timing.js';

export class ManualTime {
  readonly #vt: VirtualTime;
  /** Real time `advance` and `settle` wait for the system to become quiescent before NotQuiescentError. */
  readonly settleTimeoutMs: number;
  #running: string | undefined;

  /** @internal created by the test system. */
  constructor(vt: VirtualTime, settleTimeoutMs: number) {
    this.#vt = vt;
    this.settleTimeoutMs = settleTimeoutMs;
  }

  /** Virtual milliseconds since the system started (what `ctx.now()` returns in every actor). */
  get now(): number {
    return this.#vt.now;
  }

  /**
   * Moves the clock `ms` forward: waits until the system is quiescent, fires every timer due meanwhile in due
   * order on every thread (and those their handlers set, if they fall due within the window), settling after
   * each; resolves once the system is quiescent at `now + ms`. Rejects with NotQuiescentError when it does not
   * settle within `settleTimeoutMs` of real time (an actor awaiting real I/O), naming what is busy.
   */
  advance(ms: number): Promise<void> {
    return this.#exclusive('advance', async () => {
      const d = checkMs('time.advance: ms', ms, true);
      await this.#vt.advanceTo(this.#vt.now + d, this.settleTimeoutMs, `time.advance(${ms})`);
    });
  }

  /** Like `advance`, to the virtual time `t` (at least `now`: time never goes back). */
  advanceTo(t: number): Promise<void> {
    return this.#exclusive('advanceTo', async () => {
      if (typeof t !== 'number' || !Number.isFinite(t) || t < this.#vt.now) {
        throw new InvalidArgumentError(`time.advanceTo: give a time >= now (${this.#vt.now}); virtual time never goes back, got ${String(t)}`);
      }
      await this.#vt.advanceTo(t, this.settleTimeoutMs, `time.advanceTo(${t})`);
    });
  }

  /** Waits until the system is quiescent, without moving the clock (no timer fires). */
  settle(): Promise<void> {
    return this.#exclusive('settle', () => this.#vt.settle(this.settleTimeoutMs, 'time.settle()'));
  }

  /**
   * Akka's `expectNoMessageFor`: advances `ms` and expects that none of `probes` received a message (one already
   * waiting in a probe counts). A probe's held message is let go first, as any expectation does.
   */
  expectNoMsgFor(ms: number, ...probes: TestProbe[]): Promise<void> {
    return this.#exclusive('expectNoMsgFor', async () => {
      const d = checkMs('time.expectNoMsgFor: ms', ms, true);
      if (probes.length === 0) throw new InvalidArgumentError('time.expectNoMsgFor: give the probes that must receive nothing');
      for (const p of probes) {
        if (!(p instanceof TestProbe)) throw new InvalidArgumentError(`time.expectNoMsgFor: give TestProbes, got ${String(p)}`);
        p.releaseHeld();
      }
      const from = this.#vt.now;
      await this.#vt.advanceTo(from + d, this.settleTimeoutMs, `time.expectNoMsgFor(${ms})`);
      for (const p of probes) {
        const arrived = await p.takeArrived();
        if (arrived === undefined) continue;
        throw expectationFailed({
          what: `probe '${p.name}': time.expectNoMsgFor`,
          why: `a message arrived within ${d} ms of virtual time (from ${from} to ${from + d})`,
          expected: `no message for ${d} ms`,
          received: showArrival(arrived),
          receivedValues: [arrived.message],
          hint: undefined,
        });
      }
    });
  }

  async #exclusive(op: string, run: () => Promise<void>): Promise<void> {
    if (this.#running !== undefined) {
      throw new InvalidArgumentError(`time.${op}: time.${this.#running} is still running; await it first (the clock moves one call at a time)`);
    }
    this.#running = op;
    try {
      await run();
    } finally {
      this.#running = undefined;
    }
  }
}
