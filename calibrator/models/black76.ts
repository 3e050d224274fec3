/**
 * Black-76 with zero rates (crypto venues price options on the forward): C = F·N(d₁) − K·N(d₂),
 * P = C − (F − K), and a robust implied-volatility inversion. Pure functions.
 */
import normalCdf from "@stdlib/stats-base-dists-normal-cdf";
import normalPdf from "@stdlib/stats-base-dists-normal-pdf";

export function black76Price(forward: number, strike: number, T: number, sigma: number, isCall: boolean): number {
  if (sigma <= 0 || T <= 0) return Math.max(isCall ? forward - strike : strike - forward, 0);
  const s = sigma * Math.sqrt(T);
  const d1 = (Math.log(forward / strike) + 0.5 * s * s) / s;
  const d2 = d1 - s;
  const call = forward * normalCdf(d1, 0, 1) - strike * normalCdf(d2, 0, 1);
  return isCall ? call : call - (forward - strike);
}

export function black76Vega(forward: number, strike: number, T: number, sigma: number): number {
  const s = sigma * Math.sqrt(T);
  const d1 = (Math.log(forward / strike) + 0.5 * s * s) / s;
  return forward * normalPdf(d1, 0, 1) * Math.sqrt(T);
}

export type ImpliedVol = { iv: number } | { iv: undefined; reason: string };

/**
 * The σ with black76Price(σ) = price. Prices outside the no-arbitrage bounds are refused. Newton
 * steps from Brenner–Subrahmanyam, kept inside a shrinking bracket [1e−4, 10] and replaced by
 * bisection whenever a step leaves it or vega vanishes (methods.md §2's minimum fallback), to a
 * relative price error of 1e−12.
 */
export function impliedVolatility(price: number, forward: number, strike: number, T: number, isCall: boolean): ImpliedVol {
  if (!(price >= 0 && forward > 0 && strike > 0 && T > 0)) return { iv: undefined, reason: "invalid inputs" };
  const intrinsic = Math.max(isCall ? forward - strike : strike - forward, 0);
  const upper = isCall ? forward : strike;
  if (price <= intrinsic) return { iv: undefined, reason: "price at or below intrinsic value" };
  if (price >= upper) return { iv: undefined, reason: "price at or above the no-arbitrage upper bound" };
  let lo = 1e-4;
  let hi = 10;
  const f = (s: number) => black76Price(forward, strike, T, s, isCall) - price;
  if (f(lo) > 0 || f(hi) < 0) return { iv: undefined, reason: "implied volatility outside [1e-4, 10]" };
  let sigma = Math.min(Math.max(Math.sqrt((2 * Math.PI) / T) * ((price - intrinsic / 2) / forward), 0.05), 3);
  for (let i = 0; i < 100; i++) {
    const diff = f(sigma);
    if (Math.abs(diff) <= 1e-12 * price) return { iv: sigma };
    if (diff > 0) hi = sigma;
    else lo = sigma;
    const vega = black76Vega(forward, strike, T, sigma);
    let next = vega > 1e-12 ? sigma - diff / vega : NaN;
    if (!(next > lo && next < hi)) next = 0.5 * (lo + hi);
    if (hi - lo < 1e-15) return { iv: next };
    sigma = next;
  }
  return { iv: sigma };
}
