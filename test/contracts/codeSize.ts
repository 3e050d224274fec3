/**
 * Every deployable product contract fits EIP-170's runtime limit (24,576 bytes) and EIP-3860's initcode
 * limit (49,152 bytes), so a mainnet deployment cannot fail on size. The local network enforces the
 * same limits, but only for what a test happens to deploy; this reads the compiled artifacts directly.
 * MarginEngine fits only at its own optimizer setting (hardhat.config.ts); `npm run bench` prints the sizes.
 * Under `npm run coverage` the artifacts hold instrumented code, about twice the size, which says
 * nothing about a deployment: there the test is skipped (pending), never passed.
 */
import { expect } from "chai";
import { codeSize, MAX_INITCODE_BYTES, MAX_RUNTIME_BYTES, PRODUCT_CONTRACTS } from "../../calibrator/ops/codeSize.js";

describe("contract sizes", function () {
  for (const name of PRODUCT_CONTRACTS) {
    it(`${name} fits EIP-170 (runtime) and EIP-3860 (initcode)`, function () {
      if (process.env.BULWARK_COVERAGE === "1") this.skip();
      const size = codeSize(name);
      expect(size.runtimeBytes, `${name} runtime bytes`).to.be.greaterThan(0).and.at.most(MAX_RUNTIME_BYTES);
      expect(size.initcodeBytes, `${name} initcode bytes`).to.be.at.most(MAX_INITCODE_BYTES);
    });
  }
});
