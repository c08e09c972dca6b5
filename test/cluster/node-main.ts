// A cluster node in its own process, for test/cluster/remote.test.ts: an ActorSystem with two workers joined to
// the cluster as NODE_ID (NATS user NODE_ID, password passwordOf(NODE_ID)), with a `where` actor on worker 2, a
// `seq` checker on worker 1 and a `blaster` on worker 2. It prints `ready <incarnation>` and then obeys lines
// on stdin: `stop <actor>` stops that actor, `exit` shuts down.
import { createInterface } from 'node:readline';
import { ActorSystem } from '../../src/index.js';
import { Blaster, SeqChecker, Where } from '../fixtures/cluster-actors.js';
import { passwordOf } from './harness.js';

const nodeId = process.env.NODE_ID!;
const system = await ActorSystem.start({
  workers: 2,
  actors: [new URL('../fixtures/cluster-actors.ts', import.meta.url)],
  cluster: {
    name: process.env.CLUSTER ?? 't',
    nodeId,
    nats: { servers: process.env.NATS_URL!, user: nodeId, pass: passwordOf(nodeId) },
    heartbeatIntervalMs: Number(process.env.HEARTBEAT_MS ?? 200),
    failureTimeoutMs: Number(process.env.FAILURE_MS ?? 2000),
  },
});
await system.spawn(Where, { name: 'where', placement: { worker: 2 } });
await system.spawn(SeqChecker, { name: 'seq', placement: { worker: 1 } });
await system.spawn(Blaster, { name: 'blaster', placement: { worker: 2 } });
await system.spawn(Where, { name: 'doomed', placement: { worker: 1 } });
process.stdout.write(`ready ${system.cluster!.self.incarnation}\n`);
for await (const line of createInterface({ input: process.stdin })) {
  const [cmd, arg] = line.trim().split(' ');
  if (cmd === 'stop' && arg) {
    const ref = system.lookup(arg);
    if (ref) await system.stop(ref);
    process.stdout.write(`stopped ${arg}\n`);
  } else if (cmd === 'exit') {
    await system.shutdown();
    process.exit(0);
  }
}
