/**
 * Gas of the parameter path, from transaction receipts on the in-process Hardhat network (each
 * transaction alone in its block): single and batched reports, a threshold cut that starts a ramp,
 * and the registry read the engine makes (measured inside a consumer contract, cold).
 */
import type { NetworkHelpers } from "@nomicfoundation/hardhat-network-helpers/types";
import { packReport } from "../calibrator/rules/packing.js";
import type { Address, RiskParams, RiskReport } from "../calibrator/rules/types.js";
import { signBatch, signReport } from "../test/fixtures/signing.js";
import { buildReport, DEFAULT_PARAMS, deploySystem, type AssetSpec, type System, type FixtureConnection } from "../test/fixtures/system.js";
import type { BenchFigure } from "./timing.js";

/** A realistic calibrated update: LTV and threshold up by one risk-increasing step each. */
const raised = (p: RiskParams): RiskParams => ({
  ...p,
  ltvBps: p.ltvBps + 50,
  liquidationThresholdBps: p.liquidationThresholdBps + 50,
});

async function freshFeeds(system: System): Promise<void> {
  for (const a of system.assets) await a.feed.updateAnswer(a.spec.price8);
}

async function gasOf(tx: { wait(): Promise<{ gasUsed: bigint } | null> }): Promise<number> {
  return Number((await tx.wait())!.gasUsed);
}

/** The updater's and registry's figures, with the brief's budgets. */
export async function updaterGasFigures(connection: FixtureConnection, helpers: NetworkHelpers): Promise<BenchFigure[]> {
  const { ethers } = connection;
  async function singleReportGas(quorum: number): Promise<number> {
    const system = await deploySystem(connection, { quorum, calibratorCount: Math.max(3, quorum) });
    const asset = system.assets[0]!.address;
    await helpers.time.increase(3 * 86_400);
    await freshFeeds(system);
    const report = await buildReport(system.updater, asset, raised(DEFAULT_PARAMS));
    const sigs = await signReport(system.calibrators.slice(0, quorum), system.domain, report);
    return gasOf(await system.updater.connect(system.relayer).submitReport(packReport(report), sigs));
  }

  async function batchGas(assetCount: number): Promise<number> {
    const specs: AssetSpec[] = Array.from({ length: assetCount }, (_, i) => ({
      symbol: `TKN${i}`,
      decimals: 18,
      price8: BigInt(100 + i) * 10n ** 8n,
    }));
    const system = await deploySystem(connection, { assets: specs, quorum: 1 });
    await helpers.time.increase(3 * 86_400);
    await freshFeeds(system);
    const reports: RiskReport[] = [];
    for (const a of system.assets) reports.push(await buildReport(system.updater, a.address as Address, raised(DEFAULT_PARAMS)));
    const sigs = await signBatch(system.calibrators.slice(0, 1), system.domain, reports);
    return gasOf(await system.updater.connect(system.relayer).submitReports(reports.map(packReport), sigs));
  }

  async function thresholdCutGas(): Promise<number> {
    const system = await deploySystem(connection, { quorum: 1 });
    const asset = system.assets[0]!.address;
    await helpers.time.increase(3_600);
    await freshFeeds(system);
    const cut = { ...DEFAULT_PARAMS, ltvBps: DEFAULT_PARAMS.ltvBps - 200, liquidationThresholdBps: DEFAULT_PARAMS.liquidationThresholdBps - 200 };
    const report = await buildReport(system.updater, asset, cut);
    const sigs = await signReport(system.calibrators.slice(0, 1), system.domain, report);
    return gasOf(await system.updater.connect(system.relayer).submitReport(packReport(report), sigs));
  }

  async function effectiveParamsGas(ramping: boolean): Promise<number> {
    const system = await deploySystem(connection, { quorum: 1 });
    const asset = system.assets[0]!.address;
    if (ramping) {
      const cut = { ...DEFAULT_PARAMS, ltvBps: 7_900, liquidationThresholdBps: 8_100 };
      await system.updater.connect(system.governance).governanceSetParams(asset, cut);
      await helpers.time.increase(86_400);
    }
    const probe = await ethers.deployContract("GasProbe");
    await (await probe.measureEffectiveParams(await system.registry.getAddress(), asset)).wait();
    return Number(await probe.lastGas());
  }

  return [
    { name: "updater.update.1asset.1sig", value: await singleReportGas(1), unit: "gas", target: 65_000 },
    { name: "updater.update.1asset.3sig", value: await singleReportGas(3), unit: "gas", target: 80_000 },
    { name: "updater.update.10assets.1sig", value: await batchGas(10), unit: "gas", target: 350_000 },
    { name: "updater.update.1asset.1sig.thresholdCutStartsRamp", value: await thresholdCutGas(), unit: "gas" },
    { name: "registry.effectiveParams", value: await effectiveParamsGas(false), unit: "gas" },
    { name: "registry.effectiveParams.duringRamp", value: await effectiveParamsGas(true), unit: "gas" },
  ];
}
