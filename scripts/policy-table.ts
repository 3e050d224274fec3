/**
 * The policy comparison of docs/backtests.md: for ETH and BTC alone, static (Aave v3) versus calibrated
 * parameters in every historical crash window, over N population and liquidator seeds (default 10): bad
 * debt, solvent debt, bonus paid on insolvent accounts and peak LT × (1 + bonus), each as mean and worst.
 * Prints the Markdown table:
 *   tsx scripts/policy-table.ts [config/backtest.sample.json] [--seeds N] [--holdout]
 * With --holdout, the crash windows no issue names (stress/crashWindows.ts, HOLDOUT_CRASH_WINDOWS).
 */
import { parseArgs } from "node:util";
import { loadBacktestConfig, singleAssetConfig } from "../calibrator/backtest/config.js";
import { runStress, type StressRow } from "../calibrator/backtest/run.js";
import { CRASH_WINDOWS, HOLDOUT_CRASH_WINDOWS } from "../calibrator/stress/crashWindows.js";

const { values, positionals } = parseArgs({ options: { seeds: { type: "string", default: "10" }, holdout: { type: "boolean", default: false } }, allowPositionals: true });
const windows = values.holdout ? HOLDOUT_CRASH_WINDOWS : CRASH_WINDOWS;
const seeds = Number(values.seeds);
if (!/^\d+$/.test(values.seeds) || seeds < 1) {
  console.error(`policy-table: --seeds needs a positive whole number, got "${values.seeds}"`);
  process.exit(2);
}
const file = positionals[0] ?? "config/backtest.sample.json";
const base = loadBacktestConfig(file);
const results = new Map<string, StressRow[]>();
for (const symbol of ["WETH", "WBTC"]) {
  for (const policy of ["static", "calibrated"] as const) results.set(`${symbol}:${policy}`, runStress(singleAssetConfig(base, symbol), policy, undefined, seeds, windows));
}
const usd = (x: number) => `$${(x / 1e6).toFixed(2)}M`;
const pair = (mean: number, worst: number, f: (x: number) => string) => `${f(mean)} / ${f(worst)}`;
const names = results.get("WETH:static")!.map((r) => r.scenario);
console.log(`Mean / worst over ${seeds} seeds (worst: most bad debt, bonus and spiral product; least solvent debt).\n`);
console.log("| window | asset | policy | bad debt | solvent debt (avg) | bonus paid, insolvent | peak LT×(1+LB) | liquidation delay p50/p95 (h) |");
console.log("| --- | --- | --- | ---: | ---: | ---: | ---: | ---: |");
for (const [w, name] of names.entries()) {
  for (const symbol of ["WETH", "WBTC"]) {
    for (const policy of ["static", "calibrated"] as const) {
      const { mean, worst } = results.get(`${symbol}:${policy}`)![w]!.seeds;
      console.log(
        `| ${name} | ${symbol === "WETH" ? "ETH" : "BTC"} | ${policy} | ${pair(mean.badDebt, worst.badDebt, usd)} | ${pair(mean.solventDebtUsdAvg, worst.solventDebtUsdAvg, usd)} | ${pair(mean.bonusPaidInsolventUsd, worst.bonusPaidInsolventUsd, usd)} | ${pair(mean.peakSpiralProduct, worst.peakSpiralProduct, (x) => x.toFixed(3))} | ${mean.liquidationDelayHours.median.toFixed(1)} / ${mean.liquidationDelayHours.p95.toFixed(1)} |`,
      );
    }
  }
}
const p = base.config.population;
const l = base.config.liquidators;
console.log(
  `\nPopulation: ${"count" in p ? `${p.count} accounts, $${p.minUsd.toLocaleString("en-US")}–$${p.maxUsd.toLocaleString("en-US")} collateral, opening at ${p.minLimitUse}–${p.maxLimitUse} of the borrow limit, seeds ${p.seed}–${p.seed + seeds - 1}` : p.file}; ${l.count} liquidators, delays ${l.delayHours[0]}–${l.delayHours[1]} h, capital $${l.capitalUsd[0].toLocaleString("en-US")}–$${l.capitalUsd[1].toLocaleString("en-US")} per hour; warm-up ${base.config.warmupDays} days; calibrated every ${base.config.policies.calibrated.everyHours} h on ${base.config.policies.calibrated.lookbackHours} h of history.`,
);
