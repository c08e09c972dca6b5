// Death watch: ctx.watch / ctx.unwatch and the Terminated message, across workers.
import { describe, expect, it } from 'vitest';
import { isTerminated, type ActorRef } from '../../src/index.js';
import { createTestSystem } from '../../src/testkit/index.js';
import { Chatter, Kid, Watcher, type KidMsg, type WatcherMsg } from '../fixtures/supervision-actors.js';

const tk = await createTestSystem({
  workers: 2,
  actors: [new URL('../fixtures/supervision-actors.ts', import.meta.url)],
  testKit: { timeoutMs: 10_000 },
});

let seq = 0;

async function watcherOn(worker: number) {
  const probe = await tk.probe<string>();
  const watcher: ActorRef<WatcherMsg, string> = await tk.system.spawn(Watcher, {
    name: `watcher${++seq}`,
    args: { probe: probe.ref },
    placement: { worker },
  });
  return { probe, watcher };
}

async function kidOn(worker: number): Promise<ActorRef<KidMsg, number>> {
  const sink = await tk.probe<string>();
  return tk.system.spawn(Kid, { name: `watched${++seq}`, args: { probe: sink.ref }, placement: { worker } });
}

describe('death watch', () => {
  it.each([
    ['on the same worker', 1],
    ['on another worker', 2],
    ['on the main thread', 0],
  ] as const)('delivers Terminated to the watcher when a watched actor %s stops', async (_where, worker) => {
    const { probe, watcher } = await watcherOn(1);
    const kid = await kidOn(worker);
    expect(await watcher.ask({ type: 'watch', target: kid })).toBe('ok');
    await tk.system.stop(kid);
    await probe.expectMsg(`terminated ${kid.name}`);
  });

  it('delivers Terminated when the watched actor stops because its supervisor stopped it', async () => {
    const stopping = await createTestSystem({ workers: 1, actors: [new URL('../fixtures/supervision-actors.ts', import.meta.url)], guardian: { strategy: 'stop' } });
    const probe = await stopping.probe<string>();
    const watcher = await stopping.system.spawn(Watcher, { name: 'w', args: { probe: probe.ref }, placement: { worker: 0 } });
    const kid = await stopping.system.spawn(Kid, { name: 'k', args: { probe: probe.ref }, placement: { worker: 1 } });
    await probe.expectMsg('k preStart');
    await watcher.ask({ type: 'watch', target: kid });
    kid.tell({ type: 'fail', reason: 'boom' });
    await probe.expectMsgAllOf(['k postStop', 'terminated k']);
  });

  it('delivers Terminated after the messages the watched actor sent before it stopped', async () => {
    const { probe, watcher } = await watcherOn(1);
    const chatter = await tk.system.spawn(Chatter, { name: `chatter${++seq}`, placement: { worker: 2 } });
    await watcher.ask({ type: 'watch', target: chatter });
    chatter.tell({ type: 'chat-then-stop', to: watcher, count: 50 });
    const got = await probe.receiveN(51);
    expect(got).toEqual([...Array.from({ length: 50 }, (_, i) => `chat ${i}`), `terminated ${chatter.name}`]);
  });

  it('delivers Terminated at once when the watched actor is already gone', async () => {
    const { probe, watcher } = await watcherOn(1);
    const kid = await kidOn(2);
    await tk.system.stop(kid);
    await watcher.ask({ type: 'watch', target: kid });
    await probe.expectMsg(`terminated ${kid.name}`);
  });

  it('delivers one Terminated to a watcher that watched twice', async () => {
    const { probe, watcher } = await watcherOn(2);
    const kid = await kidOn(1);
    await watcher.ask({ type: 'watch', target: kid });
    await watcher.ask({ type: 'watch', target: kid });
    await tk.system.stop(kid);
    await probe.expectMsg(`terminated ${kid.name}`);
    await probe.expectNoMsg(100);
  });

  it('keeps the watches of a watcher across its restart', async () => {
    const { probe, watcher } = await watcherOn(1);
    const kid = await kidOn(2);
    await watcher.ask({ type: 'watch', target: kid });
    await tk.expectEvents({ type: 'actor-restarted', actor: watcher.name }, () => watcher.tell({ type: 'fail' }));
    await tk.system.stop(kid);
    await probe.expectMsg(`terminated ${kid.name}`);
  });

  it('delivers no Terminated after unwatch', async () => {
    const { probe, watcher } = await watcherOn(1);
    const kid = await kidOn(2);
    await watcher.ask({ type: 'watch', target: kid });
    await watcher.ask({ type: 'unwatch', target: kid });
    await tk.system.stop(kid);
    await probe.expectNoMsg(200, { hint: 'the watch was removed before the actor stopped' });
  });

  it('recognises Terminated with isTerminated and nothing else', () => {
    expect(isTerminated({ type: 'ringmaster/terminated', actor: {} })).toBe(true);
    expect(isTerminated({ type: 'terminated', actor: {} })).toBe(false);
    expect(isTerminated(null)).toBe(false);
    expect(isTerminated('ringmaster/terminated')).toBe(false);
  });
});
