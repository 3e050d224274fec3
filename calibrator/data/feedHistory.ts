/**
 * A Chainlink feed's round history (read on-chain by the keeper) as an hourly candle series the
 * calibrator can fit: each candle closes at the last answer published before its end. Pure.
 */
import type { CandleSeries } from "./candles.js";
import { DataError } from "./errors.js";

export interface FeedRound {
  roundId: bigint;
  /** Answer scaled by 10^decimals. */
  answer: bigint;
  updatedAt: number;
}

/**
 * Rounds (any order) → candles of `intervalSeconds`, from the first full interval after the first
 * round to the last interval that has begun. Intervals with no new round carry the previous answer
 * (that is what a consumer of the feed saw). Rejects non-positive answers and repeated round ids.
 */
export function candlesFromRounds(source: string, rounds: readonly FeedRound[], decimals: number, intervalSeconds = 3_600): CandleSeries {
  if (rounds.length < 2) throw new DataError(source, undefined, "rounds", `need at least 2 rounds, got ${rounds.length}`);
  const sorted = [...rounds].sort((a, b) => (a.roundId < b.roundId ? -1 : a.roundId > b.roundId ? 1 : 0));
  for (let i = 0; i < sorted.length; i++) {
    const r = sorted[i]!;
    if (r.answer <= 0n) throw new DataError(source, undefined, `round ${r.roundId}`, `answer must be positive, got ${r.answer}`);
    if (i > 0 && r.roundId === sorted[i - 1]!.roundId) throw new DataError(source, undefined, `round ${r.roundId}`, "repeated");
    if (i > 0 && r.updatedAt < sorted[i - 1]!.updatedAt) {
      throw new DataError(source, undefined, `round ${r.roundId}`, `updatedAt ${r.updatedAt} is before the previous round's ${sorted[i - 1]!.updatedAt}`);
    }
  }
  const scale = 10 ** decimals;
  const first = Math.ceil(sorted[0]!.updatedAt / intervalSeconds) * intervalSeconds;
  const last = Math.floor(sorted.at(-1)!.updatedAt / intervalSeconds) * intervalSeconds;
  const n = Math.max(0, (last - first) / intervalSeconds + 1);
  if (n < 2) throw new DataError(source, undefined, "rounds", `the rounds span less than two ${intervalSeconds}-second intervals`);
  const time = new Float64Array(n);
  const open = new Float64Array(n);
  const high = new Float64Array(n);
  const low = new Float64Array(n);
  const close = new Float64Array(n);
  let j = 0;
  let price = Number(sorted[0]!.answer) / scale;
  // The answer in force when the first interval opens.
  while (j < sorted.length && sorted[j]!.updatedAt < first) price = Number(sorted[j++]!.answer) / scale;
  for (let i = 0; i < n; i++) {
    const start = first + i * intervalSeconds;
    const end = start + intervalSeconds;
    open[i] = price;
    let hi = price;
    let lo = price;
    while (j < sorted.length && sorted[j]!.updatedAt < end) {
      price = Number(sorted[j++]!.answer) / scale;
      hi = Math.max(hi, price);
      lo = Math.min(lo, price);
    }
    time[i] = start;
    high[i] = hi;
    low[i] = lo;
    close[i] = price;
  }
  return { file: source, time, open, high, low, close, intervalSeconds, gaps: [] };
}
