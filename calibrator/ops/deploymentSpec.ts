/**
 * The one file a deployment is described by (deploy/local.json): governance, calibrators, the engine
 * and every collateral with its feed, bounds and starting parameters. Validated with zod; errors name
 * the file and the field. Existing tokens and feeds are given by address; "mock" deploys a test
 * token or feed (local networks only).
 */
import { z } from "zod";
import { DataError } from "../data/errors.js";
import { parseWithSchema, readJsonFile } from "../data/jsonFile.js";
import { ENGINE_LIMITS as L, ORACLE_LIMITS as O, UPDATER_LIMITS as U } from "../rules/bounds.js";
import { checkBounds, checkInvariants, describeViolation } from "../rules/riskRules.js";

const address = z.string().regex(/^0x[0-9a-fA-F]{40}$/, "must be a 0x-prefixed 20-byte hex address");
const integer = z.union([z.number().int().nonnegative(), z.string().regex(/^\d+$/, "must be a non-negative integer")]).transform((v) => BigInt(v));
const bps = z.number().int().min(0).max(U.maxBps);
// The rules are refused where BoundedRiskUpdater.setAssetRules refuses them: a zero lower bound or one
// above the upper (InvalidBounds), a risk-reducing step smaller than the risk-increasing one
// (RiskReducingStepTooSmall). The limits themselves live in rules/bounds.ts.
const bpsRule = z
  .object({ min: bps.refine((v) => v > 0, "a lower bound must be positive"), max: bps, maxRiskIncreasingStep: bps, maxRiskReducingStep: bps })
  .refine((r) => r.min <= r.max, { message: "min must not exceed max (InvalidBounds)", path: ["min"] })
  .refine((r) => r.maxRiskReducingStep >= r.maxRiskIncreasingStep, {
    message: "maxRiskReducingStep must be at least maxRiskIncreasingStep (RiskReducingStepTooSmall)",
    path: ["maxRiskReducingStep"],
  });
const amountRule = z
  .object({ min: integer.refine((v) => v > 0n, "a lower bound must be positive"), max: integer, maxStepBps: bps })
  .refine((r) => r.min <= r.max, { message: "min must not exceed max (InvalidBounds)", path: ["min"] });
const seconds = z.number().int().nonnegative();

export const deploymentSpecSchema = z
  .object({
    governance: z.object({
      timelockMinDelay: z.number().int().nonnegative(),
      /** Who may schedule (the risk council's multisig); "deployer" for a local demo. */
      proposers: z.array(z.union([address, z.literal("deployer")])).min(1),
      /** Who may execute; the zero address lets anyone execute a ready operation. */
      executors: z.array(address).default(["0x0000000000000000000000000000000000000000"]),
      guardian: z.union([address, z.literal("deployer")]),
      /**
       * Who administers the contracts after deployment: the timelock (the default, and the only choice
       * deployBulwark accepts off a local chain), or an account, for the tests' local systems where a
       * test account governs directly. Never the deployer's own address: it renounces its role last.
       */
      admin: z.union([address, z.literal("timelock")]).default("timelock"),
    }),
    calibrators: z.object({
      signers: z.array(address).min(1).max(U.maxSigners),
      quorum: z.number().int().min(1).max(U.maxSigners),
      maxReportAge: z.number().int().positive().max(U.maxReportAge),
    }),
    oracle: z.object({ sequencerFeed: address.optional(), sequencerGracePeriod: z.number().int().nonnegative().default(3_600) }).default({ sequencerGracePeriod: 3_600 }),
    engine: z.object({
      /** The debt asset's address, or "mock" to deploy a test token (local networks). */
      debtAsset: z.union([address, z.literal("mock")]),
      debtSymbol: z.string().min(1),
      debtDecimals: z.number().int().min(0).max(18),
      shareName: z.string().min(1),
      shareSymbol: z.string().min(1),
      // The engine's own limits (rules/engineLimits.ts): a file that validates also deploys.
      rateModel: z.object({
        baseRateBps: z.number().int().min(0).max(L.maxBaseRateBps),
        slope1Bps: z.number().int().min(0).max(L.maxSlope1Bps),
        slope2Bps: z.number().int().min(0).max(L.maxSlope2Bps),
        optimalUtilizationBps: z.number().int().min(L.minOptimalUtilizationBps).max(L.maxOptimalUtilizationBps),
        reserveFactorBps: z.number().int().min(0).max(L.maxReserveFactorBps),
      }),
      liquidationConfig: z
        .object({
          fullCloseHealthBps: z.number().int().min(L.minFullCloseHealthBps).max(L.maxFullCloseHealthBps),
          rateLimitBypassHealthBps: bps,
          protocolFeeBps: z.number().int().min(0).max(L.maxProtocolFeeBps),
          minLeftoverValue: integer.refine((v) => v <= L.maxMinLeftoverValue, { message: `at most ${L.maxMinLeftoverValue} (MarginEngine.MAX_MIN_LEFTOVER_VALUE)` }),
        })
        .refine((c) => c.rateLimitBypassHealthBps <= c.fullCloseHealthBps, { message: "rateLimitBypassHealthBps must not exceed fullCloseHealthBps", path: ["rateLimitBypassHealthBps"] }),
    }),
    assets: z
      .array(
        z.object({
          symbol: z.string().min(1).regex(/^[A-Za-z0-9]+$/, "letters and digits only (it names Ignition futures)"),
          /** The token's address, or "mock" to deploy a test token (local networks). */
          token: z.union([address, z.literal("mock")]),
          decimals: z.number().int().min(0).max(36),
          /** The Chainlink feed's address, or a mock feed with 8 decimals starting at `price` (USD). */
          feed: z.union([address, z.object({ mockPrice: z.string().regex(/^\d+(\.\d{1,8})?$/, "a decimal USD price with at most 8 decimals") })]),
          stalenessAllowance: z.number().int().positive().max(O.maxStalenessAllowance),
          rampDuration: seconds.max(U.maxRampDuration),
          /** Whole tokens. */
          supplyCap: integer,
          rules: z
            .object({
              ltv: bpsRule,
              liquidationThreshold: bpsRule,
              liquidationBonus: bpsRule,
              closeFactor: bpsRule,
              liquidationCap: amountRule,
              liquidationWindow: amountRule.refine((r) => r.max <= BigInt(U.maxLiquidationWindow), {
                message: `max must fit a uint32 of seconds (at most ${U.maxLiquidationWindow})`,
                path: ["max"],
              }),
              riskIncreasingCooldown: seconds.max(U.maxCooldown),
              riskReducingCooldown: seconds,
            })
            .refine((r) => r.riskReducingCooldown <= r.riskIncreasingCooldown, {
              message: "riskReducingCooldown must not exceed riskIncreasingCooldown (RiskReducingCooldownTooLong)",
              path: ["riskReducingCooldown"],
            }),
          params: z.object({ ltvBps: bps, liquidationThresholdBps: bps, liquidationBonusBps: bps, closeFactorBps: bps, liquidationCapPerWindow: integer, liquidationWindow: z.number().int().positive() }),
        }),
      )
      .min(1)
      .max(64),
  })
  .strict();

export type DeploymentSpec = z.infer<typeof deploymentSpecSchema>;

export function parseDeploymentSpec(raw: unknown, file: string): DeploymentSpec {
  const data = parseWithSchema(deploymentSpecSchema, raw, file);
  const symbols = data.assets.map((a) => a.symbol);
  const dup = symbols.find((s, i) => symbols.indexOf(s) !== i);
  if (dup) throw new DataError(file, undefined, "assets", `symbol ${dup} appears twice`);
  if (data.calibrators.quorum > data.calibrators.signers.length) {
    throw new DataError(file, undefined, "calibrators.quorum", `${data.calibrators.quorum} exceeds the ${data.calibrators.signers.length} signers`);
  }
  data.assets.forEach((a, i) => {
    // The starting parameters go through governanceSetParams: within every bound (ParamOutOfBounds) and
    // the static invariants (RiskParamsLib), with the rule copy the keeper uses.
    const p = a.params;
    const outOfBounds = checkBounds(a.symbol, a.rules, p);
    if (outOfBounds) throw new DataError(file, undefined, `assets[${i}].params`, describeViolation(outOfBounds));
    const broken = checkInvariants(p, p.liquidationThresholdBps);
    if (broken) throw new DataError(file, undefined, `assets[${i}].params`, describeViolation(broken));
  });
  return data;
}

export function loadDeploymentSpec(file: string): DeploymentSpec {
  return parseDeploymentSpec(readJsonFile(file), file);
}
