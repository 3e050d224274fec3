/**
 * Selling a Uniswap v3 pool's volatile token for its stablecoin: which side that is, how slippage is
 * measured against spot, and exact fills for a list of sizes. Pure: the pool snapshot comes in loaded.
 */
import { dirname } from "node:path";
import { toUnits } from "../data/units.js";
import type { PoolSnapshot } from "../data/uniswapPool.js";
import { maxSellWithinSlippage, simulateExactInput, spotPrice } from "./uniswapV3.js";

const STABLES = new Set(["USDC", "USDT", "DAI", "USDC.E", "FRAX", "LUSD", "USDS", "PYUSD"]);

export interface Fill {
  amountIn: number;
  amountOut: number;
  avgPrice: number;
  slippage: number;
  ticksCrossed: number;
  filled: boolean;
}

export interface SlippageResult {
  pool: string;
  sell: string;
  for: string;
  spotPrice: number;
  fills: Fill[];
  maxSellWithinBudget?: { budget: number; amountIn: number };
}

/** Which side is volatile: the pool must pair exactly one stablecoin with another token. */
export function volatileSide(pool: PoolSnapshot): { sellToken0: boolean; sell: string; receive: string } {
  const stable0 = STABLES.has(pool.token0.symbol.toUpperCase());
  const stable1 = STABLES.has(pool.token1.symbol.toUpperCase());
  if (stable0 === stable1) throw new RangeError(`cannot tell the volatile token of ${pool.token0.symbol}/${pool.token1.symbol}`);
  return stable0
    ? { sellToken0: false, sell: pool.token1.symbol, receive: pool.token0.symbol }
    : { sellToken0: true, sell: pool.token0.symbol, receive: pool.token1.symbol };
}

export interface SellSide {
  sellToken0: boolean;
  sell: string;
  receive: string;
  /** Spot price of the sold token in the received one. */
  spot: number;
  inDecimals: number;
  outDecimals: number;
  /** Slippage against spot of a swap (fraction, fee included). */
  slippageOf: (amountIn: bigint, amountOut: bigint) => number;
}

/** Selling the pool's volatile token for its stablecoin: the side, its spot and how slippage is measured. */
export function sellSide(pool: PoolSnapshot): SellSide {
  const side = volatileSide(pool);
  const inDecimals = side.sellToken0 ? pool.token0.decimals : pool.token1.decimals;
  const outDecimals = side.sellToken0 ? pool.token1.decimals : pool.token0.decimals;
  const spot = spotPrice(pool, side.sellToken0);
  const slippageOf = (amountIn: bigint, amountOut: bigint) => {
    const avg = Number(amountOut) / 10 ** outDecimals / (Number(amountIn) / 10 ** inDecimals);
    return 1 - avg / spot;
  };
  return { ...side, spot, inDecimals, outDecimals, slippageOf };
}

/** Exact sells of `sizes` whole tokens into the pool, and optionally the largest sell within `budget`. */
export function slippageTable(pool: PoolSnapshot, sizes: readonly number[], budget?: number): SlippageResult {
  const side = sellSide(pool);
  const { spot, slippageOf, inDecimals, outDecimals } = side;
  const fills = sizes.map((size): Fill => {
    const r = simulateExactInput(pool, toUnits(size, inDecimals), side.sellToken0);
    const amountIn = Number(r.amountIn) / 10 ** inDecimals;
    const amountOut = Number(r.amountOut) / 10 ** outDecimals;
    return { amountIn, amountOut, avgPrice: amountOut / amountIn, slippage: slippageOf(r.amountIn, r.amountOut), ticksCrossed: r.ticksCrossed, filled: r.filled };
  });
  const result: SlippageResult = { pool: dirname(pool.files.meta), sell: side.sell, for: side.receive, spotPrice: spot, fills };
  if (budget !== undefined) {
    const upper = toUnits(1e9, inDecimals);
    const max = maxSellWithinSlippage(pool, side.sellToken0, budget, slippageOf, upper);
    result.maxSellWithinBudget = { budget, amountIn: Number(max) / 10 ** inDecimals };
  }
  return result;
}
