import { expect } from "chai";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";

const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string };
const bulwark = (...args: string[]) =>
  spawnSync(process.execPath, ["--import", "tsx", "calibrator/cli.ts", ...args], { encoding: "utf8" });

describe("bulwark CLI", function () {
  this.timeout(30_000);

  it("version --json prints the package version and the pinned toolchain", function () {
    const run = bulwark("version", "--json");
    expect(run.status).to.equal(0);
    const info = JSON.parse(run.stdout) as Record<string, string>;
    expect(info.version).to.equal(pkg.version);
    expect(info.solc).to.equal("0.8.30");
    expect(info.viem).to.equal("2.57.1");
  });

  it("--help lists the commands", function () {
    const run = bulwark("--help");
    expect(run.status).to.equal(0);
    expect(run.stdout).to.match(/Commands:[\s\S]*version/);
  });

  it("an unknown command fails with a clear message and a non-zero exit", function () {
    const run = bulwark("frobnicate");
    expect(run.status).to.not.equal(0);
    expect(run.stderr).to.include("unknown command 'frobnicate'");
  });
});
