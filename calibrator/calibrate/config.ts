/**
 * The calibration config (`bulwark calibrate --config`, the keeper's `calibration`, the backtest's
 * `calibration`): strict, so that a misspelt key is refused instead of silently falling back to a
 * default, and with one entry per symbol.
 */
import { resolve } from "node:path";
import { z } from "zod";
import { loadJsonFile } from "../data/jsonFile.js";
import { populationSpecShape } from "../backtest/population.js";

const physicsSchema = z
  .object({
    oracleHeartbeatSeconds: z.number().int().positive(),
    keeperDelaySeconds: z.number().int().nonnegative(),
    executionSeconds: z.number().int().positive(),
  })
  .strict();

const policySchema = z
  .object({
    esConfidence: z.number().gt(0.5).lt(1),
    executionConfidence: z.number().gt(0.5).lt(1),
    ltvBufferConfidence: z.number().gt(0.5).lt(1),
    ltvBufferHours: z.number().positive(),
    toxicSpiralMargin: z.number().gt(0).lt(0.5),
    minBonusBps: z.number().int().min(0).max(5_000),
    stressBuffer: z.number().min(0).max(2),
    closeFactorBps: z.number().int().min(1).max(10_000),
    liquidationWindowSeconds: z.number().int().positive(),
    longRunLookbackYears: z.number().positive().max(30),
    crisisMoveMultiple: z.number().positive(),
    crisisLookbackHours: z.number().positive().max(24 * 30),
  })
  .strict()
  .partial();

const assetSchema = z
  .object({
    symbol: z.string().trim().min(1, "a symbol cannot be blank"),
    candles: z.string().min(1),
    options: z.object({ snapshot: z.string().min(1), currency: z.enum(["BTC", "ETH"]) }).strict().optional(),
    pool: z.string().min(1),
    /** True when the pool is another asset's, used as a stand-in for this asset's depth in USD. */
    poolIsProxy: z.boolean().default(false),
    // USD amounts the pipeline turns into token units: bounded so that the BigInt conversion stays finite.
    stressedSizeUsd: z.number().positive().max(1e12),
    gasCostUsd: z.number().nonnegative().max(1e6),
    physics: physicsSchema,
    /**
     * Daily candle files of the asset's long history (oldest first; they may leave gaps between them):
     * the through-the-cycle ES floor and the crisis rule read them, each calibration only up to its own
     * data end. Without them the threshold follows the recent window alone (procyclical).
     */
    longRunHistory: z.array(z.string().min(1)).min(1).optional(),
  })
  .strict();

const bps = z.number().int().min(0).max(10_000);

/**
 * Selection by simulation (docs/policy.md): opt-in. Without it the formula's point is published; with
 * it, the most lending candidate whose ES of bad debt stays within the budget.
 */
const selectionSchema = z
  .object({
    /** ES of bad debt ≤ this fraction of the candidate's lending (default 0.4%: a year of reserve income). */
    budgetFractionOfDebt: z.number().gt(0).max(0.2).default(0.004),
    confidence: z.number().gt(0.5).lt(1).default(0.99),
    /** Raise the budget to the hand-set reference's own ES per dollar lent (the backtest's static policy). */
    budgetFloorFromReference: z.boolean().default(false),
    /** Refuse candidates that lose more than the reference on any historical crash block (select.ts). */
    dominateReferenceInCrashBlocks: z.boolean().default(false),
    /** A change away from the last choice must lend this fraction more, unless the last one left the budget. */
    minLendingGain: z.number().min(0).max(0.5).default(0.01),
    scenarios: z
      .object({
        count: z.number().int().min(10).max(100_000),
        hours: z.number().int().min(24).max(24 * 30).multipleOf(24),
        crashShare: z.number().min(0).max(1),
        crashQuantile: z.number().gt(0).max(0.5),
        seed: z.number().int().nonnegative(),
      })
      .strict()
      .partial()
      .default({}),
    /** Liquidators' price-risk aversion κ in the screening model (the backtest's bots draw 0.5–1.5). */
    riskAversion: z.number().nonnegative().max(10).default(1),
    /** The book when the caller has none (the CLI): the backtest population's distribution, `sample` accounts of it. */
    book: z
      .object({ ...populationSpecShape, sample: z.number().int().positive().max(100_000).optional() })
      .strict()
      .refine((b) => b.minUsd <= b.maxUsd, { message: "minUsd must be at most maxUsd", path: ["minUsd"] })
      .refine((b) => b.minLimitUse <= b.maxLimitUse, { message: "minLimitUse must be at most maxLimitUse", path: ["minLimitUse"] })
      .optional(),
    /** The engine's liquidation config when the caller has no deployment (defaults: deploy/local.json's). */
    engine: z
      .object({ protocolFeeBps: bps, fullCloseHealthBps: bps, rateLimitBypassHealthBps: bps })
      .strict()
      .default({ protocolFeeBps: 1_000, fullCloseHealthBps: 9_500, rateLimitBypassHealthBps: 9_500 }),
    /** Worker threads for the CLI and the keeper (0: the calling thread). The backtest scores in its own thread. */
    workers: z.number().int().min(0).max(64).default(2),
  })
  .strict();

export type SelectionConfig = z.infer<typeof selectionSchema>;

export const configSchema = z
  .object({
    debtAsset: z.string().trim().min(1),
    policy: policySchema.default({}),
    fhs: z.object({ paths: z.number().int().positive(), seed: z.number().int().nonnegative() }).strict().default({ paths: 10_000, seed: 1 }),
    selection: selectionSchema.optional(),
    assets: z
      .array(assetSchema)
      .min(1)
      .superRefine((assets, ctx) => {
        assets.forEach((a, i) => {
          const first = assets.findIndex((b) => b.symbol === a.symbol);
          if (first !== i) ctx.addIssue({ code: "custom", path: [i, "symbol"], message: `duplicate symbol ${a.symbol} (also assets[${first}])` });
        });
      }),
  })
  .strict();

export type CalibrationConfig = z.infer<typeof configSchema>;
export type CalibrationAsset = CalibrationConfig["assets"][number];

/**
 * The config with every file path inside it resolved against `base` (the config file's folder), so it
 * can be written elsewhere or passed on without its folder.
 */
export function withPathsResolved(config: CalibrationConfig, base: string): CalibrationConfig {
  const at = (p: string) => resolve(base, p);
  return {
    ...config,
    assets: config.assets.map((a) => ({
      ...a,
      candles: at(a.candles),
      pool: at(a.pool),
      ...(a.options ? { options: { ...a.options, snapshot: at(a.options.snapshot) } } : {}),
      ...(a.longRunHistory ? { longRunHistory: a.longRunHistory.map(at) } : {}),
    })),
  };
}

/** Parses and validates a config file; errors name the file and the field path. */
export function loadConfig(file: string): CalibrationConfig {
  return loadJsonFile(configSchema, file);
}
