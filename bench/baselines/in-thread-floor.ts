/**
 * The floor for same-worker tells: what one thread can do with no ringmaster at all. Two "actors" (a
 * producer and a counter), each a plain array mailbox with a head index, and a ready queue of actors with
 * messages, run by a plain loop: at most `THROUGHPUT` messages per actor per turn, then the next actor,
 * as ringmaster's dispatcher does. No encoding, no rings, no promises on the hot path.
 *
 * A round is the same exchange as the `same-worker` scenario's: the producer is told `blast`, tells the
 * counter `{type:'inc', by:1}` PER_ROUND times, and the round ends when the counter has counted them all.
 * Runs on the main thread (any thread would do: nothing crosses threads).
 */
import { measureThroughput } from '../lib/measure.js';
import type { Scenario, ScenarioOptions, ScenarioResult } from '../lib/scenario.js';

/** The same round size and per-turn limit as the ringmaster figure, so both pay the same per-round cost. */
export const SAME_WORKER_PER_ROUND = 10_000;
const THROUGHPUT = 32;

type Msg = { type: 'inc'; by: number } | { type: 'blast'; count: number };

interface FloorActor {
  readonly mailbox: Msg[];
  head: number;
  scheduled: boolean;
  receive(msg: Msg): void;
}

class Floor {
  readonly #ready: FloorActor[] = [];
  #readyHead = 0;

  actor(receive: (msg: Msg) => void): FloorActor {
    return { mailbox: [], head: 0, scheduled: false, receive };
  }

  tell(actor: FloorActor, msg: Msg): void {
    actor.mailbox.push(msg);
    if (!actor.scheduled) {
      actor.scheduled = true;
      this.#ready.push(actor);
    }
  }

  /** Runs turns until no actor has a message. */
  run(): void {
    const ready = this.#ready;
    while (this.#readyHead < ready.length) {
      const actor = ready[this.#readyHead++]!;
      const end = Math.min(actor.mailbox.length, actor.head + THROUGHPUT);
      while (actor.head < end) actor.receive(actor.mailbox[actor.head++]!);
      if (actor.head < actor.mailbox.length) ready.push(actor);
      else {
        actor.mailbox.length = 0;
        actor.head = 0;
        actor.scheduled = false;
      }
      // Keep the ready queue from growing without bound during a long round.
      if (this.#readyHead > 1024) {
        ready.splice(0, this.#readyHead);
        this.#readyHead = 0;
      }
    }
    ready.length = 0;
    this.#readyHead = 0;
  }
}

export const inThreadFloor: Scenario = {
  name: 'in-thread-floor',
  description: 'floor: a per-actor queue and a ready queue in a plain loop on one thread, no ringmaster',

  async run(options: ScenarioOptions): Promise<ScenarioResult> {
    const floor = new Floor();
    const INC: Msg = { type: 'inc', by: 1 };
    let counted = 0;
    const counter = floor.actor((msg) => {
      if (msg.type === 'inc') counted += msg.by;
    });
    const producer = floor.actor((msg) => {
      if (msg.type === 'blast') for (let i = 0; i < msg.count; i++) floor.tell(counter, INC);
    });
    const blast: Msg = { type: 'blast', count: SAME_WORKER_PER_ROUND };

    options.progress(`producer -> counter, ${SAME_WORKER_PER_ROUND} messages per round, in one thread`);
    const figure = await measureThroughput(options, async () => {
      counted = 0;
      floor.tell(producer, blast);
      floor.run();
      if (counted !== SAME_WORKER_PER_ROUND) throw new Error(`floor counted ${counted}, expected ${SAME_WORKER_PER_ROUND}`);
      return counted;
    });
    return {
      measurements: [
        {
          kind: 'throughput',
          what: "{type:'inc',by:1} producer -> counter, plain loop",
          compare: 'same-worker',
          ...figure,
          config: { throughput: THROUGHPUT, perRound: SAME_WORKER_PER_ROUND },
        },
      ],
    };
  },
};
