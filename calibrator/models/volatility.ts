/**
 * Volatility estimators on returns (methods.md §1). Pure functions; variances are per period.
 */

export interface SampleMoments {
  n: number;
  mean: number;
  /** Unbiased sample variance (n − 1 denominator). */
  variance: number;
}

export function sampleMoments(x: ArrayLike<number>): SampleMoments {
  const n = x.length;
  if (n < 2) throw new RangeError(`need at least 2 observations, got ${n}`);
  let mean = 0;
  for (let i = 0; i < n; i++) mean += x[i]!;
  mean /= n;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (x[i]! - mean) ** 2;
  return { n, mean, variance: ss / (n - 1) };
}

/** Close-to-close historical volatility per period: the sample standard deviation. */
export function historicalVolatility(returns: ArrayLike<number>): number {
  return Math.sqrt(sampleMoments(returns).variance);
}

/** σ·√N: periods per year N = 365 for daily crypto data, 8,760 for hourly. */
export function annualize(sigmaPerPeriod: number, periodsPerYear: number): number {
  return sigmaPerPeriod * Math.sqrt(periodsPerYear);
}

/**
 * The backcast `arch` seeds variance recursions with: Σ w_i x_i² over the first τ = min(75, n)
 * observations, weights w_i ∝ 0.94^i normalised to 1.
 */
export function backcast(x: ArrayLike<number>): number {
  const tau = Math.min(75, x.length);
  let weighted = 0;
  let total = 0;
  for (let i = 0; i < tau; i++) {
    const w = 0.94 ** i;
    weighted += w * x[i]! ** 2;
    total += w;
  }
  return weighted / total;
}

export interface EwmaResult {
  lambda: number;
  /** σ²_t for t = 1..n (the variance in force for each return, before seeing it). */
  variances: Float64Array;
  /** The one-period-ahead forecast after the last return. */
  sigma2Next: number;
}

/**
 * RiskMetrics EWMA (zero mean): σ²_t = λσ²_{t−1} + (1−λ)r²_{t−1}, seeded with the backcast as
 * σ²_0 and r²_0 (as `arch`'s EWMAVariance does), so σ²_1 = backcast.
 */
export function ewma(returns: ArrayLike<number>, lambda = 0.94): EwmaResult {
  if (!(lambda > 0 && lambda < 1)) throw new RangeError(`lambda must lie in (0, 1), got ${lambda}`);
  const n = returns.length;
  if (n < 1) throw new RangeError("need at least one return");
  const variances = new Float64Array(n);
  let s2 = backcast(returns);
  for (let t = 0; t < n; t++) {
    variances[t] = s2;
    s2 = lambda * s2 + (1 - lambda) * returns[t]! ** 2;
  }
  return { lambda, variances, sigma2Next: s2 };
}
