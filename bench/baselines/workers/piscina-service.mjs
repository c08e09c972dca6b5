// Task file of the piscina-service baseline (bench/baselines/piscina-service.ts): the same CPU-bound
// request as ringmaster's BenchHasher actor, from the same module.
import { cpuWork } from '../../lib/cpu-work.mjs';

export default function task({ rounds, seed }) {
  return cpuWork(rounds, seed);
}
