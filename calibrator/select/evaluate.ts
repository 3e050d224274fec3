/**
 * The bad debt one candidate parameter set leaves on one stress path, over a book of accounts. A
 * screening model of the backtest's mechanics (docs/backtests.md, "The model"), hour by hour:
 * - the oracle follows the market except in a freeze;
 * - an account is liquidatable once oracle value × LT < debt, and liquidators act on it once it has
 *   been so for the scenario's delay;
 * - a call repays the close factor (the whole debt below the full-close health), seizes repay × (1 + LB),
 *   and where that exceeds the collateral takes all of it: the equity if the account still covers its
 *   debt, otherwise what the collateral buys at the bonus, the rest written off;
 * - after each call the debt the remaining collateral no longer backs is written off (the engine's rule);
 * - the hour's sales are limited by the rate limit (above the bypass health) and by the market: bots sell
 *   only while the marginal impact stays below their edge b(1 − f)/(1 + b) less the price-risk premium
 *   κ·σ_h·√max(1 h, delay), into the pool's depth and the square-root law's volume, both ÷ k, with
 *   backlogs that relax with the backtest's half-lives;
 * - a call is made only when its edge pays the hour's gas (a congestion surge with volatility).
 * What is left open at the end at the market price is bad debt too. The book is held at the candidate's
 * own LTV: each account borrows its use of the candidate's borrow limit, the steady state the living
 * book relevers to, so the candidate's lending is Σ use × LTV × value.
 *
 * Accounts are sorted by use, most leveraged first, so the accounts a falling price makes liquidatable
 * are a prefix: an hour costs O(1 + accounts touched), and a calm path touches none.
 */
import type { ScenarioSet } from "./scenarios.js";

/** One candidate, as fractions (0.83 = 83%) and USD. */
export interface Candidate {
  ltv: number;
  liquidationThreshold: number;
  liquidationBonus: number;
  closeFactor: number;
  /** USD of seized value per hour above the bypass health (the rate limit, per hour). */
  capPerHourUsd: number;
}

/** The book: per account its collateral value (USD, today's price) and its use of the borrow limit, sorted by use descending. */
export interface SelectionBook {
  valueUsd: Float64Array;
  use: Float64Array;
}

/** The market and the engine's fixed rules the evaluation needs. */
export interface SelectionMarket {
  /** Slippage levels (ascending) and the pool's USD depth within each (÷ 1). */
  slippageGrid: Float64Array;
  poolDepthUsd: Float64Array;
  /** Trailing 24-hour traded volume at the calibration, USD (0: no market venue). */
  dailyVolumeUsd: number;
  sqrtLawY: number;
  marketHalfLifeHours: number;
  poolHalfLifeHours: number;
  /** Gas cost of one liquidation in calm conditions, USD. */
  gasCostUsd: number;
  /** σ_d at the calibration: gas surges with the path's σ_d over it, as (ratio)^1.5, clamped to [1, 10] first. */
  calmDailySigma: number;
  /** Liquidators' price-risk aversion κ. */
  riskAversion: number;
  /** The engine's liquidation config, fractions. */
  protocolFeeShare: number;
  fullCloseHealth: number;
  rateLimitBypassHealth: number;
}

export interface Evaluation {
  badDebtUsd: number;
  liquidatedUsd: number;
}

/** USD the pool takes within slippage x, interpolated linearly on the grid (0 below its first point). */
export function poolDepthAt(market: SelectionMarket, x: number): number {
  const g = market.slippageGrid;
  const d = market.poolDepthUsd;
  if (!(x > g[0]!)) return x > 0 ? (d[0]! * x) / g[0]! : 0;
  for (let i = 1; i < g.length; i++) {
    if (x <= g[i]!) return d[i - 1]! + ((d[i]! - d[i - 1]!) * (x - g[i - 1]!)) / (g[i]! - g[i - 1]!);
  }
  return d[d.length - 1]!;
}

/** The candidate's lending: Σ use × LTV × value. */
export function candidateLending(candidate: Candidate, book: SelectionBook): number {
  let s = 0;
  for (let i = 0; i < book.use.length; i++) s += book.use[i]! * book.valueUsd[i]!;
  return s * candidate.ltv;
}

/** Scratch state reused across evaluations (one per thread). */
export class EvaluationScratch {
  readonly debt: Float64Array;
  /** Collateral as its value at the opening price (USD at price ratio 1). */
  readonly collateral: Float64Array;
  readonly since: Int32Array;
  readonly closed: Uint8Array;
  constructor(size: number) {
    this.debt = new Float64Array(size);
    this.collateral = new Float64Array(size);
    this.since = new Int32Array(size);
    this.closed = new Uint8Array(size);
  }
}

const HOUR_POOL_DECAY = (halfLife: number) => 2 ** (-1 / halfLife);

/** The bad debt of `candidate` on scenario `s` of `set`. */
export function evaluateCandidate(candidate: Candidate, book: SelectionBook, market: SelectionMarket, set: ScenarioSet, s: number, scratch: EvaluationScratch): Evaluation {
  const { ltv, liquidationThreshold: lt, liquidationBonus: b, closeFactor: cf, capPerHourUsd } = candidate;
  const n = book.use.length;
  const hours = set.hours;
  const base = s * hours;
  const k = set.depthDivisor[s]!;
  const freezeStart = set.freezeStart[s]!;
  const freezeEnd = freezeStart + set.freezeHours[s]!;
  const delay = set.liquidatorDelayHours[s]!;
  const grossEdge = (b * (1 - market.protocolFeeShare)) / (1 + b);
  const poolDecay = HOUR_POOL_DECAY(market.poolHalfLifeHours);
  const marketDecay = HOUR_POOL_DECAY(market.marketHalfLifeHours);
  const volume = market.dailyVolumeUsd / k;
  const { debt, collateral, since, closed } = scratch;

  let logPrice = 0;
  let oracle = 1;
  let touched = 0; // accounts [0, touched) carry their own state
  let badDebt = 0;
  let liquidated = 0;
  let poolBacklog = 0;
  let marketBacklog = 0;
  for (let t = 0; t < hours; t++) {
    logPrice += set.returns[base + t]!;
    if (t < freezeStart || t >= freezeEnd) oracle = Math.exp(logPrice);
    poolBacklog *= poolDecay;
    marketBacklog *= marketDecay;
    // Newly liquidatable accounts: use × LTV > oracle × LT (a prefix, by use).
    const admitAbove = (oracle * lt) / ltv;
    while (touched < n && book.use[touched]! > admitAbove) {
      const v = book.valueUsd[touched]!;
      debt[touched] = book.use[touched]! * ltv * v;
      collateral[touched] = v;
      since[touched] = -1;
      closed[touched] = 0;
      touched++;
    }
    if (touched === 0) continue;
    const sigmaD = set.dailySigma[base + t]!;
    const edge = grossEdge - market.riskAversion * (sigmaD / Math.sqrt(24)) * Math.sqrt(Math.max(1, delay));
    let poolRoom = 0;
    let marketRoom = 0;
    if (edge > 0) {
      poolRoom = Math.max(0, poolDepthAt(market, edge) / k - poolBacklog);
      marketRoom = sigmaD > 0 && volume > 0 ? Math.max(0, volume * (edge / (market.sqrtLawY * sigmaD)) ** 2 - marketBacklog) : 0;
    }
    let room = poolRoom + marketRoom;
    let rateRoom = capPerHourUsd;
    const surgeBase = market.calmDailySigma > 0 ? Math.min(10, Math.max(1, sigmaD / market.calmDailySigma)) : 1;
    const gas = market.gasCostUsd * surgeBase ** 1.5;
    let sold = 0;
    for (let i = 0; i < touched; i++) {
      if (closed[i]) continue;
      const d = debt[i]!;
      const value = oracle * collateral[i]!;
      const health = (value * lt) / d;
      if (health >= 1) {
        since[i] = -1;
        continue;
      }
      if (since[i]! < 0) since[i] = t;
      if (t - since[i]! < delay || room <= 0) continue;
      let repay = health < market.fullCloseHealth ? d : cf * d;
      let seize = repay * (1 + b);
      if (seize >= value) {
        seize = value;
        repay = value >= d ? d : value / (1 + b);
      }
      const bypass = health < market.rateLimitBypassHealth;
      const limit = bypass ? room : Math.min(room, rateRoom);
      if (seize > limit) {
        if (limit <= 0) continue;
        repay *= limit / seize;
        seize = limit;
      }
      if (seize * edge < gas) continue;
      room -= seize;
      if (!bypass) rateRoom -= seize;
      sold += seize;
      liquidated += seize;
      let left = d - repay;
      const leftCollateral = collateral[i]! - seize / oracle;
      collateral[i] = leftCollateral > 0 ? leftCollateral : 0;
      const backed = oracle * collateral[i]!;
      if (left > backed) {
        badDebt += left - backed; // the engine writes off what the remaining collateral no longer backs
        left = backed;
      }
      debt[i] = left;
      if (left <= 0 || collateral[i]! <= 0) closed[i] = 1;
    }
    if (sold > 0) {
      const toPool = Math.min(sold, poolRoom);
      poolBacklog += toPool;
      marketBacklog += sold - toPool;
    }
  }
  const price = Math.exp(logPrice);
  for (let i = 0; i < touched; i++) {
    if (!closed[i]) badDebt += Math.max(0, debt[i]! - price * collateral[i]!);
  }
  // Untouched accounts that the market (not the frozen oracle) left under water.
  for (let i = touched; i < n && book.use[i]! * ltv > price; i++) badDebt += (book.use[i]! * ltv - price) * book.valueUsd[i]!;
  return { badDebtUsd: badDebt, liquidatedUsd: liquidated };
}
