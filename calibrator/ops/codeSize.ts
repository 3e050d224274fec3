/**
 * Deployed sizes of the product contracts, read from the compiled artifacts: the EIP-170 runtime limit
 * (24,576 bytes) and the EIP-3860 initcode limit (49,152 bytes) that a mainnet deployment must meet.
 */
import { readFileSync } from "node:fs";

export const MAX_RUNTIME_BYTES = 24_576;
export const MAX_INITCODE_BYTES = 49_152;
export const PRODUCT_CONTRACTS = ["MarginEngine", "BoundedRiskUpdater", "PriceOracle"] as const;
export type ProductContract = (typeof PRODUCT_CONTRACTS)[number];

export interface CodeSize {
  runtimeBytes: number;
  initcodeBytes: number;
}

const bytes = (hex: string): number => (hex.startsWith("0x") ? hex.length - 2 : hex.length) / 2;

/** The runtime and initcode sizes of `name` in `artifactsDir` (built with `scripts/build.sh`). */
export function codeSize(name: ProductContract, artifactsDir = "artifacts"): CodeSize {
  const artifact = JSON.parse(readFileSync(`${artifactsDir}/contracts/${name}.sol/${name}.json`, "utf8")) as {
    bytecode: string;
    deployedBytecode: string;
  };
  return { runtimeBytes: bytes(artifact.deployedBytecode), initcodeBytes: bytes(artifact.bytecode) };
}
