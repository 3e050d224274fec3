/**
 * The through-the-cycle tail of an asset: the historical expected shortfall and volatility of its daily
 * log returns over a long lookback (EMIR RTS 153/2013 Art. 28(1)(c): margins no lower than those from a
 * 10-year lookback), using only returns that had closed by `asOf` (no look-ahead). Pure.
 */
import { historicalVarEs } from "./tails.js";

/** One daily series: candle open times (unix s) and closes; returns never span two series. */
export interface DailySeries {
  file: string;
  time: ArrayLike<number>;
  close: ArrayLike<number>;
  intervalSeconds: number;
}

export interface LongRunTail {
  /** Historical ES of the daily log-return loss at `confidence`. */
  dailyEs: number;
  /** Standard deviation of the daily log returns. */
  dailySigma: number;
  /** Daily returns used, and the close time of the first and last (unix s). */
  returns: number;
  from: number;
  to: number;
}

/** Returns needed at least: fewer cannot show a 99% tail. */
export const MIN_LONG_RUN_RETURNS = 250;

/**
 * The daily returns of `series` that closed in (asOf − lookback, asOf], in time order per series. A
 * return closes when its second candle closes (open time + interval).
 */
export function longRunTail(series: readonly DailySeries[], asOf: number, lookbackYears: number, confidence: number): LongRunTail {
  if (!(lookbackYears > 0)) throw new RangeError(`lookbackYears must be positive, got ${lookbackYears}`);
  const since = asOf - lookbackYears * 365 * 86_400;
  const returns: number[] = [];
  let from = Number.POSITIVE_INFINITY;
  let to = Number.NEGATIVE_INFINITY;
  for (const s of series) {
    if (s.intervalSeconds !== 86_400) throw new RangeError(`${s.file}: the long-run history must be daily candles, got ${s.intervalSeconds} s`);
    for (let i = 1; i < s.time.length; i++) {
      const closedAt = s.time[i]! + s.intervalSeconds;
      if (closedAt <= since || closedAt > asOf) continue;
      // Consecutive days only: a missing day would make a two-day return look like a daily one.
      if (s.time[i]! - s.time[i - 1]! !== 86_400) continue;
      returns.push(Math.log(s.close[i]! / s.close[i - 1]!));
      from = Math.min(from, closedAt);
      to = Math.max(to, closedAt);
    }
  }
  if (returns.length < MIN_LONG_RUN_RETURNS) {
    throw new RangeError(`the long-run history has ${returns.length} daily returns before ${new Date(asOf * 1000).toISOString()}; it needs ${MIN_LONG_RUN_RETURNS}`);
  }
  const mean = returns.reduce((a, b) => a + b, 0) / returns.length;
  const variance = returns.reduce((a, r) => a + (r - mean) ** 2, 0) / (returns.length - 1);
  return { dailyEs: historicalVarEs(returns, confidence).es, dailySigma: Math.sqrt(variance), returns: returns.length, from, to };
}

/**
 * A daily ES scaled to a horizon of `seconds` by the square root of time (the scaling Basel FRTB
 * applies to its base-horizon ES, MAR33.4). Conservative below a day for fat tails only in part: the
 * result is a floor under the short-horizon estimate, never a replacement for it.
 */
export function scaleDailyToHorizon(dailyValue: number, seconds: number): number {
  return dailyValue * Math.sqrt(seconds / 86_400);
}
