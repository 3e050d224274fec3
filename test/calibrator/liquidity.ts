import { expect } from "chai";
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { slippageTable } from "../../calibrator/models/poolSide.js";
import { DataError } from "../../calibrator/data/errors.js";
import { decimalToBigInt, loadPoolSnapshot } from "../../calibrator/data/uniswapPool.js";
import {
  isqrt,
  maxSellWithinSlippage,
  Q96,
  simulateExactInput,
  sqrtPriceX96AtTick,
  type PoolState,
} from "../../calibrator/models/uniswapV3.js";
import { expectClose } from "../helpers/approx.js";

const POOL_DIR = "data/uniswap_v3_usdc_weth_005_ticks";
const E18 = 10n ** 18n;

/** A synthetic pool: liquidity L on [-6000, 6000), 2L on [6000, 12000), at tick 0. */
function syntheticPool(L: bigint): PoolState {
  return {
    sqrtPriceX96: Q96,
    tick: 0,
    liquidity: L,
    fee: 500,
    ticks: [
      { tick: -6000, liquidityNet: L },
      { tick: 6000, liquidityNet: L },
      { tick: 12000, liquidityNet: -2n * L },
    ],
  };
}

describe("calibrator/models: Uniswap v3 tick math", function () {
  it("reads decimal and e-notation liquidities exactly", function () {
    expect(decimalToBigInt("1.886001583598932e+16")).to.equal(18860015835989320n);
    expect(decimalToBigInt("-2.5e3")).to.equal(-2500n);
    expect(decimalToBigInt("11263751935226816506")).to.equal(11263751935226816506n);
    expect(decimalToBigInt("0")).to.equal(0n);
    expect(decimalToBigInt("1.5")).to.equal(2n);
    expect(decimalToBigInt("abc")).to.equal(undefined);
  });

  it("sqrt prices match the definition and the published extreme ratios", function () {
    expect(sqrtPriceX96AtTick(0)).to.equal(Q96);
    expect(isqrt(10n ** 40n)).to.equal(10n ** 20n);
    // Uniswap's MIN_SQRT_RATIO and MAX_SQRT_RATIO (TickMath): equal to a relative 1e-19.
    const min = 4295128739n;
    const max = 1461446703485210103287273052203988822378723970342n;
    const rel = (a: bigint, b: bigint) => Number(a > b ? a - b : b - a) / Number(b);
    expect(rel(sqrtPriceX96AtTick(-887272), min)).to.be.below(1e-9);
    expect(rel(sqrtPriceX96AtTick(887272), max)).to.be.below(1e-19);
    // √(1.0001^t) · √(1.0001^−t) = 1, up to the floor of the smaller factor (~4e24 in Q96: 2e-25).
    expect(rel((sqrtPriceX96AtTick(196429) * sqrtPriceX96AtTick(-196429)) >> 96n, Q96)).to.be.below(1e-24);
    // Float reference: 1.0001 is inexact in binary and the power amplifies it ~7000x, hence 1e-12.
    expectClose(Number(sqrtPriceX96AtTick(6931)) / 2 ** 96, Math.sqrt(1.0001 ** 6931), 1e-12);
  });
});

describe("calibrator/models: Uniswap v3 swaps", function () {
  it("within one range, matches the constant-liquidity closed form with the fee", function () {
    const L = 10n ** 24n;
    const pool = syntheticPool(L);
    const amountIn = 10n ** 21n; // token1 in: price moves up
    const r = simulateExactInput(pool, amountIn, false);
    const lessFee = Number(amountIn) * (1 - 0.0005);
    const sqrtAfter = 1 + lessFee / Number(L);
    const out = Number(L) * (1 - 1 / sqrtAfter); // Δ(1/√P)·L
    expect(r.filled).to.equal(true);
    expect(r.ticksCrossed).to.equal(0);
    expectClose(Number(r.amountOut) / out, 1, 1e-12);
    expectClose(Number(r.sqrtPriceX96After) / 2 ** 96, sqrtAfter, 1e-15);
    expect(r.amountIn).to.equal(amountIn);
  });

  it("crossing a tick adds its liquidityNet: the result equals two separate swaps", function () {
    const L = 10n ** 24n;
    const pool = syntheticPool(L);
    const sqrtBoundary = sqrtPriceX96AtTick(6000);
    // Token1 needed to reach the boundary, fee included (rounded up as the pool does).
    const toBoundary = (L * (sqrtBoundary - Q96) + Q96 - 1n) / Q96;
    const withFee = (toBoundary * 1_000_000n + 999_499n) / 999_500n;
    const total = withFee * 2n;
    const whole = simulateExactInput(pool, total, false);
    expect(whole.ticksCrossed).to.equal(1);
    const first = simulateExactInput(pool, withFee, false);
    const afterBoundary: PoolState = { ...pool, sqrtPriceX96: sqrtBoundary, tick: 6000, liquidity: 2n * L, ticks: pool.ticks.slice(2) };
    const second = simulateExactInput(afterBoundary, total - first.amountIn, false);
    const diff = whole.amountOut - (first.amountOut + second.amountOut);
    expect(diff < 0n ? -diff : diff).to.be.lessThanOrEqual(2n);
  });

  it("on the real pool: small sells cost the 0.05% fee both ways, and slippage grows with size", function () {
    const small = slippageTable(loadPoolSnapshot(POOL_DIR), [0.001]);
    expectClose(small.fills[0]!.slippage, 0.0005, 2e-6);
    expectClose(small.spotPrice, 2948.5, 0.1); // SOURCE.md: about 2948.5 USDC per WETH
    const pool = loadPoolSnapshot(POOL_DIR);
    // Buying WETH with 10 USDC: the other direction, also just the fee at this size.
    const buy = simulateExactInput(pool, 10_000_000n, true);
    const wethOut = Number(buy.amountOut) / 1e18;
    expectClose(1 - (wethOut * small.spotPrice) / 10, 0.0005, 2e-6);
    const sizes = [1, 10, 100, 500, 1000, 5000];
    const fills = slippageTable(loadPoolSnapshot(POOL_DIR), sizes).fills;
    for (let i = 1; i < fills.length; i++) {
      expect(fills[i]!.slippage).to.be.greaterThan(fills[i - 1]!.slippage);
      expect(fills[i]!.amountOut).to.be.greaterThan(fills[i - 1]!.amountOut);
    }
  });

  it("the largest sell within a budget sits at the budget's edge", function () {
    const result = slippageTable(loadPoolSnapshot(POOL_DIR), [1], 0.02);
    const max = result.maxSellWithinBudget!.amountIn;
    const at = slippageTable(loadPoolSnapshot(POOL_DIR), [max, max * 1.001]).fills;
    expect(at[0]!.slippage).to.be.at.most(0.02);
    expect(at[1]!.slippage).to.be.greaterThan(0.02);
    const pool = syntheticPool(10n ** 24n);
    expect(maxSellWithinSlippage(pool, false, 0.0004, () => 0.0005, E18)).to.equal(0n);
  });

  it("stops with filled = false when the initialized range runs out", function () {
    const pool = syntheticPool(10n ** 20n);
    const r = simulateExactInput(pool, 10n ** 30n, false);
    expect(r.filled).to.equal(false);
    expect(r.tickAfter).to.equal(12000);
    expect(r.amountIn).to.be.lessThan(10n ** 30n);
  });
});

describe("calibrator/data: Uniswap v3 pool snapshot", function () {
  function tampered(mutate: (csv: string) => string): string {
    const dir = mkdtempSync(join(tmpdir(), "bulwark-pool-"));
    cpSync(POOL_DIR, dir, { recursive: true });
    const file = join(dir, "ETHUSDC_0p05_mainnet_ticks.csv");
    writeFileSync(file, mutate(readFileSync(file, "utf8")));
    return dir;
  }

  it("loads the snapshot and checks it against the v3 invariants", function () {
    const pool = loadPoolSnapshot(POOL_DIR);
    expect(pool.ticks).to.have.length(1419);
    expect(pool.tickSpacing).to.equal(10);
    expect(pool.token0).to.deep.equal({ symbol: "USDC", decimals: 6 });
    expect(pool.liquidity).to.equal(11263751935226816506n);
  });

  it("rejects off-spacing ticks, unsorted ticks and liquidity that does not cancel", function () {
    const expectError = (dir: string, pattern: RegExp) =>
      expect(() => loadPoolSnapshot(dir)).to.throw(DataError, pattern);
    expectError(tampered((s) => s.replace("\n0,0,-887260\n", "\n0,0,-887265\n")), /:3 \[tickIdx\]: -887265 is not a multiple/);
    expectError(tampered((s) => s.replace("\n0,0,-887260\n", "\n0,0,-887270\n")), /:3 \[tickIdx\]: not ascending/);
    expectError(tampered((s) => s.replace("\n0,0,-887260\n", "\n0,0,-887280\n")), /:3 \[tickIdx\]: not a valid tick/);
    expectError(tampered((s) => s.replace("1.886001583598932e+16,1.886001583598932e+16,-887270", "1.886001583598932e+16,1.786001583598932e+16,-887270")), /does not cancel/);
    expectError(tampered((s) => s.replace("1.886001583598932e+16,1.886001583598932e+16,-887270", "1.886001583598932e+16,x,-887270")), /\[liquidityNet\]: not a number/);
  });
});
