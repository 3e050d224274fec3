/**
 * BFGS minimisation with an Armijo backtracking line search (Nocedal & Wright, alg. 6.1 and 3.1).
 * Small and dense: for the 3–5 parameter likelihoods of the volatility models.
 */

export type Objective = (x: Float64Array) => { value: number; gradient: Float64Array };

export interface MinimizeResult {
  x: Float64Array;
  value: number;
  iterations: number;
  converged: boolean;
}

export function minimizeBfgs(
  f: Objective,
  x0: ArrayLike<number>,
  options: { maxIterations?: number; gradientTolerance?: number; relativeTolerance?: number } = {},
): MinimizeResult {
  const n = x0.length;
  const maxIterations = options.maxIterations ?? 500;
  const gtol = options.gradientTolerance ?? 1e-8;
  const ftol = options.relativeTolerance ?? 1e-14;
  let x = Float64Array.from(x0);
  let { value, gradient } = f(x);
  if (!Number.isFinite(value)) throw new RangeError("objective is not finite at the starting point");
  // Inverse Hessian approximation, starting from the identity.
  let H = identity(n);
  for (let iter = 0; iter < maxIterations; iter++) {
    if (maxAbs(gradient) < gtol) return { x, value, iterations: iter, converged: true };
    let direction = matVec(H, gradient).map((v) => -v);
    let slope = dot(direction, gradient);
    if (!(slope < 0)) {
      // Not a descent direction: restart from steepest descent.
      H = identity(n);
      direction = gradient.map((v) => -v);
      slope = dot(direction, gradient);
    }
    let step = 1;
    let next: { value: number; gradient: Float64Array } | undefined;
    let xNext = x;
    for (let k = 0; k < 60; k++) {
      xNext = x.map((v, i) => v + step * direction[i]!);
      const trial = f(xNext);
      if (Number.isFinite(trial.value) && trial.value <= value + 1e-4 * step * slope) {
        next = trial;
        break;
      }
      step *= 0.5;
    }
    if (!next) return { x, value, iterations: iter, converged: maxAbs(gradient) < Math.sqrt(gtol) };
    const s = xNext.map((v, i) => v - x[i]!);
    const y = next.gradient.map((v, i) => v - gradient[i]!);
    const sy = dot(s, y);
    const improvement = value - next.value;
    x = xNext;
    value = next.value;
    gradient = next.gradient;
    if (sy > 1e-12) H = bfgsUpdate(H, s, y, sy);
    if (improvement >= 0 && improvement <= ftol * Math.max(1, Math.abs(value))) {
      return { x, value, iterations: iter + 1, converged: true };
    }
  }
  return { x, value, iterations: maxIterations, converged: false };
}

function identity(n: number): Float64Array[] {
  return Array.from({ length: n }, (_, i) => Float64Array.from({ length: n }, (_, j) => (i === j ? 1 : 0)));
}

function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]!));
  return m;
}

function matVec(m: Float64Array[], v: Float64Array): Float64Array {
  return Float64Array.from(m, (row) => dot(row, v));
}

/** H' = (I − ρsyᵀ) H (I − ρysᵀ) + ρssᵀ with ρ = 1/(yᵀs). */
function bfgsUpdate(H: Float64Array[], s: Float64Array, y: Float64Array, sy: number): Float64Array[] {
  const n = s.length;
  const rho = 1 / sy;
  const Hy = matVec(H, y);
  const yHy = dot(y, Hy);
  const out: Float64Array[] = [];
  for (let i = 0; i < n; i++) {
    const row = new Float64Array(n);
    for (let j = 0; j < n; j++) {
      row[j] = H[i]![j]! - rho * (Hy[i]! * s[j]! + s[i]! * Hy[j]!) + (rho * rho * yHy + rho) * s[i]! * s[j]!;
    }
    out.push(row);
  }
  return out;
}
