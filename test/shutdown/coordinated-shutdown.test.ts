/**
 * Coordinated shutdown in one process (signals: signals.test.ts): Akka's phases in Akka's order, the user's joined
 * with dependsOn, tasks of a phase concurrently, timeouts and failures reported and passed, recover: false, one run
 * for every caller, and what is refused.
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  AKKA_PHASES,
  ActorSystem,
  InvalidArgumentError,
  InvalidConfigError,
  InvalidOperationError,
  type SystemEvent,
  type SystemOptions,
} from '../../src/index.js';
import { Counter } from '../fixtures/actors.js';

const ACTORS = [new URL('../fixtures/actors.ts', import.meta.url)];
let system: ActorSystem | undefined;
afterEach(async () => {
  await system?.shutdown();
  system = undefined;
});

async function start(options: SystemOptions = {}): Promise<ActorSystem> {
  system = await ActorSystem.start({ mode: 'inline', actors: ACTORS, ...options });
  return system;
}

function failures(s: ActorSystem): Extract<SystemEvent, { type: 'shutdown-phase-failed' }>[] {
  const seen: Extract<SystemEvent, { type: 'shutdown-phase-failed' }>[] = [];
  s.events.subscribe('shutdown-phase-failed', (e) => seen.push(e));
  return seen;
}

describe('coordinated shutdown', () => {
  it("has Akka's twelve phases, in Akka's order", async () => {
    const s = await start();
    expect(s.coordinatedShutdown.phases).toEqual([...AKKA_PHASES]);
    expect(AKKA_PHASES[0]).toBe('before-service-unbind');
    expect(AKKA_PHASES.at(-1)).toBe('actor-system-terminate');
  });

  it('runs the phases in order and the tasks of one phase concurrently, then stops the actors', async () => {
    const s = await start();
    const counter = await s.spawn(Counter, { args: { start: 0 } });
    const log: string[] = [];
    let releaseA!: () => void;
    const cs = s.coordinatedShutdown;
    cs.addTask('service-unbind', 'a', async () => {
      log.push('a started');
      await new Promise<void>((r) => (releaseA = r));
      log.push('a done');
    });
    cs.addTask('service-unbind', 'b', () => {
      log.push('b started'); // while a still waits: same phase, concurrently
      releaseA();
    });
    cs.addTask('before-service-unbind', 'first', () => log.push('first'));
    cs.addTask('before-actor-system-terminate', 'last', async () => {
      log.push(`last, counter ${await counter.ask({ type: 'get' })}`); // the actors still answer here
    });
    await s.shutdown();
    expect(log).toEqual(['first', 'a started', 'b started', 'a done', 'last, counter 0']);
    expect(() => counter.tell({ type: 'inc', by: 1 })).not.toThrow();
    expect(counter.tell({ type: 'inc', by: 1 })).toBe(false); // shut down: the engine's own phase ran
  });

  it("places a phase of one's own right after what it depends on", async () => {
    const s = await start({ coordinatedShutdown: { phases: { 'flush-queue': { dependsOn: ['service-stop'] }, 'drain-lb': {} } } });
    const phases = s.coordinatedShutdown.phases;
    // No dependsOn: a root, ready at once, after Akka's first phase (declaration order among the ready).
    expect(phases.slice(0, 3)).toEqual(['before-service-unbind', 'drain-lb', 'service-unbind']);
    expect(phases.indexOf('flush-queue')).toBe(phases.indexOf('before-cluster-shutdown') + 1);
    expect(phases.at(-1)).toBe('actor-system-terminate');
  });

  it('moves on after a phase timeout and reports the late task', async () => {
    const s = await start({ coordinatedShutdown: { phases: { 'service-unbind': { timeoutMs: 50 } } } });
    const failed = failures(s);
    const ran: string[] = [];
    s.coordinatedShutdown.addTask('service-unbind', 'never', () => new Promise(() => {}));
    s.coordinatedShutdown.addTask('service-stop', 'next', () => ran.push('next'));
    await s.shutdown();
    expect(ran).toEqual(['next']);
    expect(failed).toMatchObject([{ phase: 'service-unbind', task: 'never', timedOut: true }]);
  });

  it('reports a task that throws and runs the next phases (recover, the default)', async () => {
    const s = await start();
    const failed = failures(s);
    const ran: string[] = [];
    s.coordinatedShutdown.addTask('service-unbind', 'boom', () => {
      throw new Error('boom');
    });
    s.coordinatedShutdown.addTask('service-stop', 'next', () => ran.push('next'));
    await s.shutdown();
    expect(ran).toEqual(['next']);
    expect(failed).toMatchObject([{ phase: 'service-unbind', task: 'boom', timedOut: false, error: { message: 'boom' } }]);
  });

  it('with recover: false, skips to the last phase after a failure, which still shuts the system down', async () => {
    const s = await start({ coordinatedShutdown: { phases: { 'service-unbind': { recover: false } } } });
    const ran: string[] = [];
    s.coordinatedShutdown.addTask('service-unbind', 'boom', () => Promise.reject(new Error('no')));
    s.coordinatedShutdown.addTask('service-stop', 'skipped', () => ran.push('skipped'));
    s.coordinatedShutdown.addTask('actor-system-terminate', 'terminate-task', () => ran.push('terminate-task'));
    const counter = await s.spawn(Counter, { args: { start: 0 } });
    await s.shutdown();
    expect(ran).toEqual(['terminate-task']);
    expect(counter.tell({ type: 'inc', by: 1 })).toBe(false);
  });

  it('gives every caller the same promise and keeps the first reason', async () => {
    const s = await start();
    let runs = 0;
    s.coordinatedShutdown.addTask('service-stop', 'count', () => runs++);
    expect(s.coordinatedShutdown.reason).toBeUndefined();
    const first = s.coordinatedShutdown.run({ kind: 'custom', detail: 'deploy' });
    const second = s.shutdown();
    expect(second).toBe(first);
    expect(s.coordinatedShutdown.run({ kind: 'actor-system-terminate' })).toBe(first);
    await first;
    expect(runs).toBe(1);
    expect(s.coordinatedShutdown.reason).toEqual({ kind: 'custom', detail: 'deploy' });
  });

  it('passes the reason to every task', async () => {
    const s = await start();
    const reasons: unknown[] = [];
    s.coordinatedShutdown.addTask('service-stop', 'note', (r) => reasons.push(r));
    await s.coordinatedShutdown.run({ kind: 'custom', detail: 'maintenance' });
    expect(reasons).toEqual([{ kind: 'custom', detail: 'maintenance' }]);
  });

  it('removes a cancellable task before it runs, and says false once it has run', async () => {
    const s = await start();
    const ran: string[] = [];
    const remove = s.coordinatedShutdown.addCancellableTask('service-stop', 'drain', () => ran.push('drain'));
    const keep = s.coordinatedShutdown.addCancellableTask('service-stop', 'kept', () => ran.push('kept'));
    expect(remove()).toBe(true);
    expect(remove()).toBe(false);
    await s.shutdown();
    expect(ran).toEqual(['kept']);
    expect(keep()).toBe(false);
  });

  it('refuses a task for an unknown phase, or for a phase that has started, and a bad reason', async () => {
    const s = await start();
    expect(() => s.coordinatedShutdown.addTask('nope', 't', () => {})).toThrow(InvalidArgumentError);
    expect(() => s.coordinatedShutdown.addTask('service-stop', 't', 'x' as never)).toThrow(InvalidArgumentError);
    await expect(s.coordinatedShutdown.run({ kind: 'whatever' } as never)).rejects.toBeInstanceOf(InvalidArgumentError);
    await s.shutdown();
    const err = (() => {
      try {
        s.coordinatedShutdown.addTask('service-stop', 'late', () => {});
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(InvalidOperationError);
    expect((err as InvalidOperationError).code).toBe('ERR_INVALID_OPERATION');
  });

  it('refuses at start a dependsOn on an unknown phase, a cycle, a dependsOn on one of Akka’s phases, and one after the last, listing all', async () => {
    const err = await ActorSystem.start({
      mode: 'inline',
      coordinatedShutdown: {
        phases: {
          a: { dependsOn: ['nope'] },
          b: { dependsOn: ['c'] },
          c: { dependsOn: ['b'] },
          'service-stop': { dependsOn: ['a'] },
          d: { dependsOn: ['actor-system-terminate'] },
        },
      },
    }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(InvalidConfigError);
    const paths = (err as InvalidConfigError).issues.map((i) => i.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        'coordinatedShutdown.phases.a.dependsOn',
        'coordinatedShutdown.phases',
        'coordinatedShutdown.phases.service-stop.dependsOn',
        'coordinatedShutdown.phases.d.dependsOn',
      ]),
    );
    expect((err as InvalidConfigError).message).toMatch(/cycle: b, c/);
  });
});
