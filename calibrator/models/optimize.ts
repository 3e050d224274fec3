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

/**
 * Nelder–Mead simplex minimisation (Lagarias et al. 1998 coefficients), derivative-free: for the
 * two-parameter outer search of the SVI fit.
 */
export function minimizeNelderMead(
  f: (x: Float64Array) => number,
  x0: ArrayLike<number>,
  options: { step?: ArrayLike<number>; maxIterations?: number; tolerance?: number } = {},
): MinimizeResult {
  const n = x0.length;
  const maxIterations = options.maxIterations ?? 400;
  const tol = options.tolerance ?? 1e-12;
  let simplex: { x: Float64Array; v: number }[] = [];
  const start = Float64Array.from(x0);
  simplex.push({ x: start, v: f(start) });
  for (let i = 0; i < n; i++) {
    const x = Float64Array.from(start);
    x[i] = x[i]! + (options.step?.[i] ?? (Math.abs(x[i]!) > 1e-8 ? 0.1 * Math.abs(x[i]!) : 0.01));
    simplex.push({ x, v: f(x) });
  }
  let iter = 0;
  for (; iter < maxIterations; iter++) {
    simplex.sort((a, b) => a.v - b.v);
    const best = simplex[0]!;
    const worst = simplex[n]!;
    if (Math.abs(worst.v - best.v) <= tol * (Math.abs(best.v) + tol)) break;
    const centroid = new Float64Array(n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) centroid[j] = centroid[j]! + simplex[i]!.x[j]! / n;
    const along = (t: number) => centroid.map((c, j) => c + t * (worst.x[j]! - c));
    const reflected = along(-1);
    const fr = f(reflected);
    if (fr < best.v) {
      const expanded = along(-2);
      const fe = f(expanded);
      simplex[n] = fe < fr ? { x: expanded, v: fe } : { x: reflected, v: fr };
    } else if (fr < simplex[n - 1]!.v) {
      simplex[n] = { x: reflected, v: fr };
    } else {
      const contracted = fr < worst.v ? along(-0.5) : along(0.5);
      const fc = f(contracted);
      if (fc < Math.min(fr, worst.v)) simplex[n] = { x: contracted, v: fc };
      else {
        simplex = simplex.map((p, i) => {
          if (i === 0) return p;
          const x = p.x.map((v, j) => best.x[j]! + 0.5 * (v - best.x[j]!));
          return { x, v: f(x) };
        });
      }
    }
  }
  simplex.sort((a, b) => a.v - b.v);
  return { x: simplex[0]!.x, value: simplex[0]!.v, iterations: iter, converged: iter < maxIterations };
}
