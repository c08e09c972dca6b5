// become / unbecome: which behavior handles which message, the stack, and what resets it. Both modes.
import { describe, expect, it } from 'vitest';
import { type ActorFailedError, InvalidArgumentError, defineActor, type ActorRef, type Placement } from '../../src/index.js';
import { createTestSystem } from '../../src/testkit/index.js';
import { Moody, type MoodMsg, type MoodReply } from '../fixtures/toolkit-actors.js';

const actors = [new URL('../fixtures/toolkit-actors.ts', import.meta.url)];
const systems = {
  threads: await createTestSystem({ workers: 2, actors }),
  inline: await createTestSystem({ mode: 'inline', actors }),
};

for (const [mode, tk] of Object.entries(systems)) {
  const on = (worker: number): { placement?: Placement } => (mode === 'threads' ? { placement: { worker } } : {});
  let n = 0;
  const spawn = (worker: number): Promise<ActorRef<MoodMsg, MoodReply>> => tk.system.spawn(Moody, { name: `moody-${++n}`, ...on(worker) });

  describe(`become / unbecome (${mode})`, () => {
    it('applies become from the next message, not the current one', async () => {
      const moody = await spawn(1);
      expect(await moody.ask({ type: 'become', to: 'happy' })).toEqual({ handledBy: 'receive', behavior: 'happy' });
      expect(await moody.ask({ type: 'which' })).toEqual({ handledBy: 'happy', behavior: 'happy' });
    });

    it('pops becomeStacked back in order, and unbecome at the bottom returns to receive', async () => {
      const moody = await spawn(2);
      await moody.ask({ type: 'stack', to: 'happy' });
      await moody.ask({ type: 'stack', to: 'sad' });
      expect(await moody.ask({ type: 'unbecome' })).toEqual({ handledBy: 'sad', behavior: 'happy' });
      expect(await moody.ask({ type: 'unbecome' })).toEqual({ handledBy: 'happy', behavior: 'receive' });
      expect(await moody.ask({ type: 'unbecome' })).toEqual({ handledBy: 'receive', behavior: 'receive' });
    });

    it('replaces the top of the stack with become, leaving what is under it', async () => {
      const moody = await spawn(1);
      await moody.ask({ type: 'stack', to: 'happy' });
      await moody.ask({ type: 'stack', to: 'sad' });
      expect(await moody.ask({ type: 'become', to: 'happy' })).toEqual({ handledBy: 'sad', behavior: 'happy' });
      expect(await moody.ask({ type: 'unbecome' })).toEqual({ handledBy: 'happy', behavior: 'happy' });
      expect(await moody.ask({ type: 'unbecome' })).toEqual({ handledBy: 'happy', behavior: 'receive' });
    });

    it("switches to a function given to become, named '<anonymous>'", async () => {
      const moody = await spawn(2);
      await moody.ask({ type: 'become-fn' });
      expect(await moody.ask({ type: 'which' })).toEqual({ handledBy: 'fn', behavior: '<anonymous>' });
      expect(await moody.ask({ type: 'unbecome' })).toEqual({ handledBy: 'fn', behavior: 'receive' });
    });

    it('applies a become called after an await in an async handler to the next message', async () => {
      const moody = await spawn(1);
      expect(await moody.ask({ type: 'become-after-await', to: 'sad' })).toEqual({ handledBy: 'receive', behavior: 'sad' });
      expect(await moody.ask({ type: 'which' })).toEqual({ handledBy: 'sad', behavior: 'sad' });
    });

    it('resets the behavior to receive after a restart', async () => {
      const moody = await spawn(2);
      await moody.ask({ type: 'stack', to: 'happy' });
      await moody.ask({ type: 'stack', to: 'sad' });
      await expect(moody.ask({ type: 'fail' })).rejects.toMatchObject({ code: 'ERR_ACTOR_FAILED' });
      expect(await moody.ask({ type: 'which' })).toEqual({ handledBy: 'receive', behavior: 'receive' });
    });

    it('fails the actor with BehaviorStackOverflowError past maxBehaviorDepth, and keeps the depth it had', async () => {
      const moody = await spawn(1);
      expect(await moody.ask({ type: 'stack-many', n: 4 })).toEqual({ handledBy: 'receive', behavior: 'happy' });
      const failed = tk.expectActorFailure({ actor: moody.name, error: /BehaviorStackOverflowError.*maxBehaviorDepth \(4\)/ }, () =>
        moody.ask({ type: 'stack', to: 'sad' }).catch((err: unknown) => err),
      );
      const err = (await failed) as ActorFailedError;
      expect((err.cause as { code?: string }).code).toBe('ERR_BEHAVIOR_STACK_OVERFLOW');
    });

    it('fails the actor with InvalidArgumentError naming the known behaviors for an unknown name', async () => {
      const moody = await spawn(2);
      const err = (await moody.ask({ type: 'become', to: 'grumpy' }).catch((e: unknown) => e)) as ActorFailedError;
      expect(err.code).toBe('ERR_ACTOR_FAILED');
      expect((err.cause as { code?: string }).code).toBe('ERR_INVALID_ARGUMENT');
      expect(err.message).toMatch(/'receive', 'happy', 'sad'/);
    });
  });
}

describe('become after a worker crash', () => {
  it('resets the behavior to receive after a worker crash', async () => {
    const tk = systems.threads;
    const moody = await tk.system.spawn(Moody, { name: 'moody-crash', placement: { worker: 1 } });
    await moody.ask({ type: 'stack', to: 'happy' });
    await tk.expectWorkerRestart({ worker: 1 }, () => moody.tell({ type: 'exit' }), { timeoutMs: 15_000 });
    expect(await moody.ask({ type: 'which' })).toEqual({ handledBy: 'receive', behavior: 'receive' });
  });
});

describe('behavior options of a definition', () => {
  it('refuses behaviors.receive, which names the definition’s own receive', () => {
    expect(() => defineActor('tkt.bad-receive', { receive() {}, behaviors: { receive() {} } })).toThrow(InvalidArgumentError);
  });

  it('refuses a behavior that is not a function and a maxBehaviorDepth below 1', () => {
    expect(() => defineActor('tkt.bad-fn', { receive() {}, behaviors: { x: 1 as never } })).toThrow(/behaviors.x must be a function/);
    expect(() => defineActor('tkt.bad-depth', { receive() {}, maxBehaviorDepth: 0 })).toThrow(/maxBehaviorDepth must be an integer >= 1/);
  });
});
