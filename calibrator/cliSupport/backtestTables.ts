/** The text tables and summary lines of `bulwark backtest` and `bulwark stress` (presentation only). */
import type { ScenarioComparison } from "../backtest/compare.js";
import type { BacktestRun } from "../backtest/run.js";

const usd = (x: number) => `$${Math.round(x).toLocaleString("en-US")}`;
const signedUsd = (x: number) => `${x > 0 ? "+" : x < 0 ? "−" : "±"}${usd(Math.abs(x))}`;
const signedPct = (x: number) => `${x > 0 ? "+" : x < 0 ? "−" : "±"}${Math.abs(x * 100).toFixed(1)}%`;

/** One run's metrics as a table row. */
export function metricsRow(m: BacktestRun["output"]["metrics"]) {
  return {
    "bad debt": usd(m.badDebt),
    liquidated: usd(m.liquidatedValue),
    "bonus paid": usd(m.bonusPaid),
    fees: usd(m.protocolFees),
    "rate-limited": m.blockedByRateLimit,
    "borrowing power used": `${(m.avgBorrowingPowerUsed * 100).toFixed(2)}%`,
    "solvent debt": usd(m.solventDebtUsdAvg),
    "bonus on insolvent": usd(m.bonusPaidInsolventUsd),
    "peak LT×(1+LB)": m.peakSpiralProduct.toFixed(4),
    "delay p50/p95 h": `${m.liquidationDelayHours.median.toFixed(1)}/${m.liquidationDelayHours.p95.toFixed(1)}`,
    "worst health": m.worstHealth.toFixed(3),
  };
}

/** The rows of `backtest`: each policy's mean, and its worst seed when there are several. */
export function backtestRows(runs: readonly BacktestRun[], seeds: number) {
  return Object.fromEntries(
    runs.flatMap((r) => [
      [seeds > 1 ? `${r.output.policy} (mean)` : r.output.policy, metricsRow(r.output.metrics)],
      ...(seeds > 1 ? [[`${r.output.policy} (worst)`, metricsRow(r.output.seeds.worst)]] : []),
    ]),
  );
}

/** A run's VaR backtest and timings, one line. */
export function runSummaryLine(r: BacktestRun): string {
  return `${r.output.policy}: VaR ${r.var.exceptions}/${r.var.observations} exceptions at ${r.var.confidence}; Kupiec LR ${r.var.kupiecLR.toFixed(2)} (${r.var.kupiecPass ? "pass" : "fail"}), Christoffersen LR ${r.var.christoffersenLR.toFixed(2)} (${r.var.christoffersenPass ? "pass" : "fail"}); sim ${r.output.timings.simMs.toFixed(0)} ms, calibration ${r.calibrationMs.toFixed(0)} ms, ${r.result.parameterChanges.length} parameter updates`;
}

/** The comparison table of `stress --policy both`: each scenario's two outcomes and their difference. */
export function comparisonRow(c: ScenarioComparison) {
  const s = c.static.seeds.mean;
  const k = c.calibrated.seeds.mean;
  return {
    kind: c.kind,
    "bad debt static": usd(s.badDebt),
    "bad debt calibrated": usd(k.badDebt),
    "Δ bad debt": signedUsd(c.difference.badDebtUsd),
    "solvent debt static": usd(s.solventDebtUsdAvg),
    "solvent debt calibrated": usd(k.solventDebtUsdAvg),
    "Δ lent": signedPct(c.difference.solventDebtRelative),
    "peak LT×(1+LB) s/c": `${s.peakSpiralProduct.toFixed(3)}/${k.peakSpiralProduct.toFixed(3)}`,
    verdict: `${c.losesNoMore ? "loses no more" : "LOSES MORE"}, ${c.lendsMore ? "lends more" : "lends less"}`,
  };
}

/** The verdict over the historical crashes of a comparison. */
export function crashVerdictLine(comparisons: readonly ScenarioComparison[]): string {
  const crashes = comparisons.filter((c) => c.kind === "historical");
  return `historical crashes: calibrated loses no more in ${crashes.filter((c) => c.losesNoMore).length} of ${crashes.length} and lends more in ${crashes.filter((c) => c.lendsMore).length} of ${crashes.length}`;
}
