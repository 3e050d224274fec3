/**
 * EIP-712 definitions of the BoundedRiskUpdater's reports, in the shape both ethers
 * (`signTypedData(domain, types, value)`) and viem (`signTypedData({domain, types, primaryType, message})`) take.
 * They must match the type strings hashed in contracts/BoundedRiskUpdater.sol; a test signs with them
 * and checks the contract's `reportDigest` / `batchDigest`.
 */
import type { Address } from "./types.js";

export const UPDATER_DOMAIN_NAME = "Bulwark BoundedRiskUpdater";
export const UPDATER_DOMAIN_VERSION = "1";

const RISK_PARAMS_FIELDS = [
  { name: "ltvBps", type: "uint16" },
  { name: "liquidationThresholdBps", type: "uint16" },
  { name: "liquidationBonusBps", type: "uint16" },
  { name: "closeFactorBps", type: "uint16" },
  { name: "liquidationCapPerWindow", type: "uint96" },
  { name: "liquidationWindow", type: "uint32" },
] as const;

const RISK_REPORT_FIELDS = [
  { name: "asset", type: "address" },
  { name: "newParams", type: "RiskParams" },
  { name: "expectedCurrentParams", type: "RiskParams" },
  { name: "nonce", type: "uint64" },
  { name: "observedAt", type: "uint64" },
  { name: "reportHash", type: "bytes32" },
] as const;

/** Types for a single report (primary type `RiskReport`). */
export const REPORT_TYPES = {
  RiskParams: RISK_PARAMS_FIELDS,
  RiskReport: RISK_REPORT_FIELDS,
} as const;

/** Types for a batch (primary type `RiskReportBatch`). */
export const BATCH_TYPES = {
  RiskParams: RISK_PARAMS_FIELDS,
  RiskReport: RISK_REPORT_FIELDS,
  RiskReportBatch: [{ name: "reports", type: "RiskReport[]" }],
} as const;

export interface UpdaterDomain {
  name: string;
  version: string;
  chainId: bigint;
  verifyingContract: Address;
}

export function updaterDomain(chainId: bigint, verifyingContract: Address): UpdaterDomain {
  return { name: UPDATER_DOMAIN_NAME, version: UPDATER_DOMAIN_VERSION, chainId, verifyingContract };
}
