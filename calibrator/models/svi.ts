/**
 * Raw SVI per expiry (Gatheral; Gatheral–Jacquier, arXiv:1204.0646): total variance
 * w(k) = a + b{ρ(k − m) + √((k − m)² + σ²)} at log-moneyness k = ln(K/F). Pure functions.
 */
import { minimizeNelderMead } from "./optimize.js";

export interface SviParams {
  a: number;
  b: number;
  rho: number;
  m: number;
  sigma: number;
}

export function sviTotalVariance(p: SviParams, k: number): number {
  const x = k - p.m;
  return p.a + p.b * (p.rho * x + Math.sqrt(x * x + p.sigma * p.sigma));
}

/**
 * Gatheral's g(k) = (1 − k·w′/(2w))² − (w′²/4)(1/w + ¼) + w″/2; a slice is free of butterfly
 * arbitrage iff g ≥ 0 everywhere (and w > 0).
 */
export function butterflyDensity(p: SviParams, k: number): number {
  const x = k - p.m;
  const root = Math.sqrt(x * x + p.sigma * p.sigma);
  const w = sviTotalVariance(p, k);
  const w1 = p.b * (p.rho + x / root);
  const w2 = (p.b * p.sigma * p.sigma) / (root * root * root);
  return (1 - (k * w1) / (2 * w)) ** 2 - ((w1 * w1) / 4) * (1 / w + 0.25) + w2 / 2;
}

const G_MARGIN = 1e-4;

/** A grid of log-moneyness wide enough to see the wings of a fitted range. */
export function checkGrid(kMin: number, kMax: number, points = 201): number[] {
  const lo = kMin - 0.5;
  const hi = kMax + 0.5;
  return Array.from({ length: points }, (_, i) => lo + ((hi - lo) * i) / (points - 1));
}

export function isButterflyFree(p: SviParams, grid: readonly number[]): boolean {
  return grid.every((k) => sviTotalVariance(p, k) > 0 && butterflyDensity(p, k) >= -1e-12);
}

export interface SviFit {
  params: SviParams;
  /** Root mean square error of the fitted implied volatilities against the quotes. */
  rmseIv: number;
  butterflyFree: boolean;
  /** Not below the previous (shorter) slice where both have quotes (true for the first slice). */
  calendarFree: boolean;
  kMin: number;
  kMax: number;
}

/** The previous slice a fit must stay above: its parameters and quoted log-moneyness range. */
export interface PreviousSlice {
  params: SviParams;
  kMin: number;
  kMax: number;
}

/**
 * Weighted least-squares fit of total variance, weights 1/wᵢ: since dσ ≈ dw/(2√(wT)), this is
 * (to first order) least squares in implied volatility, the metric reported. For fixed (m, σ), w is
 * linear in (a, bρ, b) and those come
 * from a 3×3 solve (the quasi-explicit method); Nelder–Mead searches (m, ln σ). Scale-free penalties
 * keep the slice inside the SVI constraints (b ≥ 0, |ρ| < 1, a + bσ√(1−ρ²) ≥ 0), free of butterfly
 * arbitrage (g ≥ 0 over the quoted range ± 0.5) and above the previous slice where both are quoted
 * (no calendar crossing; extrapolated wings are not compared).
 */
export function fitSviSlice(k: readonly number[], w: readonly number[], T: number, previous?: PreviousSlice): SviFit {
  const n = k.length;
  if (n < 5) throw new RangeError(`SVI needs at least 5 quotes, got ${n}`);
  const kMin = Math.min(...k);
  const kMax = Math.max(...k);
  const butterflyGrid = checkGrid(kMin, kMax, 81);
  const calendarGrid = previous ? overlapGrid(kMin, kMax, previous, 21) : [];
  let wMean = 0;
  for (const v of w) wMean += v;
  wMean /= n;
  const weight = w.map((v) => wMean / Math.max(v, 1e-12));
  const scale = 1 / (wMean * wMean);
  const inner = (m: number, sigma: number) => {
    // Normal equations for w ≈ a + c·x + d·√(x² + σ²), x = k − m; then b = d, ρ = c/d.
    const A = [0, 0, 0, 0, 0, 0, 0, 0, 0];
    const r = [0, 0, 0];
    for (let i = 0; i < n; i++) {
      const x = k[i]! - m;
      const f0 = 1;
      const f1 = x;
      const f2 = Math.sqrt(x * x + sigma * sigma);
      const wi = w[i]!;
      const q = weight[i]!;
      r[0]! += q * f0 * wi;
      r[1]! += q * f1 * wi;
      r[2]! += q * f2 * wi;
      A[0]! += q;
      A[1]! += q * f1;
      A[2]! += q * f2;
      A[4]! += q * f1 * f1;
      A[5]! += q * f1 * f2;
      A[8]! += q * f2 * f2;
    }
    A[3] = A[1]!;
    A[6] = A[2]!;
    A[7] = A[5]!;
    const [a, c, d] = solve3(A, r);
    return { a, b: d, rho: d !== 0 ? c / d : 0, m, sigma };
  };
  const violation = (p: SviParams) => {
    let v = 0;
    if (p.b < 0) v += p.b * p.b;
    if (Math.abs(p.rho) >= 0.999) v += (Math.abs(p.rho) - 0.999) ** 2 * wMean * wMean;
    const minW = p.a + p.b * p.sigma * Math.sqrt(Math.max(1 - p.rho * p.rho, 0));
    if (minW < 0) v += minW * minW;
    return v;
  };
  const objective = (z: Float64Array) => {
    const sigma = Math.exp(z[1]!);
    if (!(sigma > 1e-4 && sigma < 5)) return 1e10;
    const p = inner(z[0]!, sigma);
    let sse = 0;
    for (let i = 0; i < n; i++) sse += weight[i]! * (sviTotalVariance(p, k[i]!) - w[i]!) ** 2;
    let penalty = violation(p);
    for (const kk of calendarGrid) {
      const gap = sviTotalVariance(previous!.params, kk) - sviTotalVariance(p, kk);
      if (gap > 0) penalty += gap * gap;
    }
    // g is dimensionless (about 1 at the money): penalise it on its own scale, with a small margin
    // so that the final check (on a finer grid) finds g ≥ 0 too.
    let densityPenalty = 0;
    for (const kk of butterflyGrid) {
      const deficit = G_MARGIN - butterflyDensity(p, kk);
      if (!(deficit <= 0)) densityPenalty += Number.isFinite(deficit) ? deficit * deficit : 1;
    }
    return (sse / n + 1e4 * penalty) * scale + 1e3 * densityPenalty;
  };
  // Starts: m at the smile's minimum and at 0, two widths; keep the best Nelder–Mead result.
  const argMin = k[w.indexOf(Math.min(...w))]!;
  let best: { x: Float64Array; value: number } | undefined;
  for (const m0 of [argMin, 0]) {
    for (const s0 of [0.1, 0.4]) {
      const res = minimizeNelderMead(objective, [m0, Math.log(s0)], { step: [0.1, 0.5], maxIterations: 250, tolerance: 1e-12 });
      if (!best || res.value < best.value) best = res;
    }
  }
  const params = inner(best!.x[0]!, Math.exp(best!.x[1]!));
  let se = 0;
  for (let i = 0; i < n; i++) {
    const model = Math.sqrt(Math.max(sviTotalVariance(params, k[i]!), 0) / T);
    se += (model - Math.sqrt(w[i]! / T)) ** 2;
  }
  const finalCalendar = previous ? overlapGrid(kMin, kMax, previous, 201) : [];
  return {
    params,
    rmseIv: Math.sqrt(se / n),
    butterflyFree: violation(params) === 0 && isButterflyFree(params, checkGrid(kMin, kMax)),
    calendarFree: finalCalendar.every((kk) => sviTotalVariance(params, kk) >= sviTotalVariance(previous!.params, kk) * (1 - 1e-9)),
    kMin,
    kMax,
  };
}

function overlapGrid(kMin: number, kMax: number, previous: PreviousSlice, points: number): number[] {
  const lo = Math.max(kMin, previous.kMin);
  const hi = Math.min(kMax, previous.kMax);
  if (!(hi > lo)) return [];
  return Array.from({ length: points }, (_, i) => lo + ((hi - lo) * i) / (points - 1));
}

/** Solves the 3×3 system A·x = r (row-major A) by Cramer's rule. */
function solve3(A: number[], r: number[]): [number, number, number] {
  const [a, b, c, d, e, f, g, h, i] = A as [number, number, number, number, number, number, number, number, number];
  const det = a * (e * i - f * h) - b * (d * i - f * g) + c * (d * h - e * g);
  if (Math.abs(det) < 1e-300) return [0, 0, 0];
  const [r0, r1, r2] = r as [number, number, number];
  const x = (r0 * (e * i - f * h) - b * (r1 * i - f * r2) + c * (r1 * h - e * r2)) / det;
  const y = (a * (r1 * i - f * r2) - r0 * (d * i - f * g) + c * (d * r2 - r1 * g)) / det;
  const z = (a * (e * r2 - r1 * h) - b * (d * r2 - r1 * g) + r0 * (d * h - e * g)) / det;
  return [x, y, z];
}

/**
 * ATM implied volatility at horizon h (years) from the slices' ATM total variance w(0), linear in T
 * between expiries (methods.md §2): σ(h) = √(w(h)/h); flat σ before the first and after the last expiry.
 */
export function atmVolatility(slices: readonly { T: number; params: SviParams }[], h: number): number {
  if (slices.length === 0) throw new RangeError("no slices");
  if (!(h > 0)) throw new RangeError(`horizon must be positive, got ${h}`);
  const sorted = [...slices].sort((x, y) => x.T - y.T);
  const w0 = (s: { params: SviParams }) => sviTotalVariance(s.params, 0);
  const first = sorted[0]!;
  const last = sorted[sorted.length - 1]!;
  if (h <= first.T) return Math.sqrt(w0(first) / first.T);
  if (h >= last.T) return Math.sqrt(w0(last) / last.T);
  const j = sorted.findIndex((s) => s.T >= h);
  const s1 = sorted[j - 1]!;
  const s2 = sorted[j]!;
  const w = w0(s1) + ((w0(s2) - w0(s1)) * (h - s1.T)) / (s2.T - s1.T);
  return Math.sqrt(w / h);
}
