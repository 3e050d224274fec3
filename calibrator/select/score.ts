/**
 * Scores a chunk of candidates on every scenario of one asset: the unit of work a worker thread runs.
 * Pure; the inputs are plain objects and typed arrays, so they cross to a worker by structured clone.
 */
import { type Candidate, EvaluationScratch, evaluateCandidate, type SelectionBook, type SelectionMarket } from "./evaluate.js";
import type { ScenarioSet } from "./scenarios.js";

export interface ScoreTask {
  candidates: readonly Candidate[];
  book: SelectionBook;
  market: SelectionMarket;
  scenarios: ScenarioSet;
}

/** Bad debt (USD) of candidate c on scenario s at index c × count + s. */
export function scoreChunk(task: ScoreTask): Float64Array {
  const { candidates, book, market, scenarios } = task;
  const out = new Float64Array(candidates.length * scenarios.count);
  const scratch = new EvaluationScratch(book.use.length);
  for (let c = 0; c < candidates.length; c++) {
    for (let s = 0; s < scenarios.count; s++) out[c * scenarios.count + s] = evaluateCandidate(candidates[c]!, book, market, scenarios, s, scratch).badDebtUsd;
  }
  return out;
}
