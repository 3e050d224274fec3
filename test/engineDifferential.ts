/**
 * Differential test: calibrator/rules/engineMath.ts (the TypeScript copy of MarginEngine's liquidation
 * sizing, used by the backtest simulator) must repay, seize and charge exactly what the contract does,
 * and refuse with the same dust error and arguments. Random collateral (6, 8 and 18 decimals), sizes,
 * price drops, bonuses, close factors, minimum leftovers and repay amounts from a seeded PRNG
 * (BULWARK_SEED overrides the seed).
 */
import { expect } from "chai";
import { Wallet } from "ethers";
import { network } from "hardhat";
import { sizeLiquidation } from "../calibrator/rules/engineMath.js";
import {
  DEFAULT_LIQUIDATION_CONFIG,
  DEFAULT_RATE_MODEL,
  deployEngine,
  E18,
  fund,
  units,
} from "../scripts/lib/engine.js";
import { DEFAULT_PARAMS } from "../scripts/lib/system.js";
import { Rng, testSeed } from "./helpers/random.js";

const { ethers, networkHelpers } = await network.create();

const CASES = 120;
const MIN_LEFTOVERS = [0n, 10n * E18, 1_000n * E18, 50_000n * E18] as const;

describe("MarginEngine vs calibrator/rules/engineMath.ts (differential)", function () {
  it(`sizes ${CASES} random liquidations identically, to the wei`, async function () {
    this.timeout(300_000);
    const rng = new Rng(testSeed(20261122));
    // No interest, so the debt the test reads is the debt the liquidation sees one block later.
    const s = await deployEngine(ethers, {
      rateModel: { ...DEFAULT_RATE_MODEL, slope1Bps: 0, slope2Bps: 0 },
      params: { ...DEFAULT_PARAMS, liquidationCapPerWindow: 50_000_000n * E18 },
    });
    const [, , , , , lender, liquidator] = await ethers.getSigners();
    await fund(s.usdc, s.engine, lender!, units(10n ** 9n, 6));
    await s.engine.connect(lender!).deposit(units(10n ** 9n, 6), lender!.address);
    await s.usdc.mint(liquidator!.address, units(10n ** 10n, 6));
    await s.usdc.connect(liquidator!).approve(await s.engine.getAddress(), ethers.MaxUint256);
    const candidates = [0, 1, 3]; // WETH (18), WBTC (8), EURC (6)
    const outcomes = { liquidated: 0, dust: 0, nothingToSeize: 0 };

    for (let c = 0; c < CASES; c++) {
      const asset = s.assets[candidates[rng.int(0, 2)]!]!;
      const params = {
        ...DEFAULT_PARAMS,
        liquidationBonusBps: rng.int(200, 1_500),
        closeFactorBps: rng.int(2_000, 10_000),
      };
      const config = { ...DEFAULT_LIQUIDATION_CONFIG, minLeftoverValue: MIN_LEFTOVERS[rng.int(0, 3)]! };
      await s.updater.connect(s.governance).governanceSetParams(asset.address, params);
      await s.engine.connect(s.governance).setLiquidationConfig(config);
      // A fresh hour: the rate-limit bucket has drained, so it never interferes with the sizing.
      await networkHelpers.time.increase(3_600);
      await asset.feed.updateAnswer(asset.spec.price8);

      // One borrower: $500-$2M of one collateral, borrowing 50-100% of its limit.
      const borrower = new Wallet(ethers.keccak256(ethers.toUtf8Bytes(`bulwark-diff-${c}`)), ethers.provider);
      await networkHelpers.setBalance(borrower.address, E18);
      const usd = Math.exp(Math.log(500) + rng.next() * (Math.log(2_000_000) - Math.log(500)));
      const amount = (BigInt(Math.round(usd * 100)) * 10n ** BigInt(asset.spec.decimals) * 10n ** 6n) / asset.spec.price8;
      if (amount === 0n) continue;
      await fund(asset.token, s.engine, borrower, amount);
      await s.engine.connect(borrower).depositCollateral(asset.address, amount, borrower.address);
      const limit = (await s.engine.accountSnapshot(borrower.address)).borrowLimit / 10n ** 12n;
      const debt = (limit * BigInt(rng.int(5_000, 10_000))) / 10_000n;
      if (debt === 0n) continue;
      await s.engine.connect(borrower).borrow(debt, borrower.address);

      // The price falls until the health factor is somewhere in [0.3, 1).
      const health = (await s.engine.accountSnapshot(borrower.address)).healthFactor;
      const target = BigInt(Math.round((0.3 + rng.next() * 0.699) * 1e6));
      const price8 = (asset.spec.price8 * target * E18) / (health * 1_000_000n);
      await asset.feed.updateAnswer(price8);
      const maxRepay = rng.chance(0.25) ? ethers.MaxUint256 : (debt * BigInt(rng.int(100, 12_000))) / 10_000n + 1n;

      const healthFactor = await s.engine.healthFactor(borrower.address);
      const expected = sizeLiquidation({
        debt: await s.engine.debtOf(borrower.address),
        debtScale: 10n ** 12n,
        healthFactor,
        collateralBalance: amount,
        price18: price8 * 10n ** 10n,
        collateralDecimals: asset.spec.decimals,
        closeFactorBps: params.closeFactorBps,
        liquidationBonusBps: params.liquidationBonusBps,
        config,
        maxRepay,
      });
      const call = s.engine.connect(liquidator!).liquidate(borrower.address, asset.address, maxRepay, 0n);
      const where = `case ${c}: ${asset.spec.symbol} debt ${debt} price ${price8} maxRepay ${maxRepay}`;
      if (!expected.ok) {
        await expect(call, where)
          .to.be.revertedWithCustomError(s.engine, "LiquidationLeavesDust")
          .withArgs(expected.leftoverDebtValue, expected.leftoverCollateralValue);
        outcomes.dust++;
      } else if (expected.seized === 0n) {
        await expect(call, where).to.be.revertedWithCustomError(s.engine, "SeizedBelowMinimum").withArgs(0n, 0n);
        outcomes.nothingToSeize++;
      } else {
        await expect(call, where)
          .to.emit(s.engine, "Liquidated")
          .withArgs(
            liquidator!.address,
            borrower.address,
            asset.address,
            expected.repaid,
            expected.seized,
            expected.fee,
            healthFactor,
          );
        outcomes.liquidated++;
      }
    }
    // Both branches are exercised, so agreement is not vacuous.
    expect(outcomes.liquidated).to.be.greaterThan(CASES / 3);
    expect(outcomes.dust).to.be.greaterThan(0);
  });
});
