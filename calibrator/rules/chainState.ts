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

export interface RawAssetView {
  stored: RiskParams | undefined;
  /** From thresholdRamp(asset), which also returns toBps (the stored threshold). */
  ramp: { fromBps: Int; start: Int; end: Int };
  rampDuration: Int;
  /** assetState(asset): configured, nonce, lastUpdateAt, lastObservedAt. */
  state: readonly [boolean, Int, Int, Int];
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
  const [configured, nonce, lastUpdateAt, lastObservedAt] = raw.state;
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
  };
}
