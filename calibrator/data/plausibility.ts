/**
 * The plausibility layer: data that parses cleanly but cannot be a market (a 1000× print, a frozen
 * feed, a time in the future) is refused before any model sees it, naming file, row and field. Pure:
 * the caller passes the clock. The thresholds and the real-data figures they were set against are in
 * docs/calibrator.md (Plausibility); every one can be overridden from the CLI (`--max-jump-sigma`, `--max-step-sigma`,
 * `--max-constant-run`, `--max-feed-deviation`).
 */
import { ImplausibleDataError } from "./errors.js";
import { isoUtc } from "./timestamps.js";
import { logReturns } from "../models/returns.js";

export interface PlausibilityLimits {
  /**
   * Largest out-and-back move accepted, in robust sigmas of the series' own returns: a point that
   * leaves both neighbours by more than this (in opposite directions) is a bad print. The shipped and
   * shared files reach 30.7 (SOLUSDT 1h, 19 May 2021); a 100× print in ETHUSDT 1h is about 1,000.
   */
  maxJumpSigma: number;
  /** Largest single step accepted, in robust sigmas (real files: at most 44.7, BTCUSDT 1h, 13 March 2020). */
  maxStepSigma: number;
  /** Longest run of identical consecutive closes (real files: 34 hourly candles, the Binance halt of 9 Feb 2018). */
  maxConstantRun: number;
  /** A time later than the clock by more than this is refused (seconds). */
  futureToleranceSeconds: number;
  /** Largest relative gap between a candle close and the feed's answer at the same time (cross-check). */
  maxFeedDeviation: number;
  /** The clock, unix seconds. */
  now: number;
}

export const DEFAULT_PLAUSIBILITY: Omit<PlausibilityLimits, "now"> = {
  maxJumpSigma: 50,
  maxStepSigma: 100,
  maxConstantRun: 48,
  futureToleranceSeconds: 300,
  maxFeedDeviation: 0.05,
};

/** The defaults with the clock read now, overridden by `overrides`. */
export function plausibilityLimits(overrides: Partial<PlausibilityLimits> = {}): PlausibilityLimits {
  return { ...DEFAULT_PLAUSIBILITY, now: Date.now() / 1_000, ...overrides };
}

/** A price series as a loader holds it; `row(i)` is the file line of point i. */
export interface PriceSeriesView {
  file: string;
  timeField: string;
  valueField: string;
  time: ArrayLike<number>;
  value: ArrayLike<number>;
  row: (index: number) => number;
}

/**
 * 1.4826 × the median absolute log return: the normal-consistent robust sigma, which a few bad prints
 * cannot inflate (a plain standard deviation would hide the spike that lifts it). Falls back to the
 * root mean square when more than half the returns are zero.
 */
export function robustSigma(value: ArrayLike<number>): number {
  const r = logReturns(value).map(Math.abs).sort();
  if (r.length === 0) return 0;
  const mad = 1.4826 * r[Math.floor(r.length / 2)]!;
  if (mad > 0) return mad;
  return Math.sqrt(r.reduce((s, x) => s + x * x, 0) / r.length);
}

/** Refuses future times, out-and-back spikes, oversized steps and long constant runs. */
export function checkPriceSeries(series: PriceSeriesView, limits: PlausibilityLimits): void {
  const { file, time, value, row } = series;
  const n = value.length;
  for (let i = 0; i < n; i++) {
    if (time[i]! > limits.now + limits.futureToleranceSeconds) {
      throw new ImplausibleDataError(file, row(i), series.timeField, `${isoUtc(time[i]!)} is in the future (now ${isoUtc(Math.floor(limits.now))})`);
    }
  }
  const sigma = robustSigma(value);
  if (sigma > 0) {
    for (let i = 1; i < n; i++) {
      const back = Math.log(value[i]! / value[i - 1]!);
      const ahead = i + 1 < n ? Math.log(value[i + 1]! / value[i]!) : 0;
      const spike = Math.sign(back) !== Math.sign(ahead) ? Math.min(Math.abs(back), Math.abs(ahead)) / sigma : 0;
      if (spike > limits.maxJumpSigma) {
        throw new ImplausibleDataError(
          file,
          row(i),
          series.valueField,
          `${value[i]} leaves both neighbours (${value[i - 1]}, ${value[i + 1]}) by ${spike.toFixed(0)} robust sigmas (limit ${limits.maxJumpSigma}; --max-jump-sigma): a bad print`,
        );
      }
      const step = Math.abs(back) / sigma;
      if (step > limits.maxStepSigma) {
        throw new ImplausibleDataError(
          file,
          row(i),
          series.valueField,
          `a step from ${value[i - 1]} to ${value[i]} is ${step.toFixed(0)} robust sigmas (limit ${limits.maxStepSigma}; --max-step-sigma)`,
        );
      }
    }
  }
  let run = 1;
  for (let i = 1; i < n; i++) {
    run = value[i] === value[i - 1] ? run + 1 : 1;
    if (run > limits.maxConstantRun) {
      throw new ImplausibleDataError(
        file,
        row(i),
        series.valueField,
        `${run} consecutive identical values (${value[i]}) since line ${row(i - run + 1)} (limit ${limits.maxConstantRun}; --max-constant-run): a frozen feed`,
      );
    }
  }
}

/** A feed's answers as the cross-check reads them: updatedAt ascending. */
export interface FeedAnswers {
  file: string;
  updatedAt: ArrayLike<number>;
  price: ArrayLike<number>;
}

/**
 * The candle close at the end of each interval against the feed's answer in force then: a relative
 * gap beyond `maxFeedDeviation` means one of the two files is wrong (a unit, an asset or a bad print).
 * Candles outside the feed's span are not compared. Returns the number of candles compared.
 */
export function crossCheckCloses(
  candles: { file: string; time: ArrayLike<number>; close: ArrayLike<number>; intervalSeconds: number },
  feed: FeedAnswers,
  limits: Pick<PlausibilityLimits, "maxFeedDeviation">,
): number {
  let j = -1;
  let compared = 0;
  for (let i = 0; i < candles.time.length; i++) {
    const end = candles.time[i]! + candles.intervalSeconds;
    while (j + 1 < feed.updatedAt.length && feed.updatedAt[j + 1]! <= end) j++;
    if (j < 0 || j + 1 >= feed.updatedAt.length) continue;
    const answer = feed.price[j]!;
    const gap = Math.abs(candles.close[i]! / answer - 1);
    compared++;
    if (gap > limits.maxFeedDeviation) {
      throw new ImplausibleDataError(
        candles.file,
        // A loaded candle file holds candle i on line i + 2 (the header is line 1; rows are never reordered).
        i + 2,
        "close",
        `${candles.close[i]} at ${isoUtc(end)} is ${(gap * 100).toFixed(1)}% from ${feed.file}'s answer ${answer} (limit ${(limits.maxFeedDeviation * 100).toFixed(1)}%; --max-feed-deviation)`,
      );
    }
  }
  return compared;
}
