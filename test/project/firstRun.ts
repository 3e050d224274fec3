import { expect } from "chai";
import { spawnSync } from "node:child_process";

// The first-run phases of scripts/run.sh, node-env.sh and build.sh (issue 17 item 5): each says what it
// does and how long it took, a failure shows the tool's output, and the compiler's warnings located in
// node_modules are dropped while ours are kept.
const bash = (script: string) => spawnSync("bash", ["-c", `source scripts/phase.sh\n${script}`], { encoding: "utf8" });

const OZ_WARNING = `Warning: Transient storage as defined by EIP-1153 can break the composability of smart contracts.
   --> ./node_modules/@openzeppelin/contracts/utils/TransientSlot.sol:108:13:
    |
108 |             tstore(slot, value)
    |             ^^^^^^`;
const OUR_WARNING = `Warning: Unused local variable.
  --> contracts/MarginEngine.sol:10:5:
   |
10 |     uint256 x;
   |     ^^^^^^^^^`;

describe("first-run phases: install and compile say what they do and how long it takes", function () {
  this.timeout(20_000);

  it("a phase prints its label, the expected time and its duration, and keeps the tool's output", function () {
    const run = bash(`phase "compiling the contracts [first run 3/3]" "about 35 s" bash -c 'echo solc says hi'`);
    expect(run.status, run.stderr).to.equal(0);
    expect(run.stderr).to.match(/bulwark: compiling the contracts \[first run 3\/3\] \(about 35 s\) \.\.\./);
    expect(run.stderr).to.include("solc says hi");
    expect(run.stderr).to.match(/bulwark: compiling the contracts \[first run 3\/3\] done in \d+s/);
  });

  it("a failing phase shows the tool's output, says it failed and returns the tool's exit code", function () {
    const run = bash(`phase "installing" "about 40 s" bash -c 'echo npm ERR! no network >&2; exit 7'; echo "status $?"`);
    expect(run.stdout).to.include("status 7");
    expect(run.stderr).to.include("npm ERR! no network");
    expect(run.stderr).to.match(/bulwark: installing failed after \d+s \(exit 7\)/);
    expect(run.stderr).to.not.include("done in");
  });

  it("drop_dependency_warnings removes the OpenZeppelin transient-storage warning and keeps a warning in our contracts", function () {
    const run = spawnSync("bash", ["-c", "source scripts/phase.sh; drop_dependency_warnings"], { input: `${OZ_WARNING}\n\n${OUR_WARNING}\n`, encoding: "utf8" });
    expect(run.status).to.equal(0);
    expect(run.stdout).to.not.include("TransientSlot");
    expect(run.stdout).to.include("contracts/MarginEngine.sol:10:5");
    expect(run.stdout).to.include("Unused local variable");
  });

});
