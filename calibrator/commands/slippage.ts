/** `bulwark slippage`: exact Uniswap v3 sells of the pool's volatile token for its stable one. */
import { Command } from "commander";
import { loadPoolSnapshot, type PoolSnapshot } from "../data/uniswapPool.js";
import { maxSellWithinSlippage, simulateExactInput, spotPrice } from "../models/uniswapV3.js";
import { openUnitInterval } from "./options.js";

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

/** A whole-token amount in the token's smallest units (exact for the digits the number carries). */
export function toUnits(amount: number, decimals: number): bigint {
  const [whole = "0", fraction = ""] = amount.toFixed(Math.min(decimals, 18)).split(".");
  return BigInt(whole) * 10n ** BigInt(decimals) + BigInt((fraction + "0".repeat(decimals)).slice(0, decimals) || "0");
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

export function runSlippage(poolDir: string, sizes: readonly number[], budget?: number): SlippageResult {
  const pool = loadPoolSnapshot(poolDir);
  const side = sellSide(pool);
  const { spot, slippageOf, inDecimals, outDecimals } = side;
  const fills = sizes.map((size): Fill => {
    const r = simulateExactInput(pool, toUnits(size, inDecimals), side.sellToken0);
    const amountIn = Number(r.amountIn) / 10 ** inDecimals;
    const amountOut = Number(r.amountOut) / 10 ** outDecimals;
    return { amountIn, amountOut, avgPrice: amountOut / amountIn, slippage: slippageOf(r.amountIn, r.amountOut), ticksCrossed: r.ticksCrossed, filled: r.filled };
  });
  const result: SlippageResult = { pool: poolDir, sell: side.sell, for: side.receive, spotPrice: spot, fills };
  if (budget !== undefined) {
    const upper = toUnits(1e9, inDecimals);
    const max = maxSellWithinSlippage(pool, side.sellToken0, budget, slippageOf, upper);
    result.maxSellWithinBudget = { budget, amountIn: Number(max) / 10 ** inDecimals };
  }
  return result;
}

function parseSizes(value: string): number[] {
  const sizes = value.split(",").map((s) => Number(s.trim()));
  if (sizes.length === 0 || sizes.some((s) => !(s > 0) || !Number.isFinite(s))) {
    throw new RangeError(`--sell takes positive amounts separated by commas, got "${value}"`);
  }
  return sizes;
}

export function slippageCommand(): Command {
  return new Command("slippage")
    .description("exact Uniswap v3 swap of the pool's volatile token for its stablecoin, for several sizes")
    .requiredOption("--pool <dir>", "folder with <name>.meta.json and <name>_ticks.csv")
    .requiredOption("--sell <amounts>", "sizes to sell, in whole tokens, comma-separated (e.g. 1,100,1000)")
    .option("--budget <fraction>", "also report the largest sell within this slippage (e.g. 0.02)", openUnitInterval)
    .option("--json", "machine-readable output")
    .action((options: { pool: string; sell: string; budget?: number; json?: boolean }) => {
      const result = runSlippage(options.pool, parseSizes(options.sell), options.budget);
      if (options.json) {
        console.log(JSON.stringify(result));
        return;
      }
      console.log(`Selling ${result.sell} for ${result.for}; spot ${result.spotPrice.toFixed(4)} ${result.for} per ${result.sell}`);
      console.table(
        result.fills.map((f) => ({
          [`in (${result.sell})`]: f.amountIn,
          [`out (${result.for})`]: f.amountOut.toFixed(2),
          "avg price": f.avgPrice.toFixed(4),
          slippage: `${(f.slippage * 100).toFixed(4)}%`,
          "ticks crossed": f.ticksCrossed,
        })),
      );
      if (result.maxSellWithinBudget) {
        console.log(`largest sell within ${(result.maxSellWithinBudget.budget * 100).toFixed(2)}% slippage: ${result.maxSellWithinBudget.amountIn.toFixed(4)} ${result.sell}`);
      }
    });
}
