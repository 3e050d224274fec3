/**
 * From per-scenario bad debt to a choice: each candidate's lending, mean and 99% expected shortfall
 * of bad debt; the efficient frontier of the two (less ES, more lending); and the most capital-efficient
 * candidate whose ES stays within the budget. Pure.
 */

export interface CandidateScore {
  /** Index into the candidate list. */
  index: number;
  lendingUsd: number;
  meanBadDebtUsd: number;
  /** Mean of the worst ⌈(1 − confidence) × n⌉ scenarios' bad debt. */
  esBadDebtUsd: number;
  /** The ES budget for this candidate (a fraction of its lending), USD. */
  budgetUsd: number;
  withinBudget: boolean;
}

/** Expected shortfall at `confidence` of a sample of losses: the mean of its worst tail. */
export function lossEs(losses: Float64Array, confidence: number): number {
  if (losses.length === 0) throw new RangeError("lossEs needs at least one loss");
  const sorted = Float64Array.from(losses).sort();
  // The tolerance keeps (1 − 0.99) × 200 at 2 tail points, not 3 (binary rounding).
  const tail = Math.max(1, Math.ceil((1 - confidence) * sorted.length - 1e-9));
  let s = 0;
  for (let i = sorted.length - tail; i < sorted.length; i++) s += sorted[i]!;
  return s / tail;
}

export function scoreCandidate(index: number, lendingUsd: number, losses: Float64Array, confidence: number, budgetFractionOfDebt: number): CandidateScore {
  let sum = 0;
  for (const x of losses) sum += x;
  const esBadDebtUsd = lossEs(losses, confidence);
  const budgetUsd = budgetFractionOfDebt * lendingUsd;
  return { index, lendingUsd, meanBadDebtUsd: sum / losses.length, esBadDebtUsd, budgetUsd, withinBudget: esBadDebtUsd <= budgetUsd };
}

/** The scores no other score beats on both ES (≤) and lending (≥) with one strict, by ascending ES. */
export function efficientFrontier(scores: readonly CandidateScore[]): CandidateScore[] {
  const byEs = [...scores].sort((a, b) => a.esBadDebtUsd - b.esBadDebtUsd || b.lendingUsd - a.lendingUsd);
  const frontier: CandidateScore[] = [];
  let bestLending = Number.NEGATIVE_INFINITY;
  for (const s of byEs) {
    if (s.lendingUsd > bestLending) {
      frontier.push(s);
      bestLending = s.lendingUsd;
    }
  }
  return frontier;
}

/**
 * The most lending within budget (ties: less ES, then the lower index, i.e. nearer the formula); when no
 * candidate is within budget, the one with the least ES (then the most lending).
 */
export function chooseCandidate(scores: readonly CandidateScore[]): { chosen: CandidateScore; withinBudget: boolean } {
  if (scores.length === 0) throw new RangeError("no candidates to choose from");
  const within = scores.filter((s) => s.withinBudget);
  if (within.length > 0) {
    const chosen = within.reduce((best, s) => (s.lendingUsd > best.lendingUsd || (s.lendingUsd === best.lendingUsd && s.esBadDebtUsd < best.esBadDebtUsd) ? s : best));
    return { chosen, withinBudget: true };
  }
  const chosen = scores.reduce((best, s) => (s.esBadDebtUsd < best.esBadDebtUsd || (s.esBadDebtUsd === best.esBadDebtUsd && s.lendingUsd > best.lendingUsd) ? s : best));
  return { chosen, withinBudget: false };
}
