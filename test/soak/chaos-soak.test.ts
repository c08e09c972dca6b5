// The chaos soak's short run, in CI (test/soak/chaos.ts says what it does; `npm run soak -- --minutes N` runs it
// longer and prints its figures).
import { describe, expect, it } from 'vitest';
import { runChaos } from './chaos.js';

describe('chaos soak (short)', () => {
  it(
    'handles every message once or dead-letters it, in order per target, settles every ask and keeps RSS bounded while workers die in every way (seed 18, 20 s)',
    { timeout: 120_000 },
    async () => {
      const f = await runChaos({ durationMs: 20_000, seed: 18 });
      // Not a vacuous run: messages flowed and workers died, of more than one kind.
      expect(f.sent).toBeGreaterThan(10_000);
      expect(f.restarts).toBeGreaterThanOrEqual(5);
      expect(Object.values(f.deaths).filter((n) => n > 0).length).toBeGreaterThanOrEqual(3);
      expect(f.duplicates).toBe(0);
      // Handled and reported as interrupted: a worker killed while the handler ran (at most one per death).
      expect(f.interrupted).toBeLessThanOrEqual(f.restarts + 2);
      expect(f.fifoViolations).toBe(0);
      expect(f.missing).toBeLessThanOrEqual(f.unjournaled);
      expect(f.asksSettled).toBe(f.asks);
      expect(f.rssPeakMb - f.rssStartMb).toBeLessThan(600);
    },
  );
});
