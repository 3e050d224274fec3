/**
 * The options `bulwark backtest` and `bulwark stress` share: the config with some of its assets, the
 * seed count, the progress bar and the candle-reading flags, parsed and checked before a run starts.
 */
import { type Command, InvalidArgumentError, Option } from "commander";
import { type LoadedBacktestConfig, loadBacktestConfig } from "../backtest/config.js";
import type { PolicyName } from "../backtest/run.js";
import { InputError } from "../data/errors.js";
import type { ProgressMode } from "./progress.js";
import { type GapOptions, type PlausibilityOptions, withGapOptions, withPlausibilityOptions } from "./candleLoading.js";

/** A comparison of the two policies runs over 10 seeds unless told otherwise; a single policy over 1. */
export const COMPARISON_SEEDS = 10;

export interface SharedBacktestOptions extends GapOptions, PlausibilityOptions {
  config: string;
  policy: PolicyName | "both";
  json?: boolean;
  assets?: string[];
  progress: ProgressMode;
  seeds?: number;
}

const TIME = /^\d{4}-\d{2}-\d{2}( \d{2}:\d{2}(:\d{2})?)?$/;

/** "YYYY-MM-DD[ HH:MM[:SS]]" UTC, normalised to seconds. */
export function utcTime(value: string): string {
  const parsed = Date.parse(`${value.replace(" ", "T")}Z`);
  if (!TIME.test(value) || Number.isNaN(parsed)) {
    throw new InvalidArgumentError(`expected a UTC time "YYYY-MM-DD[ HH:MM[:SS]]", got "${value}"`);
  }
  // Date.parse rolls an impossible day into the next month (2022-02-30 is 2 March): refuse it instead.
  if (new Date(parsed).toISOString().slice(0, 10) !== value.slice(0, 10)) throw new InvalidArgumentError(`${value.slice(0, 10)} is not a calendar date`);
  const [date, time = "00:00:00"] = value.split(" ");
  return `${date} ${time.length === 5 ? `${time}:00` : time}`;
}

const symbolList = (value: string): string[] => value.split(",").map((s) => s.trim()).filter((s) => s.length > 0);

/** `--seeds N`: a positive integer, at most 1,000. */
function seedCount(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isInteger(n) || n < 1 || n > 1_000) throw new InvalidArgumentError(`expected a whole number of seeds from 1 to 1000, got "${value}"`);
  return n;
}

/** The config restricted to some of its assets (`--assets WETH,WBTC`). */
function withAssets(loaded: LoadedBacktestConfig, symbols: string[] | undefined): LoadedBacktestConfig {
  if (!symbols) return loaded;
  const unknown = symbols.filter((s) => !loaded.config.assets.some((a) => a.symbol === s));
  if (unknown.length > 0) throw new InputError(`--assets: ${unknown.join(", ")} not in ${loaded.file} (it has ${loaded.config.assets.map((a) => a.symbol).join(", ")})`);
  return { ...loaded, config: { ...loaded.config, assets: loaded.config.assets.filter((a) => symbols.includes(a.symbol)) } };
}

/** Adds the shared options; `policyHelp` and `jsonHelp` say what each command does with them. */
export function withBacktestOptions(command: Command, policyHelp: string, jsonHelp: string): Command {
  return withPlausibilityOptions(withGapOptions(command))
    .requiredOption("--config <file>", "backtest config (see config/backtest.sample.json)")
    .addOption(new Option("--policy <policy>", policyHelp).choices(["static", "calibrated", "both"]).default("static"))
    .option("--json", jsonHelp)
    .option("--assets <symbols>", "only these assets of the config, comma-separated", symbolList)
    .option("--seeds <n>", `population, liquidator and book seeds; metrics are the mean, seeds.worst the worst (default: ${COMPARISON_SEEDS} with --policy both, else 1)`, seedCount)
    .addOption(new Option("--progress <mode>", "progress bar on stderr for runs over a second").choices(["auto", "always", "never"]).default("auto"));
}

/** The loaded config (restricted to `--assets`) and the seed count in force. */
export function resolveBacktestOptions(options: SharedBacktestOptions): { loaded: LoadedBacktestConfig; seeds: number } {
  return {
    loaded: withAssets(loadBacktestConfig(options.config), options.assets),
    seeds: options.seeds ?? (options.policy === "both" ? COMPARISON_SEEDS : 1),
  };
}
