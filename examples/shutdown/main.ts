// main.ts: run with `npx tsx examples/shutdown/main.ts` after `npm run build`.
import { ActorSystem, defineActor, type ActorContext } from 'ringmaster';

type QueueMsg = { type: 'job'; id: number } | { type: 'drain' };
const Queue = defineActor('shutdown-example.Queue', {
  init: () => ({ pending: [] as number[], done: 0 }),
  receive(state, msg: QueueMsg, ctx: ActorContext<QueueMsg, number>) {
    if (msg.type === 'job') state.pending.push(msg.id);
    else {
      state.done += state.pending.length; // finish what was accepted before the service stopped taking more
      state.pending = [];
      ctx.reply(state.done);
    }
  },
});

const system = await ActorSystem.start({
  mode: 'inline',
  // In a service: SIGTERM or SIGINT runs the phases below, then the process exits with 143 or 130.
  coordinatedShutdown: { handleSignals: true, phases: { 'service-requests-done': { timeoutMs: 2000 } } },
});
const queue = await system.spawn(Queue, { name: 'queue' });
for (let id = 1; id <= 3; id++) queue.tell({ type: 'job', id });

const cs = system.coordinatedShutdown;
let accepting = true;
cs.addTask('service-unbind', 'stop-accepting', () => {
  accepting = false; // an HTTP server would close() here
});
cs.addTask('service-requests-done', 'drain-queue', async () => {
  console.log(`drained: ${await queue.ask({ type: 'drain' })} jobs`);
});
system.events.subscribe('shutdown-phase-failed', (e) => console.error(`${e.phase}/${e.task} failed: ${e.error.message}`));

await system.shutdown(); // the same phases as a signal's, then the actors stop
console.log(`accepting after shutdown: ${accepting}; reason: ${system.coordinatedShutdown.reason?.kind}`);
