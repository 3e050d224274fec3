/**
 * An implied-volatility surface from a Deribit snapshot: Black-76 inversions of the out-of-the-money
 * quotes and a raw SVI fit per expiry (calendar-arbitrage checked against the previous slice).
 */
import { performance } from "node:perf_hooks";
import type { OptionQuote } from "../data/deribit.js";
import { isoUtc } from "../data/timestamps.js";
import { impliedVolatility } from "./black76.js";
import { fitSviSlice, type PreviousSlice, type SviParams } from "./svi.js";

const YEAR_SECONDS = 365 * 86_400;
/** Options this close to expiry carry too little time value for a stable inversion. */
const MIN_DAYS_TO_EXPIRY = 2;

export interface IvQuote {
  instrument: string;
  expiry: string;
  strike: number;
  T: number;
  forward: number;
  iv: number;
  markIv: number;
}

export interface IvSlice {
  expiry: string;
  T: number;
  n: number;
  forward: number;
  svi: SviParams;
  rmseIv: number;
  butterflyFree: boolean;
  calendarFree: boolean;
}

export interface IvResult {
  currency: string;
  quotes: IvQuote[];
  slices: IvSlice[];
  rejected: { instrument: string; reason: string }[];
  timings: { fitMs: number };
}

/**
 * The default quote set: out-of-the-money by forward (calls K ≥ F, puts K ≤ F), at least two days
 * to expiry, mark prices converted to USD (coin units × F) and inverted with Black-76 on F.
 */
export function impliedVolSurface(all: readonly OptionQuote[], currency: string): IvResult {
  const t0 = performance.now();
  const quotes: IvQuote[] = [];
  const rejected: { instrument: string; reason: string }[] = [];
  for (const o of all) {
    if (o.currency !== currency) continue;
    const T = (o.expiry - o.observedAt) / YEAR_SECONDS;
    if (T * 365 < MIN_DAYS_TO_EXPIRY) continue;
    if (o.isCall ? o.strike < o.forward : o.strike > o.forward) continue;
    const r = impliedVolatility(o.markPrice * o.forward, o.forward, o.strike, T, o.isCall);
    if (r.iv === undefined) {
      rejected.push({ instrument: o.instrument, reason: r.reason });
      continue;
    }
    quotes.push({ instrument: o.instrument, expiry: isoUtc(o.expiry), strike: o.strike, T, forward: o.forward, iv: r.iv, markIv: o.markIv });
  }
  const byExpiry = new Map<string, IvQuote[]>();
  for (const q of quotes) byExpiry.set(q.expiry, [...(byExpiry.get(q.expiry) ?? []), q]);
  const slices: IvSlice[] = [];
  let previous: PreviousSlice | undefined;
  for (const [expiry, group] of [...byExpiry.entries()].sort((a, b) => a[1][0]!.T - b[1][0]!.T)) {
    if (group.length < 5) continue;
    const T = group[0]!.T;
    const k = group.map((q) => Math.log(q.strike / q.forward));
    const w = group.map((q) => q.iv * q.iv * T);
    const fit = fitSviSlice(k, w, T, previous);
    previous = { params: fit.params, kMin: fit.kMin, kMax: fit.kMax };
    slices.push({ expiry, T, n: group.length, forward: group[0]!.forward, svi: fit.params, rmseIv: fit.rmseIv, butterflyFree: fit.butterflyFree, calendarFree: fit.calendarFree });
  }
  return { currency, quotes, slices, rejected, timings: { fitMs: performance.now() - t0 } };
}
