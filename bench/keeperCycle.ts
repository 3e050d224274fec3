/**
 * `keeper.cycle.ms`: one full keeper cycle for 10 assets against a local node (a separate anvil
 * process): read the chain, plan and validate 10 steps, sign a 2-of-3 batch, send it and wait for the
 * receipt. Calibration is cached between cycles (its inputs do not change), so the first cycle, which
 * calibrates all 10 assets, is reported on its own. Times are medians over repeated cycles, each a
 * fresh step after the cooldown (time travel between cycles is not timed).
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { network } from "hardhat";
import { pino } from "pino";
import { mnemonicToAccount } from "viem/accounts";
import { loadConfig, withPathsResolved } from "../calibrator/calibrate/config.js";
import { parseKeeperConfig } from "../calibrator/keeper/config.js";
import { Keeper } from "../calibrator/keeper/cycle.js";
import { KeeperMetrics } from "../calibrator/keeper/metrics.js";
import { keeperClient } from "../calibrator/keeper/run.js";
import type { MockAggregator } from "../types/ethers-contracts/index.js";
import { startAnvil } from "../test/fixtures/anvil.js";
import { deployBulwark } from "../calibrator/ops/deploy.js";
import { loadDeploymentSpec } from "../calibrator/ops/deploymentSpec.js";

const MNEMONIC = "test test test test test test test test test test test junk";

export async function keeperCycleFigures(cycles = 7): Promise<{ name: string; value: number; unit: string }[]> {
  const node = await startAnvil();
  const tmp = mkdtempSync(join(tmpdir(), "bulwark-bench-"));
  const deploymentId = `bench-${process.pid}`;
  try {
    const connection = await network.create({ network: "localhost", override: { url: node.url } });
    const base = loadDeploymentSpec("deploy/local.json");
    // Ten collaterals: five ETH-like, five BTC-like (same rules, separate tokens and feeds).
    const spec = { ...base, assets: Array.from({ length: 10 }, (_, i) => ({ ...base.assets[i % 2]!, symbol: `${base.assets[i % 2]!.symbol}${Math.floor(i / 2) + 1}` })) };
    const { addresses, contracts } = await deployBulwark(connection.ignition, connection.ethers, spec, deploymentId);
    const feeds = spec.assets.map((a) => contracts[`feed_${a.symbol}`] as unknown as MockAggregator);
    const calibration = withPathsResolved(loadConfig("config/calibrate.sample.json"), "config");
    // Recent-window targets (no long history): they are far enough from the deployment's parameters that
    // every cycle of the bench has a step for all 10 assets (with the long history, WETH arrives in 6).
    writeFileSync(
      join(tmp, "calibrate.json"),
      JSON.stringify({
        ...calibration,
        assets: spec.assets.map((a, i) => {
          const { longRunHistory: _dropped, ...src } = calibration.assets[i % 2]!;
          return { ...src, symbol: a.symbol };
        }),
      }),
    );
    const config = parseKeeperConfig(
      {
        rpcUrl: node.url,
        contracts: { updater: addresses.updater, engine: addresses.engine, engineFromBlock: addresses.fromBlock },
        calibration: "calibrate.json",
        assets: addresses.assets.map((a) => ({ symbol: a.symbol, address: a.token })),
        relayer: { keyEnv: "UNUSED" },
        tx: { receiptTimeoutMs: 30_000, journal: join(tmp, "inflight.json"), pollingIntervalMs: 50 },
      },
      join(tmp, "keeper.json"),
    );
    const keeper = new Keeper({
      config,
      client: keeperClient(config),
      relayer: mnemonicToAccount(MNEMONIC, { addressIndex: 8 }),
      signers: [mnemonicToAccount(MNEMONIC, { addressIndex: 3 }), mnemonicToAccount(MNEMONIC, { addressIndex: 4 })],
      log: pino({ level: "silent" }),
      metrics: new KeeperMetrics(),
      chainId: addresses.chainId,
    });
    const nextWindow = async () => {
      await connection.ethers.provider.send("evm_increaseTime", [3 * 86_400 + 60]);
      await connection.ethers.provider.send("evm_mine", []);
      for (const f of feeds) await (await f.updateAnswer((await f.latestRoundData())[1])).wait();
    };
    await nextWindow();
    const times: number[] = [];
    let firstMs = 0;
    let gas = 0;
    for (let i = 0; i <= cycles; i++) {
      const started = performance.now();
      const result = await keeper.cycle();
      const ms = performance.now() - started;
      if (result.submit?.status !== "landed" || result.batch?.reports.length !== 10) {
        throw new Error(`bench cycle ${i}: expected a landed batch of 10 reports, got ${result.submit?.status} with ${result.batch?.reports.length}`);
      }
      if (i === 0) firstMs = ms;
      else times.push(ms);
      gas = Number(result.submit.receipt.gasUsed);
      await nextWindow();
    }
    times.sort((a, b) => a - b);
    const median = times[Math.floor(times.length / 2)]!;
    return [
      { name: "keeper.cycle.ms", value: Number(median.toFixed(1)), unit: "ms" },
      { name: "keeper.cycle.firstWithCalibration.ms", value: Number(firstMs.toFixed(0)), unit: "ms" },
      { name: "keeper.cycle.batchGas.10assets.2sig", value: gas, unit: "gas" },
    ];
  } finally {
    await node.stop();
    rmSync(join("ignition", "deployments", deploymentId), { recursive: true, force: true });
    rmSync(tmp, { recursive: true, force: true });
  }
}
