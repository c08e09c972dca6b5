// Receive timeout: once per idle period, counted from when the last influencing handler settled; messages the
// definition's notInfluenceReceiveTimeout accepts do not count. Real time, short timeouts; assertions on elapsed
// time are lower bounds only (a slow machine can only make them larger).
import { describe, expect, it } from 'vitest';
import type { ActorRef, Placement, ReceiveTimeout } from '../../src/index.js';
import { createTestSystem, type TestProbe } from '../../src/testkit/index.js';
import { Idler, type IdlerMsg, type IdlerReport } from '../fixtures/toolkit-actors.js';

const actors = [new URL('../fixtures/toolkit-actors.ts', import.meta.url)];
const systems = {
  threads: await createTestSystem({ workers: 2, actors }),
  inline: await createTestSystem({ mode: 'inline', actors }),
};
const WINDOW_MS = 250;

for (const [mode, tk] of Object.entries(systems)) {
  const on = (worker: number): { placement?: Placement } => (mode === 'threads' ? { placement: { worker } } : {});
  let n = 0;
  const spawn = async (worker: number): Promise<{ probe: TestProbe<IdlerReport>; idler: ActorRef<IdlerMsg | ReceiveTimeout, unknown> }> => {
    const probe = await tk.probe<IdlerReport>();
    const idler = await tk.system.spawn(Idler, { name: `idler-${++n}`, args: { report: probe.ref }, ...on(worker) });
    return { probe, idler };
  };
  const at = async (probe: TestProbe<IdlerReport>, type: IdlerReport['type']): Promise<number> =>
    ((await probe.expectMsgType(type)) as { at: number }).at;

  describe(`receive timeout (${mode})`, () => {
    it('delivers ReceiveTimeout once after the actor was idle for the timeout', async () => {
      const { probe, idler } = await spawn(1);
      idler.tell({ type: 'set', ms: 40 });
      const setAt = await at(probe, 'set');
      expect((await at(probe, 'timeout')) - setAt).toBeGreaterThanOrEqual(39);
      await probe.expectNoMsg(WINDOW_MS);
    });

    it('delivers it again after the next influencing message, once that period is idle too', async () => {
      const { probe, idler } = await spawn(2);
      idler.tell({ type: 'set', ms: 30 });
      await probe.expectMsgType('set');
      await probe.expectMsgType('timeout');
      idler.tell({ type: 'poke' });
      await probe.expectMsgType('timeout');
    });

    it('does not reset the clock for messages notInfluenceReceiveTimeout accepts', async () => {
      const { probe, idler } = await spawn(1);
      idler.tell({ type: 'set', ms: 60 });
      idler.tell({ type: 'tick-every', ms: 10 }); // ticks keep coming: were they activity, no timeout would come
      await probe.fishForMessage((r) => r.type === 'timeout');
    });

    it('counts an async handler as activity until it settles', async () => {
      const { probe, idler } = await spawn(2);
      idler.tell({ type: 'set', ms: 40 });
      await probe.expectMsgType('set');
      idler.tell({ type: 'work', ms: 100 });
      const workedAt = await at(probe, 'worked');
      expect((await at(probe, 'timeout')) - workedAt).toBeGreaterThanOrEqual(39);
    });

    it('starts the clock when set while handling a non-influencing message', async () => {
      const { probe, idler } = await spawn(1);
      idler.tell({ type: 'tick', set: 40 });
      const setAt = await at(probe, 'set');
      expect((await at(probe, 'timeout')) - setAt).toBeGreaterThanOrEqual(39);
    });

    it('stops delivering after setReceiveTimeout(null)', async () => {
      const { probe, idler } = await spawn(2);
      idler.tell({ type: 'set', ms: 30 });
      idler.tell({ type: 'set', ms: null });
      await probe.expectMsgType('set');
      await probe.expectMsgType('set');
      await probe.expectNoMsg(WINDOW_MS);
    });

    it('is cleared by a restart', async () => {
      const { probe, idler } = await spawn(1);
      idler.tell({ type: 'set', ms: 150 });
      await probe.expectMsgType('set');
      idler.tell({ type: 'fail' });
      await probe.expectNoMsg(400); // well past the 150 ms it would have fired at
    });

    it('refuses a timeout that is not a positive number of milliseconds', async () => {
      const { idler } = await spawn(2);
      await tk.expectActorFailure({ actor: idler.name, error: /setReceiveTimeout: give a finite number/ }, () => idler.tell({ type: 'set', ms: -5 }));
    });
  });
}

describe('receive timeout of a definition', () => {
  it('is off until set', async () => {
    const tk = systems.inline;
    const probe = await tk.probe<IdlerReport>();
    await tk.system.spawn(Idler, { name: 'idler-off', args: { report: probe.ref } });
    await probe.expectNoMsg(WINDOW_MS);
  });
});
