import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Worker threads boot TypeScript from source (~250 ms each) and the CI machine has 2 cores.
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    fileParallelism: true,
    maxWorkers: 2,
    // In CI (CI=true) a failed test runs once more. Two test files run side by side on 2 cores, each with its own
    // worker threads, and a few tests that wait for a crashed worker's replacement (crash-accounting, the chaos
    // soak) have, rarely, missed their deadline under that load while passing every run alone. A test that fails
    // twice still fails the run, and vitest's report names every test that needed its retry.
    retry: process.env.CI === 'true' ? 1 : 0,
  },
});
