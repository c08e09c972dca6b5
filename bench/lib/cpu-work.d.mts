// Types for bench/lib/cpu-work.mjs (plain JS so that piscina's workers can load it too).
export declare const WORK_ROUNDS: number;
/** Hashes a fixed 16 KiB payload `rounds` times, chained from `seed`; returns 32 bits of the last digest. */
export declare function cpuWork(rounds: number, seed: number): number;
