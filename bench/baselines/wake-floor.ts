/**
 * Baseline, the wake floor: a round trip main -> worker -> main through nothing but `Atomics.waitAsync` and
 * `Atomics.notify` on shared words, with the bursty scenario's idle gaps before each request
 * (`bench/lib/bursty.ts`). Both threads sleep in `waitAsync` between requests and keep a timer so their event
 * loops stay alive, as an engine's would: this is what waking two idle threads costs on this machine, the floor
 * an engine's park/wake path can approach but not beat (docs/platform.md#waking-a-thread).
 */
import { measureBursty } from '../lib/bursty.js';
import type { Scenario, ScenarioOptions, ScenarioResult } from '../lib/scenario.js';
import { WorkerGroup } from '../lib/workers.js';
import { baselineWorker } from './worker-file.js';

const STOP = -1;
const REQ = 0;
const REP = 16;

export const wakeFloorBaseline: Scenario = {
  name: 'wake-floor',
  description: 'floor: Atomics.waitAsync + notify round trip main <-> worker, no engine, with the bursty gaps',

  async run(options: ScenarioOptions): Promise<ScenarioResult> {
    const group = new WorkerGroup();
    const words = new Int32Array(new SharedArrayBuffer(128));
    const keepAlive = setInterval(() => {}, 1000);
    try {
      const worker = group.spawn(baselineWorker('wake-floor.mjs'), { workerData: { buffer: words.buffer } });
      await group.nextMessage(worker);
      let failure: unknown;
      group.onFailure((error) => (failure = error));
      const roundTrip = async (): Promise<void> => {
        const before = Atomics.load(words, REP);
        Atomics.add(words, REQ, 1);
        Atomics.notify(words, REQ);
        while (Atomics.load(words, REP) === before) {
          if (failure !== undefined) throw failure;
          const r = Atomics.waitAsync(words, REP, before, 1000);
          if (r.async) await r.value;
        }
      };
      return await measureBursty(options, options.progress, 'waitAsync + notify round trip', roundTrip, { wait: 'waitAsync' });
    } finally {
      clearInterval(keepAlive);
      Atomics.store(words, REQ, STOP);
      Atomics.notify(words, REQ);
      await group.terminate();
    }
  },
};
