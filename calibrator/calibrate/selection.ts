/**
 * The calibration's side of selection by simulation: the problem one asset's calibration poses (its
 * returns, the long daily history, the pool, the book) and the calibration rewritten with the chosen
 * parameters and the frontier in its report, re-hashed. The simulation itself is select/.
 */
import type { SlippageCurve } from "../backtest/depth.js";
import type { CandleSeries } from "../data/candles.js";
import { fitGarch } from "../models/garch.js";
import { reportHash } from "../report/reportHash.js";
import { type CandidateBps, candidateOf, type CandidateLimits, isValidCandidate } from "../select/candidates.js";
import type { SelectionBook } from "../select/evaluate.js";
import { depthTable, type EngineLiquidationBps, selectionMarket } from "../select/market.js";
import { DEFAULT_SCENARIO_SPEC, drawScenarios, type ScenarioSpec } from "../select/scenarios.js";
import { DEFAULT_SELECTION_SETTINGS, type Selection, type SelectionProblem, selectionReport, type SelectionSettings } from "../select/select.js";
import { DEFAULT_IMPACT, trailingMarket } from "../backtest/impact.js";
import type { SelectionConfig } from "./config.js";
import type { AssetCalibration } from "./pipeline.js";

/** What the caller knows that the calibration config does not: the book, the bounds, the venue's era. */
export interface SelectionContext {
  book: SelectionBook;
  /** The deployment's bounds for this asset and the policy's spiral margin. */
  limits?: CandidateLimits;
  engine?: EngineLiquidationBps;
  /** The pool's liquidity against the snapshot's (the backtest's era scale); default 1. */
  poolScale?: number;
  /** Trailing 24-hour USD volume; default: from the candles' volume column. */
  dailyVolumeUsd?: number;
  impact?: { sqrtLawY: number; marketHalfLifeHours: number; poolHalfLifeHours: number };
  /** The parameters governance set by hand (select.ts: the budget never falls below their ES per dollar). */
  reference?: CandidateBps;
  /** The set the last selection chose (select.ts keeps it while it stays within budget and near the best). */
  incumbent?: CandidateBps;
}

/** Every limit the engine and updater would accept, when the caller gives no deployment bounds. */
export const OPEN_LIMITS = (spiralMarginBps: number): CandidateLimits => ({
  ltvBps: [1, 9_999],
  liquidationThresholdBps: [1, 9_999],
  liquidationBonusBps: [0, 5_000],
  closeFactorBps: [1, 10_000],
  spiralMarginBps,
});

export function selectionSettings(config: SelectionConfig): SelectionSettings {
  return { ...DEFAULT_SELECTION_SETTINGS, budgetFractionOfDebt: config.budgetFractionOfDebt, confidence: config.confidence, minLendingGain: config.minLendingGain, dominateReferenceInCrashBlocks: config.dominateReferenceInCrashBlocks };
}

export function scenarioSpec(config: SelectionConfig): ScenarioSpec {
  return { ...DEFAULT_SCENARIO_SPEC, ...config.scenarios };
}

export interface ProblemInputs {
  config: SelectionConfig;
  context: SelectionContext;
  formula: { ltvBps: number; liquidationThresholdBps: number; liquidationBonusBps: number; closeFactorBps: number; capPerWindowUsd: number; windowSeconds: number };
  returns: Float64Array;
  candles: CandleSeries;
  daily: readonly CandleSeries[];
  lookbackDays: number;
  curve: SlippageCurve;
  gasCostUsd: number;
  spiralMarginBps: number;
}

/** The selection problem of one asset's calibration. */
export function selectionProblem(inputs: ProblemInputs): SelectionProblem {
  const { config, context, formula, candles } = inputs;
  const limits = context.limits ?? OPEN_LIMITS(inputs.spiralMarginBps);
  const garch = fitGarch(inputs.returns, { distribution: "student-t" });
  const asOf = candles.time.at(-1)! + candles.intervalSeconds;
  const scenarios = drawScenarios({ hourlyReturns: inputs.returns, garch, daily: inputs.daily, asOf, lookbackDays: inputs.lookbackDays }, scenarioSpec(config));
  const market = selectionMarket({
    depthUsd: depthTable(inputs.curve, context.poolScale ?? 1),
    // The backtest's own trailing-24-hour volume, at the calibration's last candle.
    dailyVolumeUsd: context.dailyVolumeUsd ?? trailingMarket(candles.close, candles.volume, candles.close.length - 1, 1).dailyVolumeUsd[0]!,
    impact: context.impact ?? DEFAULT_IMPACT,
    gasCostUsd: inputs.gasCostUsd,
    calmDailySigma: Math.sqrt(garch.sigma2Next * (86_400 / candles.intervalSeconds)),
    riskAversion: config.riskAversion,
    engine: context.engine ?? config.engine,
  });
  return {
    point: candidateOf(formula),
    capPerHourUsd: (formula.capPerWindowUsd * 3_600) / formula.windowSeconds,
    limits,
    book: context.book,
    market,
    scenarios,
    ...(context.reference ? { reference: context.reference } : {}),
    // An incumbent the bounds no longer admit cannot be kept.
    ...(context.incumbent && isValidCandidate(context.incumbent, limits) ? { incumbent: context.incumbent } : {}),
  };
}

/** The calibration with the chosen parameters, the selection in its report, and the report re-hashed. */
export function withSelection(calibration: AssetCalibration, selection: Selection, settings: SelectionSettings, problem: SelectionProblem): AssetCalibration {
  const { chosen } = selection;
  const params = { ...calibration.params, ...candidateOf(chosen) };
  const { reportHash: _previous, ...body } = calibration.report;
  const summary = selectionReport(selection, settings, problem);
  const next = { ...body, formulaParams: calibration.params, params, selection: summary };
  return { ...calibration, params, selection: summary, report: { ...next, reportHash: reportHash(next) } };
}
