import { expect } from "chai";
import { network } from "hardhat";
import type { RiskParams } from "../../calibrator/rules/types.js";
import { buildReport, DEFAULT_PARAMS, DEFAULT_RULES, deploySystem, storedParams } from "../fixtures/system.js";
import { toRiskParams } from "../../calibrator/rules/chainState.js";
import { propose, refreshFeeds, submit } from "../helpers/reports.js";
import { readAssetChainState, readGlobals } from "../fixtures/chainState.js";
import { validateReport } from "../../calibrator/rules/riskRules.js";

const { ethers, ignition, networkHelpers } = await network.create();
const { time, loadFixture } = networkHelpers;

const DAY = 86_400;
const RAMP = 7 * DAY;

async function deployed() {
  return deploySystem({ ethers, ignition }, { quorum: 1, rampDuration: RAMP });
}

const withThreshold = (lt: number, ltv = DEFAULT_PARAMS.ltvBps): RiskParams => ({
  ...DEFAULT_PARAMS,
  ltvBps: ltv,
  liquidationThresholdBps: lt,
});

/** WETH's threshold cut from 83% to 79%, one second before the ramp's half-way point (effective 81%). */
async function halfWayDownARamp() {
  const system = await deployed();
  const asset = system.assets[0]!.address;
  const g = system.updater.connect(system.governance);
  await g.governanceSetParams(asset, withThreshold(7_900, 7_600));
  const start = BigInt(await time.latest());
  const half = start + BigInt(RAMP / 2);
  await time.increaseTo(half - 1n);
  return { system, asset, g, half };
}

/**
 * The half-way fixture with the next transaction pinned to the ramp's midpoint: a snapshot restore
 * does not restore the wall clock, so "the next block is one second later" holds only when set.
 */
async function atHalfWay() {
  const f = await loadFixture(halfWayDownARamp);
  await time.setNextBlockTimestamp(f.half);
  return f;
}

describe("RiskParameterRegistry: threshold ramps", function () {
  it("ramps a threshold cut linearly from the effective value; the LTV cut applies at once", async function () {
    const system = await loadFixture(deployed);
    const asset = system.assets[0]!.address;
    const g = system.updater.connect(system.governance);
    const tx = await g.governanceSetParams(asset, withThreshold(7_900, 7_600));
    const start = BigInt(await time.latest());
    await expect(tx).to.emit(system.registry, "ThresholdRampStarted").withArgs(asset, 8_300, 7_900, start, start + BigInt(RAMP));
    expect((await system.registry.effectiveParams(asset)).ltvBps).to.equal(7_600n);
    expect(await system.registry.effectiveLiquidationThresholdBps(asset)).to.equal(8_300n);
    // Quarter, half, three quarters and end of the ramp: 400 bps fall linearly (the line rounded down).
    for (const [elapsed, expected] of [
      [RAMP / 4, 8_200n],
      [RAMP / 2, 8_100n],
      [(3 * RAMP) / 4, 8_000n],
      [RAMP, 7_900n],
      [RAMP + DAY, 7_900n],
    ] as const) {
      await time.increaseTo(start + BigInt(elapsed));
      expect(await system.registry.effectiveLiquidationThresholdBps(asset)).to.equal(expected);
    }
    // The stored target is the new value all along.
    expect((await storedParams(system.registry, asset)).liquidationThresholdBps).to.equal(7_900);
    const [fromBps, toBps, rampStart, rampEnd] = await system.registry.thresholdRamp(asset);
    expect([fromBps, toBps, rampStart, rampEnd]).to.deep.equal([8_300n, 7_900n, start, start + BigInt(RAMP)]);
  });

  it("rounds the decrease up: the effective threshold is the straight line rounded down", async function () {
    const system = await loadFixture(deployed);
    const asset = system.assets[0]!.address;
    await system.updater.connect(system.governance).governanceSetParams(asset, withThreshold(8_299, 7_600));
    const start = BigInt(await time.latest());
    await time.increaseTo(start + 1n);
    expect(await system.registry.effectiveLiquidationThresholdBps(asset)).to.equal(8_299n);
  });

  it("a further cut keeps at least the running ramp's pace (a 1-bps cut mid-ramp ends with it, not a full duration later)", async function () {
    const { system, asset, g } = await atHalfWay();
    // Half-way down 8300 → 7900 (effective 8100, 3.5 days left): a cut to 7800 at the running pace of
    // 200 bps per 3.5 days takes 300 / 200 × 3.5 days = 5.25 days, under the 7-day duration.
    const tx = await g.governanceSetParams(asset, withThreshold(7_800, 7_000));
    const now = BigInt(await time.latest());
    const atRunningPace = ((BigInt(RAMP) / 2n) * 300n) / 200n;
    await expect(tx).to.emit(system.registry, "ThresholdRampStarted").withArgs(asset, 8_100, 7_800, now, now + atRunningPace);
    await time.increaseTo(now + BigInt(RAMP) / 2n);
    expect(await system.registry.effectiveLiquidationThresholdBps(asset)).to.be.at.most(7_900n);
  });

  it("issue 16 finding 3: hourly 1-bps cuts no longer stall a guardian cut of 8300 → 6300 over 2 days", async function () {
    const system = await deploySystem({ ethers, ignition }, { quorum: 1, rampDuration: 2 * DAY });
    const asset = system.assets[0]!.address;
    await system.updater.connect(system.guardian).guardianTighten(asset, withThreshold(6_300, 6_000));
    const start = BigInt(await time.latest());
    const g = system.updater.connect(system.governance);
    for (let hour = 1; hour <= 47; hour++) {
      await time.increaseTo(start + BigInt(hour * 3_600));
      const stored = await storedParams(system.registry, asset);
      await g.governanceSetParams(asset, withThreshold(stored.liquidationThresholdBps - 1, 6_000));
      // Never above the guardian's schedule, rounded down as the registry rounds it.
      const elapsed = BigInt(await time.latest()) - start;
      const schedule = 8_300n - (2_000n * elapsed + BigInt(2 * DAY) - 1n) / BigInt(2 * DAY);
      expect(await system.registry.effectiveLiquidationThresholdBps(asset), `hour ${hour}`).to.be.at.most(schedule);
    }
    await time.increaseTo(start + BigInt(2 * DAY));
    // Before the fix: 7026 after 48 h, and an account the cut should have exposed was not liquidatable.
    expect(await system.registry.effectiveLiquidationThresholdBps(asset)).to.be.at.most(6_300n);
  });

  it("a cut during a ramp restarts from the current effective value", async function () {
    const { system, asset, g } = await atHalfWay();
    const tx = await g.governanceSetParams(asset, withThreshold(7_500, 7_000));
    const now = BigInt(await time.latest());
    await expect(tx).to.emit(system.registry, "ThresholdRampStarted").withArgs(asset, 8_100, 7_500, now, now + BigInt(RAMP));
    expect(await system.registry.effectiveLiquidationThresholdBps(asset)).to.equal(8_100n);
  });

  it("keeps a running ramp when another field changes and ends it on a raise", async function () {
    const { system, asset, g } = await atHalfWay();
    await expect(g.governanceSetParams(asset, { ...withThreshold(7_900, 7_600), liquidationBonusBps: 600 })).not.to.emit(
      system.registry,
      "ThresholdRampStarted",
    );
    expect(await system.registry.effectiveLiquidationThresholdBps(asset)).to.equal(8_100n);
    // A target at or above the effective value applies at once and ends the ramp.
    await g.governanceSetParams(asset, withThreshold(8_200, 7_600));
    expect(await system.registry.effectiveLiquidationThresholdBps(asset)).to.equal(8_200n);
    const [, , , end] = await system.registry.thresholdRamp(asset);
    expect(end).to.equal(0n);
  });

  it("applies a cut at once when the ramp duration is zero", async function () {
    const system = await loadFixture(deployed);
    const asset = system.assets[0]!.address;
    await system.updater.connect(system.governance).setRampDuration(asset, 0);
    await system.updater.connect(system.governance).governanceSetParams(asset, withThreshold(7_900, 7_600));
    expect(await system.registry.effectiveLiquidationThresholdBps(asset)).to.equal(7_900n);
  });

  it("a calibrated cut through a report ramps too", async function () {
    const system = await loadFixture(deployed);
    const asset = system.assets[0]!.address;
    await time.increase(3_600);
    await refreshFeeds(system);
    await expect(propose(system, asset, withThreshold(8_100, 7_850))).to.emit(system.registry, "ThresholdRampStarted");
    expect(await system.registry.effectiveLiquidationThresholdBps(asset)).to.equal(8_300n);
  });

  it("checks threshold x (1 + bonus) against the effective threshold during a ramp", async function () {
    const system = await loadFixture(deployed);
    const asset = system.assets[0]!.address;
    const g = system.updater.connect(system.governance);
    const wide = { min: 1, max: 10_000, maxRiskIncreasingStep: 5_000, maxRiskReducingStep: 5_000 };
    await g.setAssetRules(asset, { ...DEFAULT_RULES, liquidationThreshold: wide, liquidationBonus: wide, ltv: wide });
    await g.governanceSetParams(asset, withThreshold(9_000, 8_000));
    await g.governanceSetParams(asset, withThreshold(8_000, 7_000)); // ramps down from 9000
    // 8000 x 1.12 < 1 on the target, but 8999 x 1.12 >= 1 on the effective value one second into the
    // ramp (the line rounded down: 1000 bps over 7 days has fallen 0.002 bps): refused.
    await expect(g.governanceSetParams(asset, { ...withThreshold(8_000, 7_000), liquidationBonusBps: 1_200 }))
      .to.be.revertedWithCustomError(system.registry, "ToxicLiquidationSpiral")
      .withArgs(8_999, 1_200);
    await time.increase(RAMP);
    await g.governanceSetParams(asset, { ...withThreshold(8_000, 7_000), liquidationBonusBps: 1_200 });
  });
});

describe("RiskParameterRegistry: static invariants on every write", function () {
  const cases: [string, Partial<RiskParams>, string, unknown[]][] = [
    ["LtvNotBelowThreshold", { ltvBps: 8_300 }, "LtvNotBelowThreshold", [8_300, 8_300]],
    ["ThresholdNotBelowOne", { liquidationThresholdBps: 10_000 }, "ThresholdNotBelowOne", [10_000]],
    ["ToxicLiquidationSpiral", { liquidationThresholdBps: 9_500, liquidationBonusBps: 600 }, "ToxicLiquidationSpiral", [9_500, 600]],
  ];
  for (const [title, change, error, args] of cases) {
    it(`${title}, and nothing changes`, async function () {
      const system = await loadFixture(deployed);
      const asset = system.assets[0]!.address;
      const g = system.updater.connect(system.governance);
      // Bounds wide open so that only the invariant can object.
      await g.setAssetRules(asset, {
        ...DEFAULT_RULES,
        // (Lower bounds of 1: a zero lower bound is refused. The zero-value invariants, ZeroLtv,
        // InvalidCloseFactor(0), ZeroLiquidationCap and ZeroLiquidationWindow, are then out of the bounds'
        // reach and are tested on the library itself, test/solidity/RiskRules.t.sol.)
        ltv: { min: 1, max: 10_000, maxRiskIncreasingStep: 0, maxRiskReducingStep: 0 },
        liquidationThreshold: { min: 1, max: 10_000, maxRiskIncreasingStep: 0, maxRiskReducingStep: 0 },
        liquidationBonus: { min: 1, max: 10_000, maxRiskIncreasingStep: 0, maxRiskReducingStep: 0 },
        closeFactor: { min: 1, max: 10_000, maxRiskIncreasingStep: 0, maxRiskReducingStep: 0 },
        liquidationCap: { min: 1n, max: 2n ** 96n - 1n, maxStepBps: 0 },
        liquidationWindow: { min: 1n, max: 2n ** 32n - 1n, maxStepBps: 0 },
      });
      await expect(g.governanceSetParams(asset, { ...DEFAULT_PARAMS, ...change }))
        .to.be.revertedWithCustomError(system.registry, error)
        .withArgs(...args);
      expect(await storedParams(system.registry, asset)).to.deep.equal(DEFAULT_PARAMS);
    });
  }

  it("a close factor above 100% is stopped by the bounds, which governance cannot set above 10000 bps", async function () {
    const system = await loadFixture(deployed);
    const asset = system.assets[0]!.address;
    await expect(system.updater.connect(system.governance).governanceSetParams(asset, { ...DEFAULT_PARAMS, closeFactorBps: 10_001 }))
      .to.be.revertedWithCustomError(system.updater, "ParamOutOfBounds")
      .withArgs(asset, 3, 10_001, DEFAULT_RULES.closeFactor.min, DEFAULT_RULES.closeFactor.max);
  });
});

describe("RiskParameterRegistry: freeze, views and governance settings", function () {
  it("issue 16 finding 4: a frozen asset accepts only risk-reducing reports, so unfreeze cannot restore a walked-up LTV", async function () {
    const system = await loadFixture(deployed);
    const asset = system.assets[0]!.address;
    await system.registry.connect(system.guardian).freeze(asset);
    await time.increase(3 * DAY + 1);
    await refreshFeeds(system);
    // +50 bps of LTV (risk-increasing): refused on the chain and by the rule copy alike.
    const raise = { ...DEFAULT_PARAMS, ltvBps: DEFAULT_PARAMS.ltvBps + 50 };
    const report = await buildReport(system.updater, asset, raise);
    const state = await readAssetChainState(system.updater, asset);
    expect(state.frozen).to.equal(true);
    const now = BigInt(await time.latest()) + 1n;
    expect(validateReport(report, state, await readGlobals(system.updater), now)).to.deep.equal({ error: "AssetFrozenRiskIncreasing", args: [asset] });
    await expect(submit(system, report)).to.be.revertedWithCustomError(system.updater, "AssetFrozenRiskIncreasing").withArgs(asset);
    // A risk-reducing report (−100 bps of LTV) lands; the freeze holds.
    const cut = { ...DEFAULT_PARAMS, ltvBps: DEFAULT_PARAMS.ltvBps - 100 };
    await propose(system, asset, cut);
    expect((await system.registry.effectiveParams(asset)).ltvBps).to.equal(0n);
    // Unfreezing restores the reduced LTV, not one the quorum walked up during the freeze.
    await system.registry.connect(system.governance).unfreeze(asset);
    expect((await system.registry.effectiveParams(asset)).ltvBps).to.equal(BigInt(cut.ltvBps));
  });

  it("the guardian freezes (effective LTV 0, stored LTV kept); governance unfreezes", async function () {
    const system = await loadFixture(deployed);
    const asset = system.assets[0]!.address;
    await expect(system.registry.connect(system.guardian).freeze(asset))
      .to.emit(system.registry, "AssetFrozen")
      .withArgs(asset, DEFAULT_PARAMS.ltvBps);
    expect(await system.registry.isFrozen(asset)).to.equal(true);
    const eff = toRiskParams(await system.registry.effectiveParams(asset));
    expect(eff).to.deep.equal({ ...DEFAULT_PARAMS, ltvBps: 0 });
    expect(await storedParams(system.registry, asset)).to.deep.equal(DEFAULT_PARAMS);
    await expect(system.registry.connect(system.guardian).freeze(asset))
      .to.be.revertedWithCustomError(system.registry, "AssetAlreadyFrozen")
      .withArgs(asset);
    // Writes while frozen keep the freeze and update the value restored later.
    await system.updater.connect(system.governance).governanceSetParams(asset, { ...DEFAULT_PARAMS, ltvBps: 7_000 });
    expect((await system.registry.effectiveParams(asset)).ltvBps).to.equal(0n);
    await expect(system.registry.connect(system.governance).unfreeze(asset))
      .to.emit(system.registry, "AssetUnfrozen")
      .withArgs(asset, 7_000);
    expect((await system.registry.effectiveParams(asset)).ltvBps).to.equal(7_000n);
    await expect(system.registry.connect(system.governance).unfreeze(asset))
      .to.be.revertedWithCustomError(system.registry, "AssetNotFrozen")
      .withArgs(asset);
  });

  it("views and freeze revert with AssetNotListed for an unknown asset", async function () {
    const system = await loadFixture(deployed);
    const unknown = ethers.Wallet.createRandom().address;
    for (const call of [
      system.registry.effectiveParams(unknown),
      system.registry.storedParams(unknown),
      system.registry.effectiveLiquidationThresholdBps(unknown),
      system.registry.connect(system.guardian).freeze(unknown),
      system.registry.connect(system.governance).unfreeze(unknown),
    ]) {
      await expect(call).to.be.revertedWithCustomError(system.registry, "AssetNotListed").withArgs(unknown);
    }
    expect(await system.registry.isListed(unknown)).to.equal(false);
    expect(await system.registry.isFrozen(unknown)).to.equal(false);
  });

  it("setRampDuration is bounded and emits old and new", async function () {
    const system = await loadFixture(deployed);
    const asset = system.assets[0]!.address;
    const g = system.registry.connect(system.governance);
    await expect(g.setRampDuration(ethers.ZeroAddress, 1)).to.be.revertedWithCustomError(system.registry, "ZeroAddress");
    await expect(g.setRampDuration(asset, 60 * DAY + 1))
      .to.be.revertedWithCustomError(system.registry, "RampDurationTooLong")
      .withArgs(60 * DAY + 1, 60 * DAY);
    await expect(g.setRampDuration(asset, DAY)).to.emit(system.registry, "RampDurationSet").withArgs(asset, RAMP, DAY);
    expect(await system.registry.rampDuration(asset)).to.equal(BigInt(DAY));
  });

  it("the registry constructor rejects a zero governance", async function () {
    const [deployer] = await ethers.getSigners();
    const oracle = await ethers.deployContract("PriceOracle", [deployer!.address, ethers.ZeroAddress, 0]);
    const factory = await ethers.getContractFactory("BoundedRiskUpdater");
    await expect(factory.deploy(ethers.ZeroAddress, deployer!.address, oracle, [deployer!.address], 1, 60))
      .to.be.revertedWithCustomError(factory, "ZeroAddress");
  });
});
