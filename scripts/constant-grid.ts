/**
 * Issue 14, "no dominating constant set": runs every set of the documented constant grid
 * (backtest/dominance.ts, 105 sets) and the calibrated policy on the crash windows, per asset, over N
 * seeds, and lists the sets that lose no more in every window while lending more in total. A constant
 * set is one set for every crash, so by default it is judged on all ten windows at once, the six named
 * and the four holdout ones (`--windows named` or `holdout` for one group). Prints the frontier (total
 * bad debt against total solvent debt) as Markdown.
 *   tsx scripts/constant-grid.ts [config/backtest.sample.json] [--seeds N] [--windows all|named|holdout] [--assets WETH,WBTC]
 */
import { parseArgs } from "node:util";
import { loadBacktestConfig, singleAssetConfig, staticParams } from "../calibrator/backtest/config.js";
import { constantGrid, DOCUMENTED_GRID, dominates, paretoFrontier, totals, type WindowOutcome, windowOutcomes } from "../calibrator/backtest/dominance.js";
import { runStress } from "../calibrator/backtest/run.js";
import type { RiskParams } from "../calibrator/rules/types.js";
import { CRASH_WINDOWS, HOLDOUT_CRASH_WINDOWS } from "../calibrator/stress/crashWindows.js";

const { values, positionals } = parseArgs({
  options: { seeds: { type: "string", default: "10" }, windows: { type: "string", default: "all" }, assets: { type: "string", default: "WETH,WBTC" } },
  allowPositionals: true,
});
const seeds = Number(values.seeds);
if (!/^\d+$/.test(values.seeds) || seeds < 1) {
  console.error(`constant-grid: --seeds needs a positive whole number, got "${values.seeds}"`);
  process.exit(2);
}
const groups = { all: [...CRASH_WINDOWS, ...HOLDOUT_CRASH_WINDOWS], named: CRASH_WINDOWS, holdout: HOLDOUT_CRASH_WINDOWS };
if (!Object.hasOwn(groups, values.windows)) {
  console.error(`constant-grid: --windows is all, named or holdout, got "${values.windows}"`);
  process.exit(2);
}
const windows = groups[values.windows as keyof typeof groups];
const base = loadBacktestConfig(positionals[0] ?? "config/backtest.sample.json");
const symbols = values.assets.split(",");
for (const symbol of symbols) {
  if (!base.config.assets.some((a) => a.symbol === symbol)) {
    console.error(`constant-grid: --assets: ${symbol} is not an asset of the config`);
    process.exit(2);
  }
}

const usd = (x: number) => `$${(x / 1e6).toFixed(2)}M`;
const label = (p: RiskParams) => `${p.ltvBps / 100}/${p.liquidationThresholdBps / 100}/${p.liquidationBonusBps / 100}`;
const row = (name: string, outcome: readonly WindowOutcome[]) => {
  const t = totals(outcome);
  return `| ${name} | ${usd(t.badDebtUsd)} | ${usd(t.solventDebtUsd)} | ${outcome.map((r) => `${r.window} ${usd(r.badDebtUsd)}`).join(", ")} |`;
};

for (const symbol of symbols) {
  const deployed = staticParams(base, symbol);
  const grid = constantGrid({ ...DOCUMENTED_GRID, liquidationCapPerWindow: deployed.liquidationCapPerWindow, liquidationWindow: deployed.liquidationWindow });
  const calibrated = { name: "calibrated", outcome: windowOutcomes(runStress(singleAssetConfig(base, symbol), "calibrated", undefined, seeds, windows)) };
  const rows = grid.map((params) => ({ name: label(params), outcome: windowOutcomes(runStress(singleAssetConfig(base, symbol, params), "static", undefined, seeds, windows)) }));
  const dominating = rows.filter((r) => dominates(r.outcome, calibrated.outcome));
  // The frontier: sets no other set (nor the calibrated policy) beats on both totals.
  const frontier = paretoFrontier([...rows, calibrated]);
  console.log(`\n### ${symbol}: ${grid.length} constant sets (LTV/LT/bonus %) against the calibrated policy, ${windows.length} windows, ${seeds} seeds\n`);
  console.log(`Dominating sets (bad debt ≤ calibrated's in every window and more solvent debt in total): ${dominating.length === 0 ? "none" : dominating.map((d) => d.name).join(", ")}.\n`);
  console.log("Frontier of total bad debt against total solvent debt (sums over the windows of the seed means):\n");
  console.log("| set | total bad debt | total solvent debt | bad debt per window |");
  console.log("| --- | ---: | ---: | --- |");
  for (const p of frontier) console.log(row(p.name, p.outcome));
  if (!frontier.includes(calibrated)) console.log(row("calibrated (not on the frontier)", calibrated.outcome));
}
