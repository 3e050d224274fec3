/**
 * `npm run bench`: gas figures of the parameter path and the engine, measured from the EVM (transaction
 * receipts on the in-process Hardhat network, each transaction alone in its block), code sizes, and
 * wall-time medians of the calibrator, the keeper and the simulator. Prints a table and writes
 * reports/bench.json as [{"name","value","unit"}]. The figures themselves live in bench/.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { network } from "hardhat";
import { calibratorSpeedFigures } from "../bench/calibratorSpeed.js";
import { engineGasFigures } from "../bench/engineGas.js";
import { keeperCycleFigures } from "../bench/keeperCycle.js";
import type { BenchFigure } from "../bench/timing.js";
import { updaterGasFigures } from "../bench/updaterGas.js";
import { codeSize, MAX_RUNTIME_BYTES, PRODUCT_CONTRACTS } from "../calibrator/ops/codeSize.js";

const { ethers, ignition, networkHelpers } = await network.create();

const results: BenchFigure[] = [
  ...(await updaterGasFigures({ ethers, ignition }, networkHelpers)),
  ...(await engineGasFigures({ ethers, ignition }, networkHelpers)),
  ...PRODUCT_CONTRACTS.map((name) => ({
    name: `size.${name}.runtime`,
    value: codeSize(name).runtimeBytes,
    unit: "byte",
    target: MAX_RUNTIME_BYTES,
  })),
  ...calibratorSpeedFigures(),
  ...(await keeperCycleFigures()),
];
// The simulator's figures run in a fresh process (scripts/bench-backtest.ts), under tsx as the CLI runs.
const [backtestSim, backtestSeeds] = JSON.parse(
  execFileSync(process.execPath, ["--import", "tsx", "scripts/bench-backtest.ts"], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] }),
) as [BenchFigure & { detail: string }, BenchFigure & { detail: string }];
results.push(backtestSim, backtestSeeds);
const selectFigures = JSON.parse(
  execFileSync(process.execPath, ["--import", "tsx", "scripts/bench-select.ts"], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] }),
) as (BenchFigure & { detail: string })[];
results.push(...selectFigures);

console.log(
  "\nBulwark benchmarks: gas from transaction receipts (registry reads measured inside a consumer contract, cold);" +
    " times are medians of 15 runs after a warm-up (GARCH on ETHUSDT 2022-2025: 1,431 daily, 34,348 hourly returns);" +
    " keeper.cycle.ms is the median of 7 full cycles (10 assets, 2-of-3 batch, receipt) against a separate anvil process;" +
    ` backtest.sim is the median of 5 simulator runs in a process of its own (${backtestSim.detail}); backtest.sim.10seeds.window the median of 5 runs (${backtestSeeds.detail});` +
    ` calibrator.select.ms is the median of 3 selections in a process of its own (${selectFigures[0]!.detail})\n`,
);
console.log(`${"name".padEnd(52)} ${"value".padStart(10)}  unit  target`);
for (const r of results) {
  const verdict = r.target === undefined ? "" : `<= ${r.target.toLocaleString("en-US")} ${r.value <= r.target ? "ok" : "MISSED"}`;
  console.log(`${r.name.padEnd(52)} ${r.value.toLocaleString("en-US").padStart(10)}  ${r.unit.padEnd(4)}  ${verdict}`);
}
mkdirSync("reports", { recursive: true });
writeFileSync("reports/bench.json", JSON.stringify(results.map(({ name, value, unit }) => ({ name, value, unit })), null, 2) + "\n");
console.log("\nwrote reports/bench.json");
