// Runs the whole suite (`hardhat test`: Solidity then mocha) and ends with the line CI reads:
// "N passed, N failed" with the real counts, so a run that executed nothing shows as such.
import { spawn, spawnSync } from "node:child_process";

// Compile first as a named phase with progress (scripts/build.sh): the first compile takes minutes and
// hardhat test would otherwise sit silent through it; build.sh also drops the dependencies' warnings.
const build = spawnSync("bash", ["scripts/build.sh"], { stdio: "inherit" });
if (build.status !== 0) {
  console.log("\n0 passed, 1 failed");
  process.exit(build.status ?? 1);
}

const args = ["hardhat", "test", ...process.argv.slice(2)];
const child = spawn("npx", args, { stdio: ["inherit", "pipe", "pipe"], env: { ...process.env, FORCE_COLOR: "0" } });
let output = "";
child.stdout.on("data", (chunk) => { process.stdout.write(chunk); output += chunk.toString(); });
child.stderr.on("data", (chunk) => { process.stderr.write(chunk); output += chunk.toString(); });
child.on("close", (code) => {
  const plain = output.replace(/\x1b\[[0-9;]*m/g, "");
  const sum = (re) => [...plain.matchAll(re)].reduce((acc, m) => acc + Number(m[1]), 0);
  // Hardhat prints one block per runner ("N passing", "N failing", "N pending") and, when both
  // runners ran, totals such as "N passing (x solidity, y mocha)". Prefer the totals; otherwise sum
  // the per-runner lines (a single runner prints no totals).
  // Totals carry the per-runner split in parentheses: "(24 solidity, 202 mocha)", or "(1 mocha)" when
  // only one runner had any.
  const total = (word) => plain.match(new RegExp(`^\\s*(\\d+) ${word} \\(\\d+ (?:solidity|mocha)(?:, \\d+ mocha)?\\)`, "m"));
  const count = (word) => {
    const t = total(word);
    return t ? Number(t[1]) : sum(new RegExp(`^\\s*(\\d+) ${word}(?! \\(\\d+ (?:solidity|mocha))`, "gm"));
  };
  const passed = count("passing");
  const failed = count("failing");
  const skipped = count("pending");
  const exitCode = code ?? 1;
  const failedShown = exitCode !== 0 && failed === 0 ? 1 : failed;
  console.log(`\n${passed} passed, ${failedShown} failed${skipped ? `, ${skipped} skipped` : ""}`);
  process.exit(exitCode);
});
