/**
 * Backtests and stress tests from a loaded config: builds the simulator's input for a policy on a path
 * (historical window, or a base window under a hypothetical shock), runs the calibrator along the path
 * and the simulator, and returns the figures. I/O is limited to loading the candle and pool files.
 */
import { join } from "node:path";
import { type CandleLoadOptions, type CandleSeries, loadCandles } from "../data/candles.js";
import { loadPoolSnapshot } from "../data/uniswapPool.js";
import { DEFAULT_POLICY, spiralMarginBps } from "../policy/riskPolicy.js";
import { applyStep, planStep } from "../keeper/plan.js";
import { checkInvariants, describeViolation, effectiveThresholdBps, type AssetChainState } from "../rules/riskRules.js";
import type { Address, RiskParams } from "../rules/types.js";
import { CRASH_WINDOWS, type CrashWindow } from "../stress/crashWindows.js";
import { type Calibration, calibrationSchedule } from "./calibrations.js";
import { type LoadedBacktestConfig, type ShockSpec, staticParams } from "./config.js";
import { type SlippageCurve, slippageCurve } from "./depth.js";
import { gasCostUsd } from "./gas.js";
import { averageDailyVolumeUsd, eraPoolScale, REFERENCE_DAILY_VOLUME_USD, trailingMarket } from "./impact.js";
import { drawLiquidators } from "./liquidators.js";
import { drawArrivals } from "./book.js";
import { applyShock, cutWindow, type MarketPath } from "./market.js";
import { oraclePath, type FrozenSpan } from "./oracle.js";
import { drawPopulation, loadPopulation, type Position } from "./population.js";
import { simulate, type ScheduledTarget, type SimInput, type SimMetrics, type SimResult } from "./simulator.js";
import { backtestVar, type VarBacktest } from "./varBacktest.js";
import { type SeedSummary, summarizeSeeds } from "./seeds.js";
import { backtestSelection } from "./selectionContext.js";

export type PolicyName = "static" | "calibrated";

export interface BacktestOutput {
  policy: PolicyName;
  steps: number;
  positions: number;
  /** The mean over seeds (one seed: that run's figures). */
  metrics: SimMetrics;
  seeds: SeedSummary;
  varBacktest: Pick<VarBacktest, "kupiecLR" | "kupiecPass" | "christoffersenLR" | "christoffersenPass">;
  timings: { simMs: number };
}

export interface BacktestRun {
  output: BacktestOutput;
  result: SimResult;
  path: MarketPath;
  symbols: string[];
  var: VarBacktest;
  calibrations: Calibration[];
  calibrationMs: number;
  window: { from: string; to: string };
}

export interface Progress {
  /** Called as calibrations and simulation steps complete (phase names the work). */
  (phase: "calibrate" | "simulate", done: number, total: number): void;
}

export interface RunOptions {
  policy: PolicyName;
  /** Population and liquidator seeds to run (mean and worst reported); default 1. */
  seeds?: number;
  from?: string;
  to?: string;
  onProgress?: Progress;
  /** How the candle files are read: gap tolerance and plausibility limits (default: the loader's). */
  candles?: CandleLoadOptions;
}

const candleCache = new Map<string, CandleSeries>();
const curveCache = new Map<string, SlippageCurve>();
const cachedCandles = (file: string, options: CandleLoadOptions = {}) => {
  const p = options.plausibility;
  // The clock is left out of the key: a file refused as future-dated at one load would be at the next.
  const key = [file, options.maxMissingCandles, options.allowGaps, p?.maxJumpSigma, p?.maxStepSigma, p?.maxConstantRun].join("|");
  let series = candleCache.get(key);
  if (!series) candleCache.set(key, (series = loadCandles(file, options)));
  return series;
};
const cachedCurve = (dir: string) => {
  let curve = curveCache.get(dir);
  if (!curve) curveCache.set(dir, (curve = slippageCurve(loadPoolSnapshot(dir))));
  return curve;
};

const assetAddress = (i: number): Address => `0x${(i + 1).toString(16).padStart(40, "0")}`;

const fmtUtc = (seconds: number) => new Date(seconds * 1000).toISOString().slice(0, 19).replace("T", " ");

/** The whole file's window when none is given. */
function defaultWindow(series: CandleSeries): { from: string; to: string } {
  return { from: fmtUtc(series.time[1]!), to: fmtUtc(series.time[series.time.length - 1]!) };
}

export interface Scenario {
  path: MarketPath;
  frozen: FrozenSpan[];
  /** Pool liquidity and wider-market volume divided by this (a depth stress); 1 for none. */
  depthDivisor: number;
  /** ETH candles covering the path (gas price and congestion). */
  eth: CandleSeries;
}

/** Gas per liquidation at each step of a scenario, USD, from its ETH candles. */
function scenarioGas(loaded: LoadedBacktestConfig, scenario: Scenario): Float64Array {
  const { path, eth } = scenario;
  const openTime = path.times[0]! - eth.intervalSeconds;
  const firstIndex = eth.time.indexOf(openTime);
  if (firstIndex < 0) throw new RangeError(`${eth.file} has no candle at ${fmtUtc(openTime)} for the gas model`);
  return gasCostUsd(loaded.config.gas, path.times, eth.close, eth.volume, firstIndex);
}

/**
 * The registry and updater state at the opening after `warmupDays` of the keeper steering from the
 * deployment's parameters toward `target` (hourly attempts through the updater's bounds, steps and
 * cooldowns), so cooldown clocks and ramps at the opening are those of a live deployment.
 */
export function warmedUpState(
  start: AssetChainState,
  address: Address,
  target: RiskParams | undefined,
  openingTime: number,
  warmupSeconds: number,
  maxReportAge: number,
  spiralMarginBps = 0,
): AssetChainState {
  const from = openingTime - warmupSeconds;
  // The deployment's last write was a full risk-increasing cooldown before the warm-up.
  const deployedAt = BigInt(from - start.rules.riskIncreasingCooldown);
  let chain: AssetChainState = { ...start, lastUpdateAt: deployedAt, lastObservedAt: deployedAt, lastRiskIncreasingAt: deployedAt };
  if (!target) return { ...chain, lastUpdateAt: BigInt(from), lastObservedAt: BigInt(from), lastRiskIncreasingAt: BigInt(from) };
  for (let t = from; t < openingTime; t += 3_600) {
    const outcome = planStep(address, target, chain, { paused: false, maxReportAge }, BigInt(t), BigInt(t), { spiralMarginBps });
    if (outcome.kind === "atTarget") break;
    if (outcome.kind === "step") chain = applyStep(chain, outcome.step.params, BigInt(t));
  }
  return chain;
}

/** The simulator's input for a policy on a scenario (population drawn at the opening parameters). */
export function prepareSimInput(
  loaded: LoadedBacktestConfig,
  scenario: Scenario,
  policy: PolicyName,
  calibrations: readonly Calibration[],
  onProgress?: (done: number, total: number) => void,
  seedOffset = 0,
): SimInput {
  const { config, deployment } = loaded;
  const symbols = config.assets.map((a) => a.symbol);
  const specs = symbols.map((s) => deployment.assets.find((a) => a.symbol === s)!);
  const { path } = scenario;
  const warmupSeconds = config.warmupDays * 86_400;
  const gas = scenarioGas(loaded, scenario);
  const margin = spiralMarginBps(loaded.calibration.policy);
  const assets = config.assets.map((a, i) => {
    const spec = specs[i]!;
    let start: RiskParams = { ...spec.params };
    let target: RiskParams | undefined;
    if (policy === "calibrated") {
      target = calibrations[0]!.params[i]!;
    } else {
      start = staticParams(loaded, spec.symbol);
      const broken = checkInvariants(start, start.liquidationThresholdBps);
      if (broken) throw new RangeError(`${loaded.file} [policies.static.${spec.symbol}]: ${describeViolation(broken)}`);
    }
    const address = assetAddress(i);
    const chain = warmedUpState(
      { stored: start, ramp: { fromBps: 0, start: 0n, end: 0n }, rampDuration: spec.rampDuration, configured: true, rules: spec.rules, nonce: 0n, lastUpdateAt: 0n, lastObservedAt: 0n, lastRiskIncreasingAt: 0n },
      address,
      target,
      path.openingTime,
      warmupSeconds,
      deployment.calibrators.maxReportAge,
      policy === "calibrated" ? margin : 0,
    );
    const assetPath = path.assets[i]!;
    const { candles } = assetPath;
    const n = path.times.length;
    const trailing = trailingMarket(candles.close, candles.volume, assetPath.firstIndex, n);
    const adv30 = averageDailyVolumeUsd(candles.close, candles.volume, assetPath.firstIndex - 1);
    const divisor = scenario.depthDivisor;
    return {
      symbol: a.symbol,
      address,
      decimals: spec.decimals,
      market: assetPath.market,
      oracle: oraclePath(path.times, assetPath.market, assetPath.opening, path.openingTime, a.feed, scenario.frozen),
      stalenessAllowance: spec.stalenessAllowance,
      chain,
      venue: {
        slippage: cachedCurve(loaded.at(a.pool)),
        poolScale: eraPoolScale(adv30, REFERENCE_DAILY_VOLUME_USD[a.crashSeries]) / divisor,
        dailyVolumeUsd: trailing.dailyVolumeUsd.map((v) => v / divisor),
        dailySigma: trailing.dailySigma,
      },
    };
  });
  const openingParams = assets.map((a) => ({ ...a.chain.stored!, liquidationThresholdBps: effectiveThresholdBps(a.chain.stored!.liquidationThresholdBps, a.chain.ramp, BigInt(path.openingTime)) }));

  const debtDecimals = deployment.engine.debtDecimals;
  const population: Position[] =
    "file" in config.population
      ? loadPopulation(loaded.at(config.population.file), symbols, specs.map((s) => s.decimals), debtDecimals)
      : drawPopulation(
          { ...config.population, seed: config.population.seed + seedOffset },
          assets.map((a, i) => ({
            decimals: a.decimals,
            price18: a.oracle.openingAnswer8 * 10n ** 10n,
            ltvBps: openingParams[i]!.ltvBps,
            liquidationThresholdBps: openingParams[i]!.liquidationThresholdBps,
          })),
          debtDecimals,
        );
  const rates = config.book;
  const popSeed = ("seed" in config.population ? config.population.seed : 0) + seedOffset;
  const arrivals =
    "count" in config.population && rates.arrivalsPerDay > 0
      ? drawArrivals(
          { ...config.population, seed: popSeed, arrivalsPerDay: rates.arrivalsPerDay, openingCount: population.length },
          assets.map((a) => a.decimals),
          assets.map((a) => a.market),
        )
      : [];
  const totalDebt = population.reduce((s, p) => s + p.debt, 0n);
  const lenderDeposits = (totalDebt * 1_000_000n) / BigInt(Math.round(config.openingUtilization * 1_000_000)) + 1n;

  const schedule: ScheduledTarget[] =
    policy === "calibrated" ? calibrations.slice(1).map((c) => ({ step: c.step + 1, targets: c.params, crisis: c.crisis })) : [];
  const input: SimInput = {
    times: path.times,
    openingTime: path.openingTime,
    assets,
    debtDecimals,
    rateModel: deployment.engine.rateModel,
    liquidation: deployment.engine.liquidationConfig,
    lenderDeposits,
    population,
    liquidators: drawLiquidators({ ...config.liquidators, seed: config.liquidators.seed + seedOffset }),
    gasCostUsd: gas,
    maxCallsPerAccountPerStep: config.liquidators.maxCallsPerAccountPerStep,
    impact: config.impact,
    book: { seed: popSeed, releverEveryDays: rates.releverEveryDays, releverBand: rates.releverBand, attentiveShare: rates.attentiveShare, repayHealth: rates.repayHealth, leavePerDay: rates.leavePerDay, arrivals },
    schedule,
    updater: { paused: false, maxReportAge: deployment.calibrators.maxReportAge },
    spiralMarginBps: policy === "calibrated" ? margin : 0,
    onProgress,
  };
  return input;
}

/** Runs one policy on one scenario path. */
function runScenario(
  loaded: LoadedBacktestConfig,
  scenario: Scenario,
  policy: PolicyName,
  onProgress?: Progress,
  options: { varBacktest?: boolean; seeds?: number } = {},
): Omit<BacktestRun, "window"> {
  const { config } = loaded;
  const symbols = config.assets.map((a) => a.symbol);
  const { path } = scenario;
  const calibrated = config.policies.calibrated;

  // The calibrator along the path: every asset under the calibrated policy; the first asset alone (for
  // the VaR backtest) under the static one, or none when the VaR backtest is not wanted.
  const wantVar = options.varBacktest ?? true;
  const startCalibration = performance.now();
  const calibrations = policy === "static" && !wantVar ? [] : calibrationSchedule(
    path,
    symbols,
    loaded.calibration,
    loaded.calibrationBase,
    { ...calibrated, assets: policy === "calibrated" ? symbols.map((_, i) => i) : [0], selector: policy === "calibrated" ? backtestSelection(loaded, path) : undefined },
    (done, total) => onProgress?.("calibrate", done, total),
  );
  const calibrationMs = performance.now() - startCalibration;

  // Calibrations do not depend on the borrowers, so every seed reuses them; seed k shifts the population
  // and liquidator seeds by k. The run's series and actions are the first seed's.
  const seeds = options.seeds ?? 1;
  if (!(Number.isInteger(seeds) && seeds >= 1)) throw new RangeError(`seeds must be a positive integer, got ${seeds}`);
  const start = performance.now();
  const runs: SimResult[] = [];
  for (let k = 0; k < seeds; k++) {
    const input = prepareSimInput(loaded, scenario, policy, calibrations, (done, total) => onProgress?.("simulate", k * total + done, seeds * total), k);
    runs.push(simulate(input));
  }
  const result = runs[0]!;
  const summary = summarizeSeeds(runs.map((r) => r.metrics));
  const simMs = performance.now() - start;

  // VaR of the first asset: closes with the opening first; a calibration at step s applies from close s + 1.
  const first = path.assets[0]!;
  const closes = new Float64Array(first.market.length + 1);
  closes[0] = first.opening;
  closes.set(first.market, 1);
  const confidence = loaded.calibration.policy.esConfidence ?? DEFAULT_POLICY.esConfidence;
  const var0 = calibrations.length === 0 ? backtestVar(closes, [], confidence) : backtestVar(
    closes,
    calibrations.map((c) => ({ from: c.step + 1, horizonVar: c.horizonVar[0]!, horizonPeriods: c.horizonPeriods[0]! })),
    confidence,
  );
  const { kupiecLR, kupiecPass, christoffersenLR, christoffersenPass } = var0;
  return {
    output: {
      policy,
      steps: result.steps,
      positions: result.positions,
      metrics: summary.mean,
      seeds: summary,
      varBacktest: { kupiecLR, kupiecPass, christoffersenLR, christoffersenPass },
      timings: { simMs },
    },
    result,
    path,
    symbols,
    var: var0,
    calibrations,
    calibrationMs,
  };
}

/** `bulwark backtest`: one policy over the config's window (or `from`–`to`) of the assets' candles. */
export function runBacktest(loaded: LoadedBacktestConfig, options: RunOptions & { varBacktest?: boolean }): BacktestRun {
  const series = loaded.config.assets.map((a) => cachedCandles(loaded.at(a.candles), options.candles));
  const window = {
    from: options.from ?? loaded.config.window?.from ?? defaultWindow(series[0]!).from,
    to: options.to ?? loaded.config.window?.to ?? defaultWindow(series[0]!).to,
  };
  const path = cutWindow(series, window.from, window.to);
  const eth = cachedCandles(loaded.gasEthCandles, options.candles);
  return { ...runScenario(loaded, { path, frozen: [], depthDivisor: 1, eth }, options.policy, options.onProgress, options), window };
}

export interface StressRow {
  scenario: string;
  kind: "historical" | "hypothetical";
  description: string;
  from: string;
  to: string;
  policy: PolicyName;
  steps: number;
  positions: number;
  metrics: SimMetrics;
  seeds: SeedSummary;
}

export interface StressScenario {
  name: string;
  kind: StressRow["kind"];
  description: string;
  from: string;
  to: string;
  build: () => Scenario;
}

function describeShock(shock: ShockSpec): string {
  const parts: string[] = [];
  if (shock.volMultiplier !== undefined) parts.push(`volatility ×${shock.volMultiplier}`);
  if (shock.dropPercent !== undefined) parts.push(`−${shock.dropPercent}% over ${shock.overHours} h from hour ${shock.startHour}`);
  if (shock.depthDivisor !== undefined) parts.push(`DEX depth ÷${shock.depthDivisor}`);
  if (shock.oracleFrozenHours !== undefined) parts.push(`oracle frozen ${shock.oracleFrozenHours} h from hour ${shock.startHour}`);
  return parts.join(", ") || "no shock";
}

/** Every stress scenario of a config: the historical crash windows, then the hypothetical shocks. */
export function stressScenarios(loaded: LoadedBacktestConfig, windows: readonly CrashWindow[] = CRASH_WINDOWS, candles: CandleLoadOptions = {}): StressScenario[] {
  const { config } = loaded;
  const historical: StressScenario[] = windows.map((w) => ({
    name: w.name,
    kind: "historical",
    description: w.description,
    from: w.from,
    to: w.to,
    build: () => ({
      // Window files are relative to the repository root, which is where the config's data lives too.
      path: cutWindow(config.assets.map((a) => cachedCandles(loaded.at(join(config.repositoryRoot, w.files[a.crashSeries])), candles)), w.from, w.to),
      frozen: [],
      depthDivisor: 1,
      eth: cachedCandles(loaded.at(join(config.repositoryRoot, w.files.ETH)), candles),
    }),
  }));
  const base = config.stress.base;
  const hypothetical: StressScenario[] = config.stress.shocks.map((shock) => ({
    name: shock.name,
    kind: "hypothetical",
    description: describeShock(shock),
    from: base.from,
    to: base.to,
    build: () => ({ ...applyShock(cutWindow(config.assets.map((a) => cachedCandles(loaded.at(a.candles), candles)), base.from, base.to), shock), eth: cachedCandles(loaded.gasEthCandles, candles) }),
  }));
  return [...historical, ...hypothetical];
}

/** `bulwark stress`: every scenario under one policy. */
export function runStress(
  loaded: LoadedBacktestConfig,
  policy: PolicyName,
  onScenario?: (done: number, total: number, name: string) => void,
  seeds = 1,
  windows: readonly CrashWindow[] = CRASH_WINDOWS,
  candles: CandleLoadOptions = {},
): StressRow[] {
  const scenarios = stressScenarios(loaded, windows, candles);
  return scenarios.map((s, i) => {
    const run = runScenario(loaded, s.build(), policy, undefined, { varBacktest: false, seeds });
    onScenario?.(i + 1, scenarios.length, s.name);
    return {
      scenario: s.name,
      kind: s.kind,
      description: s.description,
      from: s.from,
      to: s.to,
      policy,
      steps: run.output.steps,
      positions: run.output.positions,
      metrics: run.output.metrics,
      seeds: run.output.seeds,
    };
  });
}

export { runScenario };
