/** calibrator/abi/contracts.ts (the keeper's ABIs) must match the compiled contracts: `npm run abi` regenerates it. */
import { expect } from "chai";
import { readFileSync } from "node:fs";
import { renderAbiModule } from "../../calibrator/abi/render.js";

describe("generated ABIs", function () {
  it("calibrator/abi/contracts.ts matches the artifacts (run `npm run abi` after a contract change)", function () {
    expect(readFileSync("calibrator/abi/contracts.ts", "utf8")).to.equal(renderAbiModule("artifacts"));
  });
});
