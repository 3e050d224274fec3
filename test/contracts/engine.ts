import { expect } from "chai";
import { network } from "hardhat";
import { accrue, bucketUsedAt, debtOf, MAX_INDEX, sizeLiquidation, WAD } from "../../calibrator/rules/engineMath.js";
import {
  DEFAULT_LIQUIDATION_CONFIG,
  DEFAULT_RATE_MODEL,
  deployEngine,
  E18,
  type EngineSystem,
  fund,
  heartbeat,
  units,
} from "../fixtures/engine.js";
import { DEFAULT_PARAMS, DEFAULT_RULES } from "../fixtures/system.js";
import { readFileSync } from "node:fs";
import { deploymentSpecSchema } from "../../calibrator/ops/deploymentSpec.js";
import { ENGINE_LIMITS } from "../../calibrator/rules/bounds.js";

const { ethers, ignition, networkHelpers } = await network.create();
const { time, loadFixture } = networkHelpers;

const USDC = 6;
const HOUR = 3_600;
const DAY = 86_400;
const price18 = (price8: bigint) => price8 * 10n ** 10n;

/** No interest: the index stays at exactly 1, so the mechanics tests can assert amounts to the wei. */
const ZERO_RATES = { ...DEFAULT_RATE_MODEL, slope1Bps: 0, slope2Bps: 0 };

async function engineWith(rateModel: typeof DEFAULT_RATE_MODEL) {
  const s = await deployEngine({ ethers, ignition }, { rateModel });
  const signers = await ethers.getSigners();
  const [lender, alice, bob, liquidator] = signers.slice(5, 9) as [
    (typeof signers)[number],
    (typeof signers)[number],
    (typeof signers)[number],
    (typeof signers)[number],
  ];
  await fund(s.usdc, s.engine, lender, units(1_000_000, USDC));
  await s.engine.connect(lender).deposit(units(1_000_000, USDC), lender.address);
  return { ...s, lender, alice, bob, liquidator };
}
const engineFixture = () => engineWith(ZERO_RATES);
const interestFixture = () => engineWith(DEFAULT_RATE_MODEL);
type Fixture = Awaited<ReturnType<typeof engineFixture>>;

const weth = (f: EngineSystem) => f.assets[0]!;
const wbtc = (f: EngineSystem) => f.assets[1]!;
const eurc = (f: EngineSystem) => f.assets[3]!;

/** Alice: 10 WETH at $2,000, 16,000 USDC borrowed (HF 1.0375 at the 83% threshold). */
async function aliceBorrowed(): Promise<Fixture> {
  const f = await loadFixture(engineFixture);
  await fund(weth(f).token, f.engine, f.alice, units(10, 18));
  await f.engine.connect(f.alice).depositCollateral(weth(f).address, units(10, 18), f.alice.address);
  await f.engine.connect(f.alice).borrow(units(16_000, USDC), f.alice.address);
  return f;
}

async function setPrice(f: EngineSystem, index: number, price8: bigint) {
  await f.assets[index]!.feed.updateAnswer(price8);
}


describe("MarginEngine: deployment and governance", function () {
  it("rejects a zero registry, a debt asset above 18 decimals, and out-of-bound models or configs", async function () {
    const f = await loadFixture(engineFixture);
    const factory = await ethers.getContractFactory("MarginEngine");
    type DeployArgs = Parameters<typeof factory.deploy>;
    const args = (over: Partial<Record<number, unknown>>): DeployArgs =>
      [
        f.usdc.target,
        "n",
        "s",
        f.registry.target,
        f.oracle.target,
        f.governance.address,
        f.guardian.address,
        DEFAULT_RATE_MODEL,
        DEFAULT_LIQUIDATION_CONFIG,
      ].map((v, i) => (i in over ? over[i] : v)) as DeployArgs;
    await expect(factory.deploy(...args({ 3: ethers.ZeroAddress }))).to.be.revertedWithCustomError(factory, "ZeroAddress");
    const wide = await ethers.deployContract("MockERC20", ["x", "x", 24]);
    await expect(factory.deploy(...args({ 0: wide.target })))
      .to.be.revertedWithCustomError(factory, "UnsupportedDecimals")
      .withArgs(24);
    await expect(
      factory.deploy(...args({ 7: { ...DEFAULT_RATE_MODEL, optimalUtilizationBps: 9_950 } })),
    ).to.be.revertedWithCustomError(factory, "InvalidRateModel");
    await expect(
      factory.deploy(...args({ 8: { ...DEFAULT_LIQUIDATION_CONFIG, rateLimitBypassHealthBps: 9_600 } })),
    ).to.be.revertedWithCustomError(factory, "InvalidLiquidationConfig");
  });

  it("lists a collateral only when it is in the registry and the oracle, once, and not the debt asset", async function () {
    const f = await loadFixture(engineFixture);
    const g = f.engine.connect(f.governance);
    const stranger = await ethers.deployContract("MockERC20", ["x", "x", 18]);
    await expect(g.listCollateral(stranger.target, 1n))
      .to.be.revertedWithCustomError(f.engine, "NotInRegistry")
      .withArgs(stranger.target);
    await expect(g.listCollateral(weth(f).address, 1n))
      .to.be.revertedWithCustomError(f.engine, "CollateralAlreadyListed")
      .withArgs(weth(f).address);
    await expect(g.listCollateral(f.usdc.target, 1n)).to.be.revertedWithCustomError(f.engine, "DebtAssetAsCollateral");
    await expect(g.listCollateral(ethers.ZeroAddress, 1n)).to.be.revertedWithCustomError(f.engine, "ZeroAddress");
    await expect(f.engine.connect(f.outsider).listCollateral(stranger.target, 1n))
      .to.be.revertedWithCustomError(f.engine, "AccessControlUnauthorizedAccount")
      .withArgs(f.outsider.address, ethers.ZeroHash);
    expect(await f.engine.collateralConfig(wbtc(f).address)).to.deep.equal([2n, 8n, units(10n ** 9n, 8), 0n]);
  });

  it("requires a price feed and supported decimals at listing, and a supply cap that fits", async function () {
    const base = await deployEngine({ ethers, ignition }, { assets: [{ symbol: "WETH", decimals: 18, price8: 2_000n * 10n ** 8n }] });
    const g = base.engine.connect(base.governance);
    const rules = DEFAULT_RULES;
    for (const [decimals, withFeed] of [
      [37, true],
      [18, false],
    ] as const) {
      const token = await ethers.deployContract("MockERC20", ["t", "t", decimals]);
      const feed = await ethers.deployContract("MockAggregator", [8, 10n ** 8n, "t / USD"]);
      await base.oracle.connect(base.governance).setFeed(token.target, feed.target, 4_200);
      await base.updater.connect(base.governance).setAssetRules(token.target, rules);
      await base.updater.connect(base.governance).governanceSetParams(token.target, DEFAULT_PARAMS);
      if (!withFeed) {
        await base.oracle.connect(base.governance).removeFeed(token.target);
        await expect(g.listCollateral(token.target, 1n))
          .to.be.revertedWithCustomError(base.engine, "NoPriceFeed")
          .withArgs(token.target);
        continue;
      }
      await expect(g.listCollateral(token.target, 1n))
        .to.be.revertedWithCustomError(base.engine, "UnsupportedDecimals")
        .withArgs(37);
    }
    const t = await ethers.deployContract("MockERC20", ["t", "t", 18]);
    const feed = await ethers.deployContract("MockAggregator", [8, 10n ** 8n, "t / USD"]);
    await base.oracle.connect(base.governance).setFeed(t.target, feed.target, 4_200);
    await base.updater.connect(base.governance).setAssetRules(t.target, rules);
    await base.updater.connect(base.governance).governanceSetParams(t.target, DEFAULT_PARAMS);
    await expect(g.listCollateral(t.target, 1n << 96n))
      .to.be.revertedWithCustomError(base.engine, "AmountTooLarge")
      .withArgs(1n << 96n);
    await expect(g.listCollateral(t.target, 5n))
      .to.emit(base.engine, "CollateralListed")
      .withArgs(t.target, 2, 18, 5n);
  });

  it("sets supply caps, rate models and liquidation configs only within bounds and only by governance", async function () {
    const f = await loadFixture(engineFixture);
    const g = f.engine.connect(f.governance);
    await expect(g.setSupplyCap(weth(f).address, 7n)).to.emit(f.engine, "SupplyCapSet").withArgs(weth(f).address, 7n);
    expect((await f.engine.collateralConfig(weth(f).address))[2]).to.equal(7n);
    await expect(g.setSupplyCap(f.usdc.target, 7n))
      .to.be.revertedWithCustomError(f.engine, "CollateralNotListed")
      .withArgs(f.usdc.target);
    await expect(g.setSupplyCap(weth(f).address, 1n << 96n)).to.be.revertedWithCustomError(f.engine, "AmountTooLarge");
    await expect(f.engine.connect(f.guardian).setSupplyCap(weth(f).address, 7n)).to.be.revertedWithCustomError(
      f.engine,
      "AccessControlUnauthorizedAccount",
    );

    const model = { ...DEFAULT_RATE_MODEL, slope2Bps: 20_000 };
    await expect(g.setRateModel(model)).to.emit(f.engine, "RateModelSet");
    expect((await f.engine.rateModel()).slope2Bps).to.equal(20_000n);
    for (const bad of [
      { baseRateBps: 10_001 },
      { slope1Bps: 10_001 },
      { slope2Bps: 50_001 },
      { optimalUtilizationBps: 999 },
      { optimalUtilizationBps: 9_901 },
      { reserveFactorBps: 5_001 },
    ]) {
      await expect(g.setRateModel({ ...DEFAULT_RATE_MODEL, ...bad })).to.be.revertedWithCustomError(
        f.engine,
        "InvalidRateModel",
      );
    }
    await expect(f.engine.connect(f.outsider).setRateModel(model)).to.be.revertedWithCustomError(
      f.engine,
      "AccessControlUnauthorizedAccount",
    );

    const config = { ...DEFAULT_LIQUIDATION_CONFIG, protocolFeeBps: 2_000 };
    await expect(g.setLiquidationConfig(config)).to.emit(f.engine, "LiquidationConfigSet");
    expect((await f.engine.liquidationConfig()).protocolFeeBps).to.equal(2_000n);
    for (const bad of [
      { fullCloseHealthBps: 4_999 },
      { fullCloseHealthBps: 10_001 },
      { rateLimitBypassHealthBps: 9_501 },
      { protocolFeeBps: 5_001 },
      { minLeftoverValue: 1_000_001n * E18 },
    ]) {
      await expect(g.setLiquidationConfig({ ...DEFAULT_LIQUIDATION_CONFIG, ...bad })).to.be.revertedWithCustomError(
        f.engine,
        "InvalidLiquidationConfig",
      );
    }
    // Listing count survives a config change: the next listing still gets a fresh id.
    expect((await f.engine.collateralConfig(eurc(f).address))[0]).to.equal(4n);
    await expect(f.engine.connect(f.outsider).setLiquidationConfig(config)).to.be.revertedWithCustomError(
      f.engine,
      "AccessControlUnauthorizedAccount",
    );
  });

  it("deployment schema limits = contract limits: at each limit both accept it, one past it both refuse (issue 15 item 3, issue 16)", async function () {
    const f = await loadFixture(engineFixture);
    const g = f.engine.connect(f.governance);
    const spec = JSON.parse(readFileSync("deploy/local.json", "utf8")) as { engine: { rateModel: Record<string, number>; liquidationConfig: Record<string, number | string> } };
    const schemaAccepts = (part: "rateModel" | "liquidationConfig", change: Record<string, number | bigint>) => {
      const json = Object.fromEntries(Object.entries(change).map(([k, v]) => [k, typeof v === "bigint" ? v.toString() : v]));
      return deploymentSpecSchema.safeParse({ ...spec, engine: { ...spec.engine, [part]: { ...spec.engine[part], ...json } } }).success;
    };
    const L = ENGINE_LIMITS;
    const rate: [string, number][] = [
      ["baseRateBps", L.maxBaseRateBps], ["baseRateBps", L.maxBaseRateBps + 1],
      ["slope1Bps", L.maxSlope1Bps], ["slope1Bps", L.maxSlope1Bps + 1],
      ["slope2Bps", L.maxSlope2Bps], ["slope2Bps", L.maxSlope2Bps + 1],
      ["optimalUtilizationBps", L.minOptimalUtilizationBps], ["optimalUtilizationBps", L.minOptimalUtilizationBps - 1],
      ["optimalUtilizationBps", L.maxOptimalUtilizationBps], ["optimalUtilizationBps", L.maxOptimalUtilizationBps + 1],
      ["reserveFactorBps", L.maxReserveFactorBps], ["reserveFactorBps", L.maxReserveFactorBps + 1],
    ];
    for (const [field, value] of rate) {
      const model = { ...DEFAULT_RATE_MODEL, [field]: value };
      const chain = await g.setRateModel(model).then(() => true, () => false);
      expect(schemaAccepts("rateModel", { ...DEFAULT_RATE_MODEL, [field]: value }), `rateModel.${field} = ${value}`).to.equal(chain);
    }
    const liquidation: [string, number | bigint][] = [
      ["fullCloseHealthBps", L.minFullCloseHealthBps], ["fullCloseHealthBps", L.minFullCloseHealthBps - 1],
      ["fullCloseHealthBps", L.maxFullCloseHealthBps], ["fullCloseHealthBps", L.maxFullCloseHealthBps + 1],
      ["protocolFeeBps", L.maxProtocolFeeBps], ["protocolFeeBps", L.maxProtocolFeeBps + 1],
      ["minLeftoverValue", L.maxMinLeftoverValue], ["minLeftoverValue", L.maxMinLeftoverValue + 1n],
      ["rateLimitBypassHealthBps", DEFAULT_LIQUIDATION_CONFIG.fullCloseHealthBps], ["rateLimitBypassHealthBps", DEFAULT_LIQUIDATION_CONFIG.fullCloseHealthBps + 1],
    ];
    for (const [field, value] of liquidation) {
      const config = { ...DEFAULT_LIQUIDATION_CONFIG, [field]: value };
      const chain = await g.setLiquidationConfig(config).then(() => true, () => false);
      expect(schemaAccepts("liquidationConfig", config), `liquidationConfig.${field} = ${value}`).to.equal(chain);
    }
    // The public constants agree with the TypeScript copy too.
    expect(await f.engine.MAX_PROTOCOL_FEE_BPS()).to.equal(BigInt(L.maxProtocolFeeBps));
    expect(await f.engine.MIN_FULL_CLOSE_HEALTH_BPS()).to.equal(BigInt(L.minFullCloseHealthBps));
    expect(await f.engine.MAX_MIN_LEFTOVER_VALUE()).to.equal(L.maxMinLeftoverValue);
  });

  it("lets the guardian pause borrowing and withdrawals, never repayments or liquidations; governance unpauses", async function () {
    const f = await aliceBorrowed();
    await expect(f.engine.connect(f.outsider).pause(true, true)).to.be.revertedWithCustomError(
      f.engine,
      "AccessControlUnauthorizedAccount",
    );
    await expect(f.engine.connect(f.guardian).pause(true, false)).to.emit(f.engine, "PauseSet").withArgs(true, false);
    await expect(f.engine.connect(f.alice).borrow(1n, f.alice.address)).to.be.revertedWithCustomError(
      f.engine,
      "BorrowingPaused",
    );
    await f.engine.connect(f.guardian).pause(false, true);
    expect(await f.engine.paused()).to.deep.equal([true, true]);
    await expect(
      f.engine.connect(f.alice).withdrawCollateral(weth(f).address, 1n, f.alice.address),
    ).to.be.revertedWithCustomError(f.engine, "WithdrawalsPaused");
    await expect(f.engine.connect(f.lender).withdraw(1n, f.lender.address, f.lender.address)).to.be.revertedWithCustomError(
      f.engine,
      "WithdrawalsPaused",
    );
    await expect(f.engine.connect(f.lender).redeem(1n, f.lender.address, f.lender.address)).to.be.revertedWithCustomError(
      f.engine,
      "WithdrawalsPaused",
    );
    expect(await f.engine.maxWithdraw(f.lender.address)).to.equal(0n);
    expect(await f.engine.maxRedeem(f.lender.address)).to.equal(0n);
    // Repayment and liquidation still work.
    await fund(f.usdc, f.engine, f.alice, units(100, USDC));
    await f.engine.connect(f.alice).repay(units(100, USDC), f.alice.address);
    await setPrice(f, 0, 1_900n * 10n ** 8n);
    await fund(f.usdc, f.engine, f.liquidator, units(10_000, USDC));
    await f.engine.connect(f.liquidator).liquidate(f.alice.address, weth(f).address, units(1_000, USDC), 0n);
    await expect(f.engine.connect(f.guardian).unpause(true, true)).to.be.revertedWithCustomError(
      f.engine,
      "AccessControlUnauthorizedAccount",
    );
    await expect(f.engine.connect(f.governance).unpause(true, false)).to.emit(f.engine, "PauseSet").withArgs(false, true);
    await f.engine.connect(f.governance).unpause(false, true);
    expect(await f.engine.paused()).to.deep.equal([false, false]);
  });
});

describe("MarginEngine: collateral and borrowing", function () {
  it("values collateral of 18, 8 and 6 decimals at oracle prices and effective LTV and threshold", async function () {
    const f = await loadFixture(engineFixture);
    const deposits = [
      [0, units(3, 18)],
      [1, units("0.5", 8)],
      [3, units(10_000, 6)],
    ] as const;
    for (const [i, amount] of deposits) {
      await fund(f.assets[i]!.token, f.engine, f.alice, amount);
      await expect(f.engine.connect(f.alice).depositCollateral(f.assets[i]!.address, amount, f.alice.address))
        .to.emit(f.engine, "CollateralDeposited")
        .withArgs(f.alice.address, f.alice.address, f.assets[i]!.address, amount);
    }
    // 3 × 2,000 + 0.5 × 60,000 + 10,000 × 1.08 = 46,800.
    const value = 46_800n * E18;
    const snap = await f.engine.accountSnapshot(f.alice.address);
    expect(snap.collateralValue).to.equal(value);
    expect(snap.borrowLimit).to.equal((6_000n * E18 * 8_050n) / 10_000n + (30_000n * E18 * 8_050n) / 10_000n + (10_800n * E18 * 8_050n) / 10_000n);
    expect(snap.liquidationValue).to.equal((value * 8_300n) / 10_000n);
    expect(snap.healthFactor).to.equal(ethers.MaxUint256);
    expect(await f.engine.healthFactor(f.alice.address)).to.equal(ethers.MaxUint256);
    expect(await f.engine.collateralAssetsOf(f.alice.address)).to.deep.equal([
      weth(f).address,
      wbtc(f).address,
      eurc(f).address,
    ]);
    expect(await f.engine.collateralBalance(f.alice.address, wbtc(f).address)).to.equal(units("0.5", 8));
    expect(await f.engine.collateralBalance(f.alice.address, f.assets[2]!.address)).to.equal(0n);
  });

  it("lends up to the borrow limit and not a unit more; the health factor follows the threshold", async function () {
    const f = await loadFixture(engineFixture);
    await fund(weth(f).token, f.engine, f.alice, units(10, 18));
    await f.engine.connect(f.alice).depositCollateral(weth(f).address, units(10, 18), f.alice.address);
    const limit = units(16_100, USDC); // 20,000 × 80.5%
    await expect(f.engine.connect(f.alice).borrow(limit + 1n, f.alice.address))
      .to.be.revertedWithCustomError(f.engine, "BorrowLimitExceeded")
      .withArgs((limit + 1n) * 10n ** 12n, 16_100n * E18);
    await expect(f.engine.connect(f.alice).borrow(limit, f.bob.address))
      .to.emit(f.engine, "Borrowed")
      .withArgs(f.alice.address, limit, f.bob.address, limit);
    expect(await f.usdc.balanceOf(f.bob.address)).to.equal(limit);
    expect(await f.engine.debtOf(f.alice.address)).to.equal(limit);
    expect(await f.engine.healthFactor(f.alice.address)).to.equal((16_600n * E18 * WAD) / (16_100n * E18));
    await expect(f.engine.connect(f.alice).borrow(0n, f.alice.address)).to.be.revertedWithCustomError(f.engine, "ZeroAmount");
    await expect(f.engine.connect(f.alice).borrow(1n, ethers.ZeroAddress)).to.be.revertedWithCustomError(
      f.engine,
      "ZeroAddress",
    );
  });

  it("lends only idle cash", async function () {
    const f = await loadFixture(engineFixture);
    await fund(wbtc(f).token, f.engine, f.alice, units(100, 8));
    await f.engine.connect(f.alice).depositCollateral(wbtc(f).address, units(100, 8), f.alice.address);
    await expect(f.engine.connect(f.alice).borrow(units(1_000_001, USDC), f.alice.address))
      .to.be.revertedWithCustomError(f.engine, "InsufficientCash")
      .withArgs(units(1_000_001, USDC), units(1_000_000, USDC));
  });

  it("refuses to lend against a frozen asset (LTV 0) and on stale or failing prices", async function () {
    const f = await loadFixture(engineFixture);
    await fund(weth(f).token, f.engine, f.alice, units(10, 18));
    await f.engine.connect(f.alice).depositCollateral(weth(f).address, units(10, 18), f.alice.address);
    await f.registry.connect(f.guardian).freeze(weth(f).address);
    await expect(f.engine.connect(f.alice).borrow(1n, f.alice.address))
      .to.be.revertedWithCustomError(f.engine, "BorrowLimitExceeded")
      .withArgs(10n ** 12n, 0n);
    await f.registry.connect(f.governance).unfreeze(weth(f).address);
    await time.increase(2 * HOUR);
    await expect(f.engine.connect(f.alice).borrow(1n, f.alice.address)).to.be.revertedWithCustomError(
      f.oracle,
      "StalePrice",
    );
    await heartbeat(f);
    await weth(f).feed.setFailing(true);
    await expect(f.engine.connect(f.alice).borrow(1n, f.alice.address)).to.be.revertedWithCustomError(
      f.oracle,
      "FeedCallFailed",
    );
    expect(await f.engine.healthFactor(f.alice.address)).to.equal(ethers.MaxUint256); // no debt: no price read
  });

  it("enforces supply caps, the per-account collateral count and listed assets on deposit", async function () {
    const f = await loadFixture(engineFixture);
    const g = f.engine.connect(f.governance);
    await g.setSupplyCap(weth(f).address, units(5, 18));
    await fund(weth(f).token, f.engine, f.alice, units(6, 18));
    await fund(weth(f).token, f.engine, f.bob, 1n);
    await f.engine.connect(f.bob).depositCollateral(weth(f).address, 1n, f.bob.address);
    // A top-up of Bob's position by Alice is fine.
    await f.engine.connect(f.alice).depositCollateral(weth(f).address, units(4, 18) - 1n, f.bob.address);
    await expect(f.engine.connect(f.alice).depositCollateral(weth(f).address, units(2, 18), f.alice.address))
      .to.be.revertedWithCustomError(f.engine, "SupplyCapExceeded")
      .withArgs(weth(f).address, units(6, 18), units(5, 18));
    expect(await f.engine.collateralBalance(f.bob.address, weth(f).address)).to.equal(units(4, 18));
    await expect(
      f.engine.connect(f.alice).depositCollateral(f.usdc.target, 1n, f.alice.address),
    ).to.be.revertedWithCustomError(f.engine, "CollateralNotListed");
    await expect(
      f.engine.connect(f.alice).depositCollateral(weth(f).address, 0n, f.alice.address),
    ).to.be.revertedWithCustomError(f.engine, "ZeroAmount");
    await expect(
      f.engine.connect(f.alice).depositCollateral(weth(f).address, 1n, ethers.ZeroAddress),
    ).to.be.revertedWithCustomError(f.engine, "ZeroAddress");
  });

  it("caps the collateral assets per account at MAX_COLLATERALS_PER_ACCOUNT", async function () {
    const assets = Array.from({ length: 9 }, (_, i) => ({ symbol: `C${i}`, decimals: 18, price8: 10n ** 8n }));
    const f = await deployEngine({ ethers, ignition }, { assets });
    const [, , , , , alice] = await ethers.getSigners();
    expect(await f.engine.MAX_COLLATERALS_PER_ACCOUNT()).to.equal(8n);
    for (const a of f.assets.slice(0, 8)) {
      await fund(a.token, f.engine, alice!, 1n);
      await f.engine.connect(alice!).depositCollateral(a.address, 1n, alice!.address);
    }
    await fund(f.assets[8]!.token, f.engine, alice!, 1n);
    await expect(f.engine.connect(alice!).depositCollateral(f.assets[8]!.address, 1n, alice!.address))
      .to.be.revertedWithCustomError(f.engine, "TooManyCollateralAssets")
      .withArgs(8);
    // Emptying one position frees a slot; the last position moves into it.
    await f.engine.connect(alice!).withdrawCollateral(f.assets[2]!.address, ethers.MaxUint256, alice!.address);
    const held = await f.engine.collateralAssetsOf(alice!.address);
    expect(held).to.have.length(7);
    expect(held[2]).to.equal(f.assets[7]!.address);
    expect(await f.engine.collateralBalance(alice!.address, f.assets[7]!.address)).to.equal(1n);
    await f.engine.connect(alice!).depositCollateral(f.assets[8]!.address, 1n, alice!.address);
    expect(await f.engine.collateralAssetsOf(alice!.address)).to.have.length(8);
  });

  it("withdraws collateral only within the borrow limit", async function () {
    const f = await aliceBorrowed();
    // 16,000 debt needs 16,000 / 0.805 = 19,875.78 of WETH value: at most 0.0621 WETH may leave.
    await expect(
      f.engine.connect(f.alice).withdrawCollateral(weth(f).address, units("0.07", 18), f.alice.address),
    ).to.be.revertedWithCustomError(f.engine, "BorrowLimitExceeded");
    await expect(f.engine.connect(f.alice).withdrawCollateral(weth(f).address, units("0.06", 18), f.bob.address))
      .to.emit(f.engine, "CollateralWithdrawn")
      .withArgs(f.alice.address, weth(f).address, units("0.06", 18), f.bob.address);
    expect(await weth(f).token.balanceOf(f.bob.address)).to.equal(units("0.06", 18));
    await expect(f.engine.connect(f.alice).withdrawCollateral(wbtc(f).address, 1n, f.alice.address))
      .to.be.revertedWithCustomError(f.engine, "InsufficientCollateral")
      .withArgs(wbtc(f).address, 1n, 0n);
    await expect(
      f.engine.connect(f.alice).withdrawCollateral(weth(f).address, units(11, 18), f.alice.address),
    ).to.be.revertedWithCustomError(f.engine, "InsufficientCollateral");
    await expect(f.engine.connect(f.alice).withdrawCollateral(weth(f).address, 0n, f.alice.address)).to.be.revertedWithCustomError(
      f.engine,
      "ZeroAmount",
    );
    await expect(
      f.engine.connect(f.alice).withdrawCollateral(weth(f).address, 1n, ethers.ZeroAddress),
    ).to.be.revertedWithCustomError(f.engine, "ZeroAddress");
    await expect(f.engine.connect(f.alice).withdrawCollateral(f.usdc.target, 1n, f.alice.address)).to.be.revertedWithCustomError(
      f.engine,
      "CollateralNotListed",
    );
  });

  it("repays partly, in full with the max sentinel, and on behalf of others", async function () {
    const f = await aliceBorrowed();
    await fund(f.usdc, f.engine, f.bob, units(20_000, USDC));
    await expect(f.engine.connect(f.bob).repay(units(6_000, USDC), f.alice.address))
      .to.emit(f.engine, "Repaid")
      .withArgs(f.bob.address, f.alice.address, units(6_000, USDC), units(10_000, USDC));
    await expect(f.engine.connect(f.bob).repay(ethers.MaxUint256, f.alice.address)).to.emit(f.engine, "Repaid");
    expect(await f.engine.debtOf(f.alice.address)).to.equal(0n);
    const [, totalBorrows] = await f.engine.poolState();
    expect(totalBorrows).to.equal(0n);
    await expect(f.engine.connect(f.bob).repay(1n, f.alice.address))
      .to.be.revertedWithCustomError(f.engine, "NoDebt")
      .withArgs(f.alice.address);
    await expect(f.engine.connect(f.bob).repay(0n, f.alice.address)).to.be.revertedWithCustomError(f.engine, "ZeroAmount");
    // Without debt, the whole collateral can leave even with a stale price.
    await time.increase(2 * HOUR);
    await f.engine.connect(f.alice).withdrawCollateral(weth(f).address, ethers.MaxUint256, f.alice.address);
    expect(await f.engine.collateralAssetsOf(f.alice.address)).to.deep.equal([]);
  });

  it("issue 16 item 8: no dust debts: a borrow or a partial repayment never leaves a debt below minLeftoverValue", async function () {
    const f = await loadFixture(engineFixture); // minimum $1,000 (DEFAULT_LIQUIDATION_CONFIG)
    expect((await f.engine.liquidationConfig()).minLeftoverValue).to.equal(1_000n * E18);
    await fund(weth(f).token, f.engine, f.alice, units(10, 18));
    await f.engine.connect(f.alice).depositCollateral(weth(f).address, units(10, 18), f.alice.address);
    // A first borrow below the minimum is refused, and changes nothing.
    await expect(f.engine.connect(f.alice).borrow(units(999, USDC), f.alice.address))
      .to.be.revertedWithCustomError(f.engine, "DebtBelowMinimum")
      .withArgs(999n * E18, 1_000n * E18);
    expect(await f.engine.debtOf(f.alice.address)).to.equal(0n);
    await f.engine.connect(f.alice).borrow(units(1_000, USDC), f.alice.address);
    await f.engine.connect(f.alice).borrow(1n, f.alice.address); // a top-up of an account above it: fine
    await fund(f.usdc, f.engine, f.bob, units(5_000, USDC));
    // A partial repayment that would leave $1 of debt is refused; the whole debt, or down to the minimum, is not.
    await expect(f.engine.connect(f.bob).repay(units(1, USDC) * 1_000n - units(1, USDC) + 1n, f.alice.address))
      .to.be.revertedWithCustomError(f.engine, "DebtBelowMinimum")
      .withArgs(units(1, USDC) * 10n ** 12n, 1_000n * E18);
    expect(await f.engine.debtOf(f.alice.address)).to.equal(units(1_000, USDC) + 1n);
    await f.engine.connect(f.bob).repay(1n, f.alice.address);
    expect(await f.engine.debtOf(f.alice.address)).to.equal(units(1_000, USDC));
    // Governance raises the minimum: a debt already below it may shrink (never grow by a small borrow).
    await f.engine.connect(f.governance).setLiquidationConfig({ ...DEFAULT_LIQUIDATION_CONFIG, minLeftoverValue: 2_000n * E18 });
    await expect(f.engine.connect(f.alice).borrow(units(500, USDC), f.alice.address))
      .to.be.revertedWithCustomError(f.engine, "DebtBelowMinimum")
      .withArgs(1_500n * E18, 2_000n * E18);
    await expect(f.engine.connect(f.bob).repay(units(400, USDC), f.alice.address))
      .to.emit(f.engine, "Repaid")
      .withArgs(f.bob.address, f.alice.address, units(400, USDC), units(600, USDC));
    await f.engine.connect(f.bob).repay(ethers.MaxUint256, f.alice.address);
    expect(await f.engine.debtOf(f.alice.address)).to.equal(0n);
    // A minimum of 0 allows any debt.
    await f.engine.connect(f.governance).setLiquidationConfig({ ...DEFAULT_LIQUIDATION_CONFIG, minLeftoverValue: 0n });
    await f.engine.connect(f.alice).borrow(1n, f.alice.address);
    expect(await f.engine.debtOf(f.alice.address)).to.equal(1n);
  });
});


describe("MarginEngine: interest and lenders", function () {
  it("accrues interest per second on the kinked curve; the reserve takes its factor; lenders earn the rest", async function () {
    const f = await loadFixture(interestFixture);
    await fund(weth(f).token, f.engine, f.alice, units(500, 18));
    await f.engine.connect(f.alice).depositCollateral(weth(f).address, units(500, 18), f.alice.address);
    await f.engine.connect(f.alice).borrow(units(800_000, USDC), f.alice.address);
    const start = BigInt(await time.latest());
    // Utilisation 80%: the kink, 4% a year.
    expect(await f.engine.borrowRate()).to.equal((4n * WAD) / 100n);
    const sharePrice0 = await f.engine.convertToAssets(10n ** 12n);
    await time.increaseTo(start + 365n * 86_400n);
    const expected = accrue(
      { index: WAD, cash: units(200_000, USDC), totalScaledDebt: units(800_000, USDC), reserve: 0n },
      DEFAULT_RATE_MODEL,
      365n * 86_400n,
    );
    expect(expected.index).to.equal(104n * 10n ** 16n);
    const [cash, borrows, reserve, badDebt, index] = await f.engine.poolState();
    expect([cash, borrows, reserve, badDebt, index]).to.deep.equal([
      units(200_000, USDC),
      units(832_000, USDC),
      units(3_200, USDC),
      0n,
      expected.index,
    ]);
    expect(await f.engine.debtOf(f.alice.address)).to.equal(debtOf(units(800_000, USDC), expected.index));
    expect(await f.engine.totalAssets()).to.equal(units(1_028_800, USDC));
    expect(await f.engine.convertToAssets(10n ** 12n)).to.be.greaterThan(sharePrice0);
    // Accrual on a write stores exactly what the views showed.
    await fund(f.usdc, f.engine, f.alice, units(1, USDC));
    await expect(f.engine.connect(f.alice).repay(units(1, USDC), f.alice.address)).to.emit(f.engine, "InterestAccrued");
    expect((await f.engine.poolState())[2]).to.be.greaterThanOrEqual(units(3_200, USDC));
  });

  it("issue 16 finding 5: the index saturates at 2^112 − 1 and accrual stops; repay, withdraw, totalAssets and setRateModel keep working", async function () {
    const f = await loadFixture(interestFixture);
    await fund(weth(f).token, f.engine, f.alice, units(10, 18));
    await f.engine.connect(f.alice).depositCollateral(weth(f).address, units(10, 18), f.alice.address);
    await f.engine.connect(f.alice).borrow(units(16_000, USDC), f.alice.address);
    // Years of the highest rates compress into one storage write: the index a hair below its 112 bits.
    const engine = await f.engine.getAddress();
    const POOL_WORD_SLOT = 6; // after ERC20's five slots and AccessControl's roles
    const word = BigInt(await ethers.provider.getStorage(engine, POOL_WORD_SLOT));
    expect(word & MAX_INDEX, "the slot holds the index").to.equal((await f.engine.poolState()).borrowIndex);
    await networkHelpers.setStorageAt(engine, POOL_WORD_SLOT, (word & ~MAX_INDEX) | (MAX_INDEX - 1_000n));
    await time.increase(DAY);
    await heartbeat(f);
    expect((await f.engine.poolState()).borrowIndex).to.equal(MAX_INDEX);
    // The TypeScript copy saturates at the same index.
    const pool = { index: MAX_INDEX - 1_000n, cash: units(1_000, USDC), totalScaledDebt: units(16_000, USDC), reserve: 0n };
    expect(accrue(pool, DEFAULT_RATE_MODEL, BigInt(DAY)).index).to.equal(MAX_INDEX);
    expect(MAX_INDEX).to.equal((1n << 112n) - 1n);
    await fund(f.usdc, f.engine, f.alice, units(1_000, USDC));
    await expect(f.engine.connect(f.alice).repay(units(1_000, USDC), f.alice.address)).to.emit(f.engine, "Repaid");
    expect((await f.engine.poolState()).borrowIndex).to.equal(MAX_INDEX);
    // Accrual has stopped: a day later the index and Alice's debt stand still.
    const debt = await f.engine.debtOf(f.alice.address);
    await time.increase(DAY);
    expect(await f.engine.debtOf(f.alice.address)).to.equal(debt);
    expect(await f.engine.totalAssets()).to.be.greaterThan(0n);
    // Lenders' shares are now worth far more than the cash: they withdraw what cash there is.
    await expect(f.engine.connect(f.lender).withdraw(units(1_000, USDC), f.lender.address, f.lender.address)).to.emit(
      f.engine,
      "Withdraw",
    );
    await expect(f.engine.connect(f.governance).setRateModel(DEFAULT_RATE_MODEL)).to.emit(f.engine, "RateModelSet");
    expect((await f.engine.poolState()).borrowIndex).to.equal(MAX_INDEX);
  });

  it("prices the rate above the kink with slope 2, and accrues the old rate before a model change", async function () {
    const f = await loadFixture(interestFixture);
    await fund(wbtc(f).token, f.engine, f.alice, units(100, 8));
    await f.engine.connect(f.alice).depositCollateral(wbtc(f).address, units(100, 8), f.alice.address);
    await f.engine.connect(f.alice).borrow(units(900_000, USDC), f.alice.address);
    // 90%: 4% + 75% × (0.9 − 0.8) / 0.2 = 41.5%.
    expect(await f.engine.borrowRate()).to.equal((415n * WAD) / 1_000n);
    await time.increase(DAY);
    await expect(f.engine.connect(f.governance).setRateModel({ ...DEFAULT_RATE_MODEL, slope2Bps: 0 })).to.emit(
      f.engine,
      "InterestAccrued",
    );
    expect(await f.engine.borrowRate()).to.be.lessThan((5n * WAD) / 100n);
  });

  it("lets lenders withdraw only idle cash, and never below what their shares are worth", async function () {
    const f = await aliceBorrowed();
    await fund(wbtc(f).token, f.engine, f.bob, units(100, 8));
    await f.engine.connect(f.bob).depositCollateral(wbtc(f).address, units(100, 8), f.bob.address);
    await f.engine.connect(f.bob).borrow(units(900_000, USDC), f.bob.address);
    const cash = (await f.engine.poolState())[0];
    expect(await f.engine.maxWithdraw(f.lender.address)).to.equal(cash);
    await expect(f.engine.connect(f.lender).withdraw(cash + 1n, f.lender.address, f.lender.address))
      .to.be.revertedWithCustomError(f.engine, "ERC4626ExceededMaxWithdraw")
      .withArgs(f.lender.address, cash + 1n, cash);
    await f.engine.connect(f.lender).withdraw(cash, f.lender.address, f.lender.address);
    expect((await f.engine.poolState())[0]).to.equal(0n);
    // A second lender mints shares at the current price and redeems them.
    await fund(f.usdc, f.engine, f.bob, units(5_000, USDC));
    const assets = await f.engine.connect(f.bob).mint.staticCall(10n ** 15n, f.bob.address);
    await f.engine.connect(f.bob).mint(10n ** 15n, f.bob.address);
    const redeemable = await f.engine.maxRedeem(f.bob.address);
    const [cashNow] = await f.engine.poolState();
    expect(redeemable).to.equal(await f.engine.convertToShares(cashNow) < 10n ** 15n ? await f.engine.convertToShares(cashNow) : 10n ** 15n);
    // Rounding favours the pool: a mint-then-redeem round trip never returns more than it cost.
    const back = await f.engine.connect(f.bob).redeem.staticCall(redeemable, f.bob.address, f.bob.address);
    expect(back).to.be.lessThanOrEqual(assets);
    await expect(f.engine.connect(f.bob).redeem(redeemable + 1n, f.bob.address, f.bob.address)).to.be.revertedWithCustomError(
      f.engine,
      "ERC4626ExceededMaxRedeem",
    );
  });

  it("sends reserve to governance only within the reserve and the cash", async function () {
    const f = await aliceBorrowed();
    await setPrice(f, 0, 1_900n * 10n ** 8n);
    await fund(f.usdc, f.engine, f.liquidator, units(10_000, USDC));
    await f.engine.connect(f.liquidator).liquidate(f.alice.address, weth(f).address, units(8_000, USDC), 0n);
    const reserve = (await f.engine.poolState())[2];
    expect(reserve).to.equal(units(40, USDC)); // 10% of the 5% bonus on 8,000
    const g = f.engine.connect(f.governance);
    await expect(g.withdrawReserve(f.governance.address, reserve + 1n))
      .to.be.revertedWithCustomError(f.engine, "ReserveExceeded")
      .withArgs(reserve + 1n, reserve);
    await expect(g.withdrawReserve(ethers.ZeroAddress, 1n)).to.be.revertedWithCustomError(f.engine, "ZeroAddress");
    await expect(g.withdrawReserve(f.governance.address, 0n)).to.be.revertedWithCustomError(f.engine, "ZeroAmount");
    await expect(f.engine.connect(f.outsider).withdrawReserve(f.outsider.address, 1n)).to.be.revertedWithCustomError(
      f.engine,
      "AccessControlUnauthorizedAccount",
    );
    await expect(g.withdrawReserve(f.governance.address, reserve))
      .to.emit(f.engine, "ReserveWithdrawn")
      .withArgs(f.governance.address, reserve);
    expect(await f.usdc.balanceOf(f.governance.address)).to.equal(reserve);
  });

  it("withdraws reserve only from idle cash", async function () {
    const f = await aliceBorrowed();
    await setPrice(f, 0, 1_900n * 10n ** 8n);
    await fund(f.usdc, f.engine, f.liquidator, units(10_000, USDC));
    await f.engine.connect(f.liquidator).liquidate(f.alice.address, weth(f).address, units(8_000, USDC), 0n);
    await fund(wbtc(f).token, f.engine, f.bob, units(100, 8));
    await f.engine.connect(f.bob).depositCollateral(wbtc(f).address, units(100, 8), f.bob.address);
    const [cash] = await f.engine.poolState();
    await f.engine.connect(f.bob).borrow(cash - 10n, f.bob.address);
    await expect(f.engine.connect(f.governance).withdrawReserve(f.governance.address, 11n))
      .to.be.revertedWithCustomError(f.engine, "InsufficientCash")
      .withArgs(11n, 10n);
  });
});

describe("MarginEngine: liquidations", function () {
  it("liquidates a position below health 1 within the close factor, at oracle prices plus the bonus", async function () {
    const f = await aliceBorrowed();
    await fund(f.usdc, f.engine, f.liquidator, units(10_000, USDC));
    await expect(f.engine.connect(f.liquidator).liquidate(f.alice.address, weth(f).address, units(1, USDC), 0n))
      .to.be.revertedWithCustomError(f.engine, "AccountHealthy")
      .withArgs((16_600n * E18 * WAD) / (16_000n * E18));
    await setPrice(f, 0, 1_900n * 10n ** 8n);
    const hf = await f.engine.healthFactor(f.alice.address);
    expect(hf).to.equal((19_000n * 8_300n * E18 * WAD) / 10_000n / (16_000n * E18));
    const expected = sizeLiquidation({
      debt: units(16_000, USDC),
      debtScale: 10n ** 12n,
      healthFactor: hf,
      collateralBalance: units(10, 18),
      price18: price18(1_900n * 10n ** 8n),
      collateralDecimals: 18,
      closeFactorBps: DEFAULT_PARAMS.closeFactorBps,
      liquidationBonusBps: DEFAULT_PARAMS.liquidationBonusBps,
      config: DEFAULT_LIQUIDATION_CONFIG,
      maxRepay: units(10_000, USDC),
      soleCollateral: true,
    });
    if (!expected.ok) throw new Error("expected a valid liquidation");
    // Close factor 50%: 8,000 repaid for 8,400 of WETH at 1,900; fee 10% of the 400 bonus.
    expect(expected.repaid).to.equal(units(8_000, USDC));
    expect(expected.seized).to.equal((8_400n * E18) / 1_900n);
    expect(expected.fee).to.equal(units(40, USDC));
    const usdcBefore = await f.usdc.balanceOf(f.liquidator.address);
    await expect(f.engine.connect(f.liquidator).liquidate(f.alice.address, weth(f).address, units(10_000, USDC), expected.seized))
      .to.emit(f.engine, "Liquidated")
      .withArgs(f.liquidator.address, f.alice.address, weth(f).address, expected.repaid, expected.seized, expected.fee, hf);
    expect(await weth(f).token.balanceOf(f.liquidator.address)).to.equal(expected.seized);
    expect(usdcBefore - (await f.usdc.balanceOf(f.liquidator.address))).to.equal(expected.repaid + expected.fee);
    expect(await f.engine.debtOf(f.alice.address)).to.equal(units(8_000, USDC));
    expect(await f.engine.healthFactor(f.alice.address)).to.be.greaterThan(hf);
    const [used, available] = await f.engine.liquidationCapacity(weth(f).address);
    expect(used).to.equal(expected.seizedValue);
    expect(available).to.equal(DEFAULT_PARAMS.liquidationCapPerWindow - expected.seizedValue);
  });

  it("rejects self-liquidation, zero amounts, unlisted or unheld collateral and a short seizure", async function () {
    const f = await aliceBorrowed();
    await setPrice(f, 0, 1_900n * 10n ** 8n);
    const l = f.engine.connect(f.liquidator);
    await expect(f.engine.connect(f.alice).liquidate(f.alice.address, weth(f).address, 1n, 0n)).to.be.revertedWithCustomError(
      f.engine,
      "SelfLiquidation",
    );
    await expect(l.liquidate(f.alice.address, weth(f).address, 0n, 0n)).to.be.revertedWithCustomError(f.engine, "ZeroAmount");
    await expect(l.liquidate(f.alice.address, f.usdc.target, 1n, 0n)).to.be.revertedWithCustomError(
      f.engine,
      "CollateralNotListed",
    );
    await expect(l.liquidate(f.alice.address, wbtc(f).address, 1n, 0n))
      .to.be.revertedWithCustomError(f.engine, "CollateralNotHeld")
      .withArgs(f.alice.address, wbtc(f).address);
    await expect(l.liquidate(f.bob.address, weth(f).address, 1n, 0n))
      .to.be.revertedWithCustomError(f.engine, "AccountHealthy")
      .withArgs(ethers.MaxUint256);
    await expect(l.liquidate(f.alice.address, weth(f).address, units(1_000, USDC), units(1, 18)))
      .to.be.revertedWithCustomError(f.engine, "SeizedBelowMinimum")
      .withArgs((1_050n * E18) / 1_900n, units(1, 18));
    // Stale price: the oracle's error, not a liquidation at an old price.
    await time.increase(2 * HOUR);
    await expect(l.liquidate(f.alice.address, weth(f).address, units(1_000, USDC), 0n)).to.be.revertedWithCustomError(
      f.oracle,
      "StalePrice",
    );
  });

  it("repays the whole debt below the full-close health factor", async function () {
    const f = await aliceBorrowed();
    await setPrice(f, 0, 1_800n * 10n ** 8n); // HF 0.934
    await fund(f.usdc, f.engine, f.liquidator, units(20_000, USDC));
    await f.engine.connect(f.liquidator).liquidate(f.alice.address, weth(f).address, ethers.MaxUint256, 0n);
    expect(await f.engine.debtOf(f.alice.address)).to.equal(0n);
    // 16,000 × 1.05 / 1,800 = 9.333 WETH seized, 0.667 WETH left to Alice.
    expect(await f.engine.collateralBalance(f.alice.address, weth(f).address)).to.equal(
      units(10, 18) - (16_800n * E18) / 1_800n,
    );
  });

  it("applies the dust rule: small positions close fully, partial liquidations leave no dust", async function () {
    const f = await loadFixture(engineFixture);
    await fund(weth(f).token, f.engine, f.alice, units(1, 18));
    await f.engine.connect(f.alice).depositCollateral(weth(f).address, units(1, 18), f.alice.address);
    await f.engine.connect(f.alice).borrow(units(1_600, USDC), f.alice.address);
    await setPrice(f, 0, 1_900n * 10n ** 8n); // HF 0.986, debt 1,600 < 2 × 1,000: full close allowed
    await fund(f.usdc, f.engine, f.liquidator, units(5_000, USDC));
    const l = f.engine.connect(f.liquidator);
    // Repaying 1,000 would leave 600 of debt: dust.
    const dust = sizeLiquidation({
      debt: units(1_600, USDC),
      debtScale: 10n ** 12n,
      healthFactor: await f.engine.healthFactor(f.alice.address),
      collateralBalance: units(1, 18),
      price18: price18(1_900n * 10n ** 8n),
      collateralDecimals: 18,
      closeFactorBps: DEFAULT_PARAMS.closeFactorBps,
      liquidationBonusBps: DEFAULT_PARAMS.liquidationBonusBps,
      config: DEFAULT_LIQUIDATION_CONFIG,
      maxRepay: units(1_000, USDC),
      soleCollateral: true,
    });
    if (dust.ok) throw new Error("expected the dust rule to refuse");
    expect(dust.leftoverDebtValue).to.equal(600n * E18);
    await expect(l.liquidate(f.alice.address, weth(f).address, units(1_000, USDC), 0n))
      .to.be.revertedWithCustomError(f.engine, "LiquidationLeavesDust")
      .withArgs(dust.leftoverDebtValue, dust.leftoverCollateralValue);
    await l.liquidate(f.alice.address, weth(f).address, units(1_600, USDC), 0n);
    expect(await f.engine.debtOf(f.alice.address)).to.equal(0n);
  });

  it("makes an account liquidatable as a threshold cut ramps down, not before", async function () {
    const f = await aliceBorrowed();
    await f.updater.connect(f.governance).governanceSetParams(weth(f).address, {
      ...DEFAULT_PARAMS,
      ltvBps: 7_600,
      liquidationThresholdBps: 7_900,
    });
    const start = BigInt(await time.latest());
    await fund(f.usdc, f.engine, f.liquidator, units(10_000, USDC));
    const l = f.engine.connect(f.liquidator);
    // HF crosses 1 when the threshold falls below 80%: 5.25 days into the 7-day ramp from 83% to 79%.
    await time.increaseTo(start + 5n * 86_400n);
    await heartbeat(f);
    // 8300 − 400 × 5/7 = 8014.3 (plus the heartbeat seconds): the straight line rounded down.
    expect(await f.registry.effectiveLiquidationThresholdBps(weth(f).address)).to.equal(8_014n);
    await expect(l.liquidate(f.alice.address, weth(f).address, units(1_000, USDC), 0n)).to.be.revertedWithCustomError(
      f.engine,
      "AccountHealthy",
    );
    await time.increaseTo(start + 5n * 86_400n + 12n * 3_600n);
    await heartbeat(f);
    expect(await f.engine.healthFactor(f.alice.address)).to.be.lessThan(WAD);
    await expect(l.liquidate(f.alice.address, weth(f).address, units(1_000, USDC), 0n)).to.emit(f.engine, "Liquidated");
  });

  it("rate-limits seized value per asset; capacity frees gradually; deep-underwater accounts bypass", async function () {
    const cap = 100_000n * E18;
    const window = BigInt(DEFAULT_PARAMS.liquidationWindow);
    const f = await deployEngine({ ethers, ignition }, {
      rateModel: ZERO_RATES,
      params: { ...DEFAULT_PARAMS, liquidationCapPerWindow: cap },
    });
    const [, , , , , lender, alice, bob, liquidator] = await ethers.getSigners();
    await fund(f.usdc, f.engine, lender!, units(2_000_000, USDC));
    await f.engine.connect(lender!).deposit(units(2_000_000, USDC), lender!.address);
    for (const who of [alice!, bob!]) {
      await fund(weth(f).token, f.engine, who, units(100, 18));
      await f.engine.connect(who).depositCollateral(weth(f).address, units(100, 18), who.address);
      await f.engine.connect(who).borrow(units(160_000, USDC), who.address);
    }
    await fund(f.usdc, f.engine, liquidator!, units(1_000_000, USDC));
    const l = f.engine.connect(liquidator!);
    const price = 1_900n * 10n ** 8n;
    await weth(f).feed.updateAnswer(price); // HF 0.986 for both: close factor 50%
    const size = (maxRepay: bigint, balance: bigint) => {
      const r = sizeLiquidation({
        debt: units(160_000, USDC),
        debtScale: 10n ** 12n,
        healthFactor: WAD - 1n,
        collateralBalance: balance,
        price18: price18(price),
        collateralDecimals: 18,
        closeFactorBps: DEFAULT_PARAMS.closeFactorBps,
        liquidationBonusBps: DEFAULT_PARAMS.liquidationBonusBps,
        config: DEFAULT_LIQUIDATION_CONFIG,
        maxRepay,
        soleCollateral: true,
      });
      if (!r.ok) throw new Error("unexpected dust");
      return r;
    };
    // 80,000 repaid seizes about 84,000 of value: within the 100,000 cap.
    const first = size(units(80_000, USDC), units(100, 18));
    await l.liquidate(alice!.address, weth(f).address, units(80_000, USDC), 0n);
    const t0 = BigInt(await time.latest());
    expect((await f.engine.liquidationCapacity(weth(f).address))[0]).to.equal(first.seizedValue);
    // One second later Bob's 20,000 would seize about 21,000: more than the ~16,000 left.
    const blocked = size(units(20_000, USDC), units(100, 18));
    const availableNext = cap - bucketUsedAt(first.seizedValue, t0, cap, window, t0 + 1n);
    expect(blocked.seizedValue).to.be.greaterThan(availableNext);
    await expect(l.liquidate(bob!.address, weth(f).address, units(20_000, USDC), 0n))
      .to.be.revertedWithCustomError(f.engine, "LiquidationRateLimited")
      .withArgs(weth(f).address, blocked.seizedValue, availableNext);
    // Half a window later about half the cap has drained: capacity frees gradually, not at the window's end.
    await time.increaseTo(t0 + window / 2n);
    const [usedHalf, availableHalf] = await f.engine.liquidationCapacity(weth(f).address);
    expect(usedHalf).to.equal(first.seizedValue - cap / 2n);
    expect(availableHalf).to.equal(cap - usedHalf);
    await weth(f).feed.updateAnswer(price);
    const second = size(units(40_000, USDC), units(100, 18));
    await l.liquidate(bob!.address, weth(f).address, units(40_000, USDC), 0n);
    const t1 = BigInt(await time.latest());
    // The bucket drained for the elapsed time, then took exactly this liquidation's value.
    expect((await f.engine.liquidationCapacity(weth(f).address))[0]).to.equal(
      bucketUsedAt(first.seizedValue, t0, cap, window, t1) + second.seizedValue,
    );
    // A crash takes Alice below the bypass floor (HF < 0.9): she is liquidated beyond the cap.
    await weth(f).feed.updateAnswer(1_000n * 10n ** 8n);
    expect(await f.engine.healthFactor(alice!.address)).to.be.lessThan(9n * 10n ** 17n);
    await expect(l.liquidate(alice!.address, weth(f).address, ethers.MaxUint256, 0n)).to.emit(f.engine, "Liquidated");
    const [usedBypass, availableBypass] = await f.engine.liquidationCapacity(weth(f).address);
    expect(usedBypass).to.be.greaterThan(cap);
    expect(availableBypass).to.equal(0n);
    // An account between the bypass floor and 1 stays subject to the (now exhausted) limit.
    await weth(f).feed.updateAnswer(1_700n * 10n ** 8n);
    const bobHf = await f.engine.healthFactor(bob!.address);
    expect(bobHf).to.be.greaterThan(9n * 10n ** 17n);
    expect(bobHf).to.be.lessThan(WAD);
    await expect(l.liquidate(bob!.address, weth(f).address, units(1_000, USDC), 0n)).to.be.revertedWithCustomError(
      f.engine,
      "LiquidationRateLimited",
    );
  });

  it("writes bad debt off against the reserve first, then against lenders' share price", async function () {
    const f = await aliceBorrowed();
    // A reserve from an earlier liquidation of Bob's position (fee 40 USDC), then a crash on Alice.
    await fund(weth(f).token, f.engine, f.bob, units(10, 18));
    await f.engine.connect(f.bob).depositCollateral(weth(f).address, units(10, 18), f.bob.address);
    await f.engine.connect(f.bob).borrow(units(16_000, USDC), f.bob.address);
    await setPrice(f, 0, 1_900n * 10n ** 8n);
    await fund(f.usdc, f.engine, f.liquidator, units(50_000, USDC));
    const l = f.engine.connect(f.liquidator);
    await l.liquidate(f.bob.address, weth(f).address, units(8_000, USDC), 0n);
    const [, , reserveBefore] = await f.engine.poolState();
    expect(reserveBefore).to.equal(units(40, USDC));
    const sharePrice = await f.engine.convertToAssets(10n ** 18n);
    const assetsBefore = await f.engine.totalAssets();

    await setPrice(f, 0, 1_000n * 10n ** 8n);
    // All 10 WETH (10,000) go for 10,000 / 1.05 repaid; the other 6,476.19 of debt is lost.
    const repaid = (units(10_000, USDC) * 10_000n + 10_499n) / 10_500n;
    const fee = (repaid * 500n * 1_000n + 10n ** 8n - 1n) / 10n ** 8n;
    const loss = units(16_000, USDC) - repaid;
    const covered = reserveBefore + fee;
    await expect(l.liquidate(f.alice.address, weth(f).address, ethers.MaxUint256, 0n))
      .to.emit(f.engine, "BadDebtWrittenOff")
      .withArgs(f.alice.address, loss, covered, loss - covered);
    const [, , reserveAfter, badDebt] = await f.engine.poolState();
    expect(reserveAfter).to.equal(0n);
    expect(badDebt).to.equal(loss);
    expect(await f.engine.debtOf(f.alice.address)).to.equal(0n);
    expect(await f.engine.collateralAssetsOf(f.alice.address)).to.deep.equal([]);
    // Lenders lose exactly what the reserve could not cover.
    expect(assetsBefore - (await f.engine.totalAssets())).to.equal(loss - covered);
    expect(await f.engine.convertToAssets(10n ** 18n)).to.be.lessThan(sharePrice);
  });

  it("lets the reserve absorb a small bad debt entirely, leaving lenders whole", async function () {
    const f = await aliceBorrowed();
    await fund(f.usdc, f.engine, f.liquidator, units(50_000, USDC));
    // Reserve of 40 USDC from a first liquidation of Alice herself at 1,900.
    await setPrice(f, 0, 1_900n * 10n ** 8n);
    await f.engine.connect(f.liquidator).liquidate(f.alice.address, weth(f).address, units(8_000, USDC), 0n);
    // A price at which the rest of her collateral is worth about 10 USDC less than her debt.
    const balance = await f.engine.collateralBalance(f.alice.address, weth(f).address);
    const debt = await f.engine.debtOf(f.alice.address);
    const price8 = ((debt - units(10, USDC)) * 10n ** 20n) / balance; // 8-decimal price
    await setPrice(f, 0, price8);
    const value = (balance * price18(price8)) / E18;
    const assetsBefore = await f.engine.totalAssets();
    const lost = debt - value / 10n ** 12n;
    expect(lost).to.be.greaterThan(units(9, USDC));
    await expect(f.engine.connect(f.bob).writeOffBadDebt(f.alice.address))
      .to.emit(f.engine, "BadDebtWrittenOff")
      .withArgs(f.alice.address, lost, lost, 0n);
    expect(await f.engine.totalAssets()).to.equal(assetsBefore);
    expect((await f.engine.poolState()).reserve).to.equal(units(40, USDC) - lost);
  });

  it("issue 16 finding 2: bad debt no longer hides behind a dust position; the loss reaches every lender at once", async function () {
    const f = await aliceBorrowed();
    const [, , , , , , , , , lender2] = await ethers.getSigners();
    await fund(f.usdc, f.engine, lender2!, units(100_000, USDC));
    await f.engine.connect(lender2!).deposit(units(100_000, USDC), lender2!.address);
    // A satoshi of WBTC stays in Alice's account (a stranger may top it up, never remove it), so the WETH
    // liquidation never takes her last collateral.
    await fund(wbtc(f).token, f.engine, f.alice, 1n);
    await f.engine.connect(f.alice).depositCollateral(wbtc(f).address, 1n, f.alice.address);
    await fund(wbtc(f).token, f.engine, f.bob, 1n);
    await f.engine.connect(f.bob).depositCollateral(wbtc(f).address, 1n, f.alice.address);
    await setPrice(f, 0, 1_000n * 10n ** 8n);
    await fund(f.usdc, f.engine, f.liquidator, units(20_000, USDC));
    const assetsBefore = await f.engine.totalAssets();
    // All 10 WETH go for 10,000 / 1.05; the 6,476.19 left is backed by a satoshi: written off in the same call.
    const repaid = (units(10_000, USDC) * 10_000n + 10_499n) / 10_500n;
    const fee = (repaid * 500n * 1_000n + 10n ** 8n - 1n) / 10n ** 8n;
    const loss = units(16_000, USDC) - repaid;
    await expect(f.engine.connect(f.liquidator).liquidate(f.alice.address, weth(f).address, ethers.MaxUint256, 0n))
      .to.emit(f.engine, "BadDebtWrittenOff")
      .withArgs(f.alice.address, loss, fee, loss - fee);
    expect(await f.engine.debtOf(f.alice.address)).to.equal(0n);
    expect(await f.engine.collateralAssetsOf(f.alice.address)).to.deep.equal([wbtc(f).address]);
    // totalAssets fell by the lenders' part of the loss now, not when the dust is gone.
    expect(assetsBefore - (await f.engine.totalAssets())).to.equal(loss - fee);
    // The first lender out takes its share of the loss: it redeems at the written-down price, and
    // those who stay are left no worse per share (rounding favours them).
    const sharePrice = await f.engine.convertToAssets(10n ** 18n);
    const shares = await f.engine.balanceOf(lender2!.address);
    const out = await f.engine.previewRedeem(shares);
    const lendersLoss = loss - fee;
    const total = units(1_100_000, USDC);
    expect(out).to.be.at.most(units(100_000, USDC) - (lendersLoss * units(100_000, USDC)) / total + 1n);
    await f.engine.connect(lender2!).redeem(shares, lender2!.address, lender2!.address);
    expect(await f.usdc.balanceOf(lender2!.address)).to.equal(out);
    expect(await f.engine.convertToAssets(10n ** 18n)).to.be.at.least(sharePrice);
  });

  it("issue 16 finding 2: writeOffBadDebt lets anyone write an insolvent account down to its collateral's value", async function () {
    const f = await aliceBorrowed();
    // 10 WETH at 1,500: 15,000 of collateral against 16,000 of debt, and no liquidator has come.
    await setPrice(f, 0, 1_500n * 10n ** 8n);
    const assetsBefore = await f.engine.totalAssets();
    await expect(f.engine.connect(f.bob).writeOffBadDebt(f.alice.address))
      .to.emit(f.engine, "BadDebtWrittenOff")
      .withArgs(f.alice.address, units(1_000, USDC), 0n, units(1_000, USDC));
    expect(await f.engine.debtOf(f.alice.address)).to.equal(units(15_000, USDC));
    expect(assetsBefore - (await f.engine.totalAssets())).to.equal(units(1_000, USDC));
    // Written down, not forgiven: the account stays liquidatable, and a second write-off finds nothing to cancel.
    expect(await f.engine.healthFactor(f.alice.address)).to.be.lessThan(WAD);
    await expect(f.engine.writeOffBadDebt(f.alice.address))
      .to.be.revertedWithCustomError(f.engine, "AccountNotInsolvent")
      .withArgs(15_000n * E18, 15_000n * E18);
    // Below the minimum leftover value (1,000) the whole debt goes: nobody would pay gas to take the rest.
    await setPrice(f, 0, 90n * 10n ** 8n);
    await expect(f.engine.writeOffBadDebt(f.alice.address))
      .to.emit(f.engine, "BadDebtWrittenOff")
      .withArgs(f.alice.address, units(15_000, USDC), 0n, units(15_000, USDC));
    expect(await f.engine.debtOf(f.alice.address)).to.equal(0n);
    await expect(f.engine.writeOffBadDebt(f.alice.address))
      .to.be.revertedWithCustomError(f.engine, "NoDebt")
      .withArgs(f.alice.address);
  });

  it("issue 16 finding 2: writeOffBadDebt refuses a solvent account and an unpriceable one, changing nothing", async function () {
    const f = await aliceBorrowed();
    await setPrice(f, 0, 1_700n * 10n ** 8n); // liquidatable (HF 0.88) but 17,000 covers 16,000
    await expect(f.engine.writeOffBadDebt(f.alice.address))
      .to.be.revertedWithCustomError(f.engine, "AccountNotInsolvent")
      .withArgs(17_000n * E18, 16_000n * E18);
    await setPrice(f, 0, 1_000n * 10n ** 8n);
    await time.increase(2 * HOUR); // the feed goes stale: no write-down on a price the oracle refuses
    await expect(f.engine.writeOffBadDebt(f.alice.address)).to.be.revertedWithCustomError(f.oracle, "StalePrice");
    expect(await f.engine.debtOf(f.alice.address)).to.equal(units(16_000, USDC));
  });

  it("issue 16 finding 1: nobody opens a position in someone else's account; top-ups stay open", async function () {
    const f = await aliceBorrowed();
    await fund(wbtc(f).token, f.engine, f.bob, 2n);
    const before = await f.engine.collateralAssetsOf(f.alice.address);
    await expect(f.engine.connect(f.bob).depositCollateral(wbtc(f).address, 1n, f.alice.address))
      .to.be.revertedWithCustomError(f.engine, "NewPositionByThirdParty")
      .withArgs(f.alice.address, wbtc(f).address);
    expect(await f.engine.collateralAssetsOf(f.alice.address)).to.deep.equal(before);
    expect(await wbtc(f).token.balanceOf(f.bob.address)).to.equal(2n);
    await fund(weth(f).token, f.engine, f.bob, 1n);
    await expect(f.engine.connect(f.bob).depositCollateral(weth(f).address, 1n, f.alice.address))
      .to.emit(f.engine, "CollateralDeposited")
      .withArgs(f.bob.address, f.alice.address, weth(f).address, 1n);
    expect(await f.engine.collateralBalance(f.alice.address, weth(f).address)).to.equal(units(10, 18) + 1n);
  });

  it("issue 16 finding 1: a failing feed of one collateral never blocks the liquidation of another", async function () {
    const f = await aliceBorrowed();
    // Alice also holds a little WBTC; its feed then goes stale while WETH falls.
    await fund(wbtc(f).token, f.engine, f.alice, units("0.01", 8));
    await f.engine.connect(f.alice).depositCollateral(wbtc(f).address, units("0.01", 8), f.alice.address);
    await time.increase(2 * HOUR);
    await setPrice(f, 0, 1_800n * 10n ** 8n);
    // The views still refuse to guess: they give the oracle's error.
    await expect(f.engine.healthFactor(f.alice.address)).to.be.revertedWithCustomError(f.oracle, "StalePrice");
    // The liquidation values the WBTC at 0, which only lowers her health (18,000 × 0.83 / 16,000 = 0.934).
    await fund(f.usdc, f.engine, f.liquidator, units(20_000, USDC));
    const hf = (18_000n * 8_300n * E18 * WAD) / 10_000n / (16_000n * E18);
    const call = f.engine.connect(f.liquidator).liquidate(f.alice.address, weth(f).address, units(4_000, USDC), 0n);
    await expect(call)
      .to.emit(f.engine, "Liquidated")
      .withArgs(f.liquidator.address, f.alice.address, weth(f).address, units(4_000, USDC), (4_200n * E18) / 1_800n, units(20, USDC), hf);
    // The seized collateral's own feed must work: no seizure at a price the oracle refuses.
    await expect(
      f.engine.connect(f.liquidator).liquidate(f.alice.address, wbtc(f).address, units(100, USDC), 0n),
    ).to.be.revertedWithCustomError(f.oracle, "StalePrice");
  });

  it("issue 16 finding 1: nothing is written off on a collateral valued at 0 for a failing feed", async function () {
    const f = await aliceBorrowed();
    // 3 WBTC, worth far more than the debt, behind a feed that goes stale; then WETH crashes.
    await fund(wbtc(f).token, f.engine, f.alice, units(3, 8));
    await f.engine.connect(f.alice).depositCollateral(wbtc(f).address, units(3, 8), f.alice.address);
    await time.increase(2 * HOUR);
    await setPrice(f, 0, 1_000n * 10n ** 8n);
    await fund(f.usdc, f.engine, f.liquidator, units(20_000, USDC));
    // All 10 WETH go; the debt left is backed by the WBTC the oracle cannot price: it stays, unwritten.
    const call = f.engine.connect(f.liquidator).liquidate(f.alice.address, weth(f).address, ethers.MaxUint256, 0n);
    await expect(call).to.emit(f.engine, "Liquidated");
    await expect(call).to.not.emit(f.engine, "BadDebtWrittenOff");
    const repaid = (units(10_000, USDC) * 10_000n + 10_499n) / 10_500n;
    expect(await f.engine.debtOf(f.alice.address)).to.equal(units(16_000, USDC) - repaid);
    await expect(f.engine.writeOffBadDebt(f.alice.address)).to.be.revertedWithCustomError(f.oracle, "StalePrice");
  });

  it("issue 16 finding 1: governance delists a collateral; deposits close for good, the positions wind down through the registry", async function () {
    const f = await aliceBorrowed();
    const g = f.engine.connect(f.governance);
    // Bob: 1 WBTC at $60,000, 40,000 USDC borrowed (HF 60,000 × 0.83 / 40,000 = 1.245).
    await fund(wbtc(f).token, f.engine, f.bob, units(2, 8));
    await f.engine.connect(f.bob).depositCollateral(wbtc(f).address, units(1, 8), f.bob.address);
    await f.engine.connect(f.bob).borrow(units(40_000, USDC), f.bob.address);
    expect(await f.engine.isDelisted(wbtc(f).address)).to.equal(false);

    await expect(g.delistCollateral(wbtc(f).address))
      .to.emit(f.engine, "CollateralDelisted")
      .withArgs(wbtc(f).address, units(1, 8));
    expect(await f.engine.isDelisted(wbtc(f).address)).to.equal(true);
    expect(await f.engine.isDelisted(weth(f).address)).to.equal(false);
    // No deposit of any kind: not a top-up by the owner, not a new position, not a cap that reopens it.
    await expect(f.engine.connect(f.bob).depositCollateral(wbtc(f).address, 1n, f.bob.address))
      .to.be.revertedWithCustomError(f.engine, "AssetDelisted")
      .withArgs(wbtc(f).address);
    await expect(g.setSupplyCap(wbtc(f).address, units(10n ** 10n, 8)))
      .to.be.revertedWithCustomError(f.engine, "AssetDelisted")
      .withArgs(wbtc(f).address);
    await expect(g.listCollateral(wbtc(f).address, 1n))
      .to.be.revertedWithCustomError(f.engine, "CollateralAlreadyListed")
      .withArgs(wbtc(f).address);
    expect(await f.engine.collateralConfig(wbtc(f).address)).to.deep.equal([2n, 8n, units(10n ** 9n, 8), units(1, 8)]);
    // Valuation is unchanged by the delisting itself: nobody becomes liquidatable in that block.
    const hfBefore = await f.engine.healthFactor(f.bob.address);
    expect(hfBefore).to.equal((60_000n * 8_300n * WAD) / 10_000n / 40_000n);

    // The wind-down is the registry's: the guardian's freeze takes the LTV to 0 at once, so no new borrow
    // leans on WBTC; governance cuts the threshold, which ramps over the 7-day ramp.
    await f.registry.connect(f.guardian).freeze(wbtc(f).address);
    await expect(f.engine.connect(f.bob).borrow(units(1, USDC), f.bob.address))
      .to.be.revertedWithCustomError(f.engine, "BorrowLimitExceeded")
      .withArgs(units(40_001, USDC) * 10n ** 12n, 0n);
    await f.updater.connect(f.governance).governanceSetParams(wbtc(f).address, {
      ...DEFAULT_PARAMS,
      ltvBps: 5_000,
      liquidationThresholdBps: 6_000,
    });
    const start = BigInt(await time.latest());
    expect(await f.engine.healthFactor(f.bob.address)).to.equal(hfBefore);

    // Bob may still repay and take collateral out, within his (now zero) borrow limit only when debt-free.
    await expect(f.engine.connect(f.bob).withdrawCollateral(wbtc(f).address, 1n, f.bob.address))
      .to.be.revertedWithCustomError(f.engine, "BorrowLimitExceeded");

    // HF crosses 1 below a 66.67% threshold: 8300 − 2300 × t / 7 days < 6667 after 4.97 days.
    await fund(f.usdc, f.engine, f.liquidator, units(40_000, USDC));
    const l = f.engine.connect(f.liquidator);
    await time.increaseTo(start + 4n * BigInt(DAY));
    await heartbeat(f);
    await expect(l.liquidate(f.bob.address, wbtc(f).address, units(1_000, USDC), 0n)).to.be.revertedWithCustomError(
      f.engine,
      "AccountHealthy",
    );
    await time.increaseTo(start + 6n * BigInt(DAY));
    await heartbeat(f);
    expect(await f.engine.healthFactor(f.bob.address)).to.be.lessThan(WAD);
    await expect(l.liquidate(f.bob.address, wbtc(f).address, units(20_000, USDC), 0n)).to.emit(f.engine, "Liquidated");
    // The delisted collateral leaves the engine through the liquidation, and its total follows.
    const left = await f.engine.collateralBalance(f.bob.address, wbtc(f).address);
    expect(left).to.be.lessThan(units(1, 8));
    expect((await f.engine.collateralConfig(wbtc(f).address))[3]).to.equal(left);
    // The owner repays the rest and withdraws what is left: a delisting never traps collateral.
    const debt = await f.engine.debtOf(f.bob.address);
    await fund(f.usdc, f.engine, f.bob, debt);
    await f.engine.connect(f.bob).repay(ethers.MaxUint256, f.bob.address);
    await expect(f.engine.connect(f.bob).withdrawCollateral(wbtc(f).address, ethers.MaxUint256, f.bob.address))
      .to.emit(f.engine, "CollateralWithdrawn")
      .withArgs(f.bob.address, wbtc(f).address, left, f.bob.address);
    expect((await f.engine.collateralConfig(wbtc(f).address))[3]).to.equal(0n);
  });

  it("issue 16 finding 1: delistCollateral is governance's alone, once, and only for a listed collateral", async function () {
    const f = await loadFixture(engineFixture);
    const g = f.engine.connect(f.governance);
    for (const who of [f.guardian, f.outsider]) {
      await expect(f.engine.connect(who).delistCollateral(weth(f).address))
        .to.be.revertedWithCustomError(f.engine, "AccessControlUnauthorizedAccount")
        .withArgs(who.address, ethers.ZeroHash);
    }
    await expect(g.delistCollateral(f.usdc.target))
      .to.be.revertedWithCustomError(f.engine, "CollateralNotListed")
      .withArgs(f.usdc.target);
    await g.delistCollateral(weth(f).address);
    await expect(g.delistCollateral(weth(f).address))
      .to.be.revertedWithCustomError(f.engine, "AssetDelisted")
      .withArgs(weth(f).address);
    expect(await f.engine.isDelisted(weth(f).address)).to.equal(true);
    expect(await f.engine.isDelisted(wbtc(f).address)).to.equal(false);
    expect(await f.engine.isDelisted(f.usdc.target)).to.equal(false);
  });

  it("issue 16 finding 7: when a seizure takes everything, the bonus is capped at the account's equity", async function () {
    const f = await aliceBorrowed();
    // 10 WETH at 1,648: 16,480 of collateral against 16,000 of debt (HF 0.855: full close allowed).
    await setPrice(f, 0, 1_648n * 10n ** 8n);
    await fund(f.usdc, f.engine, f.liquidator, units(40_000, USDC));
    const l = f.engine.connect(f.liquidator);
    const hf = await f.engine.healthFactor(f.alice.address);
    // The whole debt buys the whole balance: a bonus of 480 (3%), not 784.76 (5%) with 304.76 written off.
    const call = l.liquidate(f.alice.address, weth(f).address, ethers.MaxUint256, 0n);
    await expect(call)
      .to.emit(f.engine, "Liquidated")
      .withArgs(f.liquidator.address, f.alice.address, weth(f).address, units(16_000, USDC), units(10, 18), units(48, USDC), hf);
    await expect(call).to.not.emit(f.engine, "BadDebtWrittenOff");
    expect(await f.engine.debtOf(f.alice.address)).to.equal(0n);
    expect((await f.engine.poolState()).badDebtWrittenOff).to.equal(0n);
  });

  it("issue 16 finding 7: a smaller repayment that would take everything keeps the collateral-to-debt ratio", async function () {
    const f = await aliceBorrowed();
    await setPrice(f, 0, 1_648n * 10n ** 8n);
    await fund(f.usdc, f.engine, f.liquidator, units(40_000, USDC));
    const l = f.engine.connect(f.liquidator);
    // 15,800 at the full bonus would take 10.07 WETH, more than she has: it takes 15,800 / 16,000 of her
    // 10 WETH instead, which would leave 200 of debt against 206 of WETH, under the 1,000 dust floor.
    const seized = (units(15_800, USDC) * units(10, 18)) / units(16_000, USDC);
    const leftoverCollateralValue = ((units(10, 18) - seized) * price18(1_648n * 10n ** 8n)) / E18;
    await expect(l.liquidate(f.alice.address, weth(f).address, units(15_800, USDC), 0n))
      .to.be.revertedWithCustomError(f.engine, "LiquidationLeavesDust")
      .withArgs(200n * E18, leftoverCollateralValue);
    // A first partial at the full bonus leaves 8,000 of debt against 8,080 of WETH; the rest then goes
    // whole for whole, with the 80 of equity left as its bonus, and nothing is written off.
    await l.liquidate(f.alice.address, weth(f).address, units(8_000, USDC), 0n);
    const left = await f.engine.collateralBalance(f.alice.address, weth(f).address);
    const valueLeft = (left * price18(1_648n * 10n ** 8n)) / E18;
    const bonus = valueLeft - 8_000n * E18;
    expect(bonus).to.be.greaterThan(0n);
    expect(bonus).to.be.lessThan(81n * E18);
    const hf = await f.engine.healthFactor(f.alice.address);
    const call = l.liquidate(f.alice.address, weth(f).address, ethers.MaxUint256, 0n);
    await expect(call)
      .to.emit(f.engine, "Liquidated")
      .withArgs(f.liquidator.address, f.alice.address, weth(f).address, units(8_000, USDC), left, (bonus / 10n + 10n ** 12n - 1n) / 10n ** 12n, hf);
    await expect(call).to.not.emit(f.engine, "BadDebtWrittenOff");
    expect((await f.engine.poolState()).badDebtWrittenOff).to.equal(0n);
  });

  it("caps a seizure at the collateral held and charges only the matching repayment", async function () {
    const f = await loadFixture(engineFixture);
    // Two collaterals; the small one is seized in full.
    await fund(weth(f).token, f.engine, f.alice, units(10, 18));
    await fund(eurc(f).token, f.engine, f.alice, units(3_000, 6));
    await f.engine.connect(f.alice).depositCollateral(weth(f).address, units(10, 18), f.alice.address);
    await f.engine.connect(f.alice).depositCollateral(eurc(f).address, units(3_000, 6), f.alice.address);
    await f.engine.connect(f.alice).borrow(units(18_000, USDC), f.alice.address);
    await setPrice(f, 0, 1_700n * 10n ** 8n); // HF (17,000 + 3,240) × 0.83 / 18,000 = 0.933
    await fund(f.usdc, f.engine, f.liquidator, units(20_000, USDC));
    await f.engine.connect(f.liquidator).liquidate(f.alice.address, eurc(f).address, units(9_000, USDC), 0n);
    expect(await eurc(f).token.balanceOf(f.liquidator.address)).to.equal(units(3_000, 6));
    // 3,240 of EURC for ceil(3,240 / 1.05) = 3,085.714286 USDC.
    expect(await f.engine.debtOf(f.alice.address)).to.equal(units(18_000, USDC) - 3_085_714_286n);
    expect(await f.engine.collateralAssetsOf(f.alice.address)).to.deep.equal([weth(f).address]);
  });
});
