/**
 * The price positions see: a Chainlink-style feed that publishes the market price when it moves by the
 * deviation threshold or when the heartbeat has passed since the last round, evaluated at each step's
 * market price. While the feed is frozen (a stress scenario) it publishes nothing; once a round is older
 * than the engine's staleness allowance, every price-dependent action reverts, as PriceOracle.getPrice
 * does. Pure.
 */
export interface FeedSpec {
  heartbeatSeconds: number;
  /** Publishes when |market − last| / last ≥ this (bps). */
  deviationBps: number;
}

export interface FrozenSpan {
  /** Unix seconds; no round is published at times in [from, to). */
  from: number;
  to: number;
}

export interface OraclePath {
  /** 8-decimal answers in force at each step. */
  answer8: BigInt64Array;
  /** Unix seconds of the round in force at each step. */
  updatedAt: Float64Array;
  /** The round in force at the opening. */
  openingAnswer8: bigint;
  /** Rounds published over the path (the opening round not counted). */
  rounds: number;
}

/** 8-decimal fixed point of a USD price, as a Chainlink USD feed reports it. */
export const toAnswer8 = (usd: number): bigint => BigInt(Math.round(usd * 1e8));

/**
 * The feed over `times` (step times, unix seconds, increasing) given the market price at each step and
 * the opening round (`openingPrice` at `openingTime`).
 */
export function oraclePath(
  times: ArrayLike<number>,
  market: ArrayLike<number>,
  openingPrice: number,
  openingTime: number,
  feed: FeedSpec,
  frozen: readonly FrozenSpan[] = [],
): OraclePath {
  const n = times.length;
  const answer8 = new BigInt64Array(n);
  const updatedAt = new Float64Array(n);
  const openingAnswer8 = toAnswer8(openingPrice);
  let last = openingAnswer8;
  let lastAt = openingTime;
  let rounds = 0;
  const deviation = feed.deviationBps / 10_000;
  for (let i = 0; i < n; i++) {
    const t = times[i]!;
    const isFrozen = frozen.some((f) => t >= f.from && t < f.to);
    if (!isFrozen) {
      const price = toAnswer8(market[i]!);
      const moved = Math.abs(Number(price - last)) / Number(last) >= deviation;
      if (moved || t - lastAt >= feed.heartbeatSeconds) {
        last = price;
        lastAt = t;
        rounds++;
      }
    }
    answer8[i] = last;
    updatedAt[i] = lastAt;
  }
  return { answer8, updatedAt, openingAnswer8, rounds };
}
