/**
 * `npm run bench`: gas figures of the parameter path, measured from the EVM (transaction receipts on
 * the in-process Hardhat network, each transaction alone in its block). Prints a table and writes
 * reports/bench.json as [{"name","value","unit"}].
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { network } from "hardhat";
import type { Address, RiskParams, RiskReport } from "../calibrator/rules/types.js";
import { performance } from "node:perf_hooks";
import { candleLogReturns, loadCandles } from "../calibrator/data/candles.js";
import { fitGarch } from "../calibrator/models/garch.js";
import { impliedVolSurface } from "../calibrator/models/impliedSurface.js";
import { loadOptionSnapshot } from "../calibrator/data/deribit.js";
import { packReport } from "../calibrator/rules/packing.js";
import { codeSize, MAX_RUNTIME_BYTES, PRODUCT_CONTRACTS } from "./lib/codeSize.js";
import { engineGasFigures } from "./lib/engineBench.js";
import { keeperCycleFigures } from "./lib/keeperBench.js";
import { signBatch, signReport } from "./lib/reportSigning.js";
import { buildReport, DEFAULT_PARAMS, deploySystem, type AssetSpec, type System } from "./lib/system.js";

interface BenchResult {
  name: string;
  value: number;
  unit: string;
  target?: number;
}

const { ethers, networkHelpers } = await network.create();

/** A realistic calibrated update: LTV and threshold up by one risk-increasing step each. */
const raised = (p: RiskParams): RiskParams => ({
  ...p,
  ltvBps: p.ltvBps + 50,
  liquidationThresholdBps: p.liquidationThresholdBps + 50,
});

async function freshFeeds(system: System): Promise<void> {
  for (const a of system.assets) await a.feed.updateAnswer(a.spec.price8);
}

async function singleReportGas(quorum: number): Promise<number> {
  const system = await deploySystem(ethers, { quorum, calibratorCount: Math.max(3, quorum) });
  const asset = system.assets[0]!.address;
  await networkHelpers.time.increase(3 * 86_400);
  await freshFeeds(system);
  const report = await buildReport(system.updater, asset, raised(DEFAULT_PARAMS));
  const sigs = await signReport(system.calibrators.slice(0, quorum), system.domain, report);
  const tx = await system.updater.connect(system.relayer).submitReport(packReport(report), sigs);
  return Number((await tx.wait())!.gasUsed);
}

async function batchGas(assetCount: number): Promise<number> {
  const specs: AssetSpec[] = Array.from({ length: assetCount }, (_, i) => ({
    symbol: `TKN${i}`,
    decimals: 18,
    price8: BigInt(100 + i) * 10n ** 8n,
  }));
  const system = await deploySystem(ethers, { assets: specs, quorum: 1 });
  await networkHelpers.time.increase(3 * 86_400);
  await freshFeeds(system);
  const reports: RiskReport[] = [];
  for (const a of system.assets) reports.push(await buildReport(system.updater, a.address as Address, raised(DEFAULT_PARAMS)));
  const sigs = await signBatch(system.calibrators.slice(0, 1), system.domain, reports);
  const tx = await system.updater.connect(system.relayer).submitReports(reports.map(packReport), sigs);
  return Number((await tx.wait())!.gasUsed);
}

async function thresholdCutGas(): Promise<number> {
  const system = await deploySystem(ethers, { quorum: 1 });
  const asset = system.assets[0]!.address;
  await networkHelpers.time.increase(3_600);
  await freshFeeds(system);
  const cut = { ...DEFAULT_PARAMS, ltvBps: DEFAULT_PARAMS.ltvBps - 200, liquidationThresholdBps: DEFAULT_PARAMS.liquidationThresholdBps - 200 };
  const report = await buildReport(system.updater, asset, cut);
  const sigs = await signReport(system.calibrators.slice(0, 1), system.domain, report);
  const tx = await system.updater.connect(system.relayer).submitReport(packReport(report), sigs);
  return Number((await tx.wait())!.gasUsed);
}

async function effectiveParamsGas(ramping: boolean): Promise<number> {
  const system = await deploySystem(ethers, { quorum: 1 });
  const asset = system.assets[0]!.address;
  if (ramping) {
    const cut = { ...DEFAULT_PARAMS, ltvBps: 7_900, liquidationThresholdBps: 8_100 };
    await system.updater.connect(system.governance).governanceSetParams(asset, cut);
    await networkHelpers.time.increase(86_400);
  }
  const probe = await ethers.deployContract("GasProbe");
  await (await probe.measureEffectiveParams(await system.registry.getAddress(), asset)).wait();
  return Number(await probe.lastGas());
}

/** Median wall time of `runs` calls (after one warm-up call), in milliseconds. */
function medianMs(fn: () => unknown, runs = 15): number {
  fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    fn();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return Number(times[Math.floor(runs / 2)]!.toFixed(2));
}

const ethReturns = (interval: "1d" | "1h") =>
  candleLogReturns(loadCandles(`data/binance_spot_eth_btc_2022_2025/ETHUSDT_${interval}_2022_2025.csv`));
const ethDaily = ethReturns("1d");
const optionSnapshot = loadOptionSnapshot("data/deribit_btc_eth_option_snapshots_2025_2026/deribit_options_snapshot_20260305T042746Z.csv");
const ethHourly = ethReturns("1h");

const results: BenchResult[] = [
  { name: "updater.update.1asset.1sig", value: await singleReportGas(1), unit: "gas", target: 65_000 },
  { name: "updater.update.1asset.3sig", value: await singleReportGas(3), unit: "gas", target: 80_000 },
  { name: "updater.update.10assets.1sig", value: await batchGas(10), unit: "gas", target: 350_000 },
  { name: "updater.update.1asset.1sig.thresholdCutStartsRamp", value: await thresholdCutGas(), unit: "gas" },
  { name: "registry.effectiveParams", value: await effectiveParamsGas(false), unit: "gas" },
  { name: "registry.effectiveParams.duringRamp", value: await effectiveParamsGas(true), unit: "gas" },
  ...(await engineGasFigures(ethers, networkHelpers)),
  ...PRODUCT_CONTRACTS.map((name) => ({
    name: `size.${name}.runtime`,
    value: codeSize(name).runtimeBytes,
    unit: "byte",
    target: MAX_RUNTIME_BYTES,
  })),
  { name: "calibrator.garch.fit.1d", value: medianMs(() => fitGarch(ethDaily)), unit: "ms" },
  { name: "calibrator.garch.fit.1h", value: medianMs(() => fitGarch(ethHourly)), unit: "ms", target: 350 },
  {
    name: "calibrator.svi.fit.snapshot",
    value: medianMs(() => ["BTC", "ETH"].map((c) => impliedVolSurface(optionSnapshot, c))),
    unit: "ms",
    target: 200,
  },
  ...(await keeperCycleFigures()),
];
// The simulator's figures run in a fresh process (scripts/bench-backtest.ts), under tsx as the CLI runs.
const [backtestSim, backtestSeeds] = JSON.parse(
  execFileSync(process.execPath, ["--import", "tsx", "scripts/bench-backtest.ts"], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] }),
) as [BenchResult & { detail: string }, BenchResult & { detail: string }];
results.push(backtestSim, backtestSeeds);

console.log(
  "\nBulwark benchmarks: gas from transaction receipts (registry reads measured inside a consumer contract, cold);" +
    " times are medians of 15 runs after a warm-up (GARCH on ETHUSDT 2022-2025: 1,431 daily, 34,348 hourly returns);" +
    " keeper.cycle.ms is the median of 7 full cycles (10 assets, 2-of-3 batch, receipt) against a separate anvil process;" +
    ` backtest.sim is the median of 5 simulator runs in a process of its own (${backtestSim.detail}); backtest.sim.10seeds.window the median of 5 runs (${backtestSeeds.detail})\n`,
);
console.log(`${"name".padEnd(52)} ${"value".padStart(10)}  unit  target`);
for (const r of results) {
  const verdict = r.target === undefined ? "" : `<= ${r.target.toLocaleString("en-US")} ${r.value <= r.target ? "ok" : "MISSED"}`;
  console.log(`${r.name.padEnd(52)} ${r.value.toLocaleString("en-US").padStart(10)}  ${r.unit.padEnd(4)}  ${verdict}`);
}
mkdirSync("reports", { recursive: true });
writeFileSync("reports/bench.json", JSON.stringify(results.map(({ name, value, unit }) => ({ name, value, unit })), null, 2) + "\n");
console.log("\nwrote reports/bench.json");
