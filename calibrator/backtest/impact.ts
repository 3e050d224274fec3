/**
 * Market impact of selling seized collateral. A liquidator sells into two venues:
 * - the on-chain pool: the exact Uniswap v3 walk of the snapshot (depth.ts), with the snapshot's
 *   liquidity scaled to the era (`poolScale`); what it sold stays in the pool as a displacement that
 *   arbitrage removes with a half-life of `poolHalfLifeHours`, not at once;
 * - the wider market: the square-root law of metaorder impact (Almgren et al. 2005; Tóth et al. 2011),
 *   marginal impact I(q) = Y·σ_d·√(q/V_d) after q USD sold, where V_d is the USD volume the candle file
 *   itself records over the trailing 24 hours and σ_d the daily volatility of the trailing 24 hourly
 *   returns. Integrating gives the cost of selling x after B: (2/3)·Y·σ_d·((B+x)^{3/2} − B^{3/2})/√V_d.
 *   The sold quantity relaxes with a half-life of `marketHalfLifeHours`.
 * Arbitrage that refills the pool buys in the pool and sells in the wider market, so the pool's
 * recovered displacement joins the wider market's backlog: a sale into the pool is a sale into the
 * market, delayed. Orders are routed in 1/16 slices, each to the venue whose next slice costs less,
 * which equalises the two marginal costs to within a slice. Pure numerics apart from the state object.
 */
import type { SlippageCurve } from "./depth.js";

export interface ImpactConstants {
  /** Y of the square-root law (of order 0.5–1; Tóth et al. 2011 report Y ≈ 0.5–1 across markets). */
  sqrtLawY: number;
  /** Half-life of the wider market's impact after a sale, hours. */
  marketHalfLifeHours: number;
  /** Half-life of the pool's displacement under arbitrage, hours. */
  poolHalfLifeHours: number;
}

/** The documented defaults (docs/backtests.md, "Market impact"). */
export const DEFAULT_IMPACT: ImpactConstants = { sqrtLawY: 0.7, marketHalfLifeHours: 6, poolHalfLifeHours: 1 };

/** The market an asset's seizures are sold into, per step of the path. */
export interface AssetMarket {
  /** The Uniswap v3 snapshot's sell-side slippage curve. */
  slippage: SlippageCurve;
  /** Pool liquidity relative to the snapshot (era scaling, divided by any depth stress); 0: no pool. */
  poolScale: number;
  /** Trailing 24-hour traded volume in USD at each step; 0 where the file has no volume (no market venue). */
  dailyVolumeUsd: Float64Array;
  /** Daily volatility (fraction) of the trailing 24 hourly log returns at each step. */
  dailySigma: Float64Array;
}

/** Square-root-law marginal impact (fraction) after `soldUsd` has been sold into volume `volumeUsd`. */
export function sqrtLawMarginal(y: number, sigma: number, volumeUsd: number, soldUsd: number): number {
  if (volumeUsd <= 0) return Number.POSITIVE_INFINITY;
  return y * sigma * Math.sqrt(Math.max(0, soldUsd) / volumeUsd);
}

/** USD lost to impact selling `usd` more after `alreadyUsd`: the integral of sqrtLawMarginal. */
export function sqrtLawCost(y: number, sigma: number, volumeUsd: number, alreadyUsd: number, usd: number): number {
  if (usd <= 0) return 0;
  if (volumeUsd <= 0) return Number.POSITIVE_INFINITY;
  const a = Math.max(0, alreadyUsd);
  const b = a + usd;
  return ((2 / 3) * y * sigma * (b * Math.sqrt(b) - a * Math.sqrt(a))) / Math.sqrt(volumeUsd);
}

/** A quantity after `seconds` of exponential relaxation with the given half-life (hours). */
export function relax(quantity: number, seconds: number, halfLifeHours: number): number {
  if (seconds <= 0) return quantity;
  return quantity * 2 ** (-seconds / (halfLifeHours * 3_600));
}

/** USD lost selling `u` at once into the snapshot's liquidity × `scale`; infinite beyond what it can fill. */
function poolLost(curve: SlippageCurve, scale: number, u: number): number {
  if (u <= 0) return 0;
  // Selling u into liquidity × s slips like selling u/s into the snapshot (v3 amounts are linear in L).
  const average = curve.averageSlippage(u / scale);
  return average >= 1 ? Number.POSITIVE_INFINITY : u * average;
}

/** USD lost selling `usd` more into the scaled pool after `alreadyUsd` of displacement. */
export function poolCost(curve: SlippageCurve, scale: number, alreadyUsd: number, usd: number): number {
  if (usd <= 0) return 0;
  if (scale <= 0) return Number.POSITIVE_INFINITY;
  return Math.max(0, poolLost(curve, scale, alreadyUsd + usd) - poolLost(curve, scale, alreadyUsd));
}

export interface SaleQuote {
  usd: number;
  /** Impact cost, USD (what the sale fetches below the market price). */
  costUsd: number;
  poolUsd: number;
  marketUsd: number;
  /** Cost of the last slice per USD: the marginal impact at this size. */
  marginal: number;
}

const SLICES = 16;
/** Size of the probe sale that measures the pool's marginal slippage, USD. */
const POOL_PROBE_USD = 100;

/** The two venues' state for one asset along a run. */
export class ExecutionVenues {
  private poolBacklog = 0;
  private marketBacklog = 0;
  private time: number;
  private volume = 0;
  private sigma = 0;

  constructor(
    private readonly market: AssetMarket,
    private readonly constants: ImpactConstants,
    openingTime: number,
  ) {
    this.time = openingTime;
  }

  /** Moves to `step` at `time`: relaxes both backlogs (the pool's recovery flows to the market). */
  advance(step: number, time: number): void {
    const dt = time - this.time;
    if (dt > 0) {
      const pool = relax(this.poolBacklog, dt, this.constants.poolHalfLifeHours);
      const arbitraged = this.poolBacklog - pool;
      this.poolBacklog = pool;
      this.marketBacklog = relax(this.marketBacklog + arbitraged, dt, this.constants.marketHalfLifeHours);
      this.time = time;
    }
    this.volume = this.market.dailyVolumeUsd[step] ?? 0;
    this.sigma = this.market.dailySigma[step] ?? 0;
  }

  /** The cost of selling `usd` now, routed slice by slice to the cheaper venue. */
  quote(usd: number): SaleQuote {
    if (!(usd > 0)) return { usd: 0, costUsd: 0, poolUsd: 0, marketUsd: 0, marginal: this.marginalAt(0, 0) };
    const slice = usd / SLICES;
    const { slippage, poolScale } = this.market;
    const y = this.constants.sqrtLawY;
    const hasPool = poolScale > 0;
    let poolUsd = 0;
    let marketUsd = 0;
    let costUsd = 0;
    let last = 0;
    // Running totals: the pool's loss so far and the market's position on its curve, so each slice costs
    // one slippage lookup and one square root.
    let poolLostSoFar = hasPool ? poolLost(slippage, poolScale, this.poolBacklog) : 0;
    for (let k = 0; k < SLICES; k++) {
      const poolLostNext = hasPool ? poolLost(slippage, poolScale, this.poolBacklog + poolUsd + slice) : Number.POSITIVE_INFINITY;
      const viaPool = poolLostNext - poolLostSoFar;
      const viaMarket = sqrtLawCost(y, this.sigma, this.volume, this.marketBacklog + marketUsd, slice);
      if (!Number.isFinite(viaPool) && !Number.isFinite(viaMarket)) return { usd, costUsd: Number.POSITIVE_INFINITY, poolUsd, marketUsd, marginal: 1 };
      if (viaPool <= viaMarket) {
        poolUsd += slice;
        poolLostSoFar = poolLostNext;
        last = Math.max(0, viaPool);
      } else {
        marketUsd += slice;
        last = viaMarket;
      }
      costUsd += last;
    }
    return { usd, costUsd: Math.min(usd, costUsd), poolUsd, marketUsd, marginal: Math.min(1, last / slice) };
  }

  /** Marginal impact (fraction) of a small further sale after pool and market sales of the given sizes. */
  private marginalAt(poolUsd: number, marketUsd: number): number {
    const pool = poolCost(this.market.slippage, this.market.poolScale, this.poolBacklog + poolUsd, POOL_PROBE_USD) / POOL_PROBE_USD;
    const mkt = sqrtLawMarginal(this.constants.sqrtLawY, this.sigma, this.volume, this.marketBacklog + marketUsd);
    return Math.min(1, pool, mkt);
  }

  /** Marginal impact of the next dollar sold now. */
  marginalNow(): number {
    return this.marginalAt(0, 0);
  }

  /**
   * The largest sale, at most `maxUsd`, whose marginal impact stays at or below `threshold`. Under
   * equal-marginal routing that is what each venue absorbs up to the threshold: the wider market
   * V·(c/(Y·σ))² − backlog in closed form, the pool by bisection on its marginal slippage.
   */
  sizeAtMarginal(threshold: number, maxUsd: number): number {
    if (!(maxUsd > 0) || !(threshold > 0)) return 0;
    const { sqrtLawY } = this.constants;
    const market = this.volume > 0 && this.sigma > 0 ? Math.max(0, this.volume * (threshold / (sqrtLawY * this.sigma)) ** 2 - this.marketBacklog) : this.volume > 0 ? maxUsd : 0;
    if (market >= maxUsd) return maxUsd;
    let pool = 0;
    if (this.market.poolScale > 0 && this.poolMarginal(0) <= threshold) {
      const cap = maxUsd - market;
      if (this.poolMarginal(cap) <= threshold) pool = cap;
      else {
        let lo = 0;
        let hi = cap;
        for (let k = 0; k < 40 && hi - lo > Math.max(1, lo * 1e-2); k++) {
          const mid = (lo + hi) / 2;
          if (this.poolMarginal(mid) <= threshold) lo = mid;
          else hi = mid;
        }
        pool = lo;
      }
    }
    return Math.min(maxUsd, market + pool);
  }

  /** The pool's marginal slippage after `extraUsd` more of displacement (a probe sale). */
  private poolMarginal(extraUsd: number): number {
    return poolCost(this.market.slippage, this.market.poolScale, this.poolBacklog + extraUsd, POOL_PROBE_USD) / POOL_PROBE_USD;
  }

  /** Records a sale. */
  commit(sale: SaleQuote): void {
    this.poolBacklog += sale.poolUsd;
    this.marketBacklog += sale.marketUsd;
  }

  /** The displacements still weighing on each venue (tests, reports). */
  backlogs(): { poolUsd: number; marketUsd: number } {
    return { poolUsd: this.poolBacklog, marketUsd: this.marketBacklog };
  }
}

/** Hours of trailing data behind the volume and volatility figures. */
export const TRAILING_HOURS = 24;

/**
 * Per-step trailing 24-hour USD volume and daily volatility of a candle series over the steps
 * `firstIndex … firstIndex + n − 1` (each step reads only candles closed by then). A file without a
 * volume column gives zero volume: no wider-market venue.
 */
export function trailingMarket(
  close: Float64Array,
  volume: Float64Array | undefined,
  firstIndex: number,
  n: number,
): { dailyVolumeUsd: Float64Array; dailySigma: Float64Array } {
  const dailyVolumeUsd = new Float64Array(n);
  const dailySigma = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    const end = firstIndex + k;
    let v = 0;
    let sumSq = 0;
    let count = 0;
    for (let j = Math.max(0, end - TRAILING_HOURS + 1); j <= end; j++) {
      if (volume) v += volume[j]! * close[j]!;
      if (j > 0) {
        const r = Math.log(close[j]! / close[j - 1]!);
        sumSq += r * r;
        count++;
      }
    }
    dailyVolumeUsd[k] = v * (TRAILING_HOURS / Math.max(1, Math.min(TRAILING_HOURS, end + 1)));
    // Zero-mean realised variance of hourly returns scaled to a day (RiskMetrics form).
    dailySigma[k] = count > 0 ? Math.sqrt((sumSq / count) * TRAILING_HOURS) : 0;
  }
  return { dailyVolumeUsd, dailySigma };
}

/**
 * Average daily USD volume over the 30 days closed by row `end` (inclusive); 0 without volume.
 */
export function averageDailyVolumeUsd(close: Float64Array, volume: Float64Array | undefined, end: number, days = 30): number {
  if (!volume) return 0;
  const start = Math.max(0, end - days * 24 + 1);
  let v = 0;
  for (let j = start; j <= end; j++) v += volume[j]! * close[j]!;
  return (v / (end - start + 1)) * 24;
}

/**
 * 30-day average daily USD volume of Binance ETHUSDT and BTCUSDT over the last 30 days of
 * data/binance_spot_eth_btc_2022_2025 (to 2025-12-02), the period nearest the pool snapshot; a test
 * recomputes both from the files.
 */
export const REFERENCE_DAILY_VOLUME_USD = { ETH: 1.957e9, BTC: 2.573e9 } as const;

/**
 * The pool's liquidity in an era relative to the snapshot: the asset's 30-day volume before the window
 * over the reference volume, capped at 1 (no earlier era had more on-chain depth than the snapshot's).
 */
export function eraPoolScale(adv30Usd: number, referenceUsd: number): number {
  if (!(referenceUsd > 0) || !(adv30Usd > 0)) return 1;
  return Math.min(1, adv30Usd / referenceUsd);
}
