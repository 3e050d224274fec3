/**
 * The calibrator along a backtest path: the parameters and horizon VaR it would have published at the
 * opening and every N hours after, each from the trailing `lookbackHours` of candles closed by then (no
 * look-ahead). Option snapshots are dropped: there is no implied-volatility history for past windows, so
 * the backtested calibrator uses GARCH/FHS on prices and the pool's depth only.
 */
import type { CandleSeries } from "../data/candles.js";
import type { CalibrationConfig } from "../calibrate/config.js";
import { calibrateConfig } from "../calibrate/pipeline.js";
import type { RiskParams } from "../rules/types.js";
import type { MarketPath } from "./market.js";
import { riskParamsFromJson } from "../rules/paramsJson.js";
import type { SelectionContext } from "../calibrate/selection.js";
import type { SelectionSummary } from "../select/select.js";
import { type CandidateBps, type CandidateLimits, candidateOf, carryChoice, clampToLimits } from "../select/candidates.js";

export interface Calibration {
  /** The first step the calibration can act on: −1 for the opening one (data up to the opening). */
  step: number;
  /** Per calibrated asset (undefined for assets not calibrated). */
  params: (RiskParams | undefined)[];
  /** Horizon VaR (log-return loss) and its horizon in candles, per calibrated asset. */
  horizonVar: (number | undefined)[];
  horizonPeriods: (number | undefined)[];
  /** Per calibrated asset: whether the calibration called a crisis. */
  crisis: (boolean | undefined)[];
  /** Per calibrated asset: the selection by simulation run at this calibration (fresh ones only). */
  selection: (SelectionSummary | undefined)[];
}

/** Candles of history the opening calibration needs at least (GARCH on fewer is noise). */
export const MIN_HISTORY_CANDLES = 200;

export interface CalibrationPlan {
  everyHours: number;
  lookbackHours: number;
  fhsPaths: number;
  /** Asset indices to calibrate. */
  assets: readonly number[];
  /**
   * Selection by simulation (when the calibration config has a `selection` block): a fresh one every
   * `everyHours`, its offsets carried to the calibrations between (within asset i's `limits`);
   * `context` gives asset i's book, bounds and venue at candle row `end`.
   */
  selector?: { everyHours: number; limits: (assetIndex: number) => CandidateLimits; context: (assetIndex: number, end: number) => SelectionContext | undefined };
}

/** Rows [start, end] of a series as a series of its own (gaps re-indexed). */
export function sliceCandles(series: CandleSeries, start: number, end: number): CandleSeries {
  const lo = Math.max(0, start);
  return {
    file: series.file,
    time: series.time.subarray(lo, end + 1),
    open: series.open.subarray(lo, end + 1),
    high: series.high.subarray(lo, end + 1),
    low: series.low.subarray(lo, end + 1),
    close: series.close.subarray(lo, end + 1),
    ...(series.volume ? { volume: series.volume.subarray(lo, end + 1) } : {}),
    intervalSeconds: series.intervalSeconds,
    gaps: series.gaps.filter((g) => g.index > lo && g.index <= end).map((g) => ({ index: g.index - lo, missing: g.missing })),
  };
}

export function calibrationSchedule(
  path: MarketPath,
  symbols: readonly string[],
  config: CalibrationConfig,
  base: string,
  plan: CalibrationPlan,
  onCalibration?: (done: number, total: number) => void,
): Calibration[] {
  const nSteps = path.times.length;
  for (const i of plan.assets) {
    const asset = path.assets[i]!;
    if (asset.firstIndex < MIN_HISTORY_CANDLES) {
      throw new RangeError(
        `${asset.candles.file}: the calibrator needs ${MIN_HISTORY_CANDLES} candles before the window; it has ${asset.firstIndex} (start the window later)`,
      );
    }
  }
  const points = [-1];
  for (let s = plan.everyHours - 1; s < nSteps; s += plan.everyHours) points.push(s);
  const backtestConfig: CalibrationConfig = {
    ...config,
    fhs: { ...config.fhs, paths: plan.fhsPaths },
    assets: config.assets.map((a) => ({ ...a, options: undefined })),
  };
  const selecting = plan.selector && config.selection ? plan.selector : undefined;
  const formulaConfig: CalibrationConfig = { ...backtestConfig, selection: undefined };
  // Per asset, the last selection: the formula's point then and the candidate chosen.
  const lastSelection: ({ step: number; point: CandidateBps; chosen: CandidateBps } | undefined)[] = symbols.map(() => undefined);
  return points.map((step, done) => {
    const params: (RiskParams | undefined)[] = symbols.map(() => undefined);
    const horizonVar: (number | undefined)[] = symbols.map(() => undefined);
    const horizonPeriods: (number | undefined)[] = symbols.map(() => undefined);
    const crisis: (boolean | undefined)[] = symbols.map(() => undefined);
    const selection: (SelectionSummary | undefined)[] = symbols.map(() => undefined);
    for (const i of plan.assets) {
      const asset = path.assets[i]!;
      const end = asset.firstIndex + step; // the last candle closed by the step's time
      const candles = sliceCandles(asset.candles, end - plan.lookbackHours, end);
      const last = lastSelection[i];
      const fresh = selecting !== undefined && (last === undefined || step - last.step >= selecting.everyHours);
      const fromContext = fresh ? selecting.context(i, end) : undefined;
      const context = fromContext && last ? { ...fromContext, incumbent: last.chosen } : fromContext;
      // Between selections the formula alone runs (else the config's own selection.book would select every time).
      const stepConfig = fresh ? backtestConfig : formulaConfig;
      const [result] = calibrateConfig(stepConfig, base, { candlesFor: () => candles, symbols: [symbols[i]!], selectionContext: () => context });
      if (!result) throw new Error(`the calibration config has no asset ${symbols[i]}`);
      let chosen = riskParamsFromJson(result.params);
      if (result.selection) {
        selection[i] = result.selection;
        const point = result.report.formulaParams as CandidateBps;
        // The selection's grid was centred on the formula's point clamped to the bounds: offsets are from it.
        lastSelection[i] = { step, point: clampToLimits(candidateOf(point), selecting!.limits(i)), chosen: candidateOf(chosen) };
      } else if (selecting && last) {
        const limits = selecting.limits(i);
        chosen = { ...chosen, ...carryChoice(last.chosen, last.point, clampToLimits(candidateOf(chosen), limits), limits) };
      }
      params[i] = chosen;
      const intermediates = result.report.intermediates as { fhsVar: number; horizonPeriods: number };
      horizonVar[i] = intermediates.fhsVar;
      horizonPeriods[i] = intermediates.horizonPeriods;
      crisis[i] = result.crisis;
    }
    onCalibration?.(done + 1, points.length);
    return { step, params, horizonVar, horizonPeriods, crisis, selection };
  });
}
