/**
 * The PackedRiskParams word (contracts/types/PackedRiskParams.sol): how reports carry parameters
 * on the wire and how events log them. Layout, from bit 0: ltvBps 16, liquidationThresholdBps 16,
 * liquidationBonusBps 16, closeFactorBps 16, liquidationCapPerWindow 96, liquidationWindow 32.
 */
import { MAX_UINT96, type RiskParams, type RiskReport, type Address, type Hex } from "./types.js";

const U16 = 0xffffn;
const U32 = 0xffff_ffffn;

/** A report as `submitReport` takes it: both parameter sets packed into one word each. */
export interface PackedRiskReport {
  asset: Address;
  newParams: bigint;
  expectedCurrentParams: bigint;
  nonce: bigint;
  observedAt: bigint;
  reportHash: Hex;
}

function checkField(name: keyof RiskParams, value: number | bigint, max: bigint): bigint {
  if (typeof value === "number" && !Number.isInteger(value)) {
    throw new RangeError(`RiskParams.${name} must be an integer, got ${value}`);
  }
  const v = BigInt(value);
  if (v < 0n || v > max) throw new RangeError(`RiskParams.${name} = ${v} is outside [0, ${max}]`);
  return v;
}

export function packParams(p: RiskParams): bigint {
  return (
    checkField("ltvBps", p.ltvBps, U16) |
    (checkField("liquidationThresholdBps", p.liquidationThresholdBps, U16) << 16n) |
    (checkField("liquidationBonusBps", p.liquidationBonusBps, U16) << 32n) |
    (checkField("closeFactorBps", p.closeFactorBps, U16) << 48n) |
    (checkField("liquidationCapPerWindow", p.liquidationCapPerWindow, MAX_UINT96) << 64n) |
    (checkField("liquidationWindow", p.liquidationWindow, U32) << 160n)
  );
}

/** Decodes a packed word; bits above 191 (the registry's ramp state in a slot word) are ignored. */
export function unpackParams(word: bigint): RiskParams {
  return {
    ltvBps: Number(word & U16),
    liquidationThresholdBps: Number((word >> 16n) & U16),
    liquidationBonusBps: Number((word >> 32n) & U16),
    closeFactorBps: Number((word >> 48n) & U16),
    liquidationCapPerWindow: (word >> 64n) & MAX_UINT96,
    liquidationWindow: Number((word >> 160n) & U32),
  };
}

export function packReport(r: RiskReport): PackedRiskReport {
  return {
    asset: r.asset,
    newParams: packParams(r.newParams),
    expectedCurrentParams: packParams(r.expectedCurrentParams),
    nonce: r.nonce,
    observedAt: r.observedAt,
    reportHash: r.reportHash,
  };
}
