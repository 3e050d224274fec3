import { expect } from "chai";
import { Wallet } from "ethers";
import { network } from "hardhat";
import { slippageCurve } from "../../calibrator/backtest/depth.js";
import { cutWindow } from "../../calibrator/backtest/market.js";
import { oraclePath } from "../../calibrator/backtest/oracle.js";
import { drawPopulation } from "../../calibrator/backtest/population.js";
import { simulate, type SimAsset, type SimInput } from "../../calibrator/backtest/simulator.js";
import { loadCandles } from "../../calibrator/data/candles.js";
import { loadPoolSnapshot } from "../../calibrator/data/uniswapPool.js";
import { WAD } from "../../calibrator/rules/engineMath.js";
import type { RiskParams } from "../../calibrator/rules/types.js";
import { DEFAULT_LIQUIDATION_CONFIG, DEFAULT_RATE_MODEL, deployEngine, E18 } from "../fixtures/engine.js";
import { DEFAULT_PARAMS, DEFAULT_RULES } from "../fixtures/system.js";

const { ethers, ignition, networkHelpers } = await network.create();
const GAS = { gasLimit: 600_000n };
const HOUR = 3_600;

describe("backtest simulator versus the MarginEngine on the Hardhat network", function () {
  it("the same 24 hours of 12 March 2020, 30 accounts that re-lever, repay and leave, arrivals, a rate limit and a threshold cut: the same borrows, repayments, withdrawals, liquidations, fees and bad debt to the wei", async function () {
    this.timeout(300_000);
    const series = [
      loadCandles("data/binance_spot_eth_btc_2017_2021/ETHUSDT_1h_2020-01_2020-03.csv"),
      loadCandles("data/binance_spot_eth_btc_2017_2021/BTCUSDT_1h_2020-01_2020-03.csv"),
    ];
    const path = cutWindow(series, "2020-03-12 00:00:00", "2020-03-12 23:00:00");
    // A $150k-per-hour cap (it binds) on Aave-like parameters.
    const params: RiskParams = { ...DEFAULT_PARAMS, liquidationCapPerWindow: 150_000n * E18 };
    const system = await deployEngine({ ethers, ignition }, { assets: [{ symbol: "WETH", decimals: 18, price8: 1n }, { symbol: "WBTC", decimals: 8, price8: 1n }], params, stalenessAllowance: 4_200 });
    const { engine, usdc, assets } = system;

    const latest = (await ethers.provider.getBlock("latest"))!.timestamp;
    const openingTime = latest + 1_000;
    const times = Float64Array.from(path.times, (_, k) => openingTime + (k + 1) * HOUR);
    const curve = slippageCurve(loadPoolSnapshot("data/uniswap_v3_usdc_weth_005_ticks"));
    const simAssets: SimAsset[] = assets.map((a, i) => ({
      symbol: a.spec.symbol,
      address: a.address,
      decimals: a.spec.decimals,
      market: path.assets[i]!.market,
      oracle: oraclePath(times, path.assets[i]!.market, path.assets[i]!.opening, openingTime, { heartbeatSeconds: HOUR, deviationBps: 50 }),
      stalenessAllowance: 4_200,
      chain: {
        stored: params,
        ramp: { fromBps: 0, start: 0n, end: 0n },
        rampDuration: 7 * 86_400,
        configured: true,
        rules: DEFAULT_RULES,
        nonce: 0n,
        lastUpdateAt: 0n,
        lastObservedAt: 0n,
        lastRiskIncreasingAt: 0n,
      },
      venue: { slippage: curve, poolScale: 1, dailyVolumeUsd: new Float64Array(times.length), dailySigma: new Float64Array(times.length) },
    }));
    const population = drawPopulation(
      { count: 30, seed: 20200312, minUsd: 20_000, maxUsd: 600_000, minLimitUse: 0.6, maxLimitUse: 0.99 },
      simAssets.map((a) => ({ decimals: a.decimals, price18: a.oracle.openingAnswer8 * 10n ** 10n, ltvBps: params.ltvBps, liquidationThresholdBps: params.liquidationThresholdBps })),
      6,
    );
    const deposits = 20_000_000n * 10n ** 6n;
    // At hour 3 the policy cuts WETH's threshold 83% → 81% (it ramps over 7 days) and its LTV 80.5% → 78.5%.
    const cut: RiskParams = { ...params, ltvBps: 7_850, liquidationThresholdBps: 8_100 };
    // The living book: frequent re-levering checks, half the accounts repaying below health 1.25, and
    // new borrowers arriving during the day.
    const arrivals = [3, 7, 12, 18].map((step, k) => ({
      step,
      collateral: k % 2 === 0 ? [(BigInt(40 + 10 * k) * 10n ** 18n), 0n] : [0n, BigInt(2 + k) * 10n ** 8n],
      limitUse: 0.9,
    }));
    const input: SimInput = {
      times,
      openingTime,
      assets: simAssets,
      debtDecimals: 6,
      rateModel: DEFAULT_RATE_MODEL,
      liquidation: DEFAULT_LIQUIDATION_CONFIG,
      lenderDeposits: deposits,
      population,
      liquidators: [{ delaySeconds: 0, capitalUsd: 1e12, riskAversion: 0 }],
      gasCostUsd: new Float64Array(times.length).fill(20),
      maxCallsPerAccountPerStep: 6,
      schedule: [{ step: 3, targets: [cut, undefined] }],
      updater: { paused: false, maxReportAge: 3_600 },
      book: { seed: 77, releverEveryDays: 0.15, releverBand: 0.01, attentiveShare: 0.5, repayHealth: 1.25, leavePerDay: 0.5, arrivals },
    };
    const sim = simulate(input);
    // The scenario exercises what it claims to.
    expect(sim.actions.length).to.be.above(20);
    expect(sim.metrics.blockedByRateLimit).to.be.above(0);
    expect(sim.parameterChanges.map((c) => [c.step, c.asset, c.params.liquidationThresholdBps])).to.deep.equal([[3, 0, 8_100]]);
    const kinds = (kind: string) => sim.bookActions.filter((b) => b.kind === kind).length;
    expect(kinds("open")).to.equal(arrivals.length);
    expect(kinds("borrow")).to.be.above(arrivals.length); // arrivals borrow, and some accounts re-lever
    expect(kinds("repay")).to.be.above(0);
    expect(kinds("withdraw")).to.be.above(0); // some borrowers leave: repay everything and withdraw

    // The chain: lenders, then the population's collateral, then every borrow in one block at the opening.
    const [lender] = await ethers.getSigners();
    const liquidatorSigner = (await ethers.getSigners())[9]!;
    await usdc.mint(lender!.address, deposits);
    await usdc.connect(lender!).approve(await engine.getAddress(), deposits);
    await engine.connect(lender!).deposit(deposits, lender!.address);
    await usdc.mint(liquidatorSigner.address, 10n ** 15n);
    await usdc.connect(liquidatorSigner).approve(await engine.getAddress(), ethers.MaxUint256);
    for (let i = 0; i < assets.length; i++) await assets[i]!.feed.updateAnswer(simAssets[i]!.oracle.openingAnswer8);
    const wallets = [...population, ...arrivals].map((_, id) => new Wallet(ethers.keccak256(ethers.toUtf8Bytes(`bulwark-differential-${id}`)), ethers.provider));
    // Every borrower can repay (USDC and approval), and each newcomer holds its collateral, approved.
    for (const w of wallets) {
      await networkHelpers.setBalance(w.address, 10n ** 20n);
      await usdc.mint(w.address, 10n ** 13n);
      await usdc.connect(w).approve(await engine.getAddress(), ethers.MaxUint256);
    }
    for (const [k, arrival] of arrivals.entries()) {
      const w = wallets[population.length + k]!;
      for (let i = 0; i < assets.length; i++) {
        if (arrival.collateral[i] === 0n) continue;
        await assets[i]!.token.mint(w.address, arrival.collateral[i]!);
        await assets[i]!.token.connect(w).approve(await engine.getAddress(), arrival.collateral[i]!);
      }
    }
    for (const [id, p] of population.entries()) {
      const w = wallets[id]!;
      await networkHelpers.setBalance(w.address, 10n ** 20n);
      for (let i = 0; i < assets.length; i++) {
        if (p.collateral[i] === 0n) continue;
        await assets[i]!.token.mint(w.address, p.collateral[i]!);
        await assets[i]!.token.connect(w).approve(await engine.getAddress(), p.collateral[i]!);
        await engine.connect(w).depositCollateral(assets[i]!.address, p.collateral[i]!, w.address);
      }
    }
    const mineAt = async (timestamp: number) => {
      await networkHelpers.time.setNextBlockTimestamp(timestamp);
      await ethers.provider.send("evm_mine", []);
      return (await ethers.provider.getBlock("latest"))!;
    };
    await ethers.provider.send("evm_setAutomine", [false]);
    try {
      for (let i = 0; i < assets.length; i++) await assets[i]!.feed.updateAnswer(simAssets[i]!.oracle.openingAnswer8, GAS);
      for (const [id, p] of population.entries()) await engine.connect(wallets[id]!).borrow(p.debt, wallets[id]!.address, GAS);
      const opening = await mineAt(openingTime);
      expect(opening.transactions.length).to.equal(population.length + assets.length);

      const liquidator = engine.connect(liquidatorSigner);
      let lastActionBlock = opening.number;
      for (let step = 0; step < times.length; step++) {
        const sent: string[] = [];
        for (let i = 0; i < assets.length; i++) sent.push((await assets[i]!.feed.updateAnswer(simAssets[i]!.oracle.answer8[step]!, GAS)).hash);
        for (const change of sim.parameterChanges.filter((c) => c.step === step)) {
          sent.push((await system.registry.connect(system.governance).governanceSetParams(assets[change.asset]!.address, change.params, GAS)).hash);
        }
        const book = sim.bookActions.filter((b) => b.step === step);
        for (const b of book) {
          const w = engine.connect(wallets[b.account]!);
          if (b.kind === "open") {
            for (let i = 0; i < assets.length; i++) if (b.collateral![i]! > 0n) sent.push((await w.depositCollateral(assets[i]!.address, b.collateral![i]!, wallets[b.account]!.address, GAS)).hash);
          } else if (b.kind === "withdraw") {
            for (let i = 0; i < assets.length; i++) if (b.collateral![i]! > 0n) sent.push((await w.withdrawCollateral(assets[i]!.address, b.collateral![i]!, wallets[b.account]!.address, GAS)).hash);
          } else if (b.kind === "borrow") sent.push((await w.borrow(b.amount, wallets[b.account]!.address, GAS)).hash);
          else sent.push((await w.repay(b.amount, wallets[b.account]!.address, GAS)).hash);
        }
        const actions = sim.actions.filter((a) => a.step === step);
        for (const a of actions) sent.push((await liquidator.liquidate(wallets[a.account]!.address, assets[a.asset]!.address, a.maxRepay, 0n, GAS)).hash);
        const block = await mineAt(times[step]!);
        expect(block.transactions.length, `hour ${step}`).to.equal(sent.length);
        for (const hash of sent) expect((await ethers.provider.getTransactionReceipt(hash))!.status, `hour ${step} tx ${hash}`).to.equal(1);

        const borrowed = await engine.queryFilter(engine.filters.Borrowed(), block.number, block.number);
        expect(borrowed.map((e) => [e.args.account, e.args.amount]), `hour ${step} borrows`).to.deep.equal(
          book.filter((b) => b.kind === "borrow").map((b) => [wallets[b.account]!.address, b.amount]),
        );
        const repaid = await engine.queryFilter(engine.filters.Repaid(), block.number, block.number);
        expect(repaid.map((e) => [e.args.account, e.args.amount]), `hour ${step} repayments`).to.deep.equal(
          book.filter((b) => b.kind === "repay").map((b) => [wallets[b.account]!.address, b.amount]),
        );
        const liquidated = await engine.queryFilter(engine.filters.Liquidated(), block.number, block.number);
        expect(liquidated.map((e) => [e.args.borrower, e.args.asset, e.args.repaid, e.args.seized, e.args.protocolFee, e.args.healthFactorBefore]), `hour ${step}`).to.deep.equal(
          actions.map((a) => [wallets[a.account]!.address, assets[a.asset]!.address, a.repaid, a.seized, a.fee, a.healthBefore]),
        );
        const writeOffs = await engine.queryFilter(engine.filters.BadDebtWrittenOff(), block.number, block.number);
        expect(writeOffs.map((e) => [e.args.account, e.args.debt, e.args.coveredByReserve]), `hour ${step}`).to.deep.equal(
          actions.filter((a) => a.writtenOff > 0n).map((a) => [wallets[a.account]!.address, a.writtenOff, a.coveredByReserve]),
        );
        if (actions.length > 0 || book.length > 0) lastActionBlock = block.number;
      }
      // The pool after the last liquidation: cash, borrows, reserve and bad debt to the wei.
      const [cash, totalBorrows, reserve, badDebt] = await engine.poolState({ blockTag: lastActionBlock });
      expect(cash).to.equal(sim.pool.cash);
      expect(totalBorrows).to.equal((sim.pool.totalScaledDebt * sim.pool.index) / WAD);
      expect(reserve).to.equal(sim.pool.reserve);
      expect(badDebt).to.equal(sim.pool.badDebtWrittenOff);
      for (const [id, account] of sim.accounts.entries()) {
        for (let i = 0; i < assets.length; i++) {
          expect(await engine.collateralBalance(wallets[id]!.address, assets[i]!.address), `account ${id} asset ${i}`).to.equal(account.collateral[i]);
        }
      }
      console.log(
        `      ${kinds("borrow")} borrows, ${kinds("repay")} repayments and ${kinds("withdraw")} departures by the book, ${sim.actions.length} liquidations, ${sim.metrics.blockedByRateLimit} rate-limited, bad debt ${(Number(sim.pool.badDebtWrittenOff) / 1e6).toFixed(2)} USDC, fees ${(sim.metrics.protocolFees).toFixed(2)} USD: equal on chain`,
      );
    } finally {
      await ethers.provider.send("evm_setAutomine", [true]);
    }
  });
});
