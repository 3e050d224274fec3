/**
 * The living book of a backtest: borrowers are not frozen after the opening.
 * - Re-levering: every account checks its position at seeded exponential intervals (mean
 *   `releverEveryDays`) and borrows back up to its target use of the borrow limit at the live LTV, when
 *   that adds at least `releverBand` of the target (nobody tops up for pennies).
 * - Repaying as health falls: a seeded `attentiveShare` of accounts repay down to their target use once
 *   their health falls below `repayHealth`.
 * - Departures: at each check, an account leaves (repays its whole debt and withdraws its collateral)
 *   with probability `leavePerDay` × the days since its last check, so the book turns over instead of
 *   growing without bound.
 * - Arrivals: new borrowers open positions at a Poisson rate of `arrivalsPerDay` (a fraction of the opening
 *   count per day), sized and mixed like the opening population at the step's market prices, and borrow
 *   their target use of the live borrow limit.
 * Every borrow obeys the engine's borrow check (live LTV, fresh prices, pool cash), so each policy lends
 * what its own LTV allows. Pure: the arrivals are drawn here, the actions happen in the simulator.
 */
import { Rng } from "../models/random.js";
import { drawCollateral } from "./population.js";

export interface BookRates {
  seed: number;
  releverEveryDays: number;
  releverBand: number;
  attentiveShare: number;
  repayHealth: number;
  /** Share of accounts leaving per day (set equal to the arrivals' rate for a book of steady size). */
  leavePerDay: number;
}

export interface Arrival {
  step: number;
  /** Token units per collateral asset, in asset order. */
  collateral: bigint[];
  /** Its target use of the borrow limit. */
  limitUse: number;
}

export interface BookSpec extends BookRates {
  arrivals: readonly Arrival[];
}

export interface ArrivalSpec {
  /** New accounts per day, as a fraction of `openingCount`. */
  arrivalsPerDay: number;
  openingCount: number;
  seed: number;
  minUsd: number;
  maxUsd: number;
  minLimitUse: number;
  maxLimitUse: number;
}

/** One borrower action of the living book, in the order the simulator took them within a step. */
export interface BookAction {
  step: number;
  account: number;
  kind: "open" | "borrow" | "repay" | "withdraw";
  /** Debt-asset units borrowed or repaid (0 for "open"). */
  amount: bigint;
  /** Collateral deposited ("open") or withdrawn ("withdraw", everything the account held). */
  collateral?: bigint[];
}

/** A Poisson draw (Knuth's method; rates here are well below 30 per step). */
function poisson(rng: Rng, mean: number): number {
  const limit = Math.exp(-mean);
  let k = 0;
  let p = rng.next();
  while (p > limit) {
    k++;
    p *= rng.next();
  }
  return k;
}

/** Seeded arrivals along a path: `market[i][step]` is asset i's market price at each step. */
export function drawArrivals(spec: ArrivalSpec, decimals: readonly number[], market: readonly Float64Array[]): Arrival[] {
  if (!(spec.arrivalsPerDay >= 0)) throw new RangeError("arrivalsPerDay must be non-negative");
  const rng = new Rng(spec.seed ^ 0x5bd1e995);
  const n = market[0]?.length ?? 0;
  const perStep = (spec.arrivalsPerDay * spec.openingCount) / 24;
  const arrivals: Arrival[] = [];
  for (let step = 0; step < n; step++) {
    const count = perStep > 0 ? poisson(rng, perStep) : 0;
    if (count === 0) continue;
    // The hour's market prices at 6 decimals, as 18-decimal prices.
    const prices18 = market.map((m) => BigInt(Math.round(m[step]! * 1e6)) * 10n ** 12n);
    for (let k = 0; k < count; k++) arrivals.push({ step, ...drawCollateral(rng, spec, decimals, prices18) });
  }
  return arrivals;
}
