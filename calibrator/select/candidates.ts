/**
 * The candidate parameter sets a selection scores: a documented grid around the formula's point
 * (docs/policy.md), every set valid on chain and inside the spiral guard. Pure.
 */
import { type AssetRules, BPS } from "../rules/types.js";

export interface CandidateBps {
  ltvBps: number;
  liquidationThresholdBps: number;
  liquidationBonusBps: number;
  closeFactorBps: number;
}

/** The grid's axes, as offsets from the formula's point (bps). */
export interface CandidateGrid {
  thresholdOffsetsBps: readonly number[];
  /** LTV = threshold − gap; the formula's own gap is always added. */
  ltvGapsBps: readonly number[];
  bonusOffsetsBps: readonly number[];
  closeFactorsBps: readonly number[];
}

export const DEFAULT_CANDIDATE_GRID: CandidateGrid = {
  thresholdOffsetsBps: [-1_200, -900, -600, -400, -200, 0, 200, 400],
  ltvGapsBps: [250, 400, 600, 900],
  bonusOffsetsBps: [0, 100, 200],
  closeFactorsBps: [5_000, 10_000],
};

/** What a candidate must satisfy: the deployment's bounds and the policy's spiral margin. */
export interface CandidateLimits {
  ltvBps: readonly [number, number];
  liquidationThresholdBps: readonly [number, number];
  liquidationBonusBps: readonly [number, number];
  closeFactorBps: readonly [number, number];
  spiralMarginBps: number;
}

/** The four parameters a candidate sets, taken from any parameter set (RiskParams, a report's params). */
export function candidateOf(p: CandidateBps): CandidateBps {
  return { ltvBps: p.ltvBps, liquidationThresholdBps: p.liquidationThresholdBps, liquidationBonusBps: p.liquidationBonusBps, closeFactorBps: p.closeFactorBps };
}

/** An asset's governance bounds (AssetRules) with the policy's spiral margin, as candidate limits. */
export function limitsFromRules(rules: Pick<AssetRules, "ltv" | "liquidationThreshold" | "liquidationBonus" | "closeFactor">, spiralMarginBps: number): CandidateLimits {
  return {
    ltvBps: [rules.ltv.min, rules.ltv.max],
    liquidationThresholdBps: [rules.liquidationThreshold.min, rules.liquidationThreshold.max],
    liquidationBonusBps: [rules.liquidationBonus.min, rules.liquidationBonus.max],
    closeFactorBps: [rules.closeFactor.min, rules.closeFactor.max],
    spiralMarginBps,
  };
}

const inside = (x: number, [lo, hi]: readonly [number, number]) => x >= lo && x <= hi;

/** Inside the bounds, LTV below the threshold, and LT × (1 + LB) within the spiral margin. */
export function isValidCandidate(c: CandidateBps, limits: CandidateLimits): boolean {
  return (
    inside(c.ltvBps, limits.ltvBps) &&
    inside(c.liquidationThresholdBps, limits.liquidationThresholdBps) &&
    inside(c.liquidationBonusBps, limits.liquidationBonusBps) &&
    inside(c.closeFactorBps, limits.closeFactorBps) &&
    c.ltvBps < c.liquidationThresholdBps &&
    c.liquidationThresholdBps * (BPS + c.liquidationBonusBps) <= (BPS - limits.spiralMarginBps) * BPS
  );
}

/**
 * The point as the updater would take it: every field inside its bounds, the threshold lowered to the
 * spiral margin and the LTV below the threshold (the formula may ask for less than the bounds allow, in
 * a crash, and the keeper then writes the bound).
 */
export function clampToLimits(point: CandidateBps, limits: CandidateLimits): CandidateBps {
  const clamp = (x: number, [lo, hi]: readonly [number, number]) => Math.min(hi, Math.max(lo, x));
  const lb = clamp(point.liquidationBonusBps, limits.liquidationBonusBps);
  const spiralCap = Math.floor(((BPS - limits.spiralMarginBps) * BPS) / (BPS + lb));
  const lt = Math.min(clamp(point.liquidationThresholdBps, limits.liquidationThresholdBps), spiralCap);
  const ltv = Math.min(clamp(point.ltvBps, limits.ltvBps), lt - 1);
  return { ltvBps: ltv, liquidationThresholdBps: lt, liquidationBonusBps: lb, closeFactorBps: clamp(point.closeFactorBps, limits.closeFactorBps) };
}

/**
 * A selection's choice carried to a later formula point (the calibrations between two selections): the
 * threshold, bonus and close factor as chosen (the slow levers, set by simulation), and the LTV, the
 * fast lever, lowered by as much as the formula's LTV has fallen since the selection (never raised by
 * it). Where that leaves the limits, the formula's point.
 */
export function carryChoice(chosen: CandidateBps, formerPoint: CandidateBps, point: CandidateBps, limits: CandidateLimits): CandidateBps {
  const carried = { ...chosen, ltvBps: chosen.ltvBps + Math.min(0, point.ltvBps - formerPoint.ltvBps) };
  return isValidCandidate(carried, limits) ? carried : point;
}

/** The grid around `point`, deduplicated, in a fixed order; `point` itself is first when it is valid. */
export function candidateGrid(point: CandidateBps, limits: CandidateLimits, grid: CandidateGrid = DEFAULT_CANDIDATE_GRID): CandidateBps[] {
  const valid = (c: CandidateBps) => isValidCandidate(c, limits);
  const seen = new Set<string>();
  const out: CandidateBps[] = [];
  const add = (c: CandidateBps) => {
    const key = `${c.ltvBps}/${c.liquidationThresholdBps}/${c.liquidationBonusBps}/${c.closeFactorBps}`;
    if (seen.has(key) || !valid(c)) return;
    seen.add(key);
    out.push(c);
  };
  add(point);
  const formulaGap = point.liquidationThresholdBps - point.ltvBps;
  const gaps = [...new Set([formulaGap, ...grid.ltvGapsBps])];
  for (const dt of grid.thresholdOffsetsBps) {
    for (const gap of gaps) {
      for (const db of grid.bonusOffsetsBps) {
        for (const cf of grid.closeFactorsBps) {
          const lt = point.liquidationThresholdBps + dt;
          add({ ltvBps: lt - gap, liquidationThresholdBps: lt, liquidationBonusBps: point.liquidationBonusBps + db, closeFactorBps: cf });
        }
      }
    }
  }
  return out;
}
