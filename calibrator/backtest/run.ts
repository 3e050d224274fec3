/**
 * Backtests and stress tests from a loaded config: builds the simulator's input for a policy on a path
 * (historical window, or a base window under a hypothetical shock), runs the calibrator along the path
 * and the simulator, and returns the figures. I/O is limited to loading the candle and pool files.
 */
import { join } from "node:path";
import { loadCandles, type CandleSeries } from "../data/candles.js";
import { loadPoolSnapshot } from "../data/uniswapPool.js";
import { DEFAULT_POLICY } from "../policy/riskPolicy.js";
import { reachableTarget } from "../keeper/plan.js";
import { checkInvariants, describeViolation, type AssetChainState } from "../rules/riskRules.js";
import type { Address, RiskParams } from "../rules/types.js";
import { CRASH_WINDOWS } from "../stress/crashWindows.js";
import { type Calibration, calibrationSchedule } from "./calibrations.js";
import type { LoadedBacktestConfig, ShockSpec } from "./config.js";
import { type SlippageCurve, slippageCurve } from "./depth.js";
import { applyShock, cutWindow, type MarketPath } from "./market.js";
import { oraclePath, type FrozenSpan } from "./oracle.js";
import { drawPopulation, loadPopulation, type Position } from "./population.js";
import { simulate, type ScheduledTarget, type SimInput, type SimMetrics, type SimResult } from "./simulator.js";
import { backtestVar, type VarBacktest } from "./varBacktest.js";

export type PolicyName = "static" | "calibrated";

export interface BacktestOutput {
  policy: PolicyName;
  steps: number;
  positions: number;
  metrics: SimMetrics;
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
  from?: string;
  to?: string;
  onProgress?: Progress;
}

const candleCache = new Map<string, CandleSeries>();
const curveCache = new Map<string, SlippageCurve>();
const cachedCandles = (file: string) => {
  let series = candleCache.get(file);
  if (!series) candleCache.set(file, (series = loadCandles(file)));
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
  depthDivisor: number;
}

/** The simulator's input for a policy on a scenario (population drawn at the opening parameters). */
export function prepareSimInput(
  loaded: LoadedBacktestConfig,
  scenario: Scenario,
  policy: PolicyName,
  calibrations: readonly Calibration[],
  onProgress?: (done: number, total: number) => void,
): SimInput {
  const { config, deployment } = loaded;
  const symbols = config.assets.map((a) => a.symbol);
  const specs = symbols.map((s) => deployment.assets.find((a) => a.symbol === s)!);
  const { path } = scenario;
  const initialParams: RiskParams[] = specs.map((spec, i) => {
    if (policy === "calibrated") {
      // The keeper has had time to glide to the opening calibration (within the bounds).
      const p = reachableTarget(calibrations[0]!.params[i]!, spec.rules);
      const broken = checkInvariants(p, p.liquidationThresholdBps);
      if (broken) throw new RangeError(`${spec.symbol}: the opening calibration clamped to the bounds breaks a registry invariant: ${describeViolation(broken)}`);
      return p;
    }
    const fixed = config.policies.static[spec.symbol];
    const p = fixed ? { ...fixed, liquidationCapPerWindow: BigInt(fixed.liquidationCapPerWindow) } : { ...spec.params };
    const broken = checkInvariants(p, p.liquidationThresholdBps);
    if (broken) throw new RangeError(`${loaded.file} [policies.static.${spec.symbol}]: ${describeViolation(broken)}`);
    return p;
  });

  const assets = config.assets.map((a, i) => {
    const spec = specs[i]!;
    const chain: AssetChainState = {
      stored: initialParams[i]!,
      ramp: { fromBps: 0, start: 0n, end: 0n },
      rampDuration: spec.rampDuration,
      configured: true,
      rules: spec.rules,
      nonce: 0n,
      lastUpdateAt: 0n,
      lastObservedAt: 0n,
    };
    return {
      symbol: a.symbol,
      address: assetAddress(i),
      decimals: spec.decimals,
      market: path.assets[i]!.market,
      oracle: oraclePath(path.times, path.assets[i]!.market, path.assets[i]!.opening, path.openingTime, a.feed, scenario.frozen),
      stalenessAllowance: spec.stalenessAllowance,
      chain,
      slippage: cachedCurve(loaded.at(a.pool)),
      depthDivisor: scenario.depthDivisor,
    };
  });

  const debtDecimals = deployment.engine.debtDecimals;
  const population: Position[] =
    "file" in config.population
      ? loadPopulation(loaded.at(config.population.file), symbols, specs.map((s) => s.decimals), debtDecimals)
      : drawPopulation(
          config.population,
          assets.map((a, i) => ({
            decimals: a.decimals,
            price18: a.oracle.openingAnswer8 * 10n ** 10n,
            ltvBps: initialParams[i]!.ltvBps,
            liquidationThresholdBps: initialParams[i]!.liquidationThresholdBps,
          })),
          debtDecimals,
        );
  const totalDebt = population.reduce((s, p) => s + p.debt, 0n);
  const lenderDeposits = (totalDebt * 1_000_000n) / BigInt(Math.round(config.openingUtilization * 1_000_000)) + 1n;

  const schedule: ScheduledTarget[] =
    policy === "calibrated" ? calibrations.slice(1).map((c) => ({ step: c.step + 1, targets: c.params })) : [];
  const input: SimInput = {
    times: path.times,
    openingTime: path.openingTime,
    assets,
    debtDecimals,
    rateModel: deployment.engine.rateModel,
    liquidation: deployment.engine.liquidationConfig,
    lenderDeposits,
    population,
    liquidator: config.liquidator,
    schedule,
    updater: { paused: false, maxReportAge: deployment.calibrators.maxReportAge },
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
  options: { varBacktest?: boolean } = {},
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
    { ...calibrated, assets: policy === "calibrated" ? symbols.map((_, i) => i) : [0] },
    (done, total) => onProgress?.("calibrate", done, total),
  );
  const calibrationMs = performance.now() - startCalibration;

  const input = prepareSimInput(loaded, scenario, policy, calibrations, (done, total) => onProgress?.("simulate", done, total));
  const start = performance.now();
  const result = simulate(input);
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
      metrics: result.metrics,
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
  const series = loaded.config.assets.map((a) => cachedCandles(loaded.at(a.candles)));
  const window = {
    from: options.from ?? loaded.config.window?.from ?? defaultWindow(series[0]!).from,
    to: options.to ?? loaded.config.window?.to ?? defaultWindow(series[0]!).to,
  };
  const path = cutWindow(series, window.from, window.to);
  return { ...runScenario(loaded, { path, frozen: [], depthDivisor: 1 }, options.policy, options.onProgress, options), window };
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
export function stressScenarios(loaded: LoadedBacktestConfig): StressScenario[] {
  const { config } = loaded;
  const historical: StressScenario[] = CRASH_WINDOWS.map((w) => ({
    name: w.name,
    kind: "historical",
    description: w.description,
    from: w.from,
    to: w.to,
    build: () => ({
      // Window files are relative to the repository root, which is where the config's data lives too.
      path: cutWindow(config.assets.map((a) => cachedCandles(loaded.at(join(config.repositoryRoot, w.files[a.crashSeries])))), w.from, w.to),
      frozen: [],
      depthDivisor: 1,
    }),
  }));
  const base = config.stress.base;
  const hypothetical: StressScenario[] = config.stress.shocks.map((shock) => ({
    name: shock.name,
    kind: "hypothetical",
    description: describeShock(shock),
    from: base.from,
    to: base.to,
    build: () => applyShock(cutWindow(config.assets.map((a) => cachedCandles(loaded.at(a.candles))), base.from, base.to), shock),
  }));
  return [...historical, ...hypothetical];
}

/** `bulwark stress`: every scenario under one policy. */
export function runStress(loaded: LoadedBacktestConfig, policy: PolicyName, onScenario?: (done: number, total: number, name: string) => void): StressRow[] {
  const scenarios = stressScenarios(loaded);
  return scenarios.map((s, i) => {
    const run = runScenario(loaded, s.build(), policy, undefined, { varBacktest: false });
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
    };
  });
}

export { runScenario };
