// Starts a system on legacy.ts (which only tsx can load) and asks its actor on worker 1; see .ci/quickstart.mjs.
import { ActorSystem } from 'ringmaster';

const url = new URL('./legacy.ts', import.meta.url);
const system = await ActorSystem.start({ workers: 1, actors: [url] });
try {
  // The module as the engine loaded it on this thread: through tsx, under the URL its fallback uses.
  const { Legacy } = await import(`${url.href}?ringmaster-tsx`);
  const ref = await system.spawn(Legacy, { name: 'l', placement: { worker: 1 } });
  console.log(`reply ${await ref.ask('get')} from worker ${ref.thread}`);
} finally {
  await system.shutdown();
}
