/**
 * The price path of a backtest: aligned hourly candles of every collateral asset cut to a window, and
 * the hypothetical shocks of the stress tests applied to it. A step is one candle; its time is the
 * candle's close (open time + interval), so a step sees only prices known by then. The candle before the
 * window opens the book. Pure, apart from the candles the caller loaded.
 */
import type { CandleSeries } from "../data/candles.js";
import type { FrozenSpan } from "./oracle.js";

export interface AssetPath {
  /** The full series (shocked inside the window when a shock applies): what calibrations read. */
  candles: CandleSeries;
  /** Index in `candles` of the first step's candle. */
  firstIndex: number;
  /** Close at each step. */
  market: Float64Array;
  /** Close of the candle before the window. */
  opening: number;
}

export interface MarketPath {
  /** Step times, unix seconds. */
  times: Float64Array;
  openingTime: number;
  assets: AssetPath[];
}

const parseUtc = (text: string): number => Date.parse(`${text.replace(" ", "T")}Z`) / 1000;

/** The window [from, to] (candle open times, "YYYY-MM-DD HH:MM:SS" UTC) of aligned series. */
export function cutWindow(series: readonly CandleSeries[], from: string, to: string): MarketPath {
  const start = parseUtc(from);
  const end = parseUtc(to);
  if (!(end >= start)) throw new RangeError(`window ends (${to}) before it starts (${from})`);
  const first = series[0]!;
  const firstIndex = first.time.findIndex((t) => t >= start);
  if (firstIndex < 1) {
    throw new RangeError(`${first.file} has no candle before ${from} to open the window (it starts ${new Date(first.time[0]! * 1000).toISOString()})`);
  }
  let lastIndex = firstIndex;
  while (lastIndex + 1 < first.time.length && first.time[lastIndex + 1]! <= end) lastIndex++;
  if (first.time[firstIndex]! > end) throw new RangeError(`${first.file} has no candle between ${from} and ${to}`);
  const interval = first.intervalSeconds;
  const n = lastIndex - firstIndex + 1;
  const times = new Float64Array(n);
  for (let k = 0; k < n; k++) times[k] = first.time[firstIndex + k]! + interval;
  const assets = series.map((s) => {
    const offset = s.time.indexOf(first.time[firstIndex - 1]!);
    if (offset < 0) throw new RangeError(`${s.file} is not aligned with ${first.file}: no candle at ${first.time[firstIndex - 1]}`);
    for (let k = 0; k <= n; k++) {
      if (s.time[offset + k] !== first.time[firstIndex - 1 + k]) {
        throw new RangeError(`${s.file} is not aligned with ${first.file} at ${new Date(first.time[firstIndex - 1 + k]! * 1000).toISOString()}`);
      }
    }
    return { candles: s, firstIndex: offset + 1, market: s.close.slice(offset + 1, offset + 1 + n), opening: s.close[offset]! };
  });
  return { times, openingTime: first.time[firstIndex]!, assets };
}

export interface Shock {
  dropPercent?: number;
  overHours: number;
  startHour: number;
  volMultiplier?: number;
  depthDivisor?: number;
  oracleFrozenHours?: number;
}

export interface ShockedPath {
  path: MarketPath;
  frozen: FrozenSpan[];
  depthDivisor: number;
}

/**
 * The path under a hypothetical shock: log returns of every asset scaled by `volMultiplier`, then a
 * fall of `dropPercent` spread evenly in log price over `overHours` from `startHour` (held afterwards),
 * no oracle round for `oracleFrozenHours` from `startHour`, and DEX depth divided by `depthDivisor`.
 * The calibration series see the shocked closes (OHLC scaled by the same factor).
 */
export function applyShock(path: MarketPath, shock: Shock): ShockedPath {
  const n = path.times.length;
  const factor = (asset: AssetPath, k: number): number => {
    let logRatio = Math.log(asset.market[k]! / asset.opening) * ((shock.volMultiplier ?? 1) - 1);
    if (shock.dropPercent !== undefined) {
      const progress = Math.min(1, Math.max(0, (k + 1 - shock.startHour) / shock.overHours));
      logRatio += Math.log(1 - shock.dropPercent / 100) * progress;
    }
    return Math.exp(logRatio);
  };
  const assets = path.assets.map((asset) => {
    const c = asset.candles;
    const candles: CandleSeries = { ...c, open: c.open.slice(), high: c.high.slice(), low: c.low.slice(), close: c.close.slice() };
    const market = new Float64Array(n);
    for (let k = 0; k < n; k++) {
      const f = factor(asset, k);
      const row = asset.firstIndex + k;
      market[k] = asset.market[k]! * f;
      candles.open[row] = c.open[row]! * f;
      candles.high[row] = c.high[row]! * f;
      candles.low[row] = c.low[row]! * f;
      candles.close[row] = market[k]!;
    }
    return { ...asset, candles, market };
  });
  const frozen: FrozenSpan[] = [];
  if (shock.oracleFrozenHours !== undefined) {
    const from = path.openingTime + shock.startHour * 3_600;
    frozen.push({ from, to: from + shock.oracleFrozenHours * 3_600 });
  }
  return { path: { ...path, assets }, frozen, depthDivisor: shock.depthDivisor ?? 1 };
}
