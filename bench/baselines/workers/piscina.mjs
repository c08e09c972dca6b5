// Task file of the piscina baseline (bench/baselines/piscina.ts): a trivial task returning a number.
let calls = 0;
export default function task() {
  calls += 1;
  return calls;
}
