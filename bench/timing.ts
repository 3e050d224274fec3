/** Wall-time medians for the benchmarks: the speed figures are medians of repeated runs, never one run. */
import { performance } from "node:perf_hooks";

/** One printed benchmark figure (reports/bench.json keeps name, value and unit). */
export interface BenchFigure {
  name: string;
  value: number;
  unit: string;
  /** The budget the figure must stay within, if it has one. */
  target?: number;
}

/**
 * The median wall time (ms, rounded to `decimals`) of `runs` calls after one warm-up call, and the last
 * call's result (so a caller can describe what was measured).
 */
export function timedMedian<T>(runs: number, run: () => T, decimals = 1): { medianMs: number; last: T } {
  let last = run(); // warm-up
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    last = run();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return { medianMs: Number(times[Math.floor(runs / 2)]!.toFixed(decimals)), last };
}

/** `timedMedian` for an asynchronous run (a worker pool's): the median wall time of `runs` awaited calls after a warm-up. */
export async function timedMedianAsync<T>(runs: number, run: () => Promise<T>, decimals = 1): Promise<{ medianMs: number; last: T }> {
  let last = await run(); // warm-up
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    last = await run();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return { medianMs: Number(times[Math.floor(runs / 2)]!.toFixed(decimals)), last };
}
