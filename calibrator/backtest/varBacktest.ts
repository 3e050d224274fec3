/**
 * Backtest of the calibrator's horizon VaR over a path: non-overlapping blocks of the VaR horizon, each
 * forecast by the latest calibration made with data up to the block's start; an exception is a
 * realised log loss above the forecast. Kupiec's proportion-of-failures and Christoffersen's
 * independence tests (models/tails.ts) at 5%. Pure.
 */
import { christoffersen, kupiec } from "../models/tails.js";

export interface VarForecast {
  /** Index in the closes (0 = the opening) from which the forecast applies. */
  from: number;
  horizonVar: number;
  horizonPeriods: number;
}

export interface VarBacktest {
  kupiecLR: number;
  kupiecPass: boolean;
  christoffersenLR: number;
  christoffersenPass: boolean;
  exceptions: number;
  observations: number;
  confidence: number;
}

/** `closes[0]` is the opening close, `closes[k]` the close at step k − 1. */
export function backtestVar(closes: ArrayLike<number>, forecasts: readonly VarForecast[], confidence: number): VarBacktest {
  const sorted = [...forecasts].sort((a, b) => a.from - b.from);
  const indicators: number[] = [];
  let f = -1;
  let j = sorted[0]?.from ?? closes.length;
  while (true) {
    while (f + 1 < sorted.length && sorted[f + 1]!.from <= j) f++;
    if (f < 0) break;
    const forecast = sorted[f]!;
    const h = forecast.horizonPeriods;
    if (j + h >= closes.length) break;
    const loss = -Math.log(closes[j + h]! / closes[j]!);
    indicators.push(loss > forecast.horizonVar ? 1 : 0);
    j += h;
  }
  const exceptions = indicators.reduce((s, x) => s + x, 0);
  if (indicators.length === 0) {
    return { kupiecLR: 0, kupiecPass: true, christoffersenLR: 0, christoffersenPass: true, exceptions: 0, observations: 0, confidence };
  }
  const k = kupiec(exceptions, indicators.length, confidence);
  const c = christoffersen(indicators);
  return { kupiecLR: k.lr, kupiecPass: k.pass, christoffersenLR: c.lr, christoffersenPass: c.pass, exceptions, observations: indicators.length, confidence };
}
