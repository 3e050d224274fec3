import { expect } from "chai";
import { ZeroHash, id } from "ethers";
import { network } from "hardhat";
import { DEFAULT_PARAMS, DEFAULT_RULES } from "../fixtures/system.js";
import { executeBatch, scheduleBatch, type TimelockCall } from "../fixtures/timelock.js";

const { ethers, ignition, networkHelpers } = await network.create();
const { time, loadFixture } = networkHelpers;

const DELAY = 2 * 86_400;

async function deployed() {
  const [, council, guardian, outsider] = await ethers.getSigners();
  // The council proposes; anyone may execute once the delay has passed; the timelock administers itself.
  const timelock = await ethers.deployContract("TimelockController", [DELAY, [council!.address], [ethers.ZeroAddress], ethers.ZeroAddress]);
  const oracle = await ethers.deployContract("PriceOracle", [await timelock.getAddress(), ethers.ZeroAddress, 0]);
  const signer = ethers.Wallet.createRandom().address;
  const updater = await ethers.deployContract("BoundedRiskUpdater", [await timelock.getAddress(), guardian!.address, await oracle.getAddress(), [signer], 1, 3_600]);
  const feed = await ethers.deployContract("MockAggregator", [8, 2_000n * 10n ** 8n, "ETH / USD"]);
  const asset = ethers.Wallet.createRandom().address;
  const calls: TimelockCall[] = [
    { target: oracle, method: "setFeed", args: [asset, await feed.getAddress(), 4_200] },
    { target: updater, method: "setAssetRules", args: [asset, DEFAULT_RULES] },
    { target: updater, method: "setRampDuration", args: [asset, 7 * 86_400] },
    { target: updater, method: "governanceSetParams", args: [asset, DEFAULT_PARAMS] },
  ];
  return { timelock, oracle, updater, council: council!, outsider: outsider!, asset, calls };
}

describe("Governance through the TimelockController", function () {
  it("lists an asset only after the delay, in one scheduled batch", async function () {
    const { timelock, updater, council, outsider, asset, calls } = await loadFixture(deployed);
    const salt = await scheduleBatch(timelock, council, calls, "list WETH");
    await expect(executeBatch(timelock, outsider, calls, salt)).to.be.revertedWithCustomError(timelock, "TimelockUnexpectedOperationState");
    await time.increase(DELAY);
    await expect(executeBatch(timelock, outsider, calls, salt)).to.emit(updater, "GovernanceParamsSet");
    expect(await updater.isListed(asset)).to.equal(true);
  });

  it("the council cannot call governance functions directly, nor schedule below the delay", async function () {
    const { timelock, updater, council, asset, calls } = await loadFixture(deployed);
    await expect(updater.connect(council).setAssetRules(asset, DEFAULT_RULES))
      .to.be.revertedWithCustomError(updater, "AccessControlUnauthorizedAccount")
      .withArgs(council.address, await updater.DEFAULT_ADMIN_ROLE());
    const target = await calls[1]!.target.getAddress();
    const data = calls[1]!.target.interface.encodeFunctionData("setAssetRules", [asset, DEFAULT_RULES]);
    await expect(timelock.connect(council).schedule(target, 0, data, ZeroHash, id("fast"), DELAY - 1)).to.be.revertedWithCustomError(
      timelock,
      "TimelockInsufficientDelay",
    );
  });

  it("only the proposer schedules, and a cancelled batch never executes", async function () {
    const { timelock, council, outsider, calls } = await loadFixture(deployed);
    await expect(scheduleBatch(timelock, outsider, calls, "x")).to.be.revertedWithCustomError(timelock, "AccessControlUnauthorizedAccount");
    const salt = await scheduleBatch(timelock, council, calls, "to cancel");
    const targets = await Promise.all(calls.map((c) => c.target.getAddress()));
    const payloads = calls.map((c) => c.target.interface.encodeFunctionData(c.method, c.args));
    const opId = await timelock.hashOperationBatch(targets, calls.map(() => 0n), payloads, ZeroHash, salt);
    await timelock.connect(council).cancel(opId);
    await time.increase(DELAY);
    await expect(executeBatch(timelock, outsider, calls, salt)).to.be.revertedWithCustomError(timelock, "TimelockUnexpectedOperationState");
  });
});
