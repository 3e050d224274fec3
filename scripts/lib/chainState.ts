/** Reads what calibrator/rules/riskRules.ts needs from a deployed BoundedRiskUpdater (ethers). */
import type { AssetChainState, UpdaterGlobals } from "../../calibrator/rules/riskRules.js";
import type { Address, AssetRules } from "../../calibrator/rules/types.js";
import { toRiskParams } from "./system.js";
import type { BoundedRiskUpdater } from "../../types/ethers-contracts/index.js";

export async function readAssetChainState(updater: BoundedRiskUpdater, asset: Address): Promise<AssetChainState> {
  const [listed, ramp, rampDuration, state, rules] = await Promise.all([
    updater.isListed(asset),
    updater.thresholdRamp(asset),
    updater.rampDuration(asset),
    updater.assetState(asset),
    updater.assetRules(asset),
  ]);
  const bps = (r: { min: bigint; max: bigint; maxRiskIncreasingStep: bigint; maxRiskReducingStep: bigint }) => ({
    min: Number(r.min),
    max: Number(r.max),
    maxRiskIncreasingStep: Number(r.maxRiskIncreasingStep),
    maxRiskReducingStep: Number(r.maxRiskReducingStep),
  });
  const amount = (r: { min: bigint; max: bigint; maxStepBps: bigint }) => ({
    min: r.min,
    max: r.max,
    maxStepBps: Number(r.maxStepBps),
  });
  const assetRules: AssetRules = {
    ltv: bps(rules.ltv),
    liquidationThreshold: bps(rules.liquidationThreshold),
    liquidationBonus: bps(rules.liquidationBonus),
    closeFactor: bps(rules.closeFactor),
    liquidationCap: amount(rules.liquidationCap),
    liquidationWindow: amount(rules.liquidationWindow),
    riskIncreasingCooldown: Number(rules.riskIncreasingCooldown),
    riskReducingCooldown: Number(rules.riskReducingCooldown),
  };
  return {
    stored: listed ? toRiskParams(await updater.storedParams(asset)) : undefined,
    ramp: { fromBps: Number(ramp.fromBps), start: ramp.start, end: ramp.end },
    rampDuration: Number(rampDuration),
    configured: state.configured,
    rules: assetRules,
    nonce: state.nonce,
    lastUpdateAt: state.lastUpdateAt,
    lastObservedAt: state.lastObservedAt,
  };
}

export async function readGlobals(updater: BoundedRiskUpdater): Promise<UpdaterGlobals> {
  const [paused, maxReportAge] = await Promise.all([updater.paused(), updater.maxReportAge()]);
  return { paused, maxReportAge: Number(maxReportAge) };
}
