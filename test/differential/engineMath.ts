/**
 * Differential test: calibrator/rules/engineMath.ts (the TypeScript copy of MarginEngine's liquidation
 * sizing, used by the backtest simulator) must repay, seize and charge exactly what the contract does,
 * refuse with the same dust error and arguments, cap the bonus at the equity where it does, and write
 * off exactly the debt the collateral left no longer backs. Random collateral (6, 8 and 18 decimals), sizes,
 * price drops, bonuses, close factors, minimum leftovers and repay amounts from a seeded PRNG
 * (BULWARK_SEED overrides the seed). A second case set holds the minimum-debt rule of borrow and repay
 * (issue 16 item 8) to engineMath.leavesDustDebt.
 */
import { expect } from "chai";
import { Wallet } from "ethers";
import { network } from "hardhat";
import {
  backedScaledDebt,
  collateralValue,
  debtOf,
  leavesDustDebt,
  scaledDebtRepaid,
  sizeLiquidation,
  WAD,
} from "../../calibrator/rules/engineMath.js";
import {
  DEFAULT_LIQUIDATION_CONFIG,
  DEFAULT_RATE_MODEL,
  deployEngine,
  E18,
  fund,
  units,
} from "../fixtures/engine.js";
import { DEFAULT_PARAMS } from "../fixtures/system.js";
import { Rng, testSeed } from "../helpers/random.js";

const { ethers, ignition, networkHelpers } = await network.create();

const CASES = 120;
const MIN_LEFTOVERS = [0n, 10n * E18, 1_000n * E18, 50_000n * E18] as const;

describe("MarginEngine vs calibrator/rules/engineMath.ts (differential)", function () {
  it(`sizes ${CASES} random liquidations identically, to the wei`, async function () {
    this.timeout(300_000);
    const rng = new Rng(testSeed(20261122));
    // No interest, so the debt the test reads is the debt the liquidation sees one block later.
    const s = await deployEngine({ ethers, ignition }, {
      rateModel: { ...DEFAULT_RATE_MODEL, slope1Bps: 0, slope2Bps: 0 },
      params: { ...DEFAULT_PARAMS, liquidationCapPerWindow: 50_000_000n * E18 },
    });
    const [, , , , , lender, liquidator] = await ethers.getSigners();
    await fund(s.usdc, s.engine, lender!, units(10n ** 9n, 6));
    await s.engine.connect(lender!).deposit(units(10n ** 9n, 6), lender!.address);
    await s.usdc.mint(liquidator!.address, units(10n ** 10n, 6));
    await s.usdc.connect(liquidator!).approve(await s.engine.getAddress(), ethers.MaxUint256);
    const candidates = [0, 1, 3]; // WETH (18), WBTC (8), EURC (6)
    const outcomes = { liquidated: 0, dust: 0, nothingToSeize: 0, writtenOff: 0, equityCapped: 0 };

    for (let c = 0; c < CASES; c++) {
      const asset = s.assets[candidates[rng.int(0, 2)]!]!;
      const params = {
        ...DEFAULT_PARAMS,
        liquidationBonusBps: rng.int(200, 1_500),
        closeFactorBps: rng.int(2_000, 10_000),
      };
      const config = { ...DEFAULT_LIQUIDATION_CONFIG, minLeftoverValue: MIN_LEFTOVERS[rng.int(0, 3)]! };
      await s.updater.connect(s.governance).governanceSetParams(asset.address, params);
      // The borrow runs with no minimum debt, so that debts below the case's minimum (which a borrow now
      // refuses, but which exist once governance raises it) still reach the dust rule.
      await s.engine.connect(s.governance).setLiquidationConfig({ ...config, minLeftoverValue: 0n });
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
      await s.engine.connect(s.governance).setLiquidationConfig(config);

      // The price falls until the health factor is somewhere in [0.3, 1); one case in five lands where
      // the collateral covers the debt but not the full bonus (threshold 83%, bonus 2–15%), so the
      // equity cap is exercised.
      const health = (await s.engine.accountSnapshot(borrower.address)).healthFactor;
      const unit = rng.next();
      const target = BigInt(Math.round((c % 5 === 0 ? 0.831 + unit * 0.04 : 0.3 + unit * 0.699) * 1e6));
      const price8 = (asset.spec.price8 * target * E18) / (health * 1_000_000n);
      await asset.feed.updateAnswer(price8);
      const maxRepay = c % 5 === 0 || rng.chance(0.25) ? ethers.MaxUint256 : (debt * BigInt(rng.int(100, 12_000))) / 10_000n + 1n;

      const healthFactor = await s.engine.healthFactor(borrower.address);
      const debtBefore = await s.engine.debtOf(borrower.address);
      const scaledBefore = (debtBefore * WAD) / (await s.engine.poolState()).borrowIndex; // index 1: exact
      const expected = sizeLiquidation({
        debt: debtBefore,
        debtScale: 10n ** 12n,
        healthFactor,
        collateralBalance: amount,
        price18: price8 * 10n ** 10n,
        collateralDecimals: asset.spec.decimals,
        closeFactorBps: params.closeFactorBps,
        liquidationBonusBps: params.liquidationBonusBps,
        config,
        maxRepay,
        soleCollateral: true,
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
        // What the collateral left backs stays; the rest is written off at once (issue 16, finding 2).
        const index = (await s.engine.poolState()).borrowIndex;
        const scaledLeft = scaledBefore - scaledDebtRepaid(expected.repaid, debtBefore, scaledBefore, index);
        const valueLeft = collateralValue(amount - expected.seized, price8 * 10n ** 10n, asset.spec.decimals);
        const kept = backedScaledDebt(scaledLeft, index, valueLeft, 10n ** 12n, config.minLeftoverValue);
        const tx = expect(call, where)
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
        if (kept === scaledLeft) {
          await tx;
          await expect(call, where).to.not.emit(s.engine, "BadDebtWrittenOff");
        } else {
          await tx.and.to.emit(s.engine, "BadDebtWrittenOff");
          outcomes.writtenOff++;
        }
        expect(await s.engine.debtOf(borrower.address), where).to.equal(debtOf(kept, index));
        // Only the equity cap repays the whole debt for exactly the whole balance.
        if (expected.seized === amount && expected.repaid === debtBefore) outcomes.equityCapped++;
        outcomes.liquidated++;
      }
    }
    // Both branches are exercised, so agreement is not vacuous.
    expect(outcomes.liquidated).to.be.greaterThan(CASES / 3);
    expect(outcomes.dust).to.be.greaterThan(0);
    expect(outcomes.writtenOff, "write-offs").to.be.greaterThan(5);
    expect(outcomes.equityCapped, "equity-capped liquidations").to.be.greaterThan(5);
  });

  it("refuses exactly the borrows and repayments that engineMath.leavesDustDebt calls dust (issue 16 item 8)", async function () {
    this.timeout(120_000);
    const rng = new Rng(testSeed(20261203) + 1);
    const s = await deployEngine({ ethers, ignition }, { rateModel: { ...DEFAULT_RATE_MODEL, slope1Bps: 0, slope2Bps: 0 } });
    const [, , , , , lender, borrower, payer] = await ethers.getSigners();
    await fund(s.usdc, s.engine, lender!, units(10n ** 8n, 6));
    await s.engine.connect(lender!).deposit(units(10n ** 8n, 6), lender!.address);
    const weth = s.assets[0]!;
    await fund(weth.token, s.engine, borrower!, units(10_000, 18));
    await s.engine.connect(borrower!).depositCollateral(weth.address, units(10_000, 18), borrower!.address);
    await fund(s.usdc, s.engine, payer!, units(10n ** 8n, 6));
    const usd = (cents: number) => BigInt(cents) * 10_000n; // USDC units
    const outcomes = { borrowRefused: 0, borrowed: 0, repayRefused: 0, repaid: 0 };
    for (let c = 0; c < 60; c++) {
      const minimum = BigInt(rng.int(0, 3_000)) * E18;
      await s.engine.connect(s.governance).setLiquidationConfig({ ...DEFAULT_LIQUIDATION_CONFIG, minLeftoverValue: minimum });
      const debt = await s.engine.debtOf(borrower!.address);
      const where = `case ${c}: debt ${debt}, minimum ${minimum}`;
      if (debt === 0n || rng.chance(0.5)) {
        const amount = usd(rng.int(1, 400_000));
        const dust = leavesDustDebt(debt, debt + amount, 10n ** 12n, minimum);
        const call = s.engine.connect(borrower!).borrow(amount, borrower!.address);
        if (dust) {
          await expect(call, where).to.be.revertedWithCustomError(s.engine, "DebtBelowMinimum").withArgs((debt + amount) * 10n ** 12n, minimum);
          outcomes.borrowRefused++;
        } else {
          await call;
          outcomes.borrowed++;
        }
      } else {
        // The whole debt, a random share, or a remainder around the minimum (where the rule bites).
        const nearMinimum = ((minimum / 10n ** 12n) * BigInt(rng.int(1, 20_000))) / 10_000n;
        const pick = rng.next();
        const amount = pick < 0.1 ? debt : pick < 0.5 || nearMinimum >= debt ? (debt * BigInt(rng.int(1, 9_999))) / 10_000n + 1n : debt - nearMinimum;
        const dust = leavesDustDebt(debt, debt - amount, 10n ** 12n, minimum);
        const call = s.engine.connect(payer!).repay(amount, borrower!.address);
        if (dust) {
          await expect(call, where).to.be.revertedWithCustomError(s.engine, "DebtBelowMinimum").withArgs((debt - amount) * 10n ** 12n, minimum);
          outcomes.repayRefused++;
        } else {
          await call;
          outcomes.repaid++;
        }
      }
      expect(await s.engine.debtOf(borrower!.address), where).to.satisfy((d: bigint) => d === 0n || d * 10n ** 12n >= minimum || d <= debt);
    }
    for (const [outcome, count] of Object.entries(outcomes)) expect(count, outcome).to.be.greaterThan(2);
  });
});
