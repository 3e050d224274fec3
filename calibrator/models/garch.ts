/**
 * GARCH(1,1) with a constant mean and Gaussian innovations, fitted by maximum likelihood
 * (methods.md §1, following `arch`): ε_t = r_t − μ, σ²_t = ω + αε²_{t−1} + βσ²_{t−1}, with ε²_0 and
 * σ²_0 set to the backcast. Returns are rescaled by a power of 10 for the optimiser; parameters,
 * variances and the log-likelihood are reported on the original scale.
 */
import gammaln from "@stdlib/math-base-special-gammaln";
import { minimizeBfgs } from "./optimize.js";
import { excessKurtosis } from "./tails.js";
import { backcast, sampleMoments } from "./volatility.js";

export interface GarchParams {
  mu: number;
  omega: number;
  alpha: number;
  beta: number;
  /** Degrees of freedom of standardised Student-t innovations (> 2); absent for Gaussian. */
  nu?: number;
}

export interface GarchFit {
  params: GarchParams;
  distribution: "normal" | "student-t";
  /** Full log-likelihood including constants, on the original scale of the returns. */
  logLikelihood: number;
  /** σ²_t for each return (original scale). */
  conditionalVariances: Float64Array;
  /** One-period-ahead variance after the last return. */
  sigma2Next: number;
  persistence: number;
  varianceTargeting: boolean;
  /** The power of 10 the returns were multiplied by for the fit. */
  scale: number;
  iterations: number;
  converged: boolean;
}

export interface GarchOptions {
  /** Engle–Mezrich variance targeting: ω = s²(1 − α − β) with the sample variance s². */
  varianceTargeting?: boolean;
  /** Innovation distribution (methods.md §1); Gaussian by default. */
  distribution?: "normal" | "student-t";
}

const LN_2PI = Math.log(2 * Math.PI);
/** Persistence is kept strictly below 1 (covariance stationarity). */
const MAX_PERSISTENCE = 1 - 1e-7;

/**
 * Log-likelihood and its gradient in (μ, ω, α, β) for returns `x`, by the recursion of ∂σ²_t.
 * Gaussian innovations, or standardised Student-t ones when `p.nu` is set (unit variance, ν > 2):
 * ℓ_t = lnΓ((ν+1)/2) − lnΓ(ν/2) − ½ln(π(ν−2)σ²_t) − ((ν+1)/2)·ln(1 + ε²_t/(σ²_t(ν−2))).
 * ν's own derivative is left to the caller (numerical). `variances`, when given, receives σ²_t.
 */
export function garchLogLikelihood(
  x: ArrayLike<number>,
  p: GarchParams,
  backcastValue: number,
  variances?: Float64Array,
): { value: number; gradient: [number, number, number, number]; sigma2Next: number } {
  const { mu, omega, alpha, beta } = p;
  const nu = p.nu;
  const studentT = nu !== undefined;
  if (studentT && !(nu > 2)) return { value: -Infinity, gradient: [0, 0, 0, 0], sigma2Next: NaN };
  const tConstant = studentT ? gammaln((nu + 1) / 2) - gammaln(nu / 2) - 0.5 * Math.log(Math.PI * (nu - 2)) : 0;
  let h = omega + (alpha + beta) * backcastValue;
  let dMu = 0;
  let dOmega = 1;
  let dAlpha = backcastValue;
  let dBeta = backcastValue;
  let value = 0;
  let gMu = 0;
  let gOmega = 0;
  let gAlpha = 0;
  let gBeta = 0;
  for (let t = 0; t < x.length; t++) {
    if (!(h > 0)) return { value: -Infinity, gradient: [0, 0, 0, 0], sigma2Next: NaN };
    if (variances) variances[t] = h;
    const e = x[t]! - mu;
    const e2 = e * e;
    let dLdh: number; // ∂ℓ_t/∂σ²_t
    let dLde: number; // ∂ℓ_t/∂ε_t
    if (studentT) {
      const q = e2 / (h * (nu - 2));
      value += tConstant - 0.5 * Math.log(h) - ((nu + 1) / 2) * Math.log1p(q);
      dLdh = -0.5 / h + ((nu + 1) * q) / (2 * h * (1 + q));
      dLde = -((nu + 1) * e) / (h * (nu - 2) * (1 + q));
    } else {
      value -= 0.5 * (LN_2PI + Math.log(h) + e2 / h);
      dLdh = -0.5 * (1 / h - e2 / (h * h));
      dLde = -e / h;
    }
    gMu += dLdh * dMu - dLde; // ∂ε_t/∂μ = −1
    gOmega += dLdh * dOmega;
    gAlpha += dLdh * dAlpha;
    gBeta += dLdh * dBeta;
    const nextDMu = -2 * alpha * e + beta * dMu;
    dOmega = 1 + beta * dOmega;
    dAlpha = e2 + beta * dAlpha;
    dBeta = h + beta * dBeta;
    dMu = nextDMu;
    h = omega + alpha * e2 + beta * h;
  }
  return { value, gradient: [gMu, gOmega, gAlpha, gBeta], sigma2Next: h };
}

/** ν = 2 + NU_FLOOR + e^u keeps the variance of the innovations finite. */
const NU_FLOOR = 0.05;

const logistic = (u: number) => 1 / (1 + Math.exp(-u));
const logit = (p: number) => Math.log(p / (1 - p));

/** Unconstrained coordinates: (μ, ln ω, logit(persistence), logit(α / persistence)). */
function fromUnconstrained(u: ArrayLike<number>, targetVariance: number | undefined, studentT: boolean): GarchParams {
  const i = targetVariance === undefined ? 1 : 0;
  const persistence = MAX_PERSISTENCE * logistic(u[i + 1]!);
  const alpha = persistence * logistic(u[i + 2]!);
  const omega = targetVariance === undefined ? Math.exp(u[1]!) : targetVariance * (1 - persistence);
  const p: GarchParams = { mu: u[0]!, omega, alpha, beta: persistence - alpha };
  if (studentT) p.nu = 2 + NU_FLOOR + Math.exp(u[i + 3]!);
  return p;
}

function toUnconstrained(p: GarchParams, varianceTargeting: boolean): number[] {
  const persistence = p.alpha + p.beta;
  const core = [logit(persistence / MAX_PERSISTENCE), logit(p.alpha / persistence)];
  const u = varianceTargeting ? [p.mu, ...core] : [p.mu, Math.log(p.omega), ...core];
  if (p.nu !== undefined) u.push(Math.log(p.nu - 2 - NU_FLOOR));
  return u;
}

/** Scale factor 10^k that brings the sample variance into [1, 10^4) (arch rescales similarly). */
function chooseScale(variance: number): number {
  let scale = 1;
  while (variance * scale * scale < 1) scale *= 10;
  while (variance * scale * scale >= 1e4) scale /= 10;
  return scale;
}

export function fitGarch(returns: ArrayLike<number>, options: GarchOptions = {}): GarchFit {
  const n = returns.length;
  if (n < 10) throw new RangeError(`GARCH needs at least 10 returns, got ${n}`);
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(returns[i]!)) throw new RangeError(`return ${i} is not finite`);
  }
  const moments = sampleMoments(returns);
  if (!(moments.variance > 0)) throw new RangeError(`GARCH needs returns that vary; all ${n} have the same value`);
  const scale = chooseScale(moments.variance);
  const x = Float64Array.from(returns, (r) => r * scale);
  const mean = moments.mean * scale;
  const variance = moments.variance * scale * scale;
  const bc = backcast(Float64Array.from(x, (v) => v - mean));
  const targeting = options.varianceTargeting === true;
  const target = targeting ? variance : undefined;

  const studentT = options.distribution === "student-t";
  const logLikelihood = garchLogLikelihood;
  // methods.md: ν₀ = max((4k − 6)/(k − 3), 4) when the kurtosis k exceeds 3.75, else 12.
  const kurtosis = excessKurtosis(x) + 3;
  const nu0 = kurtosis > 3.75 ? Math.max((4 * kurtosis - 6) / (kurtosis - 3), 4) : 12;

  // Starting values: the arch grid, keeping the point with the highest log-likelihood.
  let best: GarchParams | undefined;
  let bestValue = -Infinity;
  for (const alpha of [0.01, 0.05, 0.1, 0.2]) {
    for (const persistence of [0.5, 0.7, 0.9, 0.98]) {
      const start: GarchParams = { mu: mean, omega: variance * (1 - persistence), alpha, beta: persistence - alpha };
      if (studentT) start.nu = nu0;
      const { value } = logLikelihood(x, start, bc);
      if (value > bestValue) {
        bestValue = value;
        best = start;
      }
    }
  }

  // Minimise −ℓ/n in unconstrained coordinates, with the chain rule through the transform.
  const objective = (u: Float64Array) => {
    const p = fromUnconstrained(u, target, studentT);
    const { value, gradient } = logLikelihood(x, p, bc);
    const [gMu, gOmega, gAlpha, gBeta] = gradient;
    const i = targeting ? 0 : 1;
    const persistence = p.alpha + p.beta;
    const sP = logistic(u[i + 1]!);
    const sA = logistic(u[i + 2]!);
    const dPersistence = MAX_PERSISTENCE * sP * (1 - sP); // ∂persistence/∂u_p
    // α = P·sA, β = P·(1 − sA): derivatives through P and through sA.
    const gP = gAlpha * sA + gBeta * (1 - sA) + (targeting ? -gOmega * (target as number) : 0);
    const gA = (gAlpha - gBeta) * persistence * sA * (1 - sA);
    const grad = targeting ? [gMu, gP * dPersistence, gA] : [gMu, gOmega * p.omega, gP * dPersistence, gA];
    if (studentT) {
      // ∂ℓ/∂u_ν by a central difference (lnΓ's derivative is not needed anywhere else).
      const h = 1e-5;
      const up = Float64Array.from(u);
      const down = Float64Array.from(u);
      up[i + 3] = up[i + 3]! + h;
      down[i + 3] = down[i + 3]! - h;
      grad.push(
        (logLikelihood(x, fromUnconstrained(up, target, true), bc).value -
          logLikelihood(x, fromUnconstrained(down, target, true), bc).value) /
          (2 * h),
      );
    }
    return { value: -value / n, gradient: Float64Array.from(grad, (g) => -g / n) };
  };
  const result = minimizeBfgs(objective, toUnconstrained(best!, targeting), { maxIterations: 1_000, gradientTolerance: 1e-9 });
  const fitted = fromUnconstrained(result.x, target, studentT);
  const variances = new Float64Array(n);
  const { value, sigma2Next } = logLikelihood(x, fitted, bc, variances);
  const s2 = scale * scale;
  for (let i = 0; i < n; i++) variances[i] = variances[i]! / s2;
  const params: GarchParams = { mu: fitted.mu / scale, omega: fitted.omega / s2, alpha: fitted.alpha, beta: fitted.beta };
  if (studentT) params.nu = fitted.nu!;
  return {
    params,
    distribution: studentT ? "student-t" : "normal",
    logLikelihood: value + n * Math.log(scale),
    conditionalVariances: variances,
    sigma2Next: sigma2Next / s2,
    persistence: fitted.alpha + fitted.beta,
    varianceTargeting: targeting,
    scale,
    iterations: result.iterations,
    converged: result.converged,
  };
}

/** The unconditional variance ω/(1 − α − β) (finite only when persistence < 1). */
export function unconditionalVariance(p: GarchParams): number {
  return p.omega / (1 - p.alpha - p.beta);
}

/** σ²_{t+h|t} = σ̄² + (α+β)^{h−1}(σ²_{t+1|t} − σ̄²), h ≥ 1. */
export function forecastVariance(p: GarchParams, sigma2Next: number, h: number): number {
  const phi = p.alpha + p.beta;
  const bar = unconditionalVariance(p);
  return bar + phi ** (h - 1) * (sigma2Next - bar);
}

/**
 * Variance of the sum of the next H returns: Σ_{h=1}^{H} σ²_{t+h|t}
 * = Hσ̄² + (σ²_{t+1|t} − σ̄²)(1 − φ^H)/(1 − φ), φ = α + β < 1 (not √H scaling).
 */
export function horizonVariance(p: GarchParams, sigma2Next: number, horizon: number): number {
  if (!Number.isInteger(horizon) || horizon < 1) throw new RangeError(`horizon must be a positive integer, got ${horizon}`);
  const phi = p.alpha + p.beta;
  const bar = unconditionalVariance(p);
  return horizon * bar + ((sigma2Next - bar) * (1 - phi ** horizon)) / (1 - phi);
}
