/** Range-based variance estimators from OHLC candles (methods.md §1), per period. */

export interface Ohlc {
  open: ArrayLike<number>;
  high: ArrayLike<number>;
  low: ArrayLike<number>;
  close: ArrayLike<number>;
}

function count(c: Ohlc): number {
  const n = c.close.length;
  if (n < 2) throw new RangeError(`need at least 2 candles, got ${n}`);
  return n;
}

/** Parkinson: (1/(4n ln 2)) Σ (ln H/L)². */
export function parkinsonVariance(c: Ohlc): number {
  const n = count(c);
  let s = 0;
  for (let i = 0; i < n; i++) s += Math.log(c.high[i]! / c.low[i]!) ** 2;
  return s / (4 * n * Math.LN2);
}

/** Garman–Klass: (1/n) Σ [½(ln H/L)² − (2 ln 2 − 1)(ln C/O)²]. */
export function garmanKlassVariance(c: Ohlc): number {
  const n = count(c);
  let s = 0;
  for (let i = 0; i < n; i++) {
    s += 0.5 * Math.log(c.high[i]! / c.low[i]!) ** 2 - (2 * Math.LN2 - 1) * Math.log(c.close[i]! / c.open[i]!) ** 2;
  }
  return s / n;
}

/** Rogers–Satchell: (1/n) Σ [ln(H/C)·ln(H/O) + ln(L/C)·ln(L/O)]. */
export function rogersSatchellVariance(c: Ohlc): number {
  const n = count(c);
  let s = 0;
  for (let i = 0; i < n; i++) {
    const h = c.high[i]!;
    const l = c.low[i]!;
    s += Math.log(h / c.close[i]!) * Math.log(h / c.open[i]!) + Math.log(l / c.close[i]!) * Math.log(l / c.open[i]!);
  }
  return s / n;
}

/**
 * Yang–Zhang: σ²_o + kσ²_c + (1−k)σ²_RS with k = 0.34/(1.34 + (n+1)/(n−1)); σ²_o is the sample
 * variance of the overnight (open vs previous close) log returns, σ²_c of open-to-close returns,
 * over the n − 1 candles that have a previous close.
 */
export function yangZhangVariance(c: Ohlc): number {
  const n = count(c) - 1;
  if (n < 2) throw new RangeError("Yang–Zhang needs at least 3 candles");
  const overnight = new Float64Array(n);
  const openClose = new Float64Array(n);
  let rs = 0;
  for (let i = 1; i <= n; i++) {
    overnight[i - 1] = Math.log(c.open[i]! / c.close[i - 1]!);
    openClose[i - 1] = Math.log(c.close[i]! / c.open[i]!);
    const h = c.high[i]!;
    const l = c.low[i]!;
    rs += Math.log(h / c.close[i]!) * Math.log(h / c.open[i]!) + Math.log(l / c.close[i]!) * Math.log(l / c.open[i]!);
  }
  const variance = (x: Float64Array) => {
    let m = 0;
    for (const v of x) m += v;
    m /= x.length;
    let s = 0;
    for (const v of x) s += (v - m) ** 2;
    return s / (x.length - 1);
  };
  const k = 0.34 / (1.34 + (n + 1) / (n - 1));
  return variance(overnight) + k * variance(openClose) + (1 - k) * (rs / n);
}
