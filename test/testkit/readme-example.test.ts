// greeter.test.ts: run with `npx vitest run`.
import { describe, expect, it } from 'vitest';
import { createTestSystem } from '../../src/testkit/index.js';
import { Greeter, type Greeting } from '../fixtures/testkit-readme-actors.js';

// One system for the whole file (one worker): started here, shut down after the file's last test.
const tk = await createTestSystem({ workers: 1, actors: [new URL('../fixtures/testkit-readme-actors.ts', import.meta.url)] });

describe('Greeter', () => {
  it('greets by name, as itself', async () => {
    const probe = await tk.probe<Greeting>();
    const greeter = await tk.system.spawn(Greeter, { name: 'greeter' });
    greeter.tell({ type: 'greet', name: 'Ada', replyTo: probe.ref });
    await probe.expectMsg({ type: 'greeting', text: 'Hello, Ada!' }, { hint: 'one greeting per greet' });
    expect(greeter.equals(probe.lastSender)).toBe(true);
    await probe.expectNoMsg(50);
  });

  it('is restarted with fresh state after a bad request', async () => {
    const probe = await tk.probe<Greeting>();
    const greeter = await tk.system.spawn(Greeter, { name: 'picky' });
    greeter.tell({ type: 'greet', name: 'Ada', replyTo: probe.ref });
    await probe.expectMsgType('greeting');
    await tk.expectActorFailure({ actor: 'picky', error: 'cannot greet nobody' }, () => {
      greeter.tell({ type: 'greet', name: '', replyTo: probe.ref });
    });
    expect(await greeter.ask({ type: 'count' })).toBe(0);
  });
});
