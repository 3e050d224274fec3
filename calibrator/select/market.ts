/**
 * The selection's market, from the backtest's own impact model (docs/backtests.md, "Price impact"): the
 * pool's USD depth within each slippage level of a log grid, from the exact v3 walk's slippage curve
 * (backtest/depth.ts) times the era's pool scale, and the square-root law's volume. Pure.
 */
import type { SlippageCurve } from "../backtest/depth.js";
import type { SelectionMarket } from "./evaluate.js";

/** Slippage levels of the depth table: 0.1% to 30%, log-spaced (16 points). */
export const SLIPPAGE_GRID: Float64Array = Float64Array.from({ length: 16 }, (_, i) => 0.001 * 300 ** (i / 15));

/** Largest sale the curve fills at an average slippage ≤ x, USD (bisection in log size; the curve is monotone). */
export function depthWithinSlippage(curve: SlippageCurve, x: number, maxUsd = 1e10): number {
  if (curve.averageSlippage(maxUsd) <= x) return maxUsd;
  let lo = Math.log(1);
  let hi = Math.log(maxUsd);
  if (curve.averageSlippage(1) > x) return 0;
  for (let i = 0; i < 48; i++) {
    const mid = (lo + hi) / 2;
    if (curve.averageSlippage(Math.exp(mid)) <= x) lo = mid;
    else hi = mid;
  }
  return Math.exp(lo);
}

/** The pool's depth table on SLIPPAGE_GRID, scaled by `poolScale` (the era's liquidity against the snapshot's). */
export function depthTable(curve: SlippageCurve, poolScale: number): Float64Array {
  if (!(poolScale > 0)) throw new RangeError(`pool scale must be positive, got ${poolScale}`);
  return SLIPPAGE_GRID.map((x) => depthWithinSlippage(curve, x) * poolScale);
}

/** The engine's liquidation config, in bps as deployments carry it. */
export interface EngineLiquidationBps {
  protocolFeeBps: number;
  fullCloseHealthBps: number;
  rateLimitBypassHealthBps: number;
}

export interface MarketInputs {
  depthUsd: Float64Array;
  dailyVolumeUsd: number;
  impact: { sqrtLawY: number; marketHalfLifeHours: number; poolHalfLifeHours: number };
  gasCostUsd: number;
  calmDailySigma: number;
  riskAversion: number;
  engine: EngineLiquidationBps;
}

export function selectionMarket(m: MarketInputs): SelectionMarket {
  return {
    slippageGrid: SLIPPAGE_GRID,
    poolDepthUsd: m.depthUsd,
    dailyVolumeUsd: m.dailyVolumeUsd,
    sqrtLawY: m.impact.sqrtLawY,
    marketHalfLifeHours: m.impact.marketHalfLifeHours,
    poolHalfLifeHours: m.impact.poolHalfLifeHours,
    gasCostUsd: m.gasCostUsd,
    calmDailySigma: m.calmDailySigma,
    riskAversion: m.riskAversion,
    protocolFeeShare: m.engine.protocolFeeBps / 10_000,
    fullCloseHealth: m.engine.fullCloseHealthBps / 10_000,
    rateLimitBypassHealth: m.engine.rateLimitBypassHealthBps / 10_000,
  };
}
