// Two nodes of one cluster, asking across them over NATS. Run a server first (`nats-server -js`, Debian's
// package) and pass its URL in NATS_URL; without it, this demo starts one on a free port of 127.0.0.1 itself.
// The two nodes share this process here for brevity; in production each is its own process or machine.
import { spawn } from 'node:child_process';
import { ActorSystem } from 'ringmaster';
import { Greeter, type GreeterMsg } from './greeter.js';

const nats = process.env.NATS_URL ?? (await startNatsServer());

const node = (nodeId: string) =>
  ActorSystem.start({
    workers: 1,
    actors: [new URL('./greeter.ts', import.meta.url)],
    cluster: { name: 'demo', nodeId, nats: { servers: nats } },
  });
const a = await node('node-a');
const b = await node('node-b');
await b.spawn(Greeter, { name: 'greeter', args: { node: 'node-b' } });

// On node A: find the actor on node B, and ask it like any other actor.
const greeter = await a.cluster!.lookup<GreeterMsg, string>('node-b', 'greeter');
console.log(await greeter!.ask({ type: 'greet', who: 'node-a' }));
console.log(a.cluster!.members().map((m) => m.id).sort().join(', '));

await a.shutdown();
await b.shutdown();
process.exit(0);

/** A throwaway nats-server on a free loopback port (the demo only). */
async function startNatsServer(): Promise<string> {
  const server = spawn('nats-server', ['-js', '-a', '127.0.0.1', '-p', '-1', '-sd', `/tmp/ringmaster-demo-${process.pid}`], { stdio: ['ignore', 'ignore', 'pipe'] });
  process.on('exit', () => server.kill());
  return new Promise((resolve, reject) => {
    server.on('error', () => reject(new Error('nats-server not found: install it (apt-get install -y nats-server) or set NATS_URL')));
    let out = '';
    server.stderr.on('data', (d: Buffer) => {
      out += d;
      const m = /Listening for client connections on ([\d.]+:\d+)/.exec(out);
      if (m) resolve(`nats://${m[1]}`);
    });
  });
}
