/**
 * Static against calibrated, scenario by scenario: the two promises of the product, side by side.
 * A calibrated policy must lose no more than the static one in every crash and lend more in calm
 * markets; this module states both verdicts from two runs of the same scenarios (mean over the seeds,
 * and the worst seed for bad debt).
 */
import type { StressRow } from "./run.js";

/** Calibrated minus static; positive bad debt is a loss, positive solvent debt is more lending. */
export interface PolicyDifference {
  badDebtUsd: number;
  worstBadDebtUsd: number;
  solventDebtUsd: number;
  /** Relative to the static policy's solvent debt (0 when it had none). */
  solventDebtRelative: number;
  bonusPaidInsolventUsd: number;
  peakSpiralProduct: number;
}

export interface ScenarioComparison {
  scenario: string;
  kind: StressRow["kind"];
  description: string;
  from: string;
  to: string;
  static: StressRow;
  calibrated: StressRow;
  difference: PolicyDifference;
  /** Mean bad debt no larger than static's (within a dollar: float sums of the same losses differ in the last bits). */
  losesNoMore: boolean;
  lendsMore: boolean;
}

/** Bad debt differences below a dollar are rounding of the same losses, not a difference in outcome. */
export const BAD_DEBT_TOLERANCE_USD = 1;

export function compareScenarios(staticRows: readonly StressRow[], calibratedRows: readonly StressRow[]): ScenarioComparison[] {
  if (staticRows.length !== calibratedRows.length) throw new RangeError(`compareScenarios: ${staticRows.length} static rows against ${calibratedRows.length} calibrated`);
  return staticRows.map((s, i) => {
    const c = calibratedRows[i]!;
    if (c.scenario !== s.scenario || s.policy !== "static" || c.policy !== "calibrated") {
      throw new RangeError(`compareScenarios: row ${i} pairs ${s.policy} ${s.scenario} with ${c.policy} ${c.scenario}`);
    }
    const solvent = c.seeds.mean.solventDebtUsdAvg - s.seeds.mean.solventDebtUsdAvg;
    const difference: PolicyDifference = {
      badDebtUsd: c.seeds.mean.badDebt - s.seeds.mean.badDebt,
      worstBadDebtUsd: c.seeds.worst.badDebt - s.seeds.worst.badDebt,
      solventDebtUsd: solvent,
      solventDebtRelative: s.seeds.mean.solventDebtUsdAvg > 0 ? solvent / s.seeds.mean.solventDebtUsdAvg : 0,
      bonusPaidInsolventUsd: c.seeds.mean.bonusPaidInsolventUsd - s.seeds.mean.bonusPaidInsolventUsd,
      peakSpiralProduct: c.seeds.mean.peakSpiralProduct - s.seeds.mean.peakSpiralProduct,
    };
    return {
      scenario: s.scenario,
      kind: s.kind,
      description: s.description,
      from: s.from,
      to: s.to,
      static: s,
      calibrated: c,
      difference,
      losesNoMore: difference.badDebtUsd <= BAD_DEBT_TOLERANCE_USD,
      lendsMore: solvent > 0,
    };
  });
}
