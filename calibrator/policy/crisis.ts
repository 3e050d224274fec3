/**
 * When the calibrator calls a crisis (docs/policy.md, "Crisis behaviour"): the largest absolute hourly
 * log return of the last `lookbackHours` exceeds `moveMultiple` × the through-the-cycle hourly
 * volatility (the long-run daily σ / √24). In a crisis the keeper holds the threshold and the bonus
 * and only cuts the LTV (keeper/plan.ts, `crisis`). Pure.
 */

export interface CrisisCheck {
  crisis: boolean;
  /** The largest absolute return over the lookback (log, per candle). */
  largestMove: number;
  /** The level it is compared with: moveMultiple × through-the-cycle σ per candle. */
  trigger: number;
}

export function crisisCheck(returns: ArrayLike<number>, intervalSeconds: number, longRunDailySigma: number, moveMultiple: number, lookbackHours: number): CrisisCheck {
  if (!(moveMultiple > 0)) throw new RangeError(`moveMultiple must be positive, got ${moveMultiple}`);
  const candles = Math.max(1, Math.round((lookbackHours * 3_600) / intervalSeconds));
  let largestMove = 0;
  for (let i = Math.max(0, returns.length - candles); i < returns.length; i++) largestMove = Math.max(largestMove, Math.abs(returns[i]!));
  const trigger = moveMultiple * longRunDailySigma * Math.sqrt(intervalSeconds / 86_400);
  return { crisis: largestMove > trigger, largestMove, trigger };
}
