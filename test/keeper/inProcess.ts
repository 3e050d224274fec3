/**
 * The keeper on the in-process Hardhat network (viem client from hardhat-viem): the impact check
 * holding back a threshold cut that would make borrowers liquidatable, and a quorum gathered across
 * machines with `bulwark sign` and a signature directory.
 */
import { expect } from "chai";
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { network } from "hardhat";
import { pino } from "pino";
import type { PublicClient } from "viem";
import { mnemonicToAccount } from "viem/accounts";
import { calibrate, calibrateConfig } from "../../calibrator/calibrate/pipeline.js";
import { configSchema } from "../../calibrator/calibrate/config.js";
import { liveSelectionBook } from "../../calibrator/keeper/selectionBook.js";
import { recentWindowCalibration } from "../helpers/calibrationFixture.js";
import { readAssetState, readExposures } from "../../calibrator/keeper/chain.js";
import { liquidationValue } from "../../calibrator/keeper/impact.js";
import type { Address } from "../../calibrator/rules/types.js";
import { signCommand } from "../../calibrator/commands/sign.js";
import { loadCandles } from "../../calibrator/data/candles.js";
import { fromBatchFile, signaturesFromDirectory, signBatchWith, writeSignatureFile } from "../../calibrator/keeper/signatures.js";
import { parseKeeperConfig } from "../../calibrator/keeper/config.js";
import { Keeper } from "../../calibrator/keeper/cycle.js";
import { KeeperMetrics } from "../../calibrator/keeper/metrics.js";
import { deployBulwark } from "../../calibrator/ops/deploy.js";
import { loadDeploymentSpec } from "../../calibrator/ops/deploymentSpec.js";
import { fund } from "../fixtures/engine.js";
import { toRiskParams } from "../../calibrator/rules/chainState.js";
import type { BoundedRiskUpdater, MarginEngine, MockAggregator, MockERC20 } from "../../types/ethers-contracts/index.js";

const MNEMONIC = "test test test test test test test test test test test junk";
const account = (i: number) => mnemonicToAccount(MNEMONIC, { addressIndex: i });
const key = (i: number) => `0x${Buffer.from(account(i).getHdKey().privateKey!).toString("hex")}`;
const E18 = 10n ** 18n;

async function setup(startThresholdBps?: number) {
  const connection = await network.create();
  const { ethers, ignition, networkHelpers, viem } = connection;
  const spec = loadDeploymentSpec("deploy/local.json");
  // Start above the calibrated WETH threshold (89.01%), so the keeper's first move is a cut.
  if (startThresholdBps !== undefined) {
    for (const a of spec.assets) a.params = { ...a.params, ltvBps: 8_500, liquidationThresholdBps: startThresholdBps };
  }
  const { addresses, contracts } = await deployBulwark(ignition, ethers, spec);
  const engine = contracts.engine as unknown as MarginEngine;
  const updater = contracts.updater as unknown as BoundedRiskUpdater;
  const usdc = contracts.token_USDC as unknown as MockERC20;
  const weth = contracts.token_WETH as unknown as MockERC20;
  const feeds = spec.assets.map((a) => contracts[`feed_${a.symbol}`] as unknown as MockAggregator);
  const signers = await ethers.getSigners();
  await fund(usdc, engine, signers[10]!, 10_000_000n * 10n ** 6n);
  await engine.connect(signers[10]!).deposit(10_000_000n * 10n ** 6n, signers[10]!.address);
  // Two borrowers with 100 WETH: one borrows $170,000 (the LTV limit at $2,000), the other $150,000.
  for (const [i, debt] of startThresholdBps === undefined ? [] : ([[11, 170_000n], [12, 150_000n]] as const)) {
    const who = signers[i]!;
    await fund(weth, engine, who, 100n * E18);
    await engine.connect(who).depositCollateral(addresses.assets[0]!.token, 100n * E18, who.address);
    await engine.connect(who).borrow(debt * 10n ** 6n, who.address);
  }
  await networkHelpers.time.increase(3 * 86_400 + 60);
  // ETH at $1,898.33: the first borrower's health is 1.005 at a 90% threshold and 0.994 at 89.01%.
  await feeds[0]!.updateAnswer(startThresholdBps === undefined ? 200_000_000_000n : 189_833_000_000n);
  await feeds[1]!.updateAnswer((await feeds[1]!.latestRoundData())[1]);
  const client = (await viem.getPublicClient()) as unknown as PublicClient;
  return { connection, addresses, updater, engine, client, borrowers: [signers[11]!.address, signers[12]!.address] as Address[] };
}

function keeperConfig(addresses: Awaited<ReturnType<typeof setup>>["addresses"], extra: Record<string, unknown>) {
  return parseKeeperConfig(
    {
      rpcUrl: "http://127.0.0.1:8545/in-process",
      contracts: { updater: addresses.updater, engine: addresses.engine, engineFromBlock: addresses.fromBlock },
      // Recent-window targets (WETH 83.49/89.01/2.65): the figures below are built on them.
      calibration: recentWindowCalibration(mkdtempSync(join(tmpdir(), "bulwark-inproc-cal-"))),
      assets: [{ symbol: "WETH", address: addresses.assets[0]!.token }],
      relayer: { keyEnv: "UNUSED_RELAYER_KEY" },
      tx: { journal: join(mkdtempSync(join(tmpdir(), "bulwark-inproc-")), "inflight.json") },
      ...extra,
    },
    resolve("config/keeper.test.json"),
  );
}

/** A keeper holding one of the two signatures the quorum needs. */
function oneKeyKeeper(addresses: Awaited<ReturnType<typeof setup>>["addresses"], client: PublicClient, extra: Record<string, unknown>) {
  return new Keeper({
    config: keeperConfig(addresses, extra),
    client,
    relayer: account(8),
    signers: [account(3)],
    log: pino({ level: "silent" }),
    metrics: new KeeperMetrics(),
    chainId: addresses.chainId,
  });
}

/** A silent keeper holding both signatures the quorum needs. */
function twoKeyKeeper(addresses: Awaited<ReturnType<typeof setup>>["addresses"], client: PublicClient, extra: Record<string, unknown>) {
  return new Keeper({
    config: keeperConfig(addresses, extra),
    client,
    relayer: account(8),
    signers: [account(3), account(4)],
    log: pino({ level: "silent" }),
    metrics: new KeeperMetrics(),
    chainId: addresses.chainId,
  });
}

describe("keeper on the in-process network", function () {
  this.timeout(120_000);

  it("impact check: shrinks a threshold cut that would make more debt liquidatable than the budget", async function () {
    const { addresses, updater, engine, client, borrowers } = await setup(9_000);
    const weth = addresses.assets[0]!.token;
    const make = (budget: number) => twoKeyKeeper(addresses, client, { impact: { budget } });
    const dry = await make(100_000).cycle({ dryRun: true });
    // The full cut (90.00% → 89.01%) would make the $170,000 borrower liquidatable: over a $100,000
    // budget. Half of it too (89.51%: health 0.9995). A quarter (89.76%: health 1.0024) is within it.
    expect(dry.impactScale).to.equal(0.25);
    expect(dry.impactDebt).to.equal(0n);
    expect(dry.assets[0]!.step!.params.liquidationThresholdBps).to.equal(9_000 - Math.trunc(99 * 0.25));
    // A zero budget allows the same quarter step: it makes nothing liquidatable.
    const strict = await make(0).cycle({ dryRun: true });
    expect(strict.impactScale).to.equal(0.25);

    const generous = await make(200_000).cycle();
    expect(generous.impactScale).to.equal(1);
    // $170,000 plus three days of interest, in whole USDC.
    expect(generous.impactDebt! >= 170_000n && generous.impactDebt! < 170_100n, String(generous.impactDebt)).to.equal(true);
    expect(generous.submit?.status).to.equal("landed");
    expect(toRiskParams(await updater.storedParams(weth)).liquidationThresholdBps).to.equal(8_901);
    // The cut ramps: the effective threshold is still 90% right after the report.
    expect(Number((await updater.effectiveParams(weth)).liquidationThresholdBps)).to.be.at.least(8_999);
    // The keeper's reader (viem) sees the state the contract reports through its own getters, ramp included.
    const read = await readAssetState(client, addresses.updater, weth);
    const [rampFrom, rampTo, rampStart, rampEnd] = await updater.thresholdRamp(weth);
    const [, nonce, lastUpdateAt] = await updater.assetState(weth);
    expect(read.stored).to.deep.equal(toRiskParams(await updater.storedParams(weth)));
    expect([read.ramp.fromBps, read.stored!.liquidationThresholdBps, read.ramp.start, read.ramp.end]).to.deep.equal([Number(rampFrom), Number(rampTo), rampStart, rampEnd]);
    expect(read.ramp.fromBps).to.equal(9_000);
    expect(read.ramp.end > read.ramp.start).to.equal(true);
    expect([read.nonce, read.lastUpdateAt]).to.deep.equal([nonce, lastUpdateAt]);
    // impact.ts values accounts exactly as the engine does (the rule copy must not drift).
    const exposures = await readExposures(client, addresses.engine, borrowers);
    const thresholds = new Map([[weth.toLowerCase() as Address, Number((await updater.effectiveParams(weth)).liquidationThresholdBps)]]);
    const market = { price18: new Map([[weth.toLowerCase() as Address, 189_833_000_000n * 10n ** 10n]]), decimals: new Map([[weth.toLowerCase() as Address, 18]]), debtScale: 10n ** 12n };
    for (const e of exposures) {
      const positions = e.positions.map((p) => ({ ...p, asset: p.asset.toLowerCase() as Address }));
      expect(liquidationValue(positions, market, thresholds)).to.equal((await engine.accountSnapshot(e.account)).liquidationValue);
    }
  });

  it("selection on the live book: with a selection block the keeper's target is the choice over the borrowers it reads on chain, inside the chain's bounds", async function () {
    const { addresses, client, borrowers } = await setup(9_000);
    const weth = addresses.assets[0]!.token;
    const dir = mkdtempSync(join(tmpdir(), "bulwark-inproc-select-"));
    const calibrationFile = recentWindowCalibration(dir);
    const selection = { scenarios: { count: 60, seed: 4 }, workers: 1 };
    writeFileSync(calibrationFile, JSON.stringify({ ...JSON.parse(readFileSync(calibrationFile, "utf8")), selection }));
    const result = await twoKeyKeeper(addresses, client, { calibration: calibrationFile, impact: { budget: 1_000_000 } }).cycle({ dryRun: true });
    const target = result.assets[0]!.target!;
    // The same selection, computed here from the same two borrowers read through the keeper's own readers.
    const exposures = await readExposures(client, addresses.engine, borrowers);
    const state = await readAssetState(client, addresses.updater, weth);
    const price18 = 189_833_000_000n * 10n ** 10n; // the feed setup() left
    const key = weth.toLowerCase() as Address;
    const book = liveSelectionBook(exposures, { price18: new Map([[key, price18]]), decimals: new Map([[key, 18]]), debtScale: 10n ** 12n }, new Map([[key, state.stored!.ltvBps]]), weth);
    expect(book.use.length).to.equal(2);
    const r = state.rules;
    const limits = { ltvBps: [r.ltv.min, r.ltv.max], liquidationThresholdBps: [r.liquidationThreshold.min, r.liquidationThreshold.max], liquidationBonusBps: [r.liquidationBonus.min, r.liquidationBonus.max], closeFactorBps: [r.closeFactor.min, r.closeFactor.max], spiralMarginBps: 200 } as const;
    const config = configSchema.parse(JSON.parse(readFileSync(calibrationFile, "utf8")));
    const s0 = state.stored!;
    const incumbent = { ltvBps: s0.ltvBps, liquidationThresholdBps: s0.liquidationThresholdBps, liquidationBonusBps: s0.liquidationBonusBps, closeFactorBps: s0.closeFactorBps };
    const [expected] = calibrateConfig(config, dir, { symbols: ["WETH"], selectionContext: () => ({ book, limits, incumbent }) });
    expect(expected!.selection, "the selection ran").to.not.equal(undefined);
    expect(target.ltvBps).to.equal(expected!.params.ltvBps);
    expect(target.liquidationThresholdBps).to.equal(expected!.params.liquidationThresholdBps);
    expect(target.liquidationBonusBps).to.equal(expected!.params.liquidationBonusBps);
    expect(target.closeFactorBps).to.equal(expected!.params.closeFactorBps);
    expect(target.liquidationThresholdBps).to.be.within(r.liquidationThreshold.min, r.liquidationThreshold.max);
    // And it is not the formula's point: without the block the target differs.
    const [formula] = calibrateConfig({ ...config, selection: undefined }, dir, { symbols: ["WETH"] });
    const bps = (p: { ltvBps: number; liquidationThresholdBps: number; liquidationBonusBps: number; closeFactorBps: number }) => [p.ltvBps, p.liquidationThresholdBps, p.liquidationBonusBps, p.closeFactorBps];
    expect(bps(target)).to.not.deep.equal(bps(formula!.params));
  });

  it("quorum from a peer: the second signature is fetched from a peer URL and checked", async function () {
    const { addresses, updater, client } = await setup();
    const directory = mkdtempSync(join(tmpdir(), "bulwark-peer-"));
    const served = mkdtempSync(join(tmpdir(), "bulwark-peer-served-"));
    // The peer publishes its signature files over HTTP: GET /<digest>.json.
    const server = createServer((req, res) => {
      const digest = (req.url ?? "").replace(/^\//, "").replace(/\.json$/, "") as `0x${string}`;
      const found = signaturesFromDirectory(served, digest);
      if (found.length === 0) return void res.writeHead(404).end();
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(found.map((f) => ({ kind: "bulwark.signature", digest, ...f }))));
    });
    await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
    const port = (server.address() as { port: number }).port;
    try {
      const keeper = oneKeyKeeper(addresses, client, { signers: { directory, peers: [`http://127.0.0.1:${port}`] } });
      const first = await keeper.cycle();
      expect(first.submit).to.deep.include({ status: "awaitingSignatures", have: 1, need: 2 });
      // The peer signs the batch file the keeper left, with a key that is not registered and then with one that is.
      const batch = fromBatchFile("batch", JSON.parse(readFileSync(join(directory, readdirSync(directory).find((f) => f.startsWith("batch-"))!), "utf8")));
      writeSignatureFile(served, batch.digest, await signBatchWith(account(9), batch.domain, batch.reports));
      expect((await keeper.cycle()).submit).to.deep.include({ status: "awaitingSignatures", have: 1 });
      writeSignatureFile(served, batch.digest, await signBatchWith(account(5), batch.domain, batch.reports));
      const landed = await keeper.cycle();
      expect(landed.submit?.status).to.equal("landed");
      const event = (await updater.queryFilter(updater.filters.ReportAccepted(), -1))[0]!;
      // Calibrators 3 and 5 are signer indices 1 and 3: bitmap bits 1 and 3.
      expect(event.args.signerBitmap).to.equal((1n << 1n) | (1n << 3n));
    } finally {
      server.close();
    }
  });

  it("data from the chain: the keeper calibrates on the asset's Chainlink feed history read on-chain, and refuses an implausible print in it (issue 16)", async function () {
    const connection = await network.create();
    const { ethers, ignition, networkHelpers, viem } = connection;
    const spec = loadDeploymentSpec("deploy/local.json");
    const { addresses, contracts } = await deployBulwark(ignition, ethers, spec);
    const feed = contracts.feed_WETH as unknown as MockAggregator;
    const other = contracts.feed_WBTC as unknown as MockAggregator;
    // 400 hourly rounds of the real ETH path (Binance, March 2020).
    const march = loadCandles("data/binance_spot_eth_btc_2017_2021/ETHUSDT_1h_2020-01_2020-03.csv");
    const first = march.time.findIndex((t) => t >= Date.UTC(2020, 2, 1) / 1000);
    const closes = march.close.slice(first, first + 400);
    for (const close of closes) {
      await networkHelpers.time.increase(3_600);
      await feed.updateAnswer(BigInt(Math.round(close * 1e8)));
      await other.updateAnswer((await other.latestRoundData())[1]);
    }
    const client = (await viem.getPublicClient()) as unknown as PublicClient;
    const config = keeperConfig(addresses, { assets: [{ symbol: "WETH", address: addresses.assets[0]!.token, data: "chainlink", chainlinkRounds: 400 }] });
    const log: string[] = [];
    const metrics = new KeeperMetrics();
    const keeper = new Keeper({
      config,
      client,
      relayer: account(8),
      signers: [account(3), account(4)],
      log: pino({ level: "info" }, { write: (line: string) => void log.push(line) }),
      metrics,
      chainId: addresses.chainId,
    });
    const result = await keeper.cycle({ dryRun: true });
    expect(result.assets[0]!.refused, result.assets[0]!.refused).to.equal(undefined);
    const fromFiles = calibrate(config.calibration, { symbols: ["WETH"] })[0]!;
    // March 2020 was far more volatile than 2022-2025: the feed-based target is tighter.
    expect(result.assets[0]!.target!.liquidationThresholdBps).to.be.lessThan(fromFiles.params.liquidationThresholdBps);
    expect(result.submit).to.deep.equal({ status: "dryRun" });
    // Issue 16: a 1000× print among the rounds is implausible: refused, logged and counted in /metrics.
    const last = closes.at(-1)!;
    await networkHelpers.time.increase(3_600);
    await feed.updateAnswer(BigInt(Math.round(last * 1000 * 1e8)));
    await networkHelpers.time.increase(3_600);
    await feed.updateAnswer(BigInt(Math.round(last * 1e8)));
    await other.updateAnswer((await other.latestRoundData())[1]);
    const spiked = await keeper.cycle({ dryRun: true });
    expect(spiked.assets[0]!.refused).to.match(/\[answer\]: .*robust sigmas \(limit 50; --max-jump-sigma\): a bad print/);
    expect(spiked.assets[0]!.target).to.equal(undefined);
    expect(await metrics.registry.metrics()).to.match(/bulwark_keeper_refusals_total\{asset="WETH",reason="implausibleData"\} 1/);
    // A stale feed is refused with a log line, and nothing is planned.
    await networkHelpers.time.increase(5_000);
    const stale = await keeper.cycle({ dryRun: true });
    expect(stale.assets[0]!.refused).to.match(/price feed is stale/);
    expect(log.join("")).to.match(/refusing to act on this asset/);
  });

  it("quorum across machines: one local key, the second signature from `bulwark sign` via a directory", async function () {
    const { addresses, updater, client } = await setup();
    const directory = mkdtempSync(join(tmpdir(), "bulwark-cosign-"));
    const keeper = oneKeyKeeper(addresses, client, { signers: { directory } });
    const weth = addresses.assets[0]!.token;
    const nonceBefore = (await updater.assetState(weth))[1];
    const first = await keeper.cycle();
    expect(first.submit).to.deep.include({ status: "awaitingSignatures", have: 1, need: 2 });
    expect((await updater.assetState(weth))[1]).to.equal(nonceBefore);
    const batchFile = readdirSync(directory).find((f) => f.startsWith("batch-"))!;
    // Another operator co-signs the same batch on their machine.
    process.env.COSIGNER_KEY = key(4);
    await signCommand().parseAsync(["--batch", join(directory, batchFile), "--key-env", "COSIGNER_KEY"], { from: "user" });
    delete process.env.COSIGNER_KEY;
    const second = await keeper.cycle();
    expect(second.submit?.status).to.equal("landed");
    expect(second.batch!.digest).to.equal(first.batch!.digest);
    expect((await updater.assetState(weth))[1]).to.equal(nonceBefore + 1n);
  });
});
