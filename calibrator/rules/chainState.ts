/**
 * The updater's view results → the rule copy's `AssetChainState`. Shared by the keeper (viem decodes
 * small integers as numbers) and the tests (ethers decodes every integer as a bigint).
 */
import type { AssetChainState } from "./riskRules.js";
import type { AssetRules, RiskParams } from "./types.js";

type Int = number | bigint;
interface RawBpsRule {
  min: Int;
  max: Int;
  maxRiskIncreasingStep: Int;
  maxRiskReducingStep: Int;
}
interface RawAmountRule {
  min: Int;
  max: Int;
  maxStepBps: Int;
}

/** The RiskParams tuple as a client decodes it: viem gives numbers for small integers, ethers bigints. */
export interface RawRiskParams {
  ltvBps: Int;
  liquidationThresholdBps: Int;
  liquidationBonusBps: Int;
  closeFactorBps: Int;
  liquidationCapPerWindow: Int;
  liquidationWindow: Int;
}

/**
 * The one normaliser of a decoded RiskParams tuple, for viem and ethers alike: the TypeScript type,
 * with any extra tuple fields dropped (a decoded ethers Result carries its positional copies too).
 */
export function toRiskParams(raw: RawRiskParams): RiskParams {
  return {
    ltvBps: Number(raw.ltvBps),
    liquidationThresholdBps: Number(raw.liquidationThresholdBps),
    liquidationBonusBps: Number(raw.liquidationBonusBps),
    closeFactorBps: Number(raw.closeFactorBps),
    liquidationCapPerWindow: BigInt(raw.liquidationCapPerWindow),
    liquidationWindow: Number(raw.liquidationWindow),
  };
}

export interface RawAssetView {
  stored: RiskParams | undefined;
  /** From thresholdRamp(asset), which also returns toBps (the stored threshold). */
  ramp: { fromBps: Int; start: Int; end: Int };
  rampDuration: Int;
  /** assetState(asset): configured, nonce, lastUpdateAt, lastObservedAt, lastRiskIncreasingAt. */
  state: readonly [boolean, Int, Int, Int, Int];
  /** isFrozen(asset). */
  frozen: boolean;
  rules: {
    ltv: RawBpsRule;
    liquidationThreshold: RawBpsRule;
    liquidationBonus: RawBpsRule;
    closeFactor: RawBpsRule;
    liquidationCap: RawAmountRule;
    liquidationWindow: RawAmountRule;
    riskIncreasingCooldown: Int;
    riskReducingCooldown: Int;
  };
}

const bps = (r: RawBpsRule) => ({
  min: Number(r.min),
  max: Number(r.max),
  maxRiskIncreasingStep: Number(r.maxRiskIncreasingStep),
  maxRiskReducingStep: Number(r.maxRiskReducingStep),
});
const amount = (r: RawAmountRule) => ({ min: BigInt(r.min), max: BigInt(r.max), maxStepBps: Number(r.maxStepBps) });

export function toAssetChainState(raw: RawAssetView): AssetChainState {
  const r = raw.rules;
  const rules: AssetRules = {
    ltv: bps(r.ltv),
    liquidationThreshold: bps(r.liquidationThreshold),
    liquidationBonus: bps(r.liquidationBonus),
    closeFactor: bps(r.closeFactor),
    liquidationCap: amount(r.liquidationCap),
    liquidationWindow: amount(r.liquidationWindow),
    riskIncreasingCooldown: Number(r.riskIncreasingCooldown),
    riskReducingCooldown: Number(r.riskReducingCooldown),
  };
  const [configured, nonce, lastUpdateAt, lastObservedAt, lastRiskIncreasingAt] = raw.state;
  return {
    stored: raw.stored,
    ramp: { fromBps: Number(raw.ramp.fromBps), start: BigInt(raw.ramp.start), end: BigInt(raw.ramp.end) },
    rampDuration: Number(raw.rampDuration),
    configured,
    frozen: raw.frozen,
    rules,
    nonce: BigInt(nonce),
    lastUpdateAt: BigInt(lastUpdateAt),
    lastObservedAt: BigInt(lastObservedAt),
    lastRiskIncreasingAt: BigInt(lastRiskIncreasingAt),
  };
}
