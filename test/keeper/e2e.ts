/**
 * The keeper against a real node: a separate anvil process on 127.0.0.1, the whole system deployed
 * with Ignition, the keeper talking to the node through a fault-injection JSON-RPC proxy. After every
 * fault the keeper recovers, and an audit of every ReportAccepted event shows no out-of-bound step and
 * no duplicate nonce. Prints the fault-injection figures.
 */
import { expect } from "chai";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { network } from "hardhat";
import { pino } from "pino";
import { mnemonicToAccount } from "viem/accounts";
import { type KeeperConfig, parseKeeperConfig } from "../../calibrator/keeper/config.js";
import { Keeper } from "../../calibrator/keeper/cycle.js";
import { KeeperMetrics } from "../../calibrator/keeper/metrics.js";
import { keeperClient } from "../../calibrator/keeper/run.js";
import { unpackParams } from "../../calibrator/rules/packing.js";
import { checkSteps } from "../../calibrator/rules/riskRules.js";
import type { Address } from "../../calibrator/rules/types.js";
import { deployBulwark, type DeployedAddresses } from "../../calibrator/ops/deploy.js";
import { loadDeploymentSpec } from "../../calibrator/ops/deploymentSpec.js";
import { readAssetChainState } from "../fixtures/chainState.js";
import { toRiskParams } from "../../calibrator/rules/chainState.js";
import type { BoundedRiskUpdater, MockAggregator } from "../../types/ethers-contracts/index.js";
import { type AnvilNode, startAnvil } from "../helpers/anvil.js";
import { recentWindowCalibration } from "../helpers/calibrationFixture.js";
import { RpcProxy } from "../helpers/rpcProxy.js";

const MNEMONIC = "test test test test test test test test test test test junk";
const key = (i: number) => `0x${Buffer.from(mnemonicToAccount(MNEMONIC, { addressIndex: i }).getHdKey().privateKey!).toString("hex")}`;
const DAY = 86_400;

describe("keeper end to end: anvil, Ignition, fault-injection proxy", function () {
  this.timeout(600_000);
  let node: AnvilNode;
  let proxy: RpcProxy;
  let addresses: DeployedAddresses;
  let updater: BoundedRiskUpdater;
  let feeds: MockAggregator[];
  let config: KeeperConfig;
  let keeper: Keeper;
  let connection: Awaited<ReturnType<typeof network.create>>;
  const deploymentId = `e2e-${process.pid}-${Date.now()}`;
  const tmp = mkdtempSync(join(tmpdir(), "bulwark-e2e-"));
  // Recent-window targets: they loosen every asset from the deployment, so each cycle has a step to land.
  const calibrationFile = recentWindowCalibration(tmp);
  const stats = { faults: 0, recoveries: 0, badSubmissions: 0, landed: 0 };
  const log = pino({ level: "silent" });

  const keeperFor = (relayerIndex = 8, tx: Partial<KeeperConfig["tx"]> = {}) => {
    const c = { ...config, tx: { ...config.tx, ...tx } };
    return new Keeper({
      config: c,
      client: keeperClient(c),
      relayer: mnemonicToAccount(MNEMONIC, { addressIndex: relayerIndex }),
      signers: [mnemonicToAccount(MNEMONIC, { addressIndex: 3 }), mnemonicToAccount(MNEMONIC, { addressIndex: 4 })],
      log,
      metrics: new KeeperMetrics(),
      chainId: 31_337,
    });
  };

  /** Past every cooldown, feeds fresh again. */
  async function nextWindow(seconds = 3 * DAY + 60) {
    await connection.ethers.provider.send("evm_increaseTime", [seconds]);
    await connection.ethers.provider.send("evm_mine", []);
    for (const f of feeds) await (await f.updateAnswer((await f.latestRoundData())[1])).wait();
  }

  const nonces = async () => Promise.all(addresses.assets.map(async (a) => (await updater.assetState(a.token))[1]));

  /** Every accepted report: consecutive nonces per asset, parameters within bounds and step limits. */
  async function audit(): Promise<number> {
    let bad = 0;
    const seen = new Map<string, bigint>();
    const events = await updater.queryFilter(updater.filters.ReportAccepted(), addresses.fromBlock);
    for (const e of events) {
      const asset = String(e.args.asset).toLowerCase();
      const previous = seen.get(asset);
      if (previous !== undefined && e.args.nonce !== previous + 1n) bad++;
      seen.set(asset, e.args.nonce);
      const rules = (await readAssetChainState(updater, e.args.asset as Address)).rules;
      // The rule copy's bounds and step checks (held equal to the contract by test/differential/riskRules.ts).
      if (checkSteps(asset, rules, unpackParams(e.args.oldParams), unpackParams(e.args.newParams)).violation) bad++;
    }
    stats.landed = events.length;
    return bad;
  }

  /** Runs a cycle under a fault and checks that it (or the next one) lands exactly one step per asset. */
  async function recoversFrom(label: string, arm: () => void, cycles = 2): Promise<void> {
    const before = await nonces();
    const injectedBefore = proxy.totalInjected;
    arm();
    let landed = false;
    for (let i = 0; i < cycles && !landed; i++) {
      const result = await keeper.cycle().catch((error: Error) => ({ error }));
      landed = "submit" in result && result.submit?.status === "landed";
    }
    proxy.clear();
    const after = await nonces();
    const faults = proxy.totalInjected - injectedBefore;
    expect(faults, `${label}: faults injected`).to.be.greaterThan(0);
    expect(after.map((n, i) => n - before[i]!), `${label}: one report per asset`).to.deep.equal(before.map(() => 1n));
    stats.faults += faults;
    stats.recoveries++;
    await nextWindow();
  }

  before(async function () {
    node = await startAnvil();
    connection = await network.create({ network: "localhost", override: { url: node.url } });
    const spec = loadDeploymentSpec("deploy/local.json");
    const deployed = await deployBulwark(connection.ignition, connection.ethers, spec, deploymentId);
    addresses = deployed.addresses;
    updater = deployed.contracts.updater as unknown as BoundedRiskUpdater;
    feeds = spec.assets.map((a) => deployed.contracts[`feed_${a.symbol}`] as unknown as MockAggregator);
    proxy = new RpcProxy(node.url);
    await proxy.start();
    config = parseKeeperConfig(
      {
        rpcUrl: proxy.url,
        chainId: 31_337,
        contracts: { updater: addresses.updater, engine: addresses.engine, engineFromBlock: addresses.fromBlock },
        calibration: calibrationFile,
        assets: addresses.assets.map((a) => ({ symbol: a.symbol, address: a.token })),
        signers: { keyEnv: ["E2E_SIGNER_A", "E2E_SIGNER_B"] },
        relayer: { keyEnv: "E2E_RELAYER" },
        intervalSeconds: 1,
        retry: { attempts: 6, baseDelayMs: 20, maxDelayMs: 200, requestTimeoutMs: 1_000 },
        tx: { receiptTimeoutMs: 1_500, feeBumpPercent: 25, maxFeeBumps: 3, journal: join(tmp, "inflight.json") },
      },
      resolve("config/keeper.e2e.json"),
    );
    writeFileSync(join(tmp, "keeper.json"), JSON.stringify({ ...config, calibration: calibrationFile, file: undefined, baseDir: undefined }));
    keeper = keeperFor();
    // The listing set the parameters just now: wait out the risk-increasing cooldown first.
    await nextWindow();
  });

  after(async function () {
    await proxy?.stop();
    await node?.stop();
    rmSync(join("ignition", "deployments", deploymentId), { recursive: true, force: true });
    rmSync(tmp, { recursive: true, force: true });
    console.log(`      fault injection: ${stats.faults} faults injected, ${stats.recoveries} recoveries, ${stats.landed} reports landed, ${stats.badSubmissions} bad submissions`);
  });

  it("deployed everything with Ignition and handed governance to the timelock", async function () {
    expect(await updater.hasRole(connection.ethers.ZeroHash, addresses.timelock)).to.equal(true);
    expect(await updater.hasRole(connection.ethers.ZeroHash, (await connection.ethers.getSigners())[0]!.address)).to.equal(false);
    expect(await updater.quorum()).to.equal(2n);
    for (const a of addresses.assets) expect(await updater.isListed(a.token)).to.equal(true);
  });

  it("`bulwark keeper --once` (a separate process) lands one quorum-signed batch; a restart does not resubmit", async function () {
    const env = { ...process.env, E2E_SIGNER_A: key(3), E2E_SIGNER_B: key(4), E2E_RELAYER: key(8) };
    const run = (args: string[]) =>
      new Promise<{ code: number | null; out: string }>((ok) => {
        const child = spawn(process.execPath, ["--import", "tsx", "calibrator/cli.ts", "keeper", "--config", join(tmp, "keeper.json"), ...args], { env });
        let out = "";
        child.stdout.on("data", (d) => (out += d));
        child.stderr.on("data", (d) => (out += d));
        child.on("close", (code) => ok({ code, out }));
      });
    const before = await nonces();
    const first = await run(["--once"]);
    expect(first.code, first.out).to.equal(0);
    expect(first.out).to.match(/"msg":"batch landed"/);
    const after = await nonces();
    expect(after.map((n, i) => n - before[i]!)).to.deep.equal([1n, 1n]);
    const params = toRiskParams(await updater.storedParams(addresses.assets[0]!.token));
    expect(params.ltvBps).to.equal(8_100);
    // A restart right away: state comes from the chain, the cooldown runs, nothing is sent.
    const second = await run(["--once"]);
    expect(second.code, second.out).to.equal(0);
    expect(second.out).to.match(/CooldownActive/);
    expect(second.out).to.not.match(/tx\.sent/);
    expect(await nonces()).to.deep.equal(after);
    await nextWindow();
  });

  it("loop mode serves /metrics and /healthz and shuts down cleanly on SIGTERM", async function () {
    const port = await (await import("../helpers/anvil.js")).freePort();
    writeFileSync(join(tmp, "keeper-loop.json"), JSON.stringify({ ...JSON.parse(JSON.stringify({ ...config, calibration: calibrationFile, file: undefined, baseDir: undefined })), metrics: { host: "127.0.0.1", port }, intervalSeconds: 3_600 }));
    const env = { ...process.env, E2E_SIGNER_A: key(3), E2E_SIGNER_B: key(4), E2E_RELAYER: key(8) };
    const child = spawn(process.execPath, ["--import", "tsx", "calibrator/cli.ts", "keeper", "--config", join(tmp, "keeper-loop.json"), "--dry-run"], { env });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (out += d));
    const deadline = Date.now() + 60_000;
    while (!/dry run: batch planned/.test(out) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    expect(out).to.match(/dry run: batch planned/);
    const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    expect(metrics).to.match(/bulwark_keeper_cycles_total\{outcome="ok"\} 1/);
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).to.equal(200);
    const exited = new Promise<number | null>((ok) => child.on("close", ok));
    child.kill("SIGTERM");
    expect(await exited).to.equal(0);
    expect(out).to.match(/"msg":"keeper stopped"/);
  });

  it("recovers from dropped requests", async function () {
    await recoversFrom("drop", () => proxy.inject({ method: "eth_call", times: 3, fault: { kind: "drop" } }));
  });

  it("recovers from delays longer than the request timeout", async function () {
    await recoversFrom("delay", () => proxy.inject({ method: "eth_getTransactionCount", times: 2, fault: { kind: "delay", ms: 1_500 } }));
  });

  it("recovers from HTTP 503 answers", async function () {
    await recoversFrom("503", () => proxy.inject({ method: "*", times: 4, after: 5, fault: { kind: "http503" } }));
  });

  it("replaces a transaction that never mines with a higher fee", async function () {
    await recoversFrom("never mines", () => proxy.inject({ method: "eth_sendRawTransaction", times: 1, fault: { kind: "swallowTx" } }), 1);
  });

  it("a restarted keeper replaces its own journaled pending transaction instead of duplicating it", async function () {
    const journal = join(tmp, "restart.json");
    const before = await nonces();
    // The first process sends into the void and dies waiting (maxFeeBumps 0, so it gives up at once).
    proxy.inject({ method: "eth_sendRawTransaction", times: 1, fault: { kind: "swallowTx" } });
    const crashed = keeperFor(8, { journal, maxFeeBumps: 0 });
    const error = await crashed.cycle().catch((e: Error) => e);
    expect(String(error)).to.match(/not mined after 0 fee bumps/);
    proxy.clear();
    const restarted = keeperFor(8, { journal });
    const result = await restarted.cycle();
    expect(result.submit?.status).to.equal("landed");
    expect((await nonces()).map((n, i) => n - before[i]!)).to.deep.equal([1n, 1n]);
    stats.faults += 1;
    stats.recoveries++;
    await nextWindow();
  });

  it("two keepers racing the same relayer nonce land the step once", async function () {
    const before = await nonces();
    const rival = keeperFor(8, { journal: join(tmp, "rival.json") });
    const results = await Promise.all([keeper.cycle(), rival.cycle()].map((p) => p.catch((e: Error) => ({ error: e.message }))));
    const statuses = results.map((r) => ("submit" in r ? r.submit?.status : "error" in r ? r.error : "no submission"));
    expect(statuses, JSON.stringify(statuses)).to.include("landed");
    expect((await nonces()).map((n, i) => n - before[i]!)).to.deep.equal([1n, 1n]);
    stats.faults += 1;
    stats.recoveries++;
    await nextWindow();
  });

  it("a report made stale by a parameter change between read and send is never sent, or reverts with its error; the next cycle re-plans", async function () {
    const guardian = (await connection.ethers.getSigners())[2]!;
    const asset = addresses.assets[0]!.token;
    const tighten = async () => {
      const stored = toRiskParams(await updater.storedParams(asset));
      await (await updater.connect(guardian).guardianTighten(asset, { ...stored, liquidationBonusBps: stored.liquidationBonusBps + 10 })).wait();
    };
    const before = await nonces();
    // (a) The change lands between the keeper's reads and its simulation (viem prepares with
    // eth_fillTransaction or eth_estimateGas): the simulation fails and nothing is sent.
    proxy.inject({ method: ["eth_fillTransaction", "eth_estimateGas"], times: 1, fault: { kind: "before", action: tighten } });
    const stale = await keeper.cycle();
    expect(proxy.actionErrors).to.deep.equal([]);
    expect(stale.submit).to.deep.include({ status: "rejected" });
    expect((stale.submit as { error: string }).error).to.match(/^StaleCurrentParams\(/);
    expect(await nonces()).to.deep.equal(before);
    proxy.clear();
    // The guardian's write restarts the asset's cooldown; after it the keeper re-plans from the new state.
    await nextWindow();
    // (b) The change lands after the simulation, just before the transaction: it reverts on-chain and
    // the keeper names the custom error.
    proxy.inject({ method: "eth_sendRawTransaction", times: 1, fault: { kind: "before", action: tighten } });
    const reverted = await keeper.cycle();
    expect(proxy.actionErrors).to.deep.equal([]);
    expect(reverted.submit).to.deep.include({ status: "reverted" });
    expect((reverted.submit as { error: string }).error).to.match(/^StaleCurrentParams\(/);
    expect(await nonces()).to.deep.equal(before);
    proxy.clear();
    await nextWindow();
    const tightened = toRiskParams(await updater.storedParams(asset));
    const retry = await keeper.cycle();
    expect(retry.submit?.status).to.equal("landed");
    expect(retry.batch!.reports.find((r) => r.asset === asset)!.expectedCurrentParams).to.deep.equal(tightened);
    expect((await nonces()).map((n, i) => n - before[i]!)).to.deep.equal([1n, 1n]);
    stats.faults += 2;
    stats.recoveries += 2;
  });

  it("operator commands: register a signer through the timelock and inspect the live parameters", async function () {
    const cli = (args: string[], env: NodeJS.ProcessEnv = process.env) =>
      new Promise<{ code: number | null; out: string }>((ok) => {
        const child = spawn(process.execPath, ["--import", "tsx", "calibrator/cli.ts", ...args], { env });
        let out = "";
        child.stdout.on("data", (d) => (out += d));
        child.stderr.on("data", (d) => (out += d));
        child.on("close", (code) => ok({ code, out }));
      });
    const deploymentFile = join(tmp, "deployment.json");
    writeFileSync(deploymentFile, JSON.stringify(addresses));
    const newSigner = mnemonicToAccount(MNEMONIC, { addressIndex: 6 }).address;
    const proposal = join(tmp, "proposal.json");
    writeFileSync(proposal, JSON.stringify({ title: "register calibrator #4", calls: [{ contract: "updater", method: "addSigner", args: [newSigner] }] }));
    const env = { ...process.env, E2E_PROPOSER: key(0) };
    const common = ["--deployment", deploymentFile, "--proposal", proposal, "--rpc", node.url, "--key-env", "E2E_PROPOSER"];
    const scheduled = await cli(["govern", "schedule", ...common], env);
    expect(scheduled.code, scheduled.out).to.equal(0);
    expect(JSON.parse(scheduled.out.trim().split("\n").at(-1)!)).to.include({ action: "schedule", status: "success", calls: 1 });
    // Too early: the timelock refuses and nothing changes.
    const early = await cli(["govern", "execute", ...common], env);
    expect(early.code).to.not.equal(0);
    expect(early.out).to.match(/TimelockUnexpectedOperationState/);
    expect(await updater.isSigner(newSigner)).to.equal(false);
    await nextWindow(2 * DAY + 60);
    const executed = await cli(["govern", "execute", ...common], env);
    expect(executed.code, executed.out).to.equal(0);
    expect(await updater.isSigner(newSigner)).to.equal(true);
    const bad = join(tmp, "bad.json");
    writeFileSync(bad, JSON.stringify({ title: "typo", calls: [{ contract: "updater", method: "addSignr", args: [newSigner] }] }));
    const typo = await cli(["govern", "schedule", "--deployment", deploymentFile, "--proposal", bad, "--rpc", node.url, "--key-env", "E2E_PROPOSER"], env);
    expect(typo.code).to.equal(2);
    expect(typo.out).to.match(/bad\.json.*calls\.0.*addSignr/);
    const inspected = await cli(["inspect", "--deployment", deploymentFile, "--rpc", node.url, "--json"]);
    expect(inspected.code, inspected.out).to.equal(0);
    const live = JSON.parse(inspected.out) as { quorum: number; assets: { symbol: string; nonce: string; effective: { ltvBps: number } }[] };
    expect(live.quorum).to.equal(2);
    const weth = live.assets.find((a) => a.symbol === "WETH")!;
    expect(BigInt(weth.nonce)).to.equal((await updater.assetState(addresses.assets[0]!.token))[1]);
    expect(weth.effective.ltvBps).to.equal(Number((await updater.effectiveParams(addresses.assets[0]!.token)).ltvBps));
  });

  it("no out-of-bound or duplicate update ever landed", async function () {
    stats.badSubmissions = await audit();
    expect(stats.badSubmissions).to.equal(0);
    expect(stats.landed).to.be.greaterThan(10);
  });
});
