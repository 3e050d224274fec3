/**
 * The type check is part of the suite. The contract-error names of the TypeScript rule copies are
 * types derived from the generated ABI (calibrator/rules/errorNames.ts), and they only protect the copies
 * if tsc runs: `npm test` is what CI runs, so the check runs here (about 25 s).
 */
import { expect } from "chai";
import { spawnSync } from "node:child_process";
import type { EngineErrorName } from "../../calibrator/rules/errorNames.js";
import type { RuleViolation } from "../../calibrator/rules/riskRules.js";

/** Type-level assertions, checked by the test below through tsc; never called. */
function typeAssertions(): void {
  const known: RuleViolation = { error: "CooldownActive", args: [] };
  // @ts-expect-error a misspelt name is none of BoundedRiskUpdater's errors
  const misspelt: RuleViolation = { error: "CooldownActiv", args: [] };
  const engineError: EngineErrorName = "LiquidationLeavesDust";
  // @ts-expect-error an updater error is not one of MarginEngine's
  const otherContract: EngineErrorName = "CooldownActive";
  void [known, misspelt, engineError, otherContract];
}
void typeAssertions;

describe("TypeScript: the type check", function () {
  this.timeout(300_000);
  it("tsc --noEmit passes on the whole project, so a misspelt or renamed contract-error name fails the suite", function () {
    const run = spawnSync(process.execPath, ["node_modules/typescript/bin/tsc", "--noEmit", "-p", "."], { encoding: "utf8" });
    expect(run.status, `${run.stdout}${run.stderr}`).to.equal(0);
  });
});
