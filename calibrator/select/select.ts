/**
 * Selection by simulation, end to end for one or more assets (docs/policy.md, "Selection by
 * simulation"): the candidate grid around the formula's point, every candidate scored on every stress
 * path over the book, and the most capital-efficient candidate whose ES of bad debt stays within the
 * budget. `selectNow` runs in this thread (the backtest's calibrations are synchronous); `selectOnPool`
 * scores every asset's chunks on one Piscina pool (the CLI and the keeper). Both give the same result.
 */
import { BPS } from "../rules/types.js";
import { type CandidateBps, type CandidateGrid, candidateGrid, type CandidateLimits, candidateOf, clampToLimits, DEFAULT_CANDIDATE_GRID } from "./candidates.js";
import { type Candidate, candidateLending, type SelectionBook, type SelectionMarket } from "./evaluate.js";
import { type CandidateScore, chooseCandidate, efficientFrontier, scoreCandidate } from "./frontier.js";
import { chunk, runScoreTasks } from "./pool.js";
import type { ScenarioSet } from "./scenarios.js";
import { scoreChunk, type ScoreTask } from "./score.js";

/** What one asset's selection needs. */
export interface SelectionProblem {
  /** The formula's parameters (policy/riskPolicy.ts): the grid's centre and its first candidate. */
  point: CandidateBps;
  /** The formula's liquidation cap, USD of seized value per hour (kept for every candidate). */
  capPerHourUsd: number;
  limits: CandidateLimits;
  book: SelectionBook;
  market: SelectionMarket;
  scenarios: ScenarioSet;
  /**
   * The parameters governance set by hand (the deployment's static baseline), scored on the same paths:
   * the budget is never below its ES per dollar lent. Not itself a candidate.
   */
  reference?: CandidateBps;
  /**
   * The set chosen last time. It is kept while it stays within budget and no candidate lends
   * `minLendingGain` more: the updater cuts at once but raises slowly, so a target that wanders with
   * the sampling noise of a 99% ES ratchets the live values down.
   */
  incumbent?: CandidateBps;
}

export interface SelectionSettings {
  /** The ES budget: ES of bad debt ≤ this fraction of the candidate's lending. */
  budgetFractionOfDebt: number;
  confidence: number;
  grid: CandidateGrid;
  /** A change away from the incumbent must lend this fraction more (or restore the budget). */
  minLendingGain: number;
  /**
   * With a reference: a candidate must also lose no more than the reference on every historical crash
   * block (each path, stresses included), the "never worse than the hand-set parameters in any crash of
   * the history" rule. Only days closed before the calibration enter the blocks (no look-ahead).
   */
  dominateReferenceInCrashBlocks: boolean;
}

export const DEFAULT_SELECTION_SETTINGS: SelectionSettings = { budgetFractionOfDebt: 0.004, confidence: 0.99, grid: DEFAULT_CANDIDATE_GRID, minLendingGain: 0.01, dominateReferenceInCrashBlocks: false };

export interface Selection {
  candidates: CandidateBps[];
  scores: CandidateScore[];
  frontier: CandidateScore[];
  chosen: CandidateBps;
  chosenScore: CandidateScore;
  /** False when no candidate met the budget and the least-ES one was taken. */
  withinBudget: boolean;
  /** The formula's own score, or null when its point is outside the limits. */
  formulaScore: CandidateScore | null;
  /** The reference's score (index −1), when the problem has one. */
  referenceScore: CandidateScore | null;
  /** The budget applied: the larger of the settings' fraction and the reference's ES per dollar lent. */
  budgetFractionOfDebt: number;
}

const asCandidate = (c: CandidateBps, capPerHourUsd: number): Candidate => ({
  ltv: c.ltvBps / BPS,
  liquidationThreshold: c.liquidationThresholdBps / BPS,
  liquidationBonus: c.liquidationBonusBps / BPS,
  closeFactor: c.closeFactorBps / BPS,
  capPerHourUsd,
});

function problemCandidates(problem: SelectionProblem, settings: SelectionSettings): CandidateBps[] {
  const candidates = candidateGrid(clampToLimits(problem.point, problem.limits), problem.limits, settings.grid);
  if (candidates.length === 0) throw new RangeError("no candidate parameter set lies inside the bounds and the spiral margin (check the bounds)");
  return candidates;
}

/** What is scored: the candidates, then the reference and the incumbent (each if any). */
const scoredSets = (problem: SelectionProblem, candidates: CandidateBps[]): CandidateBps[] => [
  ...candidates,
  ...(problem.reference ? [problem.reference] : []),
  ...(problem.incumbent ? [problem.incumbent] : []),
];

function tasksOf(problem: SelectionProblem, candidates: readonly CandidateBps[], parts: number): ScoreTask[] {
  return chunk(candidates, parts).map((part) => ({
    candidates: part.map((c) => asCandidate(c, problem.capPerHourUsd)),
    book: problem.book,
    market: problem.market,
    scenarios: problem.scenarios,
  }));
}

/** The choice from the chunks' losses (in candidate order). */
function decide(problem: SelectionProblem, candidates: CandidateBps[], losses: readonly Float64Array[], settings: SelectionSettings): Selection {
  const count = problem.scenarios.count;
  const scored = scoredSets(problem, candidates);
  const all = new Float64Array(scored.length * count);
  let offset = 0;
  for (const l of losses) {
    all.set(l, offset);
    offset += l.length;
  }
  const lossesOf = (i: number) => all.subarray(i * count, (i + 1) * count);
  const lendingOf = (c: CandidateBps) => candidateLending(asCandidate(c, problem.capPerHourUsd), problem.book);
  let budgetFractionOfDebt = settings.budgetFractionOfDebt;
  let referenceScore: CandidateScore | null = null;
  if (problem.reference) {
    const r = scoreCandidate(-1, lendingOf(problem.reference), lossesOf(candidates.length), settings.confidence, settings.budgetFractionOfDebt);
    // Never less tail risk per dollar lent than the hand-set parameters already carry.
    if (r.lendingUsd > 0) budgetFractionOfDebt = Math.max(budgetFractionOfDebt, r.esBadDebtUsd / r.lendingUsd);
    referenceScore = { ...r, budgetUsd: budgetFractionOfDebt * r.lendingUsd, withinBudget: r.esBadDebtUsd <= budgetFractionOfDebt * r.lendingUsd };
  }
  // Within budget also means, under the dominance rule, no crash block on which the reference loses less.
  const dominance = problem.reference && settings.dominateReferenceInCrashBlocks ? crashDominance(problem.scenarios, lossesOf(candidates.length)) : undefined;
  const scoreOf = (index: number, set: CandidateBps, at: number): CandidateScore => {
    const score = scoreCandidate(index, lendingOf(set), lossesOf(at), settings.confidence, budgetFractionOfDebt);
    return dominance && !dominance(lossesOf(at)) ? { ...score, withinBudget: false } : score;
  };
  const scores = candidates.map((c, i) => scoreOf(i, c, i));
  const best = chooseCandidate(scores);
  let chosen = best.chosen;
  let chosenSet = candidates[chosen.index]!;
  let withinBudget = best.withinBudget;
  if (problem.incumbent) {
    const at = candidates.length + (problem.reference ? 1 : 0);
    const kept = scoreOf(-2, problem.incumbent, at);
    if (kept.withinBudget && (!best.withinBudget || best.chosen.lendingUsd < kept.lendingUsd * (1 + settings.minLendingGain))) {
      chosen = kept;
      chosenSet = problem.incumbent;
      withinBudget = true;
    }
  }
  // candidateGrid puts the (clamped) formula point first whenever the limits admit it.
  const formulaIsFirst = JSON.stringify(candidateOf(candidates[0]!)) === JSON.stringify(clampToLimits(problem.point, problem.limits));
  return { candidates, scores, frontier: efficientFrontier(scores), chosen: chosenSet, chosenScore: chosen, withinBudget, formulaScore: formulaIsFirst ? scores[0]! : null, referenceScore, budgetFractionOfDebt };
}

/** A test of losses against the reference's on every crash-block path (a cent of tolerance for rounding). */
function crashDominance(scenarios: ScenarioSet, reference: Float64Array): (losses: Float64Array) => boolean {
  const blocks: number[] = [];
  for (let s = 0; s < scenarios.count; s++) if (scenarios.kind[s] === 1) blocks.push(s);
  return (losses) => blocks.every((s) => losses[s]! <= reference[s]! + 0.01);
}

/** Every problem's selection, scored in this thread. */
export function selectNow(problems: readonly SelectionProblem[], settings: SelectionSettings = DEFAULT_SELECTION_SETTINGS): Selection[] {
  return problems.map((problem) => {
    const candidates = problemCandidates(problem, settings);
    return decide(problem, candidates, tasksOf(problem, scoredSets(problem, candidates), 1).map(scoreChunk), settings);
  });
}

/** Every problem's selection, scored on `workers` threads (0: in this thread), one pool for all. */
export async function selectOnPool(problems: readonly SelectionProblem[], settings: SelectionSettings, workers: number): Promise<Selection[]> {
  const parts = Math.max(1, workers * 2); // two chunks a thread evens out chunks of unequal cost
  const plans = problems.map((problem) => {
    const candidates = problemCandidates(problem, settings);
    return { problem, candidates, tasks: tasksOf(problem, scoredSets(problem, candidates), parts) };
  });
  const results = await runScoreTasks(plans.flatMap((p) => p.tasks), workers);
  let next = 0;
  return plans.map((p) => {
    const losses = results.slice(next, next + p.tasks.length);
    next += p.tasks.length;
    return decide(p.problem, p.candidates, losses, settings);
  });
}

/** The report's view of a selection: the frontier, the chosen point and the formula's, in bps and USD. */
export function selectionReport(selection: Selection, settings: SelectionSettings, problem: Pick<SelectionProblem, "scenarios" | "reference">) {
  const { scenarios } = problem;
  const row = (s: CandidateScore, set: CandidateBps = selection.candidates[s.index]!) => ({ ...set, lendingUsd: s.lendingUsd, meanBadDebtUsd: s.meanBadDebtUsd, esBadDebtUsd: s.esBadDebtUsd, budgetUsd: s.budgetUsd });
  let crashBlocks = 0;
  for (const k of scenarios.kind) crashBlocks += k;
  return {
    budgetFractionOfDebt: selection.budgetFractionOfDebt,
    settingsBudgetFractionOfDebt: settings.budgetFractionOfDebt,
    confidence: settings.confidence,
    scenarios: { count: scenarios.count, hours: scenarios.hours, crashBlocks },
    candidates: selection.candidates.length,
    withinBudget: selection.withinBudget,
    chosen: row(selection.chosenScore, selection.chosen),
    keptIncumbent: selection.chosenScore.index === -2,
    formula: selection.formulaScore ? row(selection.formulaScore) : null,
    reference: selection.referenceScore && problem.reference ? row(selection.referenceScore, problem.reference) : null,
    frontier: selection.frontier.map((s) => row(s)),
  };
}

/** The report's view of a selection (selectionReport). */
export type SelectionSummary = ReturnType<typeof selectionReport>;
