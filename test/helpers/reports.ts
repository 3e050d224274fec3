/** Report helpers shared by the mocha suites. */
import type { Wallet } from "ethers";
import { packReport } from "../../calibrator/rules/packing.js";
import type { Address, RiskParams, RiskReport } from "../../calibrator/rules/types.js";
import { signBatch, signReport } from "../fixtures/signing.js";
import { buildReport, type System } from "../fixtures/system.js";

/** Signs `report` with `wallets` (default: the first `quorum` calibrators) and relays it. */
export async function submit(system: System, report: RiskReport, wallets?: readonly Wallet[]) {
  const signers = wallets ?? system.calibrators.slice(0, Number(await system.updater.quorum()));
  const sigs = await signReport(signers, system.domain, report);
  return system.updater.connect(system.relayer).submitReport(packReport(report), sigs);
}

export async function submitBatch(system: System, reports: readonly RiskReport[], wallets?: readonly Wallet[]) {
  const signers = wallets ?? system.calibrators.slice(0, Number(await system.updater.quorum()));
  const sigs = await signBatch(signers, system.domain, reports);
  return system.updater.connect(system.relayer).submitReports(reports.map(packReport), sigs);
}

/** Builds a report moving `asset` to `params` with the next nonce and a fresh observation, and submits it. */
export async function propose(system: System, asset: Address, params: RiskParams, overrides: Partial<RiskReport> = {}) {
  return submit(system, await buildReport(system.updater, asset, params, overrides));
}

/** Pushes a fresh answer to every feed (after time travel, so reports are not rejected as stale). */
export async function refreshFeeds(system: System): Promise<void> {
  for (const a of system.assets) await a.feed.updateAnswer(a.spec.price8);
}
