/** Types mirroring contracts/libraries/RiskTypes.sol. Bps fields are numbers; 18-decimal amounts are bigints. */

export type Address = `0x${string}`;
export type Hex = `0x${string}`;

export interface RiskParams {
  ltvBps: number;
  liquidationThresholdBps: number;
  liquidationBonusBps: number;
  closeFactorBps: number;
  /** Collateral value (debt-asset units, 18 decimals) seizable per window; < 2^96. */
  liquidationCapPerWindow: bigint;
  /** Seconds. */
  liquidationWindow: number;
}

/** Field identifiers in the order of the Solidity `Param` enum. */
export const PARAM_NAMES = [
  "Ltv",
  "LiquidationThreshold",
  "LiquidationBonus",
  "CloseFactor",
  "LiquidationCap",
  "LiquidationWindow",
] as const;
export type ParamName = (typeof PARAM_NAMES)[number];
export const Param: { readonly [K in ParamName]: number } = Object.fromEntries(
  PARAM_NAMES.map((name, index) => [name, index]),
) as { readonly [K in ParamName]: number };

export interface BpsRule {
  min: number;
  max: number;
  maxRiskIncreasingStep: number;
  maxRiskReducingStep: number;
}

export interface AmountRule {
  min: bigint;
  max: bigint;
  /** Symmetric relative step in bps of the current value. */
  maxStepBps: number;
}

export interface AssetRules {
  ltv: BpsRule;
  liquidationThreshold: BpsRule;
  liquidationBonus: BpsRule;
  closeFactor: BpsRule;
  liquidationCap: AmountRule;
  liquidationWindow: AmountRule;
  riskIncreasingCooldown: number;
  riskReducingCooldown: number;
}

export interface RiskReport {
  asset: Address;
  newParams: RiskParams;
  expectedCurrentParams: RiskParams;
  nonce: bigint;
  observedAt: bigint;
  reportHash: Hex;
}

/** RiskParams in JSON files and reports: the 18-decimal cap as a decimal string. */
export interface RiskParamsJson {
  ltvBps: number;
  liquidationThresholdBps: number;
  liquidationBonusBps: number;
  closeFactorBps: number;
  liquidationCapPerWindow: string;
  liquidationWindow: number;
}

export interface CompactSignature {
  r: Hex;
  vs: Hex;
}

export const BPS = 10_000;
export const MAX_UINT96 = (1n << 96n) - 1n;
