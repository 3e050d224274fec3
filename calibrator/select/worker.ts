/** The worker-thread entry of the selection pool (pool.ts): one scoring chunk per call. */
import { scoreChunk, type ScoreTask } from "./score.js";

export default function scoreInWorker(task: ScoreTask): Float64Array {
  return scoreChunk(task);
}
