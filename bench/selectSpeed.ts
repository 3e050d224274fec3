/**
 * `calibrator.select.ms`: selection by simulation for 2 assets (WETH and WBTC of
 * config/calibrate.sample.json), 1,000 scenarios each, the full candidate grid, a 2,000-account book
 * from the backtest's population distribution; the median of 3 runs after a warm-up, at 1 and at 2
 * worker threads. A run scores every candidate on every scenario and chooses (pool start-up included);
 * drawing the scenarios is timed apart (`calibrator.select.scenarios.ms`).
 */
import { loadConfig } from "../calibrator/calibrate/config.js";
import { calibrateConfig } from "../calibrator/calibrate/pipeline.js";
import { selectionSettings } from "../calibrator/calibrate/selection.js";
import { selectOnPool } from "../calibrator/select/select.js";
import { type BenchFigure, timedMedian, timedMedianAsync } from "./timing.js";

const BOOK = { count: 2_000, seed: 7, minUsd: 5_000, maxUsd: 500_000, minLimitUse: 0.5, maxLimitUse: 0.98 };
export const SELECT_BUDGET_MS = 60_000;

export async function selectSpeedFigures(): Promise<(BenchFigure & { detail: string })[]> {
  const base = loadConfig("config/calibrate.sample.json");
  const selection = { budgetFractionOfDebt: 0.004, confidence: 0.99, budgetFloorFromReference: false, dominateReferenceInCrashBlocks: false, minLendingGain: 0.01, scenarios: { count: 1_000 }, riskAversion: 1, book: BOOK, engine: { protocolFeeBps: 1_000, fullCloseHealthBps: 9_500, rateLimitBypassHealthBps: 9_500 }, workers: 2 };
  const config = { ...base, selection };
  const draw = () => calibrateConfig(config, "config", { deferSelection: true });
  const formulaOnly = timedMedian(3, () => calibrateConfig(base, "config")).medianMs;
  const withProblems = timedMedian(3, draw);
  const problems = withProblems.last.map((c) => c.selectionProblem!);
  const settings = selectionSettings(selection);
  const candidates = (await selectOnPool(problems, settings, 0)).map((s) => s.candidates.length);
  const detail = `2 assets, ${problems[0]!.scenarios.count} scenarios, ${candidates.join(" and ")} candidates, ${problems[0]!.book.use.length}-account book`;
  const figures: (BenchFigure & { detail: string })[] = [];
  for (const workers of [1, 2]) {
    const { medianMs } = await timedMedianAsync(3, () => selectOnPool(problems, settings, workers), 0);
    figures.push({ name: `calibrator.select.ms.${workers}worker${workers > 1 ? "s" : ""}`, value: medianMs, unit: "ms", target: SELECT_BUDGET_MS, detail });
  }
  figures.push({ name: "calibrator.select.scenarios.ms", value: Number((withProblems.medianMs - formulaOnly).toFixed(0)), unit: "ms", detail: "GARCH-t fits, scenario draws and depth tables of the 2 assets (calibration with problems minus without)" });
  return figures;
}
