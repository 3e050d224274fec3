/**
 * Runs scoring chunks on worker threads with Piscina, or in this thread when `workers` is 0. The
 * chunks are independent and their results are put back in order, so the outcome does not depend on
 * the number of workers (a test checks 0, 1 and 2 give the same bytes).
 */
import { Piscina } from "piscina";
import { scoreChunk, type ScoreTask } from "./score.js";

const WORKER = new URL("./worker.ts", import.meta.url).href;
/** The worker loads TypeScript through tsx, whatever loader (tsx, Hardhat's mocha) started this process. */
const WORKER_EXEC_ARGV = ["--import", "tsx"];

/** Runs every task; `workers` 0 runs them here, one after the other. */
export async function runScoreTasks(tasks: readonly ScoreTask[], workers: number): Promise<Float64Array[]> {
  if (!(Number.isInteger(workers) && workers >= 0)) throw new RangeError(`workers must be a non-negative integer, got ${workers}`);
  if (workers === 0 || tasks.length === 0) return tasks.map(scoreChunk);
  const pool = new Piscina<ScoreTask, Float64Array>({ filename: WORKER, minThreads: workers, maxThreads: workers, idleTimeout: 1_000, execArgv: WORKER_EXEC_ARGV });
  try {
    return await Promise.all(tasks.map((t) => pool.run(t)));
  } finally {
    await pool.destroy();
  }
}

/** Splits `items` into `parts` contiguous chunks of nearly equal size (none empty). */
export function chunk<T>(items: readonly T[], parts: number): T[][] {
  const n = Math.max(1, Math.min(parts, items.length));
  const out: T[][] = [];
  for (let p = 0; p < n; p++) out.push(items.slice(Math.floor((p * items.length) / n), Math.floor(((p + 1) * items.length) / n)));
  return out.filter((c) => c.length > 0);
}
