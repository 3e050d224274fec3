/**
 * Slippage of selling seized collateral, from the Uniswap v3 tick snapshot: the exact swap
 * (models/uniswapV3.ts) sampled on a log grid of USD sizes and interpolated in log size. Selling x USD
 * into liquidity divided by k slips like selling k·x into the snapshot (v3 amounts are linear in
 * liquidity), which is how the depth-stress scenarios scale it. The snapshot's depth is taken in USD at
 * every price level of the path: a stated approximation (the only depth data is one snapshot).
 */
import { toUnits } from "../data/units.js";
import { sellSide } from "../models/poolSide.js";
import type { PoolSnapshot } from "../data/uniswapPool.js";
import { simulateExactInput } from "../models/uniswapV3.js";

export interface SlippageCurve {
  /** Average slippage (fraction, fee included) of selling `usd` at once; 1 when the pool cannot fill it. */
  averageSlippage(usd: number): number;
  /**
   * Slippage of the marginal sale of `usd` after `alreadySoldUsd` in the same step (the pool has not
   * recovered yet), with liquidity divided by `depthDivisor`.
   */
  marginalSlippage(alreadySoldUsd: number, usd: number, depthDivisor?: number): number;
}

const GRID_MIN_USD = 1_000;
const GRID_POINTS_PER_DECADE = 8;

export function slippageCurve(pool: PoolSnapshot, maxUsd = 1e10): SlippageCurve {
  const side = sellSide(pool);
  const { spot, inDecimals } = side;
  const decades = Math.log10(maxUsd / GRID_MIN_USD);
  const points = Math.ceil(decades * GRID_POINTS_PER_DECADE) + 1;
  const logSizes = new Float64Array(points);
  const slippages = new Float64Array(points);
  for (let i = 0; i < points; i++) {
    const usd = GRID_MIN_USD * 10 ** (i / GRID_POINTS_PER_DECADE);
    const amountIn = toUnits(usd / spot, inDecimals);
    const swap = simulateExactInput(pool, amountIn, side.sellToken0);
    logSizes[i] = Math.log(usd);
    // Monotone by construction of the pool; max() guards the float division at tiny sizes.
    slippages[i] = swap.filled ? Math.max(i > 0 ? slippages[i - 1]! : 0, side.slippageOf(amountIn, swap.amountOut)) : 1;
  }
  const averageSlippage = (usd: number): number => {
    if (usd <= 0) return slippages[0]!;
    const x = Math.log(usd);
    if (x <= logSizes[0]!) return slippages[0]!;
    if (x >= logSizes[points - 1]!) return 1;
    const step = (x - logSizes[0]!) / (logSizes[1]! - logSizes[0]!);
    const i = Math.floor(step);
    const w = step - i;
    return Math.min(1, slippages[i]! * (1 - w) + slippages[i + 1]! * w);
  };
  return {
    averageSlippage,
    marginalSlippage(alreadySoldUsd, usd, depthDivisor = 1) {
      if (usd <= 0) return 0;
      const before = alreadySoldUsd * depthDivisor;
      const after = (alreadySoldUsd + usd) * depthDivisor;
      const lost = averageSlippage(after) * after - (before > 0 ? averageSlippage(before) * before : 0);
      return Math.min(1, Math.max(0, lost / (usd * depthDivisor)));
    },
  };
}
