// server.ts: the service as a process: `PORT=8080 npx tsx examples/http-service/server.ts` (after `npm run build`).
// It logs JSON lines (pino) to stdout; SIGTERM or SIGINT drains it and it exits with code 0
// (1 if the drain failed).
import { pino } from 'pino';
import { startService } from './service.js';

const log = pino({ level: process.env.LOG_LEVEL ?? 'info' });
const service = await startService({ port: Number(process.env.PORT ?? 0), workers: Number(process.env.WORKERS ?? 2), logger: log });

// SIGTERM (docker stop, Kubernetes, systemd) and SIGINT (Ctrl-C) run the engine's coordinated shutdown: the tasks
// in service.ts, then the actors stop. Then exit 0: the drain finished. (`coordinatedShutdown: { handleSignals:
// true }` does the same with exit code 143/130, the shell's "killed by a signal", which a supervisor may count as a
// crash.) The first signal removes both listeners: a second one during the drain finds Node's default, which ends
// the process at once.
// A task that failed or outlived its phase (a request still running after 10 s) makes the exit code 1.
let drainFailed = false;
service.system.events.subscribe('shutdown-phase-failed', () => {
  drainFailed = true;
});
const onSignal = (signal: 'SIGTERM' | 'SIGINT'): void => {
  process.off('SIGTERM', onSignal);
  process.off('SIGINT', onSignal);
  log.info({ signal }, 'shutting down');
  service.system.coordinatedShutdown.run({ kind: 'signal', signal }).then(
    () => {
      log.info({ drainFailed }, 'stopped');
      process.exit(drainFailed ? 1 : 0);
    },
    (err: unknown) => {
      log.error({ err }, 'shutdown failed');
      process.exit(1);
    },
  );
};
process.on('SIGTERM', onSignal);
process.on('SIGINT', onSignal);
log.info({ port: service.port, workers: service.system.workers }, 'listening');
