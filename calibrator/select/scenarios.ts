/**
 * Monte Carlo stress paths for the selection by simulation (docs/policy.md, "Selection by simulation"),
 * in the manner of Gauntlet's and Chaos Labs' agent simulations. Two families of hourly paths:
 * - FHS GARCH-t: the standardised residuals of a Student-t GARCH(1,1) fitted to the calibration's own
 *   hourly returns, bootstrapped through the GARCH recursion from today's conditional variance
 *   (Barone-Adesi et al. 1999), so calm weeks stay calm and a volatile week carries its clustering on;
 * - historical crash blocks: runs of consecutive days of the asset's long daily history that start on
 *   a day in its worst `crashQuantile` of daily returns, replayed hour by hour through each day's own
 *   open, high, low and close, and only days that had closed by the calibration's data end (no
 *   look-ahead). This is where the through-the-cycle history enters the selection.
 * Each path is crossed with a stress draw: the depth divided by k, an oracle freeze, a liquidator delay.
 * Pure and seeded; the set is struct-of-arrays so it crosses to worker threads as a few typed arrays.
 */
import type { CandleSeries } from "../data/candles.js";
import type { GarchFit } from "../models/garch.js";
import { Rng } from "../models/random.js";

/** The scenarios of one asset, struct-of-arrays: scenario s, hour h at index s × hours + h. */
export interface ScenarioSet {
  hours: number;
  count: number;
  /** Hourly log returns of the market price. */
  returns: Float64Array;
  /** Daily volatility at each hour (the square-root law's σ_d): trailing 24 h for FHS, the day's range for crash blocks. */
  dailySigma: Float64Array;
  /** Pool depth and market volume are divided by this. */
  depthDivisor: Float64Array;
  /** The oracle publishes nothing in hours [freezeStart, freezeStart + freezeHours). */
  freezeStart: Int32Array;
  freezeHours: Int32Array;
  /** Hours an account must have been liquidatable before liquidators act. */
  liquidatorDelayHours: Int32Array;
  /** 0: FHS GARCH-t path, 1: historical crash block. */
  kind: Uint8Array;
}

/** The stress axes each path is crossed with (documented conventions, not fitted). */
export interface StressAxes {
  depthDivisors: readonly number[];
  /** Probability that a path carries an oracle freeze, and its length range (hours). */
  freezeProbability: number;
  freezeHours: readonly [number, number];
  liquidatorDelayHours: readonly [number, number];
}

export const DEFAULT_STRESS_AXES: StressAxes = { depthDivisors: [1, 2, 4], freezeProbability: 1 / 3, freezeHours: [1, 3], liquidatorDelayHours: [0, 3] };

export interface ScenarioSpec {
  count: number;
  hours: number;
  /** Share of the scenarios drawn from historical crash blocks (the rest are FHS GARCH-t paths). */
  crashShare: number;
  /** Crash blocks start on a day whose return is in this lower quantile of the lookback's daily returns. */
  crashQuantile: number;
  seed: number;
  axes: StressAxes;
}

export const DEFAULT_SCENARIO_SPEC: ScenarioSpec = { count: 1_000, hours: 48, crashShare: 0.25, crashQuantile: 0.05, seed: 1, axes: DEFAULT_STRESS_AXES };

/** The history a scenario set is drawn from: hourly returns with their GARCH-t fit, and daily candles. */
export interface ScenarioHistory {
  hourlyReturns: ArrayLike<number>;
  /** A Student-t GARCH(1,1) fit of `hourlyReturns` (its conditional variances standardise them). */
  garch: GarchFit;
  /** The long daily history (OHLC), every file; only days closed by `asOf` are used. */
  daily: readonly CandleSeries[];
  /** Unix seconds: the calibration's data end. */
  asOf: number;
  /** Days of daily history used (the through-the-cycle lookback). */
  lookbackDays: number;
}

const SQRT24 = Math.sqrt(24);
/** Parkinson's constant: σ² = (ln H/L)² / (4 ln 2). */
const PARKINSON = 1 / (2 * Math.sqrt(Math.LN2));

/** A day of the daily history that had closed by the data end. */
interface Day {
  open: number;
  high: number;
  low: number;
  close: number;
  /** Index of the next consecutive day in `days`, or −1. */
  next: number;
}

/** The daily candles closed in (asOf − lookback, asOf], chained to their next consecutive day. */
export function closedDays(daily: readonly CandleSeries[], asOf: number, lookbackDays: number): Day[] {
  const since = asOf - lookbackDays * 86_400;
  const days: Day[] = [];
  for (const s of daily) {
    if (s.intervalSeconds !== 86_400) throw new RangeError(`${s.file}: crash blocks need daily candles, got ${s.intervalSeconds} s`);
    let previousTime = Number.NaN;
    for (let i = 0; i < s.time.length; i++) {
      const closedAt = s.time[i]! + 86_400;
      if (closedAt <= since || closedAt > asOf) continue;
      if (s.time[i]! - previousTime === 86_400) days[days.length - 1]!.next = days.length;
      days.push({ open: s.open[i]!, high: s.high[i]!, low: s.low[i]!, close: s.close[i]!, next: -1 });
      previousTime = s.time[i]!;
    }
  }
  return days;
}

/**
 * One day as 24 hourly log returns through its open, high, low and close: a down day visits its high
 * first and its low later (an up day the other way), at seeded hours, linearly in log price between.
 */
export function dayPath(day: Pick<Day, "open" | "high" | "low" | "close">, rng: Rng, out: Float64Array, offset: number): void {
  const down = day.close < day.open;
  const first = Math.log((down ? day.high : day.low) / day.open);
  const second = Math.log((down ? day.low : day.high) / day.open);
  const last = Math.log(day.close / day.open);
  const a = rng.int(1, 8);
  const b = rng.int(a + 4, 22);
  const knots: [number, number][] = [[0, 0], [a, first], [b, second], [24, last]];
  let k = 0;
  let previous = 0;
  for (let h = 1; h <= 24; h++) {
    while (knots[k + 1]![0] < h) k++;
    const [t0, x0] = knots[k]!;
    const [t1, x1] = knots[k + 1]!;
    const level = x0 + ((x1 - x0) * (h - t0)) / (t1 - t0);
    out[offset + h - 1] = level - previous;
    previous = level;
  }
}

/** Draws the scenario set of one asset. */
export function drawScenarios(history: ScenarioHistory, spec: ScenarioSpec): ScenarioSet {
  if (!(spec.count > 0 && Number.isInteger(spec.count))) throw new RangeError(`scenario count must be a positive integer, got ${spec.count}`);
  if (!(spec.hours >= 24 && spec.hours % 24 === 0)) throw new RangeError(`scenario hours must be a positive multiple of 24, got ${spec.hours}`);
  if (!(spec.crashShare >= 0 && spec.crashShare <= 1)) throw new RangeError(`crashShare must be in [0, 1], got ${spec.crashShare}`);
  const { count, hours } = spec;
  const set: ScenarioSet = {
    hours,
    count,
    returns: new Float64Array(count * hours),
    dailySigma: new Float64Array(count * hours),
    depthDivisor: new Float64Array(count),
    freezeStart: new Int32Array(count),
    freezeHours: new Int32Array(count),
    liquidatorDelayHours: new Int32Array(count),
    kind: new Uint8Array(count),
  };
  const rng = new Rng(spec.seed);
  const crashStarts = crashStartDays(history, spec.crashQuantile);
  const crashCount = crashStarts.days.length > 0 ? Math.round(count * spec.crashShare) : 0;
  for (let s = 0; s < count; s++) {
    if (s < crashCount) {
      set.kind[s] = 1;
      crashBlock(crashStarts.days, crashStarts.starts[rng.int(0, crashStarts.starts.length - 1)]!, rng, set, s);
    } else fhsPath(history, rng, set, s);
    crossStress(spec.axes, rng, set, s);
  }
  return set;
}

function crashStartDays(history: ScenarioHistory, quantile: number): { days: Day[]; starts: number[] } {
  const days = closedDays(history.daily, history.asOf, history.lookbackDays);
  const withReturn = days.map((d, i) => ({ i, r: Math.log(d.close / d.open) }));
  if (withReturn.length === 0) return { days, starts: [] };
  const sorted = withReturn.map((d) => d.r).sort((a, b) => a - b);
  const cut = sorted[Math.max(0, Math.floor(quantile * sorted.length) - 1)]!;
  return { days, starts: withReturn.filter((d) => d.r <= cut).map((d) => d.i) };
}

/** Consecutive days from `start`; where the history ends or has a gap, the block repeats its last day's close (flat). */
function crashBlock(days: readonly Day[], start: number, rng: Rng, set: ScenarioSet, s: number): void {
  const base = s * set.hours;
  let index = start;
  for (let d = 0; d < set.hours / 24; d++) {
    const offset = base + d * 24;
    if (index < 0) {
      set.dailySigma.fill(set.dailySigma[offset - 1] ?? 0, offset, offset + 24);
      continue; // returns stay 0: the block's history ended
    }
    const day = days[index]!;
    dayPath(day, rng, set.returns, offset);
    set.dailySigma.fill(Math.log(day.high / day.low) * PARKINSON, offset, offset + 24);
    index = day.next;
  }
}

/** FHS through the GARCH recursion from today's variance; σ_d is √24 × the trailing-24 h RMS of the path. */
function fhsPath(history: ScenarioHistory, rng: Rng, set: ScenarioSet, s: number): void {
  const { mu, omega, alpha, beta } = history.garch.params;
  const x = history.hourlyReturns;
  const n = x.length;
  const variances = history.garch.conditionalVariances;
  let h = history.garch.sigma2Next;
  // The trailing 24 squared returns, seeded with the history's last day.
  const window = new Float64Array(24);
  let sumSquares = 0;
  for (let j = 0; j < 24; j++) {
    const r = x[n - 24 + j] ?? 0;
    window[j] = r * r;
    sumSquares += r * r;
  }
  const base = s * set.hours;
  for (let t = 0; t < set.hours; t++) {
    const i = Math.floor(rng.next() * n);
    const z = (x[i]! - mu) / Math.sqrt(variances[i]!);
    const e = Math.sqrt(h) * z;
    const r = mu + e;
    set.returns[base + t] = r;
    sumSquares += r * r - window[t % 24]!;
    window[t % 24] = r * r;
    set.dailySigma[base + t] = Math.sqrt(Math.max(0, sumSquares) / 24) * SQRT24;
    h = omega + alpha * e * e + beta * h;
  }
}

function crossStress(axes: StressAxes, rng: Rng, set: ScenarioSet, s: number): void {
  set.depthDivisor[s] = axes.depthDivisors[rng.int(0, axes.depthDivisors.length - 1)]!;
  if (rng.chance(axes.freezeProbability)) {
    set.freezeHours[s] = rng.int(axes.freezeHours[0], axes.freezeHours[1]);
    set.freezeStart[s] = rng.int(0, set.hours - set.freezeHours[s]!);
  }
  set.liquidatorDelayHours[s] = rng.int(axes.liquidatorDelayHours[0], axes.liquidatorDelayHours[1]);
}
