import { expect } from "chai";
import { network } from "hardhat";
import { replayCrash } from "../fixtures/crashReplay.js";
import { DEFAULT_PARAMS } from "../fixtures/system.js";

const { ethers, ignition, networkHelpers } = await network.create();

const E18 = 10n ** 18n;
const usd = (v: bigint, decimals = 18) => (Number(v) / 10 ** decimals).toLocaleString("en-US", { maximumFractionDigits: 0 });

describe("MarginEngine: replay of the 12-13 March 2020 crash (Binance ETHUSDT/BTCUSDT hourly)", function () {
  it("liquidates within the rate limits hour by hour and keeps the books exact at every step", async function () {
    this.timeout(300_000);
    const r = await replayCrash({ ethers, ignition }, networkHelpers, {
      files: [
        "data/binance_spot_eth_btc_2017_2021/ETHUSDT_1h_2020-01_2020-03.csv",
        "data/binance_spot_eth_btc_2017_2021/BTCUSDT_1h_2020-01_2020-03.csv",
      ],
      symbols: ["WETH", "WBTC"],
      decimals: [18, 8],
      from: "2020-03-12 00:00:00",
      to: "2020-03-13 23:00:00",
      borrowers: 40,
      seed: 20200312,
      // Aave-like WETH parameters with a $2M-per-hour liquidation cap per asset.
      params: { ...DEFAULT_PARAMS, liquidationCapPerWindow: 2_000_000n * E18 },
      liquidity: 60_000_000n,
    });
    expect(r.steps).to.have.length(48);
    for (const step of r.steps) {
      // The pool's books: cash is the token balance; lenders' assets + reserve = cash + borrows;
      // account debts (each rounded up) cover the pool's borrows (rounded down) within one unit each.
      expect(step.cash, step.time).to.equal(step.engineUsdcBalance);
      expect(step.totalAssets + step.reserve, step.time).to.equal(step.cash + step.totalBorrows);
      expect(step.sumOfDebts >= step.totalBorrows && step.sumOfDebts <= step.totalBorrows + 40n, step.time).to.equal(true);
    }
    // The crash is real: ETH fell below $100 on 13 March, so positions were liquidated.
    expect(Math.min(...r.steps.map((s) => s.prices[0]!))).to.be.lessThan(100);
    expect(r.liquidations).to.be.greaterThan(10);
    expect(r.liquidatedValue).to.be.greaterThan(0n);
    console.log(
      [
        `      40 borrowers, $${usd(r.initialCollateralValue)} collateral, $${usd(r.initialDebt, 6)} debt at 2020-03-12 00:00`,
        `      liquidations ${r.liquidations}, blocked by the rate limit ${r.blockedByRateLimit}`,
        `      liquidated value $${usd(r.liquidatedValue)}, repaid $${usd(r.repaid, 6)}, protocol fees $${usd(r.protocolFees, 6)}`,
        `      bad debt $${usd(r.badDebt, 6)}, reserve at the end $${usd(r.reserve, 6)}`,
      ].join("\n"),
    );
  });
});
