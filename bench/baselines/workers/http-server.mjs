// The example service's /hash route (examples/http-service/service.ts) without ringmaster, for the HTTP benchmark:
// HTTP_MODE=piscina hands the work to a piscina pool of WORKERS threads, HTTP_MODE=event-loop does it on the
// event loop. Prints {"msg":"listening","port":N} on stdout; SIGTERM closes it and exits 0.
import { createServer } from 'node:http';
import { Piscina } from 'piscina';
import task from './http-hash.mjs';

const mode = process.env.HTTP_MODE;
const workers = Number(process.env.WORKERS ?? 2);
const pool =
  mode === 'piscina'
    ? new Piscina({ filename: new URL('./http-hash.mjs', import.meta.url).href, minThreads: workers, maxThreads: workers })
    : undefined;
if (mode !== 'piscina' && mode !== 'event-loop') throw new Error(`HTTP_MODE must be piscina or event-loop, got ${mode}`);

const MAX_ROUNDS = 1_000_000;
const server = createServer(async (req, res) => {
  const url = new URL(req.url ?? '/', 'http://localhost');
  if (url.pathname !== '/hash') {
    res.writeHead(404).end();
    return;
  }
  const data = url.searchParams.get('data') ?? '';
  const rounds = Number(url.searchParams.get('rounds') ?? '1');
  if (!Number.isInteger(rounds) || rounds < 1 || rounds > MAX_ROUNDS) {
    res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'bad rounds' }));
    return;
  }
  try {
    const reply = pool !== undefined ? await pool.run({ data, rounds }) : task({ data, rounds });
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(reply));
  } catch (err) {
    res.writeHead(503, { 'content-type': 'application/json' }).end(JSON.stringify({ error: String(err) }));
  }
});
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  console.log(JSON.stringify({ msg: 'listening', port: server.address().port, mode, workers }));
});
process.once('SIGTERM', () => {
  server.close(async () => {
    await pool?.destroy();
    process.exit(0);
  });
  server.closeAllConnections();
});
