/**
 * What a Chainlink feed's round history says about the feed as a risk input: how often it updates,
 * whether it kept its heartbeat, and how far the price moved between updates (the deviation the
 * consumer did not see). Pure: `bulwark feed` loads the rounds and prints this.
 *
 * A Chainlink feed publishes a round when the price deviates from the last answer by the deviation
 * threshold, or when the heartbeat elapses without one (docs.chain.link, "Deviation threshold" and
 * "Heartbeat"). A round is classed as a deviation update when its move reaches the threshold, as a
 * heartbeat update when it does not and the interval reached the heartbeat less the grace, and as
 * early otherwise (a round published below both triggers: another trigger, such as an aggregator change).
 */
import type { ChainlinkRounds } from "../data/chainlink.js";
import { quantile } from "./tails.js";

export interface FeedSummaryOptions {
  /** The feed's documented heartbeat, seconds (ETH/USD on mainnet: 3,600). */
  heartbeatSeconds: number;
  /** The feed's documented deviation threshold, bps (ETH/USD on mainnet: 50). */
  deviationBps: number;
  /** Lateness tolerated past the heartbeat before an interval counts as overdue, seconds (block inclusion). */
  graceSeconds: number;
}

export interface FeedSummary {
  rounds: number;
  /** Distinct Chainlink phases (round_id >> 64): a new aggregator starts a new phase. */
  phases: number[];
  firstUpdatedAt: number;
  lastUpdatedAt: number;
  spanSeconds: number;
  decimals: number;
  price: { first: number; last: number; min: number; max: number };
  /** Seconds between consecutive rounds' updatedAt. */
  intervals: { medianSeconds: number; p95Seconds: number; maxSeconds: number; maxEndsAt: number };
  heartbeat: {
    seconds: number;
    graceSeconds: number;
    /** Intervals longer than heartbeat + grace: the feed was late. */
    overdue: number;
    overdueShare: number;
  };
  /** |Δ price| / previous price between consecutive rounds, bps. */
  deviation: { thresholdBps: number; medianBps: number; p95Bps: number; maxBps: number; maxAt: number };
  /** Each round after the first, by what triggered it. */
  updates: { deviation: number; heartbeat: number; early: number };
}

export function summarizeFeed(rounds: ChainlinkRounds, options: FeedSummaryOptions): FeedSummary {
  const n = rounds.price.length;
  if (n < 2) throw new RangeError(`${rounds.file}: a feed summary needs at least 2 rounds, got ${n}`);
  for (const [name, value] of Object.entries(options)) {
    if (!(Number.isFinite(value) && value >= 0)) throw new RangeError(`summarizeFeed: ${name} must be a non-negative number, got ${value}`);
  }
  if (options.heartbeatSeconds === 0 || options.deviationBps === 0) throw new RangeError("summarizeFeed: the heartbeat and the deviation threshold must be positive");
  const intervals = new Float64Array(n - 1);
  const moves = new Float64Array(n - 1);
  let maxInterval = 0;
  let maxIntervalEnd = rounds.updatedAt[1]!;
  let maxMove = 0;
  let maxMoveAt = rounds.updatedAt[1]!;
  let overdue = 0;
  const updates = { deviation: 0, heartbeat: 0, early: 0 };
  let min = rounds.price[0]!;
  let max = min;
  for (let i = 1; i < n; i++) {
    const dt = rounds.updatedAt[i]! - rounds.updatedAt[i - 1]!;
    const move = (Math.abs(rounds.price[i]! - rounds.price[i - 1]!) / rounds.price[i - 1]!) * 10_000;
    intervals[i - 1] = dt;
    moves[i - 1] = move;
    if (dt > maxInterval) [maxInterval, maxIntervalEnd] = [dt, rounds.updatedAt[i]!];
    if (move > maxMove) [maxMove, maxMoveAt] = [move, rounds.updatedAt[i]!];
    if (dt > options.heartbeatSeconds + options.graceSeconds) overdue++;
    if (move >= options.deviationBps) updates.deviation++;
    else if (dt >= options.heartbeatSeconds - options.graceSeconds) updates.heartbeat++;
    else updates.early++;
    min = Math.min(min, rounds.price[i]!);
    max = Math.max(max, rounds.price[i]!);
  }
  const sortedIntervals = intervals.slice().sort();
  const sortedMoves = moves.slice().sort();
  const phases = [...new Set(rounds.roundId.map((id) => Number(id >> 64n)))].sort((a, b) => a - b);
  return {
    rounds: n,
    phases,
    firstUpdatedAt: rounds.updatedAt[0]!,
    lastUpdatedAt: rounds.updatedAt[n - 1]!,
    spanSeconds: rounds.updatedAt[n - 1]! - rounds.updatedAt[0]!,
    decimals: rounds.decimals,
    price: { first: rounds.price[0]!, last: rounds.price[n - 1]!, min, max },
    intervals: { medianSeconds: quantile(sortedIntervals, 0.5), p95Seconds: quantile(sortedIntervals, 0.95), maxSeconds: maxInterval, maxEndsAt: maxIntervalEnd },
    heartbeat: { seconds: options.heartbeatSeconds, graceSeconds: options.graceSeconds, overdue, overdueShare: overdue / (n - 1) },
    deviation: { thresholdBps: options.deviationBps, medianBps: quantile(sortedMoves, 0.5), p95Bps: quantile(sortedMoves, 0.95), maxBps: maxMove, maxAt: maxMoveAt },
    updates,
  };
}
