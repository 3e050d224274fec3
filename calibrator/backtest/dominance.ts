/**
 * "No constant set dominates the calibrated policy" (issue 14): a documented grid of constant parameter
 * sets, and the test of whether one of them loses no more in every window while lending more in total.
 * Pure: the runs come in as per-window outcomes (scripts/constant-grid.ts runs them).
 */
import type { RiskParams } from "../rules/types.js";
import { BAD_DEBT_TOLERANCE_USD } from "./compare.js";
import type { StressRow } from "./run.js";

/** The grid: every threshold × LTV gap × bonus, at one close factor, cap and window. */
export interface ConstantGridSpec {
  thresholdsBps: readonly number[];
  /** LTV = threshold − gap. */
  ltvGapsBps: readonly number[];
  bonusesBps: readonly number[];
  closeFactorBps: number;
  liquidationCapPerWindow: bigint;
  liquidationWindow: number;
}

/**
 * The documented grid of docs/backtests.md: thresholds 74–86% every 2 points, LTV 1, 2.5 or 5 points
 * below, bonuses 3, 4, 5, 7 and 9%, close factor 50%: 7 × 3 × 5 = 105 sets. It spans Aave's WETH
 * (80.5/83/5) and WBTC (73/78/5) neighbourhoods and every set keeps LT × (1 + bonus) < 0.98.
 */
export const DOCUMENTED_GRID: Omit<ConstantGridSpec, "liquidationCapPerWindow" | "liquidationWindow"> = {
  thresholdsBps: [7_400, 7_600, 7_800, 8_000, 8_200, 8_400, 8_600],
  ltvGapsBps: [100, 250, 500],
  bonusesBps: [300, 400, 500, 700, 900],
  closeFactorBps: 5_000,
};

export function constantGrid(spec: ConstantGridSpec): RiskParams[] {
  const sets: RiskParams[] = [];
  for (const lt of spec.thresholdsBps) {
    for (const gap of spec.ltvGapsBps) {
      for (const bonus of spec.bonusesBps) {
        if (!(gap > 0 && gap < lt)) throw new RangeError(`constantGrid: an LTV gap of ${gap} bps does not fit under a threshold of ${lt} bps`);
        sets.push({
          ltvBps: lt - gap,
          liquidationThresholdBps: lt,
          liquidationBonusBps: bonus,
          closeFactorBps: spec.closeFactorBps,
          liquidationCapPerWindow: spec.liquidationCapPerWindow,
          liquidationWindow: spec.liquidationWindow,
        });
      }
    }
  }
  return sets;
}

/** One policy's outcome in one window (means over the seeds). */
export interface WindowOutcome {
  window: string;
  badDebtUsd: number;
  solventDebtUsd: number;
}

/**
 * Whether `candidate` dominates `reference`: in every window its bad debt is at most the reference's
 * (ties count against the reference, the stricter reading), and its solvent debt summed over the windows
 * is larger. The windows must be the same, in the same order.
 */
export function dominates(candidate: readonly WindowOutcome[], reference: readonly WindowOutcome[]): boolean {
  if (candidate.length !== reference.length || candidate.some((c, i) => c.window !== reference[i]!.window)) {
    throw new RangeError("dominates: the two policies were not run on the same windows");
  }
  if (candidate.length === 0) throw new RangeError("dominates: no windows");
  const noMoreLoss = candidate.every((c, i) => c.badDebtUsd <= reference[i]!.badDebtUsd + BAD_DEBT_TOLERANCE_USD);
  return noMoreLoss && totals(candidate).solventDebtUsd > totals(reference).solventDebtUsd;
}

/** The seed means of a stress run, window by window. */
export const windowOutcomes = (rows: readonly StressRow[]): WindowOutcome[] =>
  rows.map((r) => ({ window: r.scenario, badDebtUsd: r.seeds.mean.badDebt, solventDebtUsd: r.seeds.mean.solventDebtUsdAvg }));

/** Bad debt and solvent debt summed over the windows. */
export function totals(rows: readonly WindowOutcome[]): { badDebtUsd: number; solventDebtUsd: number } {
  return rows.reduce((t, r) => ({ badDebtUsd: t.badDebtUsd + r.badDebtUsd, solventDebtUsd: t.solventDebtUsd + r.solventDebtUsd }), { badDebtUsd: 0, solventDebtUsd: 0 });
}

/**
 * The points no other point beats on both totals (no more bad debt and no less solvent debt, one of the
 * two strictly), by total bad debt ascending.
 */
export function paretoFrontier<T extends { outcome: readonly WindowOutcome[] }>(points: readonly T[]): T[] {
  const summed = points.map((p) => ({ p, t: totals(p.outcome) }));
  const beats = (q: (typeof summed)[number], p: (typeof summed)[number]) =>
    q.t.badDebtUsd <= p.t.badDebtUsd && q.t.solventDebtUsd >= p.t.solventDebtUsd && (q.t.badDebtUsd < p.t.badDebtUsd || q.t.solventDebtUsd > p.t.solventDebtUsd);
  return summed.filter((p) => !summed.some((q) => q !== p && beats(q, p))).sort((a, b) => a.t.badDebtUsd - b.t.badDebtUsd).map((s) => s.p);
}
