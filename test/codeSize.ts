/**
 * Every deployable product contract fits EIP-170's runtime limit (24,576 bytes) and EIP-3860's initcode
 * limit (49,152 bytes), so a mainnet deployment cannot fail on size. The local network enforces the
 * same limits, but only for what a test happens to deploy; this reads the compiled artifacts directly.
 */
import { expect } from "chai";
import { readFileSync } from "node:fs";

const MAX_RUNTIME_BYTES = 24_576;
const MAX_INITCODE_BYTES = 49_152;
const PRODUCT_CONTRACTS = ["MarginEngine", "BoundedRiskUpdater", "PriceOracle"] as const;

const bytes = (hex: string): number => (hex.startsWith("0x") ? hex.length - 2 : hex.length) / 2;

describe("contract sizes", function () {
  for (const name of PRODUCT_CONTRACTS) {
    it(`${name} fits EIP-170 (runtime) and EIP-3860 (initcode)`, function () {
      const artifact = JSON.parse(readFileSync(`artifacts/contracts/${name}.sol/${name}.json`, "utf8")) as {
        bytecode: string;
        deployedBytecode: string;
      };
      const runtime = bytes(artifact.deployedBytecode);
      expect(runtime, `${name} runtime bytes`).to.be.greaterThan(0).and.at.most(MAX_RUNTIME_BYTES);
      expect(bytes(artifact.bytecode), `${name} initcode bytes`).to.be.at.most(MAX_INITCODE_BYTES);
    });
  }
});
