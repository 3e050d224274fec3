/** `bulwark calibrate`: market data → risk parameters per asset, with a hashed report. */
import { execSync } from "node:child_process";
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { Command } from "commander";
import { z } from "zod";
import { type CandleSeries, candleLogReturns, loadCandles } from "../data/candles.js";
import { loadOptionSnapshot } from "../data/deribit.js";
import { loadJsonFile } from "../data/jsonFile.js";
import { loadPoolSnapshot } from "../data/uniswapPool.js";
import { filteredHistoricalSimulation } from "../models/fhs.js";
import { fitGarch, horizonVariance } from "../models/garch.js";
import { atmVolatility } from "../models/svi.js";
import { normalVarEs } from "../models/tails.js";
import { maxSellWithinSlippage, simulateExactInput } from "../models/uniswapV3.js";
import { DEFAULT_POLICY, liquidationHorizonSeconds, riskParameters } from "../policy/riskPolicy.js";
import { canonicalJson, reportHash } from "../report/reportHash.js";
import type { RiskParamsJson } from "../rules/types.js";
import { impliedVolSurface } from "./iv.js";
import { sellSide, toUnits } from "./slippage.js";

const physicsSchema = z.object({
  oracleHeartbeatSeconds: z.number().int().positive(),
  keeperDelaySeconds: z.number().int().nonnegative(),
  executionSeconds: z.number().int().positive(),
});

export const configSchema = z.object({
  debtAsset: z.string().min(1),
  policy: z
    .object({
      esConfidence: z.number().gt(0.5).lt(1),
      executionConfidence: z.number().gt(0.5).lt(1),
      ltvBufferConfidence: z.number().gt(0.5).lt(1),
      ltvBufferHours: z.number().positive(),
      toxicSpiralMargin: z.number().gt(0).lt(0.5),
      minBonusBps: z.number().int().min(0).max(5_000),
      closeFactorBps: z.number().int().min(1).max(10_000),
      liquidationWindowSeconds: z.number().int().positive(),
    })
    .partial()
    .default({}),
  fhs: z.object({ paths: z.number().int().positive(), seed: z.number().int().nonnegative() }).default({ paths: 10_000, seed: 1 }),
  assets: z
    .array(
      z.object({
        symbol: z.string().min(1),
        candles: z.string().min(1),
        options: z.object({ snapshot: z.string().min(1), currency: z.enum(["BTC", "ETH"]) }).optional(),
        pool: z.string().min(1),
        /** True when the pool is another asset's, used as a stand-in for this asset's depth in USD. */
        poolIsProxy: z.boolean().default(false),
        stressedSizeUsd: z.number().positive(),
        gasCostUsd: z.number().nonnegative(),
        physics: physicsSchema,
      }),
    )
    .min(1),
});

export type CalibrationConfig = z.infer<typeof configSchema>;

/** Parses and validates a config file; errors name the file and the field path. */
export function loadConfig(file: string): CalibrationConfig {
  return loadJsonFile(configSchema, file);
}

/** A file's version (mtime and size); a directory's is that of every entry. */
function fileVersion(path: string): string {
  const stat = statSync(path);
  if (!stat.isDirectory()) return `${stat.mtimeMs}:${stat.size}`;
  return readdirSync(path)
    .sort()
    .map((name) => `${name}=${fileVersion(join(path, name))}`)
    .join("|");
}

/**
 * A value derived from a file (or a directory of files) computed once per version: backtests calibrate
 * hundreds of times on the same pool snapshot, and the keeper re-reads a file only after it changed.
 */
function perFileVersion<T>(compute: (file: string) => T): (file: string) => T {
  const cache = new Map<string, { version: string; value: T }>();
  return (file) => {
    const version = fileVersion(file);
    const hit = cache.get(file);
    if (hit?.version === version) return hit.value;
    const value = compute(file);
    cache.set(file, { version, value });
    return value;
  };
}

const sha256 = perFileVersion((file) => createHash("sha256").update(readFileSync(file)).digest("hex"));
const poolSnapshot = perFileVersion(loadPoolSnapshot);

let version: string | undefined;
/** The git commit of the code, read once per process. */
function codeVersion(): string {
  if (version === undefined) {
    try {
      version = execSync("git rev-parse HEAD", { stdio: ["ignore", "pipe", "ignore"] }).toString().trim();
    } catch {
      version = "unknown";
    }
  }
  return version;
}

export interface AssetCalibration {
  symbol: string;
  params: RiskParamsJson;
  /** Open time (unix seconds) of the last candle the calibration used: how fresh its data is. */
  dataEnd: number;
  report: Record<string, unknown> & { reportHash: `0x${string}` };
}

export interface CalibrateOptions {
  /**
   * A price history to use instead of the asset's candle file (the keeper passes the Chainlink feed's
   * rounds read on-chain); `undefined` for the file.
   */
  candlesFor?: (symbol: string) => CandleSeries | undefined;
  /** Calibrate only these symbols (default: every asset of the config). */
  symbols?: readonly string[];
}

export function calibrate(configFile: string, options: CalibrateOptions = {}): AssetCalibration[] {
  return calibrateConfig(loadConfig(configFile), dirname(resolve(configFile)), options);
}

/** Calibrates a parsed config whose relative paths are resolved against `base`. */
export function calibrateConfig(config: CalibrationConfig, base: string, options: CalibrateOptions = {}): AssetCalibration[] {
  const at = (p: string) => resolve(base, p);
  const policy = { ...DEFAULT_POLICY, ...config.policy };
  const version = codeVersion();
  const wanted = options.symbols ? config.assets.filter((a) => options.symbols!.includes(a.symbol)) : config.assets;
  return wanted.map((asset) => {
    const override = options.candlesFor?.(asset.symbol);
    const candleFile = override ? override.file : at(asset.candles);
    const candles = override ?? loadCandles(candleFile);
    const returns = candleLogReturns(candles);
    const horizonSeconds = liquidationHorizonSeconds(asset.physics);
    const horizonPeriods = Math.max(1, Math.ceil(horizonSeconds / candles.intervalSeconds));
    const garch = fitGarch(returns);
    const garchHorizonVar = horizonVariance(garch.params, garch.sigma2Next, horizonPeriods);
    const horizonYears = horizonSeconds / (365 * 86_400);
    let impliedAtm: number | undefined;
    let optionsHash: string | undefined;
    if (asset.options) {
      const file = at(asset.options.snapshot);
      optionsHash = sha256(file);
      impliedAtm = atmVolatility(impliedVolSurface(loadOptionSnapshot(file), asset.options.currency).slices.map((s) => ({ T: s.T, params: s.svi })), horizonYears);
    }
    // Conservative combination: the larger of the GARCH and the implied horizon variance.
    const impliedHorizonVar = impliedAtm !== undefined ? impliedAtm * impliedAtm * horizonYears : 0;
    const sigmaHorizon = Math.sqrt(Math.max(garchHorizonVar, impliedHorizonVar));
    const hourlyVol = sigmaHorizon / Math.sqrt(horizonSeconds / 3_600);
    const fhs = filteredHistoricalSimulation(returns, garch, { horizon: horizonPeriods, confidence: policy.esConfidence, ...config.fhs });
    const normal = normalVarEs(0, sigmaHorizon, policy.esConfidence);
    const horizonEs = Math.max(fhs.es, normal.es);

    const poolDir = at(asset.pool);
    const pool = poolSnapshot(poolDir);
    const side = sellSide(pool);
    const { spot, inDecimals, slippageOf } = side;
    const units = (usd: number) => toUnits(usd / spot, inDecimals);
    const stressed = simulateExactInput(pool, units(asset.stressedSizeUsd), side.sellToken0);
    const stressedSlippage = stressed.filled ? slippageOf(stressed.amountIn, stressed.amountOut) : 1;
    const depthWithin = (budget: number) =>
      (Number(maxSellWithinSlippage(pool, side.sellToken0, budget, slippageOf, units(1e10))) / 10 ** inDecimals) * spot;

    const result = riskParameters(
      { horizonEs, hourlyVol, stressedSlippage, stressedSizeUsd: asset.stressedSizeUsd, gasCostUsd: asset.gasCostUsd, depthWithin },
      asset.physics,
      policy,
    );
    const cap = BigInt(Math.floor(result.liquidationCapPerWindowUsd)) * 10n ** 18n;
    const params = {
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
      codeVersion: version,
      inputs: {
        candles: override
          ? { source: override.file, returns: returns.length, intervalSeconds: candles.intervalSeconds, lastClose: candles.close.at(-1) }
          : { file: asset.candles, sha256: sha256(candleFile), returns: returns.length, intervalSeconds: candles.intervalSeconds },
        options: asset.options ? { file: asset.options.snapshot, sha256: optionsHash, currency: asset.options.currency } : null,
        pool: { dir: asset.pool, isProxy: asset.poolIsProxy, metaSha256: sha256(pool.files.meta), ticksSha256: sha256(pool.files.ticks) },
        physics: asset.physics,
        stressedSizeUsd: asset.stressedSizeUsd,
        gasCostUsd: asset.gasCostUsd,
        policy,
        fhs: config.fhs,
      },
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
        horizonEs,
        spotPrice: spot,
        stressedSlippage,
        ...result.intermediates,
        liquidationCapPerWindowUsd: result.liquidationCapPerWindowUsd,
      },
      params,
    };
    return { symbol: asset.symbol, params, dataEnd: candles.time.at(-1)!, report: { ...body, reportHash: reportHash(body) } };
  });
}

export function calibrateCommand(): Command {
  return new Command("calibrate")
    .description("calibrate risk parameters from market data (prices, options, DEX depth) with a hashed report")
    .requiredOption("--config <file>", "calibration config (see config/calibrate.sample.json)")
    .option("--json", "machine-readable output")
    .action((options: { config: string; json?: boolean }) => {
      const result = calibrate(options.config);
      if (options.json) {
        console.log(canonicalJson(result));
        return;
      }
      console.table(
        Object.fromEntries(
          result.map((r) => [
            r.symbol,
            {
              LTV: `${(r.params.ltvBps / 100).toFixed(2)}%`,
              threshold: `${(r.params.liquidationThresholdBps / 100).toFixed(2)}%`,
              bonus: `${(r.params.liquidationBonusBps / 100).toFixed(2)}%`,
              "close factor": `${(r.params.closeFactorBps / 100).toFixed(0)}%`,
              "cap / window": `$${(Number(BigInt(r.params.liquidationCapPerWindow) / 10n ** 18n) / 1e6).toFixed(2)}M / ${r.params.liquidationWindow / 3_600} h`,
              reportHash: `${r.report.reportHash.slice(0, 18)}…`,
            },
          ]),
        ),
      );
    });
}
