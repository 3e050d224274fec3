/** Signing of BoundedRiskUpdater reports with ethers wallets (tests, bench, demo). */
import { Signature, type Wallet } from "ethers";
import { BATCH_TYPES, REPORT_TYPES, type UpdaterDomain } from "../../calibrator/rules/eip712.js";
import type { CompactSignature, RiskReport } from "../../calibrator/rules/types.js";

/** EIP-2098 compact form of a 65-byte signature. */
export function toCompact(signature: string): CompactSignature {
  const sig = Signature.from(signature);
  return { r: sig.r as `0x${string}`, vs: sig.yParityAndS as `0x${string}` };
}

/** The EIP-712 type definitions with mutable field arrays, as ethers wants them. */
export const mutableTypes = <T extends Record<string, readonly { name: string; type: string }[]>>(types: T) =>
  Object.fromEntries(Object.entries(types).map(([k, v]) => [k, v.map((f) => ({ ...f }))]));

export async function signReport(
  wallets: readonly Wallet[],
  domain: UpdaterDomain,
  report: RiskReport,
): Promise<CompactSignature[]> {
  const types = mutableTypes(REPORT_TYPES);
  return Promise.all(wallets.map(async (w) => toCompact(await w.signTypedData(domain, types, report))));
}

export async function signBatch(
  wallets: readonly Wallet[],
  domain: UpdaterDomain,
  reports: readonly RiskReport[],
): Promise<CompactSignature[]> {
  const types = mutableTypes(BATCH_TYPES);
  return Promise.all(wallets.map(async (w) => toCompact(await w.signTypedData(domain, types, { reports }))));
}
