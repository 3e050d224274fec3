/** The candle-file input shared by the commands that work on returns (`vol`, `var`). */
import type { Command } from "commander";
import { type CandleSeries, candleLogReturns, loadCandles } from "../data/candles.js";
import { candleLoadFromOptions, type GapOptions, type PlausibilityOptions, withGapOptions, withPlausibilityOptions } from "./candleLoading.js";

export interface CandleInputOptions extends GapOptions, PlausibilityOptions {
  input: string;
}

/** Adds --input, --max-gap, --allow-gaps and the plausibility limits to a command. */
export function withCandleInput(command: Command): Command {
  return withPlausibilityOptions(withGapOptions(command.requiredOption("--input <file>", "OHLC candle CSV (any layout of the shared data)")));
}

/** Loads the candles and their close-to-close log returns with the gap options applied. */
export function loadReturns(options: CandleInputOptions): { candles: CandleSeries; returns: Float64Array } {
  const candles = loadCandles(options.input, candleLoadFromOptions(options));
  return { candles, returns: candleLogReturns(candles, options.maxGap) };
}
