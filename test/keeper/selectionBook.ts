import { expect } from "chai";
import type { AccountExposure, MarketView } from "../../calibrator/keeper/impact.js";
import { liveSelectionBook } from "../../calibrator/keeper/selectionBook.js";
import type { Address } from "../../calibrator/rules/types.js";

const WETH = "0x00000000000000000000000000000000000000aa" as Address;
const WBTC = "0x00000000000000000000000000000000000000bb" as Address;
const market: MarketView = {
  price18: new Map([[WETH, 2_000n * 10n ** 18n], [WBTC, 50_000n * 10n ** 18n]]),
  decimals: new Map([[WETH, 18], [WBTC, 8]]),
  debtScale: 10n ** 12n, // a 6-decimal debt asset
};
const ltv = new Map([[WETH, 8_000], [WBTC, 7_000]]);
const account = (n: number, debtUsd: number, positions: [Address, bigint][]): AccountExposure => ({
  account: `0x${n.toString(16).padStart(40, "0")}` as Address,
  debt: BigInt(debtUsd) * 10n ** 6n,
  positions: positions.map(([asset, balance]) => ({ asset, balance })),
});

describe("keeper: the live book a selection scores", function () {
  it("values each account's collateral in the asset and its use of the whole borrow limit, most leveraged first", function () {
    const exposures = [
      account(1, 8_000, [[WETH, 10n * 10n ** 18n]]), // $20,000 of WETH, limit $16,000: use 0.5
      account(2, 15_000, [[WETH, 5n * 10n ** 18n], [WBTC, 2n * 10n ** 7n]]), // $10,000 WETH + $10,000 WBTC, limit $15,000: use 1
      account(3, 0, [[WETH, 10n ** 18n]]), // no debt: not in the book
      account(4, 1_000, [[WBTC, 10n ** 8n]]), // no WETH: not in WETH's book
    ];
    const book = liveSelectionBook(exposures, market, ltv, WETH);
    expect([...book.use]).to.deep.equal([1, 0.5]);
    expect([...book.valueUsd]).to.deep.equal([10_000, 20_000]);
    const btc = liveSelectionBook(exposures, market, ltv, WBTC);
    expect([...btc.valueUsd]).to.deep.equal([10_000, 50_000]);
    // (Hardhat's chai matchers take closeTo's arguments as integers.)
    expect(Math.abs(btc.use[1]! - 1_000 / 35_000)).to.be.below(1e-12);
  });

  it("refuses an account holding a collateral it has no price or LTV for, naming it", function () {
    const stray = "0x00000000000000000000000000000000000000cc" as Address;
    expect(() => liveSelectionBook([account(5, 100, [[WETH, 10n ** 18n], [stray, 1n]])], market, ltv, WETH)).to.throw(/no price, decimals or LTV for collateral 0x0+cc/);
  });
});
