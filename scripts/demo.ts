/**
 * `npm run demo` (foundation stage): on the in-process Hardhat network, deploy the parameter path with
 * Ignition (timelock, oracle, updater/registry), list three collateral assets through the timelock,
 * push one batch report signed by a quorum of calibrators, and print the live parameters, including a
 * threshold cut that ramps over the following days.
 */
import { network } from "hardhat";
import BulwarkModule from "../ignition/modules/Bulwark.js";
import { packParams, packReport, unpackParams } from "../calibrator/rules/packing.js";
import { validateReport, describeViolation } from "../calibrator/rules/riskRules.js";
import type { Address, RiskParams, RiskReport } from "../calibrator/rules/types.js";
import { signBatch } from "./lib/reportSigning.js";
import { buildReport, calibratorWallets, DEFAULT_ASSETS, DEFAULT_PARAMS, DEFAULT_RULES, toRiskParams } from "./lib/system.js";
import { governViaTimelock, type TimelockCall } from "./lib/timelock.js";
import { readAssetChainState, readGlobals } from "./lib/chainState.js";
import { updaterDomain } from "../calibrator/rules/eip712.js";
import type { BoundedRiskUpdater, MockAggregator, MockERC20, PriceOracle, TimelockController } from "../types/ethers-contracts/index.js";

const DAY = 86_400;
const { ethers, ignition, networkHelpers } = await network.create();
const { time } = networkHelpers;
const [, council, guardian, relayer] = await ethers.getSigners();
const calibrators = calibratorWallets(3);

const step = (n: number, text: string) => console.log(`\n[${n}/5] ${text}`);
const pct = (bps: number) => `${(bps / 100).toFixed(2)}%`;
const usd = (amount18: bigint) => `$${(Number(amount18 / 10n ** 15n) / 1_000).toLocaleString("en-US")}`;

step(1, "Deploying TimelockController, PriceOracle and BoundedRiskUpdater (registry) with Ignition");
const deployed = await ignition.deploy(BulwarkModule, {
  parameters: {
    Bulwark: {
      timelockProposers: [council!.address],
      guardian: guardian!.address,
      calibratorSigners: calibrators.map((w) => w.address),
      quorum: 2,
    },
  },
});
const timelock = deployed.timelock as unknown as TimelockController;
const oracle = deployed.oracle as unknown as PriceOracle;
const updater = deployed.updater as unknown as BoundedRiskUpdater;
console.log(`  timelock ${await timelock.getAddress()} (min delay ${Number(await timelock.getMinDelay()) / DAY} days)`);
console.log(`  oracle   ${await oracle.getAddress()}`);
console.log(`  updater  ${await updater.getAddress()} (quorum ${await updater.quorum()} of ${(await updater.signers()).length} calibrators)`);

step(2, "Listing WETH, WBTC and LINK through the timelock (schedule, wait 2 days, execute)");
const assets: { symbol: string; token: MockERC20; feed: MockAggregator; address: Address; price8: bigint }[] = [];
const calls: TimelockCall[] = [];
for (const spec of DEFAULT_ASSETS) {
  const token = await ethers.deployContract("MockERC20", [spec.symbol, spec.symbol, spec.decimals]);
  const feed = await ethers.deployContract("MockAggregator", [8, spec.price8, `${spec.symbol} / USD`]);
  const address = (await token.getAddress()) as Address;
  assets.push({ symbol: spec.symbol, token, feed, address, price8: spec.price8 });
  calls.push(
    { target: oracle, method: "setFeed", args: [address, await feed.getAddress(), 4_200] },
    { target: updater, method: "setAssetRules", args: [address, DEFAULT_RULES] },
    { target: updater, method: "setRampDuration", args: [address, 7 * DAY] },
    { target: updater, method: "governanceSetParams", args: [address, DEFAULT_PARAMS] },
  );
}
await governViaTimelock(timelock, council!, calls, "demo: list collateral", (s) => time.increase(s));
console.log(`  ${calls.length} governance calls executed in one batch; each asset starts at LTV ${pct(DEFAULT_PARAMS.ltvBps)}, threshold ${pct(DEFAULT_PARAMS.liquidationThresholdBps)}, bonus ${pct(DEFAULT_PARAMS.liquidationBonusBps)}`);

step(3, "Waiting out the 3-day risk-increasing cooldown; feeds keep reporting");
await time.increase(3 * DAY);
for (const a of assets) await a.feed.updateAnswer(a.price8);

step(4, "Calibrators sign one batch report (2 of 3 signatures); a relayer submits it");
const domain = updaterDomain((await ethers.provider.getNetwork()).chainId, (await updater.getAddress()) as Address);
const targets: Record<string, RiskParams> = {
  // A calm market: one risk-increasing step for WETH.
  WETH: { ...DEFAULT_PARAMS, ltvBps: DEFAULT_PARAMS.ltvBps + 50, liquidationThresholdBps: DEFAULT_PARAMS.liquidationThresholdBps + 50 },
  // A volatile one: cut WBTC's threshold by 200 bps (it ramps) and its LTV at once.
  WBTC: { ...DEFAULT_PARAMS, ltvBps: DEFAULT_PARAMS.ltvBps - 200, liquidationThresholdBps: DEFAULT_PARAMS.liquidationThresholdBps - 200 },
  // Thin liquidity: raise LINK's bonus and close factor.
  LINK: { ...DEFAULT_PARAMS, liquidationBonusBps: DEFAULT_PARAMS.liquidationBonusBps + 100, closeFactorBps: 7_500 },
};
const reports: RiskReport[] = [];
const now = BigInt(await time.latest());
for (const a of assets) {
  const report = await buildReport(updater, a.address, targets[a.symbol]!);
  // The keeper never sends what the chain would reject: check with the TypeScript copy of the rules first.
  const violation = validateReport(report, await readAssetChainState(updater, a.address), await readGlobals(updater), now + 1n);
  if (violation) throw new Error(`${a.symbol}: ${describeViolation(violation)}`);
  reports.push(report);
}
const signatures = await signBatch(calibrators.slice(0, 2), domain, reports);
const receipt = await (await updater.connect(relayer!).submitReports(reports.map(packReport), signatures)).wait();
console.log(`  batch of ${reports.length} reports landed in block ${receipt!.blockNumber}, gas ${receipt!.gasUsed.toLocaleString("en-US")}`);
for (const log of receipt!.logs) {
  const parsed = updater.interface.parseLog(log);
  if (parsed?.name !== "ReportAccepted") continue;
  const symbol = assets.find((a) => a.address.toLowerCase() === String(parsed.args.asset).toLowerCase())!.symbol;
  const changes = (Object.keys(DEFAULT_PARAMS) as (keyof RiskParams)[])
    .filter((k) => unpackParams(parsed.args.oldParams)[k] !== unpackParams(parsed.args.newParams)[k])
    .map((k) => `${k} ${unpackParams(parsed.args.oldParams)[k]} -> ${unpackParams(parsed.args.newParams)[k]}`);
  const signerIndices = [...Array(33).keys()].filter((i) => (BigInt(parsed.args.signerBitmap) >> BigInt(i)) & 1n);
  console.log(`  ReportAccepted ${symbol} nonce ${parsed.args.nonce}: ${changes.join(", ")}; signed by calibrators #${signerIndices.join(", #")}`);
}

step(5, "Live parameters (effective = what the margin engine applies now)");
async function table(label: string) {
  const rows = [];
  for (const a of assets) {
    const stored = toRiskParams(await updater.storedParams(a.address));
    const eff = toRiskParams(await updater.effectiveParams(a.address));
    rows.push({
      asset: a.symbol,
      "LTV": pct(eff.ltvBps),
      "threshold (effective)": pct(eff.liquidationThresholdBps),
      "threshold (target)": pct(stored.liquidationThresholdBps),
      bonus: pct(eff.liquidationBonusBps),
      "close factor": pct(eff.closeFactorBps),
      "liq. cap / window": `${usd(eff.liquidationCapPerWindow)} / ${eff.liquidationWindow / 3_600} h`,
      "price": `$${(Number(await oracle.getPrice(a.address) / 10n ** 16n) / 100).toLocaleString("en-US")}`,
    });
  }
  console.log(`  ${label}`);
  console.table(rows);
}
await table("right after the report");
await time.increase(Math.floor(3.5 * DAY));
for (const a of assets) await a.feed.updateAnswer(a.price8);
await table("3.5 days later: WBTC's threshold cut is half-way down its 7-day ramp");
console.log(`\nDone. The stored words are packed (PackedRiskParams); e.g. WETH = 0x${packParams(targets.WETH!).toString(16)}`);
