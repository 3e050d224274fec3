/**
 * The calibration pipeline: market data → risk estimates (GARCH, implied volatility, FHS expected
 * shortfall, exact pool slippage) → the policy's parameters → a hashed report. The arithmetic lives in
 * models/ and policy/; this module wires it to the inputs and records every intermediate.
 */
import type { PlausibilityLimits } from "../data/plausibility.js";
import { dirname, resolve } from "node:path";
import { type CandleSeries, candleLogReturns, loadCandles } from "../data/candles.js";
import { loadOptionSnapshot } from "../data/deribit.js";
import type { PoolSnapshot } from "../data/uniswapPool.js";
import { toUnits } from "../data/units.js";
import { filteredHistoricalSimulation } from "../models/fhs.js";
import { fitGarch, horizonVariance } from "../models/garch.js";
import { impliedVolSurface } from "../models/impliedSurface.js";
import { longRunTail, scaleDailyToHorizon } from "../models/longRunTail.js";
import { sellSide } from "../models/poolSide.js";
import { atmVolatility } from "../models/svi.js";
import { normalVarEs } from "../models/tails.js";
import { maxSellWithinSlippage, simulateExactInput } from "../models/uniswapV3.js";
import { crisisCheck } from "../policy/crisis.js";
import { DEFAULT_POLICY, liquidationHorizonSeconds, type PolicyConstants, type RiskEstimates, riskParameters } from "../policy/riskPolicy.js";
import { reportHash } from "../report/reportHash.js";
import type { RiskParamsJson } from "../rules/types.js";
import { type CalibrationAsset, type CalibrationConfig, loadConfig } from "./config.js";
import { codeVersion, perFileVersion, poolSnapshot, sha256 } from "./inputs.js";
import { slippageCurve } from "../backtest/depth.js";
import { selectNow, selectOnPool, type SelectionProblem, type SelectionSummary } from "../select/select.js";
import { bookFromPopulation } from "../select/book.js";
import { type SelectionContext, selectionProblem, selectionSettings, withSelection } from "./selection.js";

const dailyCandles = perFileVersion((file) => loadCandles(file));
/** The pool's slippage curve, once per snapshot version. */
const poolCurve = perFileVersion((dir) => slippageCurve(poolSnapshot(dir)));

export interface AssetCalibration {
  symbol: string;
  params: RiskParamsJson;
  /** Open time (unix seconds) of the last candle the calibration used: how fresh its data is. */
  dataEnd: number;
  /** The crisis rule fired (policy/crisis.ts): the keeper holds the threshold and the bonus. */
  crisis: boolean;
  report: Record<string, unknown> & { reportHash: `0x${string}` };
  /** The estimates behind each parameter, typed (the same numbers as the report's intermediates). */
  reasoning: CalibrationReasoning;
  /** The selection by simulation that chose `params` (also in the report), when the config asks for one. */
  selection?: SelectionSummary;
  /** The selection still to run (`deferSelection`), when the config asks for one and the caller gave a book. */
  selectionProblem?: SelectionProblem;
}

/** Why each parameter has its value: every estimate that fed it, as fractions (0.01 = 1%). */
export interface CalibrationReasoning {
  volatility: {
    /** GARCH(1,1) one-step σ, per candle interval. */
    garchSigmaNext: number;
    candleSeconds: number;
    /** SVI at-the-money implied volatility at the horizon, annualised; null without an option snapshot. */
    impliedAtmVol: number | null;
    horizonSeconds: number;
    /** σ over the horizon: the larger of GARCH's and the implied. */
    sigmaHorizon: number;
    hourlyVol: number;
  };
  tail: {
    confidence: number;
    fhsEs: number;
    normalEs: number;
    /** The long history's daily ES scaled to the horizon (through the cycle); 0 without a long history. */
    longRunHorizonEs: number;
    /** The largest of the three, in log-return units; `binding` says which. */
    horizonEs: number;
    binding: "fhs" | "normal" | "long-run";
    /** The threshold covers (1 + stressBuffer) × horizonEs (policy constant, EMIR Art. 28(1)(a)). */
    stressBuffer: number;
    priceDrop: number;
  };
  liquidity: { pool: string; poolIsProxy: boolean; stressedSizeUsd: number; stressedSlippage: number };
  bonus: {
    slippage: number;
    gasTerm: number;
    currentExecutionRisk: number;
    longRunExecutionRisk: number;
    minBonus: number;
    bonusRaw: number;
    bonus: number;
  };
  threshold: { fromTail: number; spiralCap: number; threshold: number; binding: "tail" | "spiral" };
  ltv: { zBuffer: number; bufferHours: number; ltv: number };
  /** LT × (1 + LB) of the rounded parameters, and the policy's ceiling 1 − margin. */
  spiralProduct: number;
  spiralCeiling: number;
  crisis: boolean;
}

export interface CalibrateOptions {
  /**
   * A price history to use instead of the asset's candle file (the keeper passes the Chainlink feed's
   * rounds read on-chain); `undefined` for the file.
   */
  candlesFor?: (symbol: string) => CandleSeries | undefined;
  /** Calibrate only these symbols (default: every asset of the config). */
  symbols?: readonly string[];
  /** The plausibility limits the candle file is held to (default: `plausibilityLimits()`). */
  plausibility?: PlausibilityLimits;
  /**
   * The book, bounds and venue a selection by simulation scores over (the keeper's on-chain book, the
   * backtest's population); without it a selection uses the config's `selection.book`, or is skipped.
   */
  selectionContext?: (symbol: string) => SelectionContext | undefined;
  /** Leave the selection to the caller (`selectionProblem`), which scores it on a worker pool. */
  deferSelection?: boolean;
}

/** Calibrates every asset of a config file (paths inside it resolve against the file's folder). */
export function calibrate(configFile: string, options: CalibrateOptions = {}): AssetCalibration[] {
  return calibrateConfig(loadConfig(configFile), dirname(resolve(configFile)), options);
}

/** `calibrate` with any selection scored on the config's worker threads (the CLI). */
export function calibrateOnPool(configFile: string, options: CalibrateOptions = {}): Promise<AssetCalibration[]> {
  return calibrateConfigOnPool(loadConfig(configFile), dirname(resolve(configFile)), options);
}

/** Calibrates a parsed config whose relative paths are resolved against `base`. */
export function calibrateConfig(config: CalibrationConfig, base: string, options: CalibrateOptions = {}): AssetCalibration[] {
  const policy: PolicyConstants = { ...DEFAULT_POLICY, ...config.policy };
  const wanted = options.symbols ? config.assets.filter((a) => options.symbols!.includes(a.symbol)) : config.assets;
  const calibrations = wanted.map((asset) => calibrateAsset(config, asset, base, policy, options));
  if (options.deferSelection || !config.selection) return calibrations;
  const settings = selectionSettings(config.selection);
  return calibrations.map((c) => (c.selectionProblem ? applySelection(c, selectNow([c.selectionProblem], settings)[0]!, config.selection!) : c));
}

function applySelection(c: AssetCalibration, selection: Parameters<typeof withSelection>[1], config: NonNullable<CalibrationConfig["selection"]>): AssetCalibration {
  const { selectionProblem: problem, ...rest } = c;
  return withSelection(rest, selection, selectionSettings(config), problem!);
}

/**
 * `calibrateConfig` with the selections scored on `selection.workers` threads, one pool for every
 * asset (the CLI and the keeper; the result is the same as the synchronous one's).
 */
export async function calibrateConfigOnPool(config: CalibrationConfig, base: string, options: CalibrateOptions = {}): Promise<AssetCalibration[]> {
  const calibrations = calibrateConfig(config, base, { ...options, deferSelection: true });
  const selection = config.selection;
  if (!selection) return calibrations;
  const pending = calibrations.filter((c) => c.selectionProblem);
  const selections = await selectOnPool(pending.map((c) => c.selectionProblem!), selectionSettings(selection), selection.workers);
  return calibrations.map((c) => (c.selectionProblem ? applySelection(c, selections[pending.indexOf(c)]!, selection) : c));
}

interface VolatilityEstimate {
  crisis: boolean;
  garchSigmaNext: number;
  impliedAtmVol: number | null;
  horizonSeconds: number;
  sigmaHorizon: number;
  fhsEs: number;
  normalEs: number;
  longRunHorizonEs: number;
  /** The long history's daily ES scaled to the execution time (0 without a long history). */
  longRunExecutionRisk: number;
  returns: number;
  horizonEs: number;
  hourlyVol: number;
  optionsSha256?: string;
  intermediates: Record<string, unknown>;
}

/**
 * The price risk over the liquidation horizon: the larger of the GARCH and the implied horizon
 * variance (conservative), and the larger of the FHS and the normal expected shortfall.
 */
function volatilityEstimate(candles: CandleSeries, asset: CalibrationAsset, policy: PolicyConstants, fhsOptions: CalibrationConfig["fhs"], at: (p: string) => string): VolatilityEstimate {
  const returns = candleLogReturns(candles);
  const longRun = longRunEstimate(candles, returns, asset, policy, at);
  const horizonSeconds = liquidationHorizonSeconds(asset.physics);
  const horizonPeriods = Math.max(1, Math.ceil(horizonSeconds / candles.intervalSeconds));
  const garch = fitGarch(returns);
  const garchHorizonVar = horizonVariance(garch.params, garch.sigma2Next, horizonPeriods);
  const horizonYears = horizonSeconds / (365 * 86_400);
  let impliedAtm: number | undefined;
  let optionsSha256: string | undefined;
  if (asset.options) {
    const file = at(asset.options.snapshot);
    optionsSha256 = sha256(file);
    const surface = impliedVolSurface(loadOptionSnapshot(file, { currency: asset.options.currency }), asset.options.currency);
    impliedAtm = atmVolatility(surface.slices.map((s) => ({ T: s.T, params: s.svi })), horizonYears);
  }
  const impliedHorizonVar = impliedAtm !== undefined ? impliedAtm * impliedAtm * horizonYears : 0;
  const sigmaHorizon = Math.sqrt(Math.max(garchHorizonVar, impliedHorizonVar));
  const hourlyVol = sigmaHorizon / Math.sqrt(horizonSeconds / 3_600);
  const fhs = filteredHistoricalSimulation(returns, garch, { horizon: horizonPeriods, confidence: policy.esConfidence, ...fhsOptions });
  const normal = normalVarEs(0, sigmaHorizon, policy.esConfidence);
  // Through the cycle: never below the long-run daily ES scaled to the horizon (anti-procyclical floor).
  const longRunHorizonEs = longRun ? scaleDailyToHorizon(longRun.tail.dailyEs, horizonSeconds) : 0;
  const horizonEs = Math.max(fhs.es, normal.es, longRunHorizonEs);
  return {
    crisis: longRun?.crisis.crisis ?? false,
    garchSigmaNext: Math.sqrt(garch.sigma2Next),
    impliedAtmVol: impliedAtm ?? null,
    horizonSeconds,
    sigmaHorizon,
    fhsEs: fhs.es,
    normalEs: normal.es,
    longRunHorizonEs,
    longRunExecutionRisk: longRun ? scaleDailyToHorizon(longRun.tail.dailyEs, asset.physics.executionSeconds) : 0,
    returns: returns.length,
    horizonEs,
    hourlyVol,
    ...(optionsSha256 !== undefined ? { optionsSha256 } : {}),
    intermediates: {
      horizonSeconds,
      horizonPeriods,
      garch: { ...garch.params, logLikelihood: garch.logLikelihood, sigmaNext: Math.sqrt(garch.sigma2Next) },
      garchHorizonVol: Math.sqrt(garchHorizonVar),
      impliedAtmVol: impliedAtm ?? null,
      impliedHorizonVol: Math.sqrt(impliedHorizonVar),
      sigmaHorizon,
      hourlyVol,
      fhsEs: fhs.es,
      fhsVar: fhs.var,
      normalEs: normal.es,
      longRun: longRun
        ? {
            dailyEs: longRun.tail.dailyEs,
            dailySigma: longRun.tail.dailySigma,
            returns: longRun.tail.returns,
            from: longRun.tail.from,
            to: longRun.tail.to,
            horizonEs: longRunHorizonEs,
            crisis: longRun.crisis.crisis,
            largestRecentMove: longRun.crisis.largestMove,
            crisisTrigger: longRun.crisis.trigger,
          }
        : null,
      horizonEs,
    },
  };
}

/**
 * The through-the-cycle tail from the asset's long daily history, cut at the calibration's own data
 * end (the close of its last candle), and the crisis check of the recent returns against it.
 */
function longRunEstimate(candles: CandleSeries, returns: Float64Array, asset: CalibrationAsset, policy: PolicyConstants, at: (p: string) => string) {
  if (!asset.longRunHistory) return undefined;
  const asOf = candles.time.at(-1)! + candles.intervalSeconds;
  const tail = longRunTail(asset.longRunHistory.map((f) => dailyCandles(at(f))), asOf, policy.longRunLookbackYears, policy.esConfidence);
  const crisis = crisisCheck(returns, candles.intervalSeconds, tail.dailySigma, policy.crisisMoveMultiple, policy.crisisLookbackHours);
  return { tail, crisis };
}

/** The exact v3 slippage of the stressed sale, and the depth within a slippage budget (USD). */
function liquidityEstimate(pool: PoolSnapshot, stressedSizeUsd: number): Pick<RiskEstimates, "stressedSlippage" | "depthWithin"> & { spot: number } {
  const side = sellSide(pool);
  const { spot, inDecimals, slippageOf } = side;
  const units = (usd: number) => toUnits(usd / spot, inDecimals);
  const stressed = simulateExactInput(pool, units(stressedSizeUsd), side.sellToken0);
  const stressedSlippage = stressed.filled ? slippageOf(stressed.amountIn, stressed.amountOut) : 1;
  const depthWithin = (budget: number) => (Number(maxSellWithinSlippage(pool, side.sellToken0, budget, slippageOf, units(1e10))) / 10 ** inDecimals) * spot;
  return { stressedSlippage, depthWithin, spot };
}

function calibrateAsset(config: CalibrationConfig, asset: CalibrationAsset, base: string, policy: PolicyConstants, options: CalibrateOptions): AssetCalibration {
  const at = (p: string) => resolve(base, p);
  const override = options.candlesFor?.(asset.symbol);
  const candleFile = override ? override.file : at(asset.candles);
  const candles = override ?? loadCandles(candleFile, { plausibility: options.plausibility });
  const vol = volatilityEstimate(candles, asset, policy, config.fhs, at);
  const pool = poolSnapshot(at(asset.pool));
  const liquidity = liquidityEstimate(pool, asset.stressedSizeUsd);
  const result = riskParameters(
    { horizonEs: vol.horizonEs, hourlyVol: vol.hourlyVol, stressedSlippage: liquidity.stressedSlippage, stressedSizeUsd: asset.stressedSizeUsd, gasCostUsd: asset.gasCostUsd, depthWithin: liquidity.depthWithin, longRunExecutionRisk: vol.longRunExecutionRisk },
    asset.physics,
    policy,
  );
  const cap = BigInt(Math.floor(result.liquidationCapPerWindowUsd)) * 10n ** 18n;
  const params: RiskParamsJson = {
    ltvBps: result.ltvBps,
    liquidationThresholdBps: result.liquidationThresholdBps,
    liquidationBonusBps: result.liquidationBonusBps,
    closeFactorBps: result.closeFactorBps,
    liquidationCapPerWindow: cap.toString(),
    liquidationWindow: result.liquidationWindow,
  };
  const body = {
    symbol: asset.symbol,
    debtAsset: config.debtAsset,
    codeVersion: codeVersion(),
    inputs: {
      candles: override
        ? { source: override.file, returns: vol.returns, intervalSeconds: candles.intervalSeconds, lastClose: candles.close.at(-1) }
        : { file: asset.candles, sha256: sha256(candleFile), returns: vol.returns, intervalSeconds: candles.intervalSeconds },
      options: asset.options ? { file: asset.options.snapshot, sha256: vol.optionsSha256, currency: asset.options.currency } : null,
      pool: { dir: asset.pool, isProxy: asset.poolIsProxy, metaSha256: sha256(pool.files.meta), ticksSha256: sha256(pool.files.ticks) },
      physics: asset.physics,
      stressedSizeUsd: asset.stressedSizeUsd,
      gasCostUsd: asset.gasCostUsd,
      longRunHistory: asset.longRunHistory ? asset.longRunHistory.map((f) => ({ file: f, sha256: sha256(at(f)) })) : null,
      policy,
      fhs: config.fhs,
    },
    intermediates: {
      ...vol.intermediates,
      spotPrice: liquidity.spot,
      stressedSlippage: liquidity.stressedSlippage,
      ...result.intermediates,
      liquidationCapPerWindowUsd: result.liquidationCapPerWindowUsd,
    },
    params,
  };
  const r = result.intermediates;
  const reasoning: CalibrationReasoning = {
    volatility: { garchSigmaNext: vol.garchSigmaNext, candleSeconds: candles.intervalSeconds, impliedAtmVol: vol.impliedAtmVol, horizonSeconds: vol.horizonSeconds, sigmaHorizon: vol.sigmaHorizon, hourlyVol: vol.hourlyVol },
    tail: {
      confidence: policy.esConfidence,
      fhsEs: vol.fhsEs,
      normalEs: vol.normalEs,
      longRunHorizonEs: vol.longRunHorizonEs,
      horizonEs: vol.horizonEs,
      binding: vol.horizonEs === vol.longRunHorizonEs && vol.longRunHorizonEs > 0 ? "long-run" : vol.horizonEs === vol.fhsEs ? "fhs" : "normal",
      stressBuffer: policy.stressBuffer,
      priceDrop: r.priceDrop!,
    },
    liquidity: { pool: asset.pool, poolIsProxy: asset.poolIsProxy, stressedSizeUsd: asset.stressedSizeUsd, stressedSlippage: liquidity.stressedSlippage },
    bonus: {
      slippage: liquidity.stressedSlippage,
      gasTerm: asset.gasCostUsd / asset.stressedSizeUsd,
      currentExecutionRisk: r.currentExecutionRisk!,
      longRunExecutionRisk: r.longRunExecutionRisk!,
      minBonus: policy.minBonusBps / 10_000,
      bonusRaw: r.bonusRaw!,
      bonus: r.bonus!,
    },
    threshold: { fromTail: r.thresholdFromEs!, spiralCap: r.spiralCap!, threshold: r.threshold!, binding: r.spiralCap! < r.thresholdFromEs! ? "spiral" : "tail" },
    ltv: { zBuffer: r.zBuffer!, bufferHours: policy.ltvBufferHours, ltv: r.ltv! },
    spiralProduct: r.spiralProduct!,
    spiralCeiling: 1 - policy.toxicSpiralMargin,
    crisis: vol.crisis,
  };
  const calibration: AssetCalibration = { symbol: asset.symbol, params, dataEnd: candles.time.at(-1)!, crisis: vol.crisis, report: { ...body, reportHash: reportHash(body) }, reasoning };
  const selection = config.selection;
  const context = selection ? (options.selectionContext?.(asset.symbol) ?? bookFromConfig(selection)) : undefined;
  if (!selection || !context) return calibration;
  const problem = selectionProblem({
    config: selection,
    context,
    formula: { ...result, capPerWindowUsd: result.liquidationCapPerWindowUsd, windowSeconds: result.liquidationWindow },
    returns: candleLogReturns(candles),
    candles,
    daily: asset.longRunHistory ? asset.longRunHistory.map((f) => dailyCandles(at(f))) : [],
    lookbackDays: Math.round(policy.longRunLookbackYears * 365),
    curve: poolCurve(at(asset.pool)),
    gasCostUsd: asset.gasCostUsd,
    spiralMarginBps: Math.round(policy.toxicSpiralMargin * 10_000),
  });
  return { ...calibration, selectionProblem: problem };
}

/** The config's own book (its population distribution), for a caller that has none. */
function bookFromConfig(selection: NonNullable<CalibrationConfig["selection"]>): SelectionContext | undefined {
  if (!selection.book) return undefined;
  const { sample, ...spec } = selection.book;
  return { book: bookFromPopulation(spec, 0, 1, sample ?? spec.count) };
}
