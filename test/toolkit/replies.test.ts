// Replies the classic Akka way: ctx.reply to a tell answers its sender, ctx.forward keeps the original sender (and
// hands an ask on), and an ask takes an AbortSignal. Each behaviour in both modes: actors on workers, and inline.
import { describe, expect, it } from 'vitest';
import { AskAbortedError, InvalidArgumentError, type Placement } from '../../src/index.js';
import { createTestSystem } from '../../src/testkit/index.js';
import { Forwarder, Greeter, Replier, type GreeterReport, type HelloMsg } from '../fixtures/toolkit-actors.js';

const actors = [new URL('../fixtures/toolkit-actors.ts', import.meta.url)];
const systems = {
  threads: await createTestSystem({ workers: 2, actors }),
  inline: await createTestSystem({ mode: 'inline', actors }),
};

for (const [mode, tk] of Object.entries(systems)) {
  const on = (worker: number): { placement?: Placement } => (mode === 'threads' ? { placement: { worker } } : {});
  let n = 0;
  const name = (what: string): string => `${what}-${++n}`;

  describe(`ctx.reply (${mode})`, () => {
    it('delivers a reply to a tell from a probe to that probe, with the actor as the sender', async () => {
      const probe = await tk.probe<HelloMsg>();
      const replier = await tk.system.spawn(Replier, { name: name('replier'), ...on(1) });
      probe.tell(replier, { type: 'hello' });
      await probe.expectMsg({ type: 'hi' });
      expect(replier.equals(probe.lastSender)).toBe(true);
    });

    it('delivers a reply to a tell between two actors to the actor that told', async () => {
      const probe = await tk.probe<GreeterReport>();
      const replier = await tk.system.spawn(Replier, { name: name('replier'), ...on(2) });
      const greeter = await tk.system.spawn(Greeter, { name: name('greeter'), ...on(1) });
      greeter.tell({ type: 'start', target: replier, report: probe.ref });
      await probe.expectMsg({ type: 'got', what: 'hi', from: replier.name });
    });

    it("makes a reply to a tell with no sender a 'no-asker' dead letter", async () => {
      const replier = await tk.system.spawn(Replier, { name: name('replier'), ...on(1) });
      await tk.expectDeadLetters(1, () => replier.tell({ type: 'hello' }), {
        target: replier.name,
        match: (e) => e.reason === 'no-asker',
      });
    });

    it('still answers an ask with the reply', async () => {
      const replier = await tk.system.spawn(Replier, { name: name('replier'), ...on(2) });
      expect(await replier.ask({ type: 'hello' })).toEqual({ type: 'hi' });
    });
  });

  describe(`ctx.forward (${mode})`, () => {
    it('keeps the original sender: the final target answers whoever sent to the forwarder', async () => {
      const probe = await tk.probe<HelloMsg>();
      const replier = await tk.system.spawn(Replier, { name: name('replier'), ...on(2) });
      const forwarder = await tk.system.spawn(Forwarder, { name: name('forwarder'), args: { to: replier }, ...on(1) });
      probe.tell(forwarder, { type: 'hello' });
      await probe.expectMsg({ type: 'hi' });
      expect(replier.equals(probe.lastSender)).toBe(true);
    });

    it('hands an ask on: the final target settles the original ask', async () => {
      const replier = await tk.system.spawn(Replier, { name: name('replier'), ...on(1) });
      const forwarder = await tk.system.spawn(Forwarder, { name: name('forwarder'), args: { to: replier }, ...on(2) });
      expect(await forwarder.ask({ type: 'hello' })).toEqual({ type: 'hi' });
    });

    it('sends the message it is given instead of the current one', async () => {
      const probe = await tk.probe<HelloMsg>();
      const replier = await tk.system.spawn(Replier, { name: name('replier'), ...on(2) });
      const forwarder = await tk.system.spawn(Forwarder, { name: name('forwarder'), args: { to: replier }, ...on(2) });
      probe.tell(forwarder, { type: 'other', as: { type: 'hello' } });
      await probe.expectMsg({ type: 'hi' });
    });

    it("is what a probe's forward does: the target sees the probe's original sender", async () => {
      const first = await tk.probe<HelloMsg>();
      const middle = await tk.probe<HelloMsg>();
      const replier = await tk.system.spawn(Replier, { name: name('replier'), ...on(1) });
      first.tell(middle.ref, { type: 'hello' });
      await middle.expectMsg({ type: 'hello' });
      await middle.forward(replier);
      await first.expectMsg({ type: 'hi' });
    });

    it("hands an ask held by a probe on to the probe's forward target", async () => {
      const probe = await tk.probe<HelloMsg>();
      const replier = await tk.system.spawn(Replier, { name: name('replier'), ...on(2) });
      const answer = probe.ref.ask({ type: 'hello' });
      await probe.expectMsg({ type: 'hello' });
      await probe.forward(replier);
      expect(await answer).toEqual({ type: 'hi' });
    });
  });

  describe(`ask with an AbortSignal (${mode})`, () => {
    it('rejects with AskAbortedError when the signal aborts while the ask waits, and dead-letters a late reply', async () => {
      const probe = await tk.probe<HelloMsg, HelloMsg>();
      const controller = new AbortController();
      const answer = probe.ref.ask({ type: 'hello' }, { signal: controller.signal });
      await probe.expectMsg({ type: 'hello' });
      controller.abort('no longer needed');
      await expect(answer).rejects.toBeInstanceOf(AskAbortedError);
      await expect(answer).rejects.toMatchObject({ code: 'ERR_ASK_ABORTED' });
      await tk.expectDeadLetters(1, () => probe.reply({ type: 'hi' }), { match: (e) => e.reason === 'ask-timed-out' });
    });

    it('rejects at once, sending nothing, when the signal is already aborted', async () => {
      const probe = await tk.probe<HelloMsg>();
      const answer = probe.ref.ask({ type: 'hello' }, { signal: AbortSignal.abort() });
      await expect(answer).rejects.toMatchObject({ code: 'ERR_ASK_ABORTED' });
      await probe.expectNoMsg();
    });

    it('rejects a signal that is not an AbortSignal with InvalidArgumentError', async () => {
      const probe = await tk.probe<HelloMsg>();
      const bad = { signal: { aborted: false } as unknown as AbortSignal };
      await expect(probe.ref.ask({ type: 'hello' }, bad)).rejects.toBeInstanceOf(InvalidArgumentError);
    });
  });
}
