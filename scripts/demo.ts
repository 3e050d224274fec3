/**
 * `npm run demo [-- --window <name>] [-- --borrowers N]`: the main job end to end on the in-process
 * Hardhat network.
 *   1. Deploy the whole system with Ignition from deploy/local.json (timelock, registry/updater, oracle,
 *      engine, mock tokens and feeds), with every admin role handed to the timelock.
 *   2. Open a market at the crash window's opening prices: lenders deposit, seeded borrowers post WETH
 *      and/or WBTC and borrow USDC.
 *   3–4. The keeper calibrates on the real 2022–2025 data (config/calibrate.sample.json) and moves the
 *      live parameters toward the targets in bounded, quorum-signed steps, one cycle per cooldown, with
 *      time travel between cycles.
 *   5. Replay a real crash hour by hour through the feeds while a liquidator bot liquidates within the
 *      rate limits; the pool's books are checked at every hour.
 *   6. Print the summary and write reports/demo.json and reports/demo.html.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { Command, Option } from "commander";
import { exitOnUncaught, exitWith } from "../calibrator/cliSupport/exitCodes.js";
import { nonNegativeInteger, positiveInteger } from "../calibrator/cliSupport/options.js";
import { network } from "hardhat";
import { pino } from "pino";
import type { PublicClient } from "viem";
import { mnemonicToAccount } from "viem/accounts";
import { readAssetState, readGlobals } from "../calibrator/keeper/chain.js";
import { parseKeeperConfig } from "../calibrator/keeper/config.js";
import { Keeper } from "../calibrator/keeper/cycle.js";
import { KeeperMetrics } from "../calibrator/keeper/metrics.js";
import { glidePath } from "../calibrator/keeper/plan.js";
import { CRASH_WINDOWS, crashWindow } from "../calibrator/stress/crashWindows.js";
import type { Address, RiskParams } from "../calibrator/rules/types.js";
import type { BoundedRiskUpdater, MarginEngine, MockAggregator, MockERC20 } from "../types/ethers-contracts/index.js";
import { booksViolation, loadHours, openPopulation, type ReplayMarket, replayHours } from "../test/fixtures/crashReplay.js";
import { comparisonVerdict, type DemoParamsRow, type DemoReport, renderDemoHtml } from "../calibrator/report/demoHtml.js";
import { deployBulwark } from "../calibrator/ops/deploy.js";
import { loadDeploymentSpec } from "../calibrator/ops/deploymentSpec.js";
import { fund } from "../test/fixtures/engine.js";
import { toRiskParams } from "../calibrator/rules/chainState.js";
import { bigintsAsStrings } from "../calibrator/data/jsonFile.js";

// The demo's errors leave as the CLI's do: one line, exit 2 for bad options, no stack trace.
exitOnUncaught("demo");

const command = new Command()
  .name("npm run demo --")
  .addOption(new Option("--window <name>", "crash window to replay").choices(CRASH_WINDOWS.map((w) => w.name)).default("2020-03-12"))
  .option("--borrowers <n>", "borrowers in the population (a positive whole number)", positiveInteger, 60)
  .option("--seed <n>", "population seed (a whole number)", nonNegativeInteger, 7)
  .option("--max-cycles <n>", "most keeper cycles in the glide path", positiveInteger, 40)
  .exitOverride();
try {
  command.parse(process.argv);
} catch (error) {
  exitWith("demo", error);
}
const options = command.opts<{ window: string; borrowers: number; seed: number; maxCycles: number }>();

const MNEMONIC = "test test test test test test test test test test test junk";
const DAY = 86_400;

const USDC = 10n ** 6n;
const started = performance.now();
const timings: Record<string, number> = {};
const lap = (name: string, since: number) => (timings[name] = Math.round(performance.now() - since));
const step = (n: number, text: string) => console.log(`\n[${n}/7 at ${((performance.now() - started) / 1000).toFixed(1)} s] ${text}`);
const pct = (bps: number | bigint) => `${(Number(bps) / 100).toFixed(2)}%`;
const usd = (v: number) => `$${Math.round(v).toLocaleString("en-US")}`;
const usd18 = (v: bigint) => Number(v / 10n ** 12n) / 1e6;
const usd6 = (v: bigint) => Number(v) / 1e6;

const window = crashWindow(options.window);
const connection = await network.create();
const { ethers, ignition, networkHelpers: helpers, viem } = connection;
const { time } = helpers;

// ------------------------------------------------------------------------------------------ 1
step(1, "Deploying the whole system with Ignition from deploy/local.json");
let t = performance.now();
const spec = loadDeploymentSpec("deploy/local.json");
const { addresses, contracts } = await deployBulwark(ignition, ethers, spec);
const updater = contracts.updater as unknown as BoundedRiskUpdater;
const engine = contracts.engine as unknown as MarginEngine;
const usdc = contracts[`token_${spec.engine.debtSymbol}`] as unknown as MockERC20;
const timelockAdmin = await updater.hasRole(ethers.ZeroHash, addresses.timelock);
const deployerAdmin = await updater.hasRole(ethers.ZeroHash, (await ethers.getSigners())[0]!.address);
console.log(`  timelock ${addresses.timelock}  updater ${addresses.updater}  engine ${addresses.engine}`);
console.log(`  ${spec.assets.length} collaterals listed; admin role: timelock ${timelockAdmin}, deployer ${deployerAdmin}; quorum ${spec.calibrators.quorum} of ${spec.calibrators.signers.length}`);
lap("deployMs", t);

// ------------------------------------------------------------------------------------------ 2
step(2, `Opening the market at the opening prices of the ${window.name} window`);
t = performance.now();
const { opening, hours } = loadHours([window.files.ETH, window.files.BTC], window.from, window.to);
const market: ReplayMarket = {
  engine,
  usdc,
  registry: updater,
  assets: spec.assets.map((a, i) => ({
    spec: { symbol: a.symbol, decimals: a.decimals, price8: opening[i]! },
    token: contracts[`token_${a.symbol}`] as unknown as MockERC20,
    address: addresses.assets[i]!.token,
    feed: contracts[`feed_${a.symbol}`] as unknown as MockAggregator,
  })),
};
for (const [i, a] of market.assets.entries()) await a.feed.updateAnswer(opening[i]!);
const signers = await ethers.getSigners();
const lenders = signers.slice(10, 14);
const perLender = 15_000_000n * USDC;
for (const lender of lenders) {
  await fund(usdc, engine, lender, perLender);
  await engine.connect(lender).deposit(perLender, lender.address);
}
const population = await openPopulation(ethers, helpers, market, { borrowers: options.borrowers, seed: options.seed });
console.log(`  ${lenders.length} lenders deposited ${usd6(perLender * BigInt(lenders.length))}; ${options.borrowers} borrowers posted ${usd(usd18(population.initialCollateralValue))} of WETH/WBTC and borrowed ${usd(usd6(population.initialDebt))}`);
console.log(`  prices: ETH $${Number(opening[0]!) / 1e8}, BTC $${Number(opening[1]!) / 1e8} (Binance close, ${window.from} minus one hour)`);
lap("populationMs", t);
// The static policy's run starts from this state: the same book, at the deployment's (Aave's) parameters.
const atOpening = await helpers.takeSnapshot();

// ------------------------------------------------------------------------------------------ 3
step(3, "Keeper: calibrating on Binance 2022–2025 hourly data, Deribit options and Uniswap v3 depth");
t = performance.now();
const client = (await viem.getPublicClient()) as unknown as PublicClient;
const relayer = mnemonicToAccount(MNEMONIC, { addressIndex: 8 });
const calibratorKeys = [mnemonicToAccount(MNEMONIC, { addressIndex: 3 }), mnemonicToAccount(MNEMONIC, { addressIndex: 4 })];
const config = parseKeeperConfig(
  {
    rpcUrl: "http://127.0.0.1:8545/in-process",
    contracts: { updater: addresses.updater, engine: addresses.engine, engineFromBlock: addresses.fromBlock },
    calibration: "calibrate.sample.json",
    assets: addresses.assets.map((a) => ({ symbol: a.symbol, address: a.token })),
    relayer: { keyEnv: "BULWARK_RELAYER_KEY" },
    impact: { budget: 250_000 },
    tx: { receiptTimeoutMs: 30_000, journal: join(mkdtempSync(join(tmpdir(), "bulwark-demo-")), "inflight.json") },
  },
  resolve("config/keeper.demo.json"),
);
mkdirSync("reports", { recursive: true });
const logFile = "reports/demo-keeper.log";
writeFileSync(logFile, "");
const log = pino({ base: { service: "bulwark-keeper" } }, pino.destination({ dest: logFile, sync: true }));
const keeper = new Keeper({ config, client, relayer, signers: calibratorKeys, log, metrics: new KeeperMetrics(), chainId: addresses.chainId });

async function paramsRows(): Promise<DemoParamsRow[]> {
  return Promise.all(
    addresses.assets.map(async (a) => {
      const stored = toRiskParams(await updater.storedParams(a.token));
      const effective = toRiskParams(await updater.effectiveParams(a.token));
      return { asset: a.symbol, ...stored, effectiveThresholdBps: effective.liquidationThresholdBps, liquidationCapPerWindowUsd: usd18(stored.liquidationCapPerWindow) };
    }),
  );
}
const row = (p: RiskParams, asset: string, effective = p.liquidationThresholdBps): DemoParamsRow => ({
  asset,
  ...p,
  effectiveThresholdBps: effective,
  liquidationCapPerWindowUsd: usd18(p.liquidationCapPerWindow),
});
const before = await paramsRows();
const startTime = BigInt(await time.latest());
const dayOf = (at: bigint) => Number(at - startTime) / DAY;

// ------------------------------------------------------------------------------------------ 4
const glide: DemoReport["glide"] = [];
const stepsByAsset: Record<string, number> = Object.fromEntries(addresses.assets.map((a) => [a.symbol, 0]));
let cycles = 0;
let batchesLanded = 0;
let targets: DemoParamsRow[] = [];
for (; cycles < options.maxCycles; ) {
  const result = await keeper.cycle();
  cycles++;
  if (cycles === 1) {
    lap("firstCycleMs", t);
    targets = result.assets.map((o) => row(o.glide!.target, o.symbol));
    console.table(
      Object.fromEntries(
        result.assets.map((o) => [
          o.symbol,
          {
            "LTV now → target": `${pct(o.current!.ltvBps)} → ${pct(o.glide!.target.ltvBps)}`,
            "threshold now → target": `${pct(o.current!.liquidationThresholdBps)} → ${pct(o.glide!.target.liquidationThresholdBps)}`,
            "bonus now → target": `${pct(o.current!.liquidationBonusBps)} → ${pct(o.glide!.target.liquidationBonusBps)}`,
            "cap now → target": `${usd(usd18(o.current!.liquidationCapPerWindow))} → ${usd(usd18(o.glide!.target.liquidationCapPerWindow))}`,
            "glide path": `${o.glide!.steps.length} steps, target on day ${o.glide!.reachedAt === undefined ? "never" : dayOf(o.glide!.reachedAt).toFixed(1)}`,
          },
        ]),
      ),
    );
    step(4, "Keeper: bounded, 2-of-3-signed steps toward the targets, one cycle per cooldown (time travel)");
  }
  if (result.submit?.status === "landed") {
    batchesLanded++;
    const gasUsed = Number(result.submit.receipt.gasUsed);
    const at = BigInt(await time.latest());
    const lines: string[] = [];
    for (const r of result.batch!.reports) {
      const symbol = addresses.assets.find((a) => a.token.toLowerCase() === r.asset.toLowerCase())!.symbol;
      const effective = toRiskParams(await updater.effectiveParams(r.asset)).liquidationThresholdBps;
      stepsByAsset[symbol]!++;
      glide.push({ day: dayOf(at), asset: symbol, ...r.newParams, effectiveThresholdBps: effective, gasUsed });
      lines.push(`${symbol} LTV ${pct(r.newParams.ltvBps)} LT ${pct(r.newParams.liquidationThresholdBps)} bonus ${pct(r.newParams.liquidationBonusBps)} cap ${usd(usd18(r.newParams.liquidationCapPerWindow))}`);
    }
    console.log(`  day ${dayOf(at).toFixed(1).padStart(5)}: ${lines.join(" | ")}  (gas ${gasUsed.toLocaleString("en-US")}${result.impactScale !== undefined && result.impactScale !== 1 ? `, impact budget shrank the step to ${result.impactScale}` : ""})`);
  } else if (result.submit && result.submit.status !== "dryRun") {
    console.log(`  cycle ${cycles}: ${JSON.stringify(result.submit, bigintsAsStrings)}`);
  }
  // When can anything move next? The glide path of each asset from the chain's state now says.
  const now = BigInt(await time.latest());
  const globals = await readGlobals(client, addresses.updater);
  let next: bigint | undefined;
  for (const o of result.assets) {
    const state = await readAssetState(client, addresses.updater, o.address);
    const path = glidePath(o.address, o.target!, state, globals, now);
    const first = path.steps[0]?.at;
    if (first !== undefined && (next === undefined || first < next)) next = first;
  }
  if (next === undefined) {
    console.log(`  every asset is at its target after ${cycles} cycles (day ${dayOf(now).toFixed(1)})`);
    break;
  }
  if (next > now) await time.increaseTo(next);
  for (const a of market.assets) await a.feed.updateAnswer((await a.feed.latestRoundData())[1]);
}
const afterGlide = await paramsRows();
lap("glideMs", t);

// ------------------------------------------------------------------------------------------ 5
/** What the book could borrow at the live LTVs (Σ borrow limits, USD): the lending side of the comparison. */
async function borrowingPowerUsd(): Promise<number> {
  let total = 0n;
  for (const account of population.accounts) total += (await engine.accountSnapshot(account.address)).borrowLimit;
  return usd18(total);
}

/** Replays the window on the chain as it stands and returns the crash's outcome. */
async function crash(label: string) {
  const power = await borrowingPowerUsd();
  const [, , reserveBefore, badDebtBefore] = await engine.poolState();
  let lastPrinted = -1;
  const replay = await replayHours(ethers, helpers, market, population, hours, (s, i) => {
    const broken = booksViolation(s, population.accounts.length);
    if (broken) throw new Error(`the pool's books do not balance at ${s.time}: ${broken}`);
    if (i % 6 === 5 || s.liquidations > 0 && i - lastPrinted >= 3) {
      lastPrinted = i;
      console.log(`  ${label.padEnd(10)} ${s.time}  ETH $${s.prices[0]!.toFixed(2).padStart(8)}  BTC $${s.prices[1]!.toFixed(0).padStart(6)}  liquidations ${String(s.liquidations).padStart(3)}  blocked ${s.blockedByRateLimit}  bad debt ${usd(usd6(s.badDebt))}`);
    }
  });
  const [, , reserveEnd, badDebtEnd] = await engine.poolState();
  return { replay, borrowingPowerUsd: power, badDebtUsd: usd6(badDebtEnd - badDebtBefore), reserveUsd: usd6(reserveEnd), reserveBeforeUsd: usd6(reserveBefore) };
}

step(5, `Replaying ${window.name} (${window.description}) hour by hour under the calibrated parameters; a liquidator bot works within the rate limits`);
t = performance.now();
const glideSeconds = BigInt(await time.latest()) - startTime;
const calibrated = await crash("calibrated");
const { replay } = calibrated;
lap("crashMs", t);
const afterCrash = await paramsRows();

// ------------------------------------------------------------------------------------------ 6
step(6, `The same book through the same window under the static parameters (Aave v3), after the same ${(Number(glideSeconds) / DAY).toFixed(1)} days`);
t = performance.now();
await atOpening.restore();
const staticParams = await paramsRows();
// The same time passes as the keeper's glide path took, so interest and the oracle's clock match.
await time.increase(glideSeconds);
for (const [i, a] of market.assets.entries()) await a.feed.updateAnswer(opening[i]!);
const statics = await crash("static");
lap("staticCrashMs", t);

// ------------------------------------------------------------------------------------------ 6
step(7, "Summary");
const tableRows: Record<string, Record<string, string>> = {};
for (const [i, b] of before.entries()) {
  const a = afterGlide[i]!;
  tableRows[b.asset] = {
    "LTV before → after": `${pct(b.ltvBps)} → ${pct(a.ltvBps)}`,
    "threshold before → after": `${pct(b.liquidationThresholdBps)} → ${pct(a.liquidationThresholdBps)}`,
    "bonus before → after": `${pct(b.liquidationBonusBps)} → ${pct(a.liquidationBonusBps)}`,
    "cap before → after": `${usd(b.liquidationCapPerWindowUsd)} → ${usd(a.liquidationCapPerWindowUsd)}`,
    "steps": String(stepsByAsset[b.asset]),
  };
}
console.table(tableRows);
// The chain now holds the static run: the calibrated run's figures come from its own record.
const summary = {
  "keeper cycles": String(cycles),
  "batches landed": String(batchesLanded),
  "simulated days": dayOf(BigInt(await time.latest())).toFixed(1),
  liquidations: String(replay.liquidations),
  "blocked by the rate limit": String(replay.blockedByRateLimit),
  "liquidated value": usd(usd18(replay.liquidatedValue)),
  "protocol fees": usd(usd6(replay.protocolFees)),
  "bad debt": usd(calibrated.badDebtUsd),
  "reserve at the end": usd(calibrated.reserveUsd),
};
console.table(summary);
const comparison = {
  static: { "borrowing power at the opening": usd(statics.borrowingPowerUsd), "bad debt": usd(statics.badDebtUsd), liquidations: String(statics.replay.liquidations), "blocked by the rate limit": String(statics.replay.blockedByRateLimit) },
  calibrated: { "borrowing power at the opening": usd(calibrated.borrowingPowerUsd), "bad debt": usd(calibrated.badDebtUsd), liquidations: String(calibrated.replay.liquidations), "blocked by the rate limit": String(calibrated.replay.blockedByRateLimit) },
};
console.table(comparison);
const verdict = comparisonVerdict(statics, calibrated);
console.log(`  ${verdict}`);
timings.totalMs = Math.round(performance.now() - started);

const report: DemoReport = {
  generatedAt: new Date().toISOString(),
  window: { name: window.name, description: window.description, from: window.from, to: window.to },
  addresses: { timelock: addresses.timelock, oracle: addresses.oracle, updater: addresses.updater, engine: addresses.engine, debtAsset: addresses.debtAsset },
  population: {
    lenders: lenders.length,
    borrowers: options.borrowers,
    liquidityUsd: usd6(perLender * BigInt(lenders.length)),
    initialDebtUsd: usd6(population.initialDebt),
    initialCollateralUsd: usd18(population.initialCollateralValue),
  },
  targets,
  before,
  after: afterCrash,
  glide,
  keeper: { cycles, batchesLanded, reportsLanded: glide.length, stepsByAsset, simulatedDays: dayOf(BigInt(await time.latest())) },
  crash: {
    symbols: ["ETH", "BTC"],
    hours: replay.steps.map((s) => ({
      time: s.time,
      prices: s.prices,
      liquidations: s.liquidations,
      blocked: s.blockedByRateLimit,
      badDebtUsd: usd6(s.badDebt),
      reserveUsd: usd6(s.reserve),
      totalBorrowsUsd: usd6(s.totalBorrows),
    })),
    liquidations: replay.liquidations,
    blockedByRateLimit: replay.blockedByRateLimit,
    liquidatedValueUsd: usd18(replay.liquidatedValue),
    protocolFeesUsd: usd6(replay.protocolFees),
    badDebtUsd: calibrated.badDebtUsd,
    reserveUsd: calibrated.reserveUsd,
  },
  comparison: {
    static: { params: staticParams, borrowingPowerUsd: statics.borrowingPowerUsd, badDebtUsd: statics.badDebtUsd, liquidations: statics.replay.liquidations, blockedByRateLimit: statics.replay.blockedByRateLimit },
    calibrated: { params: afterGlide, borrowingPowerUsd: calibrated.borrowingPowerUsd, badDebtUsd: calibrated.badDebtUsd, liquidations: calibrated.replay.liquidations, blockedByRateLimit: calibrated.replay.blockedByRateLimit },
    verdict,
  },
  timings,
};
writeFileSync("reports/demo.json", `${JSON.stringify(report, bigintsAsStrings, 2)}\n`);
writeFileSync("reports/demo.html", renderDemoHtml(report));
console.log(`\nWrote reports/demo.json, reports/demo.html and the keeper's JSON log ${logFile} in ${(timings.totalMs / 1000).toFixed(1)} s.`);

