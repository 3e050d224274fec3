/** Log returns. Pure: arrays in, arrays out. */

/**
 * r_i = ln(p_{i+1} / p_i) for consecutive prices, skipping the returns that end at an index in
 * `breaks` (a return across a gap in the data is not a one-period return).
 */
export function logReturns(prices: ArrayLike<number>, breaks: ReadonlySet<number> = new Set()): Float64Array {
  const out = new Float64Array(Math.max(prices.length - 1, 0) - countBreaks(prices.length, breaks));
  let k = 0;
  for (let i = 1; i < prices.length; i++) {
    if (breaks.has(i)) continue;
    out[k++] = Math.log(prices[i]! / prices[i - 1]!);
  }
  return out;
}

function countBreaks(length: number, breaks: ReadonlySet<number>): number {
  let n = 0;
  for (const b of breaks) if (b >= 1 && b < length) n++;
  return n;
}
