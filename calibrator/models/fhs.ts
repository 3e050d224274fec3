/**
 * Filtered historical simulation (Barone-Adesi et al. 1999; methods.md §3): standardise returns by
 * their fitted GARCH(1,1) volatility, bootstrap the standardised residuals through the GARCH
 * recursion for H periods, and read VaR/ES off the simulated H-period returns.
 */
import type { GarchFit } from "./garch.js";
import { Rng } from "./random.js";
import { historicalVarEs, type VarEs } from "./tails.js";

export interface FhsOptions {
  horizon: number;
  confidence: number;
  paths?: number;
  seed?: number;
}

export function filteredHistoricalSimulation(returns: ArrayLike<number>, fit: GarchFit, options: FhsOptions): VarEs & { paths: number } {
  const { mu, omega, alpha, beta } = fit.params;
  const n = returns.length;
  const z = new Float64Array(n);
  for (let t = 0; t < n; t++) z[t] = (returns[t]! - mu) / Math.sqrt(fit.conditionalVariances[t]!);
  const paths = options.paths ?? 10_000;
  const rng = new Rng(options.seed ?? 1);
  const sums = new Float64Array(paths);
  for (let p = 0; p < paths; p++) {
    let h = fit.sigma2Next;
    let sum = 0;
    for (let j = 0; j < options.horizon; j++) {
      const e = Math.sqrt(h) * z[Math.floor(rng.next() * n)]!;
      sum += mu + e;
      h = omega + alpha * e * e + beta * h;
    }
    sums[p] = sum;
  }
  return { ...historicalVarEs(sums, options.confidence), paths };
}
