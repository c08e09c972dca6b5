/**
 * Remoting over NATS (issue 15): two nodes of one cluster, each an ActorSystem with the CLI's engine settings (but
 * one worker each), and a
 * nats-server on loopback that the scenario starts itself. Both nodes live in this process (their main threads
 * share its event loop; the hop still goes through the server's TCP sockets both ways), so the figure is the cost
 * of the hop on this machine, not of two machines' network.
 *
 * - ask round trip node A main thread -> an actor on node B's worker 1 -> back, beside the same ask inside node A
 *   (main -> its own worker 1), measured in the same run: the hop's cost is the difference;
 * - tell throughput node A -> node B's worker 1, 16-byte messages ({type:'inc',by:1}) and 1-KiB ones.
 *
 * Runs only when named (`--scenario remote`): it needs nats-server (Debian's package).
 */
import { ActorSystem } from '../../src/index.js';
import { BenchCounter, GET, TAKE, type CounterMsg } from '../actors/bench-actors.js';
import { engineConfig } from '../lib/engine.js';
import { measureThroughput, sampleLatencyAsync } from '../lib/measure.js';
import { startNatsServer } from '../lib/nats-server.js';
import type { Measurement, Scenario, ScenarioOptions, ScenarioResult } from '../lib/scenario.js';
import { BENCH_ACTORS, systemOptions } from './system.js';

const PER_ROUND = 5_000;

export const remote: Scenario = {
  name: 'remote',
  description: 'ask round trip and tell throughput between two nodes over a loopback nats-server, beside the same ask inside one node',
  figures: 4,
  targets: [],

  async run(options: ScenarioOptions): Promise<ScenarioResult> {
    options.progress('starting nats-server');
    const nats = await startNatsServer();
    const start = (nodeId: string) =>
      // One worker per node: two nodes' spinning workers beside nats-server would oversubscribe this 2-core machine.
      ActorSystem.start({ ...systemOptions(options.engine, [BENCH_ACTORS]), workers: 1, cluster: { name: 'bench', nodeId, nats: { servers: nats.url } } });
    const a = await start('bench-a');
    const b = await start('bench-b');
    try {
      const config = engineConfig(a.config);
      const measurements: Measurement[] = [];
      await b.spawn(BenchCounter, { name: 'remote-counter', placement: { worker: 1 } });
      const local = await a.spawn(BenchCounter, { name: 'local-counter', placement: { worker: 1 } });
      const counter = (await a.cluster!.lookup<CounterMsg, number>('bench-b', 'remote-counter'))!;

      options.progress('ask round trip inside node A (main -> worker 1)');
      const inside = await sampleLatencyAsync(options, () => local.ask(GET));
      measurements.push({ kind: 'latency', what: "ask {type:'get'} inside one node (main <-> worker 1)", compare: 'remote-local-ask', latency: inside, config });
      options.progress('ask round trip node A -> node B worker 1 over NATS');
      const across = await sampleLatencyAsync(options, () => counter.ask(GET));
      measurements.push({ kind: 'latency', what: "ask {type:'get'} node A main -> node B worker 1 (NATS loopback)", compare: 'remote-ask', latency: across, config });

      for (const [label, msg, key] of [
        ['16 B', { type: 'inc', by: 1 } as CounterMsg, 'remote-tell-16b'],
        ['1 KiB', { type: 'inc', by: 1, pad: 'x'.repeat(1000) } as unknown as CounterMsg, 'remote-tell-1kib'],
      ] as const) {
        options.progress(`tell node A -> node B worker 1, ${label} messages, ${PER_ROUND} per round`);
        await counter.ask(TAKE);
        const f = await measureThroughput(options, async () => {
          for (let i = 0; i < PER_ROUND; i++) if (!counter.tell(msg)) await counter.send(msg);
          // The round ends when node B has them all: the count, taken, says how many arrived.
          let got = 0;
          while (got < PER_ROUND) got += await counter.ask(TAKE);
          return PER_ROUND;
        });
        measurements.push({ kind: 'throughput', what: `tell node A main -> node B worker 1, ${label}`, compare: key, messages: f.messages, seconds: f.seconds, perSecond: f.perSecond, config });
      }
      return {
        measurements,
        notes: [
          `both nodes in this process (one worker each), NATS on loopback, NATS on loopback; hop cost p50 ${(across.p50 - inside.p50).toFixed(1)} µs over the in-node ask`,
        ],
      };
    } finally {
      await a.shutdown();
      await b.shutdown();
      await nats.stop();
    }
  },
};
