/**
 * Figures over several population and liquidator seeds: the mean, and the worst for the protocol
 * (the largest loss, delay or spiral product; the smallest capital efficiency and health). Pure.
 */
import type { SimMetrics } from "./simulator.js";

export interface SeedSummary {
  count: number;
  mean: SimMetrics;
  worst: SimMetrics;
}

type Scalar = Exclude<keyof SimMetrics, "liquidationDelayHours">;
/** Fields where less is worse for the protocol; every other field is worse when larger. */
const LOWER_IS_WORSE: ReadonlySet<Scalar> = new Set<Scalar>(["avgBorrowingPowerUsed", "solventDebtUsdAvg", "worstHealth"]);

export function summarizeSeeds(runs: readonly SimMetrics[]): SeedSummary {
  if (runs.length === 0) throw new RangeError("summarizeSeeds needs at least one run");
  const first = runs[0]!;
  const mean = { ...first, liquidationDelayHours: { ...first.liquidationDelayHours } };
  const worst = { ...first, liquidationDelayHours: { ...first.liquidationDelayHours } };
  for (const key of Object.keys(first) as (keyof SimMetrics)[]) {
    if (key === "liquidationDelayHours") continue;
    const values = runs.map((r) => r[key]);
    mean[key] = values.reduce((a, b) => a + b, 0) / values.length;
    worst[key] = LOWER_IS_WORSE.has(key) ? Math.min(...values) : Math.max(...values);
  }
  for (const q of ["median", "p95"] as const) {
    const values = runs.map((r) => r.liquidationDelayHours[q]);
    mean.liquidationDelayHours[q] = values.reduce((a, b) => a + b, 0) / values.length;
    worst.liquidationDelayHours[q] = Math.max(...values);
  }
  return { count: runs.length, mean, worst };
}
