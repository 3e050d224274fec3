/**
 * Value at risk and expected shortfall of log returns, and VaR backtests (methods.md §3).
 * Losses are positive fractions: VaR 0.05 means a 5% log-return loss. Pure functions.
 */
import chisquareCdf from "@stdlib/stats-base-dists-chisquare-cdf";
import normalQuantile from "@stdlib/stats-base-dists-normal-quantile";
import tPdf from "@stdlib/stats-base-dists-t-pdf";
import tQuantile from "@stdlib/stats-base-dists-t-quantile";

export interface VarEs {
  var: number;
  es: number;
}

function checkConfidence(confidence: number): void {
  if (!(confidence > 0 && confidence < 1)) throw new RangeError(`confidence must lie in (0, 1), got ${confidence}`);
}

/** Empirical quantile with linear interpolation between order statistics (numpy's default). */
export function quantile(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) throw new RangeError("quantile of an empty sample");
  const pos = q * (n - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, n - 1);
  return sorted[lo]! + (pos - lo) * (sorted[hi]! - sorted[lo]!);
}

/** Sums of `horizon` consecutive returns, overlapping (the historical H-period returns). */
export function overlappingSums(returns: ArrayLike<number>, horizon: number): Float64Array {
  if (!Number.isInteger(horizon) || horizon < 1) throw new RangeError(`horizon must be a positive integer, got ${horizon}`);
  const n = returns.length - horizon + 1;
  if (n < 1) throw new RangeError(`need at least ${horizon} returns for a ${horizon}-period horizon`);
  const out = new Float64Array(n);
  let window = 0;
  for (let i = 0; i < returns.length; i++) {
    window += returns[i]!;
    if (i >= horizon) window -= returns[i - horizon]!;
    if (i >= horizon - 1) out[i - horizon + 1] = window;
  }
  return out;
}

/** Historical: VaR = −Q_{1−α}(r); ES = −mean of the returns at or below −VaR. */
export function historicalVarEs(returns: ArrayLike<number>, confidence: number, horizon = 1): VarEs {
  checkConfidence(confidence);
  const sample = horizon === 1 ? Float64Array.from(returns) : overlappingSums(returns, horizon);
  sample.sort();
  const threshold = quantile(sample, 1 - confidence);
  let sum = 0;
  let count = 0;
  for (const r of sample) {
    if (r > threshold) break;
    sum += r;
    count++;
  }
  return { var: -threshold, es: -sum / count };
}

/** Normal with mean μ and standard deviation σ (of the horizon return). */
export function normalVarEs(mu: number, sigma: number, confidence: number): VarEs {
  checkConfidence(confidence);
  const z = normalQuantile(confidence, 0, 1);
  const density = Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI);
  return { var: -mu + sigma * z, es: -mu + (sigma * density) / (1 - confidence) };
}

/** Student-t with ν > 2 degrees of freedom, scaled to unit variance, then by σ (methods.md §3). */
export function studentTVarEs(mu: number, sigma: number, nu: number, confidence: number): VarEs {
  checkConfidence(confidence);
  if (!(nu > 2)) throw new RangeError(`Student-t needs nu > 2 for a finite variance, got ${nu}`);
  const q = tQuantile(confidence, nu);
  const unit = Math.sqrt((nu - 2) / nu);
  const esFactor = (tPdf(q, nu) / (1 - confidence)) * ((nu + q * q) / (nu - 1));
  return { var: -mu + sigma * unit * q, es: -mu + sigma * unit * esFactor };
}

export interface LikelihoodRatio {
  lr: number;
  pValue: number;
  /** The test does not reject at 5%. */
  pass: boolean;
}

const xlogy = (x: number, y: number) => (x === 0 ? 0 : x * Math.log(y));

/** Kupiec proportion-of-failures test: `exceptions` VaR breaches in `n` periods at breach rate p = 1 − α. */
export function kupiec(exceptions: number, n: number, confidence: number): LikelihoodRatio {
  checkConfidence(confidence);
  if (!(Number.isInteger(exceptions) && Number.isInteger(n) && n > 0 && exceptions >= 0 && exceptions <= n)) {
    throw new RangeError(`need integers 0 <= exceptions <= n, n > 0; got ${exceptions} of ${n}`);
  }
  const p = 1 - confidence;
  const observed = exceptions / n;
  const lr = -2 * (xlogy(n - exceptions, 1 - p) + xlogy(exceptions, p)) + 2 * (xlogy(n - exceptions, 1 - observed) + xlogy(exceptions, observed));
  const pValue = 1 - chisquareCdf(lr, 1);
  return { lr, pValue, pass: pValue > 0.05 };
}

/** Christoffersen's independence test on the breach indicators I_t (1 = loss above VaR). */
export function christoffersen(indicators: ArrayLike<number>): LikelihoodRatio {
  let n00 = 0;
  let n01 = 0;
  let n10 = 0;
  let n11 = 0;
  for (let t = 1; t < indicators.length; t++) {
    const prev = indicators[t - 1]!;
    const cur = indicators[t]!;
    if (prev === 0 && cur === 0) n00++;
    else if (prev === 0) n01++;
    else if (cur === 0) n10++;
    else n11++;
  }
  const pi01 = n01 / Math.max(n00 + n01, 1);
  const pi11 = n11 / Math.max(n10 + n11, 1);
  const pi = (n01 + n11) / Math.max(n00 + n01 + n10 + n11, 1);
  const restricted = xlogy(n00 + n10, 1 - pi) + xlogy(n01 + n11, pi);
  const unrestricted = xlogy(n00, 1 - pi01) + xlogy(n01, pi01) + xlogy(n10, 1 - pi11) + xlogy(n11, pi11);
  const lr = Math.max(0, -2 * (restricted - unrestricted));
  const pValue = 1 - chisquareCdf(lr, 1);
  return { lr, pValue, pass: pValue > 0.05 };
}

/** Sample excess kurtosis (moment estimator). */
export function excessKurtosis(x: ArrayLike<number>): number {
  const n = x.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += x[i]!;
  mean /= n;
  let m2 = 0;
  let m4 = 0;
  for (let i = 0; i < n; i++) {
    const d = (x[i]! - mean) ** 2;
    m2 += d;
    m4 += d * d;
  }
  m2 /= n;
  m4 /= n;
  return m4 / (m2 * m2) - 3;
}

/** Degrees of freedom matching the sample kurtosis: excess kurtosis of a t is 6/(ν − 4) for ν > 4. */
export function studentTDofFromKurtosis(x: ArrayLike<number>): number {
  const k = excessKurtosis(x);
  return k > 0 ? 4 + 6 / k : 1_000; // no excess kurtosis: effectively normal
}
