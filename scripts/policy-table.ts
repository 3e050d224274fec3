/**
 * The policy comparison of docs/backtests.md: for ETH and BTC alone, static (Aave v3) versus calibrated
 * parameters in every historical crash window, bad debt and borrowing power used. Run with
 * `npm run --silent bulwark -- ...` equivalents; this prints the Markdown table:
 *   tsx scripts/policy-table.ts [config/backtest.sample.json]
 */
import { loadBacktestConfig } from "../calibrator/backtest/config.js";
import { runStress, type StressRow } from "../calibrator/backtest/run.js";

const file = process.argv[2] ?? "config/backtest.sample.json";
const base = loadBacktestConfig(file);
const only = (symbol: string) => ({
  ...base,
  config: { ...base.config, assets: base.config.assets.filter((a) => a.symbol === symbol), stress: { ...base.config.stress, shocks: [] } },
});
const results = new Map<string, StressRow[]>();
for (const symbol of ["WETH", "WBTC"]) {
  for (const policy of ["static", "calibrated"] as const) results.set(`${symbol}:${policy}`, runStress(only(symbol), policy));
}
const usd = (x: number) => `$${Math.round(x).toLocaleString("en-US")}`;
const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const windows = results.get("WETH:static")!.map((r) => r.scenario);
console.log("| window | asset | bad debt, static | bad debt, calibrated | borrowing power used, static | borrowing power used, calibrated | liquidated, static | liquidated, calibrated |");
console.log("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |");
for (const [w, name] of windows.entries()) {
  for (const symbol of ["WETH", "WBTC"]) {
    const s = results.get(`${symbol}:static`)![w]!.metrics;
    const c = results.get(`${symbol}:calibrated`)![w]!.metrics;
    console.log(`| ${name} | ${symbol === "WETH" ? "ETH" : "BTC"} | ${usd(s.badDebt)} | ${usd(c.badDebt)} | ${pct(s.avgBorrowingPowerUsed)} | ${pct(c.avgBorrowingPowerUsed)} | ${usd(s.liquidatedValue)} | ${usd(c.liquidatedValue)} |`);
  }
}
const p = base.config.population;
console.log(`\nPopulation: ${"count" in p ? `${p.count} accounts, $${p.minUsd.toLocaleString("en-US")}–$${p.maxUsd.toLocaleString("en-US")} collateral, initial health ${p.minHealth}–${p.maxHealth}, seed ${p.seed}` : p.file}; liquidator delay ${base.config.liquidator.delaySeconds} s; calibrated every ${base.config.policies.calibrated.everyHours} h on ${base.config.policies.calibrated.lookbackHours} h of history.`);
