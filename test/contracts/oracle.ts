import { expect } from "chai";
import { network } from "hardhat";
import { priceIsStale } from "../../calibrator/rules/engineMath.js";
import { Rng, testSeed } from "../helpers/random.js";

const { ethers, networkHelpers } = await network.create();
const { time, loadFixture } = networkHelpers;

const ALLOWANCE = 3_600 + 600; // one-hour heartbeat plus a margin

async function deployed() {
  const [, governance, outsider] = await ethers.getSigners();
  const oracle = await ethers.deployContract("PriceOracle", [governance!.address, ethers.ZeroAddress, 0]);
  const feed8 = await ethers.deployContract("MockAggregator", [8, 2_000n * 10n ** 8n, "ETH / USD"]);
  const feed18 = await ethers.deployContract("MockAggregator", [18, 10n ** 18n, "USDC / USD"]);
  const feed20 = await ethers.deployContract("MockAggregator", [20, 3n * 10n ** 20n, "X / USD"]);
  const assets = [0, 1, 2, 3].map(() => ethers.Wallet.createRandom().address);
  const g = oracle.connect(governance!);
  await g.setFeed(assets[0]!, feed8, ALLOWANCE);
  await g.setFeed(assets[1]!, feed18, ALLOWANCE);
  await g.setFeed(assets[2]!, feed20, ALLOWANCE);
  return { oracle, g, governance: governance!, outsider: outsider!, feed8, feed18, feed20, assets };
}

async function withSequencer() {
  const [, governance] = await ethers.getSigners();
  const sequencer = await ethers.deployContract("MockAggregator", [0, 0, "L2 sequencer uptime"]);
  const oracle = await ethers.deployContract("PriceOracle", [governance!.address, await sequencer.getAddress(), 3_600]);
  const feed = await ethers.deployContract("MockAggregator", [8, 2_000n * 10n ** 8n, "ETH / USD"]);
  const asset = ethers.Wallet.createRandom().address;
  await oracle.connect(governance!).setFeed(asset, feed, ALLOWANCE);
  return { oracle, sequencer, feed, asset };
}

describe("PriceOracle", function () {
  it("normalises 8, 18 and 20-decimal answers to 18 decimals", async function () {
    const { oracle, assets } = await loadFixture(deployed);
    expect(await oracle.getPrice(assets[0]!)).to.equal(2_000n * 10n ** 18n);
    expect(await oracle.getPrice(assets[1]!)).to.equal(10n ** 18n);
    expect(await oracle.getPrice(assets[2]!)).to.equal(3n * 10n ** 18n);
    const [feed, allowance, decimals] = await oracle.feedOf(assets[0]!);
    expect([allowance, decimals]).to.deep.equal([BigInt(ALLOWANCE), 8n]);
    expect(feed).to.be.properAddress;
  });

  it("issue 16 item 8: PriceRoundsToZero for a positive answer of a 20-decimal feed below 1e-18 USD (it used to return 0)", async function () {
    const { oracle, feed20, assets } = await loadFixture(deployed);
    await feed20.updateAnswer(99n);
    await expect(oracle.getPrice(assets[2]!)).to.be.revertedWithCustomError(oracle, "PriceRoundsToZero").withArgs(assets[2], 99n, 20);
    const [price18, , healthy] = await oracle.peekPrice(assets[2]!);
    expect([price18, healthy]).to.deep.equal([0n, false]);
    await feed20.updateAnswer(100n);
    expect(await oracle.getPrice(assets[2]!)).to.equal(1n);
  });

  it("FeedNotConfigured for an asset without a feed", async function () {
    const { oracle, assets } = await loadFixture(deployed);
    await expect(oracle.getPrice(assets[3]!)).to.be.revertedWithCustomError(oracle, "FeedNotConfigured").withArgs(assets[3]);
  });

  it("NonPositivePrice for zero and negative answers", async function () {
    const { oracle, feed8, assets } = await loadFixture(deployed);
    await feed8.updateAnswer(0);
    await expect(oracle.getPrice(assets[0]!)).to.be.revertedWithCustomError(oracle, "NonPositivePrice").withArgs(assets[0], 0);
    await feed8.updateAnswer(-5);
    await expect(oracle.getPrice(assets[0]!)).to.be.revertedWithCustomError(oracle, "NonPositivePrice").withArgs(assets[0], -5);
  });

  it("StalePrice once the answer is older than the feed's own allowance, and fresh again after an update", async function () {
    const { oracle, feed8, feed18, assets } = await loadFixture(deployed);
    const [, , , updatedAt] = await feed8.latestRoundData();
    await time.increaseTo(updatedAt + BigInt(ALLOWANCE));
    expect(await oracle.getPrice(assets[0]!)).to.equal(2_000n * 10n ** 18n);
    await time.increase(1);
    await expect(oracle.getPrice(assets[0]!))
      .to.be.revertedWithCustomError(oracle, "StalePrice")
      .withArgs(assets[0], updatedAt, ALLOWANCE);
    await feed8.updateAnswer(2_100n * 10n ** 8n);
    expect(await oracle.getPrice(assets[0]!)).to.equal(2_100n * 10n ** 18n);
    const [price, , healthy] = await oracle.peekPrice(assets[1]!);
    expect(price).to.equal(10n ** 18n);
    expect(healthy).to.equal(false);
    await feed18.updateAnswer(10n ** 18n);
    expect((await oracle.peekPrice(assets[1]!))[2]).to.equal(true);
  });

  it("staleness agrees with engineMath.priceIsStale (the backtest's copy) on random ages and allowances", async function () {
    const { oracle, g, feed8, assets } = await loadFixture(deployed);
    const rng = new Rng(testSeed(20261121));
    let stale = 0;
    const cases = 60;
    for (let c = 0; c < cases; c++) {
      const allowance = rng.int(60, 3 * 86_400);
      await g.setFeed(assets[0]!, feed8, allowance);
      // Half the cases sit within two seconds of the allowance, where an off-by-one would show.
      const age = rng.chance(0.5) ? allowance + rng.int(-2, 2) : rng.int(0, 2 * allowance);
      const at = (await time.latest()) + 60;
      await time.setNextBlockTimestamp(at);
      await feed8.updateRoundData(2_000n * 10n ** 8n, at - age, at - age); // eth_call runs at this block's time
      const expected = priceIsStale(at - age, at, allowance);
      if (expected) {
        stale++;
        await expect(oracle.getPrice(assets[0]!))
          .to.be.revertedWithCustomError(oracle, "StalePrice")
          .withArgs(assets[0], at - age, allowance);
      } else {
        expect(await oracle.getPrice(assets[0]!)).to.equal(2_000n * 10n ** 18n);
      }
    }
    expect(stale).to.be.within(10, cases - 10); // both sides of the rule were exercised
  });

  it("PriceFromFuture for an update time after the block", async function () {
    const { oracle, feed8, assets } = await loadFixture(deployed);
    const future = BigInt(await time.latest()) + 1_000n;
    await feed8.updateRoundData(2_000n * 10n ** 8n, future, future);
    await expect(oracle.getPrice(assets[0]!)).to.be.revertedWithCustomError(oracle, "PriceFromFuture").withArgs(assets[0], future);
  });

  it("FeedCallFailed when the feed reverts", async function () {
    const { oracle, feed8, assets } = await loadFixture(deployed);
    await feed8.setFailing(true);
    await expect(oracle.getPrice(assets[0]!)).to.be.revertedWithCustomError(oracle, "FeedCallFailed").withArgs(assets[0]);
  });

  it("setFeed validates its input and emits; removeFeed removes", async function () {
    const { oracle, g, outsider, feed8, assets } = await loadFixture(deployed);
    await expect(g.setFeed(ethers.ZeroAddress, feed8, ALLOWANCE)).to.be.revertedWithCustomError(oracle, "ZeroAddress");
    await expect(g.setFeed(assets[3]!, ethers.ZeroAddress, ALLOWANCE)).to.be.revertedWithCustomError(oracle, "ZeroAddress");
    await expect(g.setFeed(assets[3]!, feed8, 0)).to.be.revertedWithCustomError(oracle, "InvalidStalenessAllowance").withArgs(0);
    await expect(g.setFeed(assets[3]!, feed8, 72 * 3_600 + 1))
      .to.be.revertedWithCustomError(oracle, "InvalidStalenessAllowance")
      .withArgs(72 * 3_600 + 1);
    const feed37 = await ethers.deployContract("MockAggregator", [37, 1, "too precise"]);
    await expect(g.setFeed(assets[3]!, feed37, ALLOWANCE)).to.be.revertedWithCustomError(oracle, "InvalidFeedDecimals").withArgs(37);
    await expect(oracle.connect(outsider).setFeed(assets[3]!, feed8, ALLOWANCE)).to.be.revertedWithCustomError(
      oracle,
      "AccessControlUnauthorizedAccount",
    );
    await expect(g.setFeed(assets[3]!, feed8, ALLOWANCE))
      .to.emit(oracle, "FeedSet")
      .withArgs(assets[3], await feed8.getAddress(), ALLOWANCE, 8);
    await expect(g.removeFeed(assets[3]!)).to.emit(oracle, "FeedRemoved").withArgs(assets[3]);
    await expect(g.removeFeed(assets[3]!)).to.be.revertedWithCustomError(oracle, "FeedNotConfigured");
    await expect(oracle.connect(outsider).removeFeed(assets[0]!)).to.be.revertedWithCustomError(
      oracle,
      "AccessControlUnauthorizedAccount",
    );
    await expect(oracle.getPrice(assets[3]!)).to.be.revertedWithCustomError(oracle, "FeedNotConfigured");
  });

  it("the constructor rejects a zero governance", async function () {
    const factory = await ethers.getContractFactory("PriceOracle");
    await expect(factory.deploy(ethers.ZeroAddress, ethers.ZeroAddress, 0)).to.be.revertedWithCustomError(factory, "ZeroAddress");
  });
});

describe("PriceOracle: L2 sequencer uptime", function () {
  it("refuses prices during the grace period after the sequencer came up, then serves them", async function () {
    const { oracle, sequencer, feed, asset } = await loadFixture(withSequencer);
    const upSince = BigInt(await time.latest());
    await sequencer.updateRoundData(0, upSince, upSince);
    await feed.updateAnswer(2_000n * 10n ** 8n);
    await expect(oracle.getPrice(asset))
      .to.be.revertedWithCustomError(oracle, "SequencerGracePeriodNotOver")
      .withArgs(upSince, 3_600);
    await time.increaseTo(upSince + 3_601n);
    await feed.updateAnswer(2_000n * 10n ** 8n);
    expect(await oracle.getPrice(asset)).to.equal(2_000n * 10n ** 18n);
    expect(await oracle.sequencerFeed()).to.deep.equal([await sequencer.getAddress(), 3_600n]);
  });

  it("SequencerDown while the feed answers 1", async function () {
    const { oracle, sequencer, asset } = await loadFixture(withSequencer);
    const since = BigInt(await time.latest()) - 10_000n;
    await sequencer.updateRoundData(1, since, since);
    await expect(oracle.getPrice(asset)).to.be.revertedWithCustomError(oracle, "SequencerDown");
  });

  it("SequencerStatusInvalid for an invalid round (startedAt 0) or a failing feed", async function () {
    const { oracle, sequencer, asset } = await loadFixture(withSequencer);
    await sequencer.updateRoundData(0, 0, 0);
    await expect(oracle.getPrice(asset)).to.be.revertedWithCustomError(oracle, "SequencerStatusInvalid");
    // Issue 16 item 8: a start in the future panicked (underflow in the grace-period check).
    const future = BigInt(await time.latest()) + 3_600n;
    await sequencer.updateRoundData(0, future, future);
    await expect(oracle.getPrice(asset)).to.be.revertedWithCustomError(oracle, "SequencerStatusInvalid");
    await sequencer.setFailing(true);
    await expect(oracle.getPrice(asset)).to.be.revertedWithCustomError(oracle, "SequencerStatusInvalid");
  });
});
