/**
 * backtest.sim.10k_positions_35k_steps: the simulator alone (no calibration) on ETHUSDT hourly 2022–2025
 * (34,347 steps) with 10,000 seeded WETH positions under the static policy; median of repeated runs.
 */
import { loadBacktestConfig } from "../calibrator/backtest/config.js";
import { cutWindow } from "../calibrator/backtest/market.js";
import { prepareSimInput, runScenario, stressScenarios } from "../calibrator/backtest/run.js";
import { simulate } from "../calibrator/backtest/simulator.js";
import { loadCandles } from "../calibrator/data/candles.js";
import { timedMedian } from "./timing.js";

export function backtestSimFigure(runs = 5): { name: string; value: number; unit: string; target: number; detail: string } {
  const loaded = loadBacktestConfig("config/backtest.sample.json");
  const weth = loaded.config.assets.find((a) => a.symbol === "WETH")!;
  loaded.config.assets = [weth];
  loaded.config.population = { count: 10_000, seed: 1, minUsd: 5_000, maxUsd: 500_000, minLimitUse: 0.5, maxLimitUse: 0.98 };
  const candles = loadCandles(loaded.at(weth.candles));
  const from = new Date(candles.time[1]! * 1000).toISOString().slice(0, 19).replace("T", " ");
  const to = new Date(candles.time.at(-1)! * 1000).toISOString().slice(0, 19).replace("T", " ");
  const path = cutWindow([candles], from, to);
  const input = prepareSimInput(loaded, { path, frozen: [], depthDivisor: 1, eth: candles }, "static", []);
  const { medianMs, last } = timedMedian(runs, () => simulate(input).details.liquidations);
  return {
    name: "backtest.sim.10k_positions_35k_steps",
    value: medianMs,
    unit: "ms",
    target: 2_000,
    detail: `${input.population.length} positions, ${path.times.length} steps, ${last} liquidations per run`,
  };
}

/**
 * backtest.sim.10seeds.window: one crash window (12–13 March 2020), WETH and WBTC, 2,000 seeded
 * accounts, 10 population and liquidator seeds, static policy (no calibration); median of repeated runs.
 */
export function backtestSeedsFigure(runs = 5): { name: string; value: number; unit: string; detail: string } {
  const loaded = loadBacktestConfig("config/backtest.sample.json");
  loaded.config.population = { count: 2_000, seed: 1, minUsd: 5_000, maxUsd: 500_000, minLimitUse: 0.5, maxLimitUse: 0.98 };
  const window = stressScenarios(loaded).find((s) => s.name === "2020-03-12")!;
  const scenario = window.build();
  const { medianMs, last } = timedMedian(runs, () => runScenario(loaded, scenario, "static", undefined, { varBacktest: false, seeds: 10 }).result.details.liquidations);
  return {
    name: "backtest.sim.10seeds.window",
    value: medianMs,
    unit: "ms",
    detail: `2020-03-12 window, ${loaded.config.assets.length} assets, 2,000 accounts × 10 seeds, ${scenario.path.times.length} steps, ${last} liquidations in the first seed`,
  };
}
