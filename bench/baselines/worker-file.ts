/**
 * Where the baselines' worker code lives: `bench/baselines/workers/`, plain `.mjs` (Node 20 cannot start `.ts`
 * workers), resolved from this module so the path holds wherever the caller sits.
 */
export const baselineWorker = (file: string): URL => new URL(`./workers/${file}`, import.meta.url);
