// The ordered event expectation (expectEventsInOrder) and object patterns for event expectations. Dead letters
// of messages told, in order, to a stopped actor are the events: one thread publishes them in the order sent.
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, TestKitExpectationError, type ActorRef } from '../../src/index.js';
import { createTestSystem } from '../../src/testkit/index.js';
import { Replier } from '../fixtures/toolkit-actors.js';

const actors = [new URL('../fixtures/toolkit-actors.ts', import.meta.url)];
const tk = await createTestSystem({ workers: 1, actors });
let n = 0;
async function stopped(): Promise<ActorRef<unknown>> {
  const ref = await tk.system.spawn(Replier, { name: `gone-${++n}`, placement: { worker: 1 } });
  await tk.system.stop(ref);
  return ref as ActorRef<unknown>;
}
const tellAll = (ref: ActorRef<unknown>, ns: number[]) => () => ns.forEach((i) => ref.tell({ type: 'job', n: i }));
const letter = (i: number) => ({ type: 'dead-letter' as const, pattern: { reason: 'actor-stopped', message: { n: i } } });

describe('expectEventsInOrder', () => {
  it('passes when the events come in the given order, with other events in between', async () => {
    const ref = await stopped();
    await tk.expectEventsInOrder([letter(1), letter(3)], tellAll(ref, [1, 2, 3]));
  });

  it('fails at once, naming both, when an event matching a later expectation comes first', async () => {
    const ref = await stopped();
    const err = (await tk.expectEventsInOrder([letter(2), letter(1)], tellAll(ref, [1, 2])).catch((e: unknown) => e)) as TestKitExpectationError;
    expect(err).toBeInstanceOf(TestKitExpectationError);
    expect(err.message).toMatch(/event 2 arrived before event 1/);
  });

  it('fails after its timeout when an expected event never comes, showing those that did', async () => {
    const ref = await stopped();
    const err = (await tk
      .expectEventsInOrder([letter(1), letter(9)], tellAll(ref, [1]), { timeoutMs: 200 })
      .catch((e: unknown) => e)) as TestKitExpectationError;
    expect(err).toBeInstanceOf(TestKitExpectationError);
    expect(err.message).toMatch(/waiting for event 2 of 2/);
    expect(err.received).toHaveLength(1);
  });

  it('refuses an expectation with a count, each stands for one event', async () => {
    await expect(tk.expectEventsInOrder([{ type: 'dead-letter', count: 2 }], () => {})).rejects.toBeInstanceOf(InvalidArgumentError);
  });
});

describe('object patterns in event expectations', () => {
  it('counts only the events that contain the pattern', async () => {
    const ref = await stopped();
    await tk.expectEvents({ type: 'dead-letter', count: 1, pattern: { message: { n: 2 } } }, tellAll(ref, [1, 2, 3]));
  });

  it('takes asymmetric matchers inside the pattern', async () => {
    const ref = await stopped();
    await tk.expectEvents(
      { type: 'dead-letter', count: 2, pattern: { target: expect.stringMatching(/^gone-/), message: expect.objectContaining({ type: 'job' }) } },
      tellAll(ref, [1, 2]),
    );
  });
});
