/** The candle-file input shared by the commands that work on returns (`vol`, `var`). */
import type { Command } from "commander";
import { type CandleSeries, candleLogReturns, DEFAULT_MAX_MISSING_CANDLES, loadCandles } from "../data/candles.js";
import { nonNegativeInteger } from "../cliSupport/options.js";

export interface CandleInputOptions {
  input: string;
  maxGap: number;
  allowGaps?: boolean;
}

/** Adds --input, --max-gap and --allow-gaps to a command. */
export function withCandleInput(command: Command): Command {
  return command
    .requiredOption("--input <file>", "OHLC candle CSV (any layout of the shared data)")
    .option("--max-gap <candles>", "longest run of missing candles accepted", nonNegativeInteger, DEFAULT_MAX_MISSING_CANDLES)
    .option("--allow-gaps", "accept longer gaps; returns across them are dropped");
}

/** Loads the candles and their close-to-close log returns with the gap options applied. */
export function loadReturns(options: CandleInputOptions): { candles: CandleSeries; returns: Float64Array } {
  const candles = loadCandles(options.input, { maxMissingCandles: options.maxGap, allowGaps: options.allowGaps === true });
  return { candles, returns: candleLogReturns(candles, options.maxGap) };
}
