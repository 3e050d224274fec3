/** Reads what calibrator/rules/riskRules.ts needs from a deployed BoundedRiskUpdater (ethers). */
import type { AssetChainState, UpdaterGlobals } from "../../calibrator/rules/riskRules.js";
import { toAssetChainState, toRiskParams } from "../../calibrator/rules/chainState.js";
import type { Address } from "../../calibrator/rules/types.js";
import type { BoundedRiskUpdater } from "../../types/ethers-contracts/index.js";

export async function readAssetChainState(updater: BoundedRiskUpdater, asset: Address): Promise<AssetChainState> {
  const [listed, ramp, rampDuration, state, rules, frozen] = await Promise.all([
    updater.isListed(asset),
    updater.thresholdRamp(asset),
    updater.rampDuration(asset),
    updater.assetState(asset),
    updater.assetRules(asset),
    updater.isFrozen(asset),
  ]);
  return toAssetChainState({
    stored: listed ? toRiskParams(await updater.storedParams(asset)) : undefined,
    ramp,
    rampDuration,
    state: [state.configured, state.nonce, state.lastUpdateAt, state.lastObservedAt, state.lastRiskIncreasingAt],
    rules,
    frozen,
  });
}

export async function readGlobals(updater: BoundedRiskUpdater): Promise<UpdaterGlobals> {
  const [paused, maxReportAge] = await Promise.all([updater.paused(), updater.maxReportAge()]);
  return { paused, maxReportAge: Number(maxReportAge) };
}
