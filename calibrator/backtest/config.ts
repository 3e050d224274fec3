/**
 * The backtest and stress configuration file. Protocol rules (bounds, steps, cooldowns, ramp duration,
 * staleness allowance, rate model, liquidation config, starting parameters) come from the deployment
 * file, so the simulator obeys the same rules as the deployed contracts; the calibrated policy reads the
 * calibrator's config. Paths are relative to the config file. Errors name the file and the field.
 */
import { dirname, resolve } from "node:path";
import { z } from "zod";
import { loadJsonFile } from "../data/jsonFile.js";
import { DataError } from "../data/errors.js";
import { type DeploymentSpec, loadDeploymentSpec } from "../ops/deploymentSpec.js";
import { type CalibrationConfig, loadConfig as loadCalibrationConfig } from "../calibrate/config.js";
import type { RiskParams } from "../rules/types.js";
import { DEFAULT_GAS } from "./gas.js";
import { DEFAULT_IMPACT } from "./impact.js";
import { populationSpecShape } from "./population.js";
import { riskParamsFromJson, riskParamsToJson } from "../rules/paramsJson.js";

const timestamp = z.string().regex(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/, 'a UTC time "YYYY-MM-DD HH:MM:SS"');
const bps = z.number().int().min(0).max(10_000);
const paramsSchema = z.object({
  ltvBps: bps,
  liquidationThresholdBps: bps,
  liquidationBonusBps: bps,
  closeFactorBps: bps,
  liquidationCapPerWindow: z.string().regex(/^\d+$/, "an integer (18 decimals)"),
  liquidationWindow: z.number().int().positive(),
});

/** [min, max] with min <= max. */
const range = (item: z.ZodNumber) =>
  z.tuple([item, item]).refine(([a, b]) => a <= b, "needs [min, max] with min <= max");

const shockSchema = z
  .object({
    name: z.string().min(1),
    /** The price falls by this much (percent), linearly in log price, over `overHours` from `startHour`. */
    dropPercent: z.number().gt(0).lt(100).optional(),
    overHours: z.number().int().positive().default(6),
    startHour: z.number().int().nonnegative().default(12),
    /** Hourly log returns of the base path scaled by k. */
    volMultiplier: z.number().positive().optional(),
    /** DEX liquidity divided by k. */
    depthDivisor: z.number().gte(1).optional(),
    /** No oracle round for this many hours from `startHour`. */
    oracleFrozenHours: z.number().int().positive().optional(),
  })
  .strict();

export const backtestConfigSchema = z
  .object({
    deployment: z.string().min(1),
    /** The repository root, relative to this file: the crash windows' data paths resolve against it. */
    repositoryRoot: z.string().default(".."),
    calibration: z.string().min(1),
    assets: z
      .array(
        z
          .object({
            symbol: z.string().min(1),
            /** Hourly candles of the asset against USD for the backtest window. */
            candles: z.string().min(1),
            /** Which series of the historical crash windows this asset follows. */
            crashSeries: z.enum(["ETH", "BTC"]),
            pool: z.string().min(1),
            feed: z.object({ heartbeatSeconds: z.number().int().positive(), deviationBps: z.number().int().min(0).max(10_000) }).strict(),
          })
          .strict(),
      )
      .min(1),
    window: z.object({ from: timestamp, to: timestamp }).strict().optional(),
    population: z.union([
      z.object(populationSpecShape).strict(),
      z.object({ file: z.string().min(1) }).strict(),
    ]),
    /** Lenders deposit the population's debt divided by this (the pool's opening utilisation). */
    openingUtilization: z.number().gt(0).lte(1).default(0.8),
    /** The liquidator bots (liquidators.ts): seeded delays, capital and risk aversion. */
    liquidators: z
      .object({
        count: z.number().int().min(1).max(100),
        seed: z.number().int().nonnegative(),
        delayHours: range(z.number().nonnegative()),
        capitalUsd: range(z.number().positive()),
        riskAversion: range(z.number().nonnegative()),
        maxCallsPerAccountPerStep: z.number().int().positive().default(8),
      })
      .strict(),
    /** Market-impact constants (impact.ts); each defaults to DEFAULT_IMPACT. */
    impact: z
      .object({
        sqrtLawY: z.number().positive().max(5).default(DEFAULT_IMPACT.sqrtLawY),
        marketHalfLifeHours: z.number().positive().default(DEFAULT_IMPACT.marketHalfLifeHours),
        poolHalfLifeHours: z.number().positive().default(DEFAULT_IMPACT.poolHalfLifeHours),
      })
      .strict()
      .default(DEFAULT_IMPACT),
    /** Gas model (gas.ts); `ethCandles` defaults to the candles of the asset whose crashSeries is ETH. */
    gas: z
      .object({
        gasUnits: z.number().int().positive().default(DEFAULT_GAS.gasUnits),
        baseGweiByYear: z.record(z.string().regex(/^\d{4}$/, "a year"), z.number().positive()).default(DEFAULT_GAS.baseGweiByYear),
        surgeExponent: z.number().nonnegative().default(DEFAULT_GAS.surgeExponent),
        maxSurge: z.number().gte(1).default(DEFAULT_GAS.maxSurge),
        ethCandles: z.string().min(1).optional(),
      })
      .strict()
      .default({ ...DEFAULT_GAS }),
    /** The living book (book.ts): re-levering, repayments as health falls, arrivals. */
    book: z
      .object({
        releverEveryDays: z.number().positive().default(30),
        releverBand: z.number().min(0).lt(1).default(0.1),
        attentiveShare: z.number().min(0).max(1).default(0.3),
        repayHealth: z.number().gt(1).default(1.1),
        arrivalsPerDay: z.number().min(0).max(1).default(0.003),
        leavePerDay: z.number().min(0).max(1).default(0.003),
      })
      .strict()
      .default({ releverEveryDays: 30, releverBand: 0.1, attentiveShare: 0.3, repayHealth: 1.1, arrivalsPerDay: 0.003, leavePerDay: 0.003 }),
    /** Days the keeper runs before the window (parameters and cooldown clocks at the opening come from it). */
    warmupDays: z.number().int().min(0).max(60).default(30),
    policies: z
      .object({
        /** Fixed parameters for every asset, or none (then each keeps the deployment file's starting parameters). */
        static: z.record(z.string(), paramsSchema).default({}),
        calibrated: z
          .object({
            everyHours: z.number().int().positive(),
            lookbackHours: z.number().int().min(200),
            fhsPaths: z.number().int().positive().default(2_000),
            /**
             * Selection by simulation along the path, when the calibration config has a `selection` block:
             * a fresh selection every `everyHours` (its offsets from the formula's point carry to the
             * calibrations between, as the keeper's cache does), over `bookSample` accounts of the population.
             */
            selection: z
              .object({ everyHours: z.number().int().positive().default(24), bookSample: z.number().int().positive().max(100_000).default(400) })
              .strict()
              .default({ everyHours: 24, bookSample: 400 }),
          })
          .strict(),
      })
      .strict(),
    stress: z
      .object({
        /** The calm window the hypothetical shocks are applied to. */
        base: z.object({ from: timestamp, to: timestamp }).strict(),
        shocks: z.array(shockSchema).default([]),
      })
      .strict(),
  })
  .strict();

export type BacktestConfig = z.infer<typeof backtestConfigSchema>;
export type ShockSpec = z.infer<typeof shockSchema>;

export interface LoadedBacktestConfig {
  file: string;
  config: BacktestConfig;
  deployment: DeploymentSpec;
  calibration: CalibrationConfig;
  /** Absolute path of a path written in the backtest config. */
  at: (path: string) => string;
  /** The calibration config's directory (its own relative paths resolve there). */
  calibrationBase: string;
  /** Absolute path of the ETH candles whose price and congestion set gas costs (backtest windows). */
  gasEthCandles: string;
}

export function loadBacktestConfig(file: string): LoadedBacktestConfig {
  const config = loadJsonFile(backtestConfigSchema, file);
  const base = dirname(resolve(file));
  const at = (path: string) => resolve(base, path);
  const deployment = loadDeploymentSpec(at(config.deployment));
  const calibration = loadCalibrationConfig(at(config.calibration));
  config.assets.forEach((asset, i) => {
    if (!deployment.assets.some((a) => a.symbol === asset.symbol)) {
      throw new DataError(file, undefined, `assets[${i}].symbol`, `${asset.symbol} is not in the deployment file ${config.deployment}`);
    }
    if (!calibration.assets.some((a) => a.symbol === asset.symbol)) {
      throw new DataError(file, undefined, `assets[${i}].symbol`, `${asset.symbol} is not in the calibration config ${config.calibration}`);
    }
  });
  for (const symbol of Object.keys(config.policies.static)) {
    if (!config.assets.some((a) => a.symbol === symbol)) throw new DataError(file, undefined, `policies.static.${symbol}`, "not an asset of the backtest");
  }
  // A static policy covers every asset or none (then every asset keeps the deployment's starting
  // parameters): a partial one would silently mix hand-set and deployment parameters.
  const covered = Object.keys(config.policies.static);
  if (covered.length > 0) {
    for (const asset of config.assets) {
      if (!covered.includes(asset.symbol)) {
        throw new DataError(file, undefined, `policies.static.${asset.symbol}`, `missing: the static policy sets ${covered.join(", ")}; give every asset its parameters, or none to use the deployment's`);
      }
    }
  }
  if ("count" in config.population) {
    if (config.population.maxUsd < config.population.minUsd) throw new DataError(file, undefined, "population.maxUsd", "below minUsd");
    if (config.population.maxLimitUse < config.population.minLimitUse) throw new DataError(file, undefined, "population.maxLimitUse", "below minLimitUse");
  }
  const ethAsset = config.assets.find((a) => a.crashSeries === "ETH");
  const ethCandles = config.gas.ethCandles ?? ethAsset?.candles;
  if (!ethCandles) throw new DataError(file, undefined, "gas.ethCandles", "needed when no asset follows the ETH crash series (gas is priced in ETH)");
  // The rate-limit bypass must fire before insolvency at any threshold the bounds allow: an account is
  // insolvent once its health falls to its threshold, so the bypass health must exceed every maximum.
  const bypass = deployment.engine.liquidationConfig.rateLimitBypassHealthBps;
  for (const asset of config.assets) {
    const spec = deployment.assets.find((a) => a.symbol === asset.symbol)!;
    if (bypass <= spec.rules.liquidationThreshold.max) {
      throw new DataError(
        config.deployment,
        undefined,
        "engine.liquidationConfig.rateLimitBypassHealthBps",
        `${bypass} does not exceed ${asset.symbol}'s largest allowed threshold ${spec.rules.liquidationThreshold.max}: the bypass would fire only after insolvency`,
      );
    }
  }
  return { file, config, deployment, calibration, at, calibrationBase: dirname(at(config.calibration)), gasEthCandles: at(ethCandles) };
}

/**
 * The static policy's parameters for one asset: the config's own `policies.static` when it gives one,
 * else the deployment's opening parameters, which are the documented static baseline (Aave v3,
 * docs/parameters.md) that the demo opens with too.
 */
export function staticParams(loaded: LoadedBacktestConfig, symbol: string): RiskParams {
  const fixed = loaded.config.policies.static[symbol];
  if (fixed) return riskParamsFromJson(fixed);
  const spec = loaded.deployment.assets.find((a) => a.symbol === symbol);
  if (!spec) throw new RangeError(`staticParams: ${symbol} is not in the deployment`);
  return { ...spec.params };
}

/**
 * The config narrowed to one asset with no hypothetical shocks (the per-asset comparisons of
 * docs/backtests.md), and with `fixed` as the static policy's parameters when given.
 */
export function singleAssetConfig(loaded: LoadedBacktestConfig, symbol: string, fixed?: RiskParams): LoadedBacktestConfig {
  const { config } = loaded;
  return {
    ...loaded,
    config: {
      ...config,
      assets: config.assets.filter((a) => a.symbol === symbol),
      stress: { ...config.stress, shocks: [] },
      policies: fixed ? { ...config.policies, static: { [symbol]: riskParamsToJson(fixed) } } : config.policies,
    },
  };
}
