/**
 * How a command reads candle files, as command-line options shared by every command that reads price
 * data: the gap tolerance and the plausibility layer's overrides. Each flag's help says what raising
 * it lets through; the defaults and the real-data figures they were set against are in docs/calibrator.md (Plausibility).
 */
import type { Command } from "commander";
import { type CandleLoadOptions, DEFAULT_MAX_MISSING_CANDLES } from "../data/candles.js";
import { DEFAULT_PLAUSIBILITY, type PlausibilityLimits, plausibilityLimits } from "../data/plausibility.js";
import { nonNegativeInteger, positiveInteger, positiveNumber } from "./options.js";

export interface MoveLimitOptions {
  maxJumpSigma: number;
  maxStepSigma: number;
}

export interface PlausibilityOptions extends MoveLimitOptions {
  maxConstantRun: number;
}

/** Adds --max-jump-sigma and --max-step-sigma (the limits on moves, which apply to feeds too). */
export function withMoveLimitOptions(command: Command): Command {
  return command
    .option(
      "--max-jump-sigma <k>",
      "largest out-and-back price move accepted, in robust sigmas of the series (a larger value lets single bad prints through)",
      positiveNumber,
      DEFAULT_PLAUSIBILITY.maxJumpSigma,
    )
    .option(
      "--max-step-sigma <k>",
      "largest one-candle move accepted, in robust sigmas (a larger value lets a wrong unit or a spliced series through)",
      positiveNumber,
      DEFAULT_PLAUSIBILITY.maxStepSigma,
    );
}

/** Adds --max-jump-sigma, --max-step-sigma and --max-constant-run. */
export function withPlausibilityOptions(command: Command): Command {
  return withMoveLimitOptions(command).option(
      "--max-constant-run <n>",
      "longest run of identical closes accepted (a larger value lets a frozen feed, sigma 0, through)",
      positiveInteger,
      DEFAULT_PLAUSIBILITY.maxConstantRun,
    );
}

/** The limits the options ask for, the clock read now. */
export function plausibilityFromOptions(options: MoveLimitOptions & Partial<PlausibilityOptions>): PlausibilityLimits {
  return plausibilityLimits({
    maxJumpSigma: options.maxJumpSigma,
    maxStepSigma: options.maxStepSigma,
    ...(options.maxConstantRun !== undefined ? { maxConstantRun: options.maxConstantRun } : {}),
  });
}

export interface GapOptions {
  maxGap: number;
  allowGaps?: boolean;
}

/** Adds --max-gap and --allow-gaps. */
export function withGapOptions(command: Command): Command {
  return command
    .option("--max-gap <candles>", "longest run of missing candles accepted", nonNegativeInteger, DEFAULT_MAX_MISSING_CANDLES)
    .option("--allow-gaps", "accept longer gaps (exchange maintenance): returns across them are dropped, and a replay steps over them at once");
}

/** The candle loader's options from --max-gap, --allow-gaps and the plausibility flags. */
export function candleLoadFromOptions(options: GapOptions & PlausibilityOptions): CandleLoadOptions {
  return { maxMissingCandles: options.maxGap, allowGaps: options.allowGaps === true, plausibility: plausibilityFromOptions(options) };
}
