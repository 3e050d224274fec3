/** `bulwark backtest` and `bulwark stress`: parameter policies on real crashes and hypothetical shocks. */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { Command, InvalidArgumentError, Option } from "commander";
import { InputError } from "../data/errors.js";
import { type LoadedBacktestConfig, loadBacktestConfig } from "../backtest/config.js";
import { compareScenarios, type ScenarioComparison } from "../backtest/compare.js";
import { renderBacktestHtml } from "../backtest/report.js";
import { type BacktestRun, type PolicyName, runBacktest, runStress, type StressRow } from "../backtest/run.js";
import { type ProgressMode, progressReporter } from "./progress.js";
import { candleLoadFromOptions, type GapOptions, type PlausibilityOptions, withGapOptions, withPlausibilityOptions } from "../cliSupport/candleLoading.js";

const TIME = /^\d{4}-\d{2}-\d{2}( \d{2}:\d{2}(:\d{2})?)?$/;

/** "YYYY-MM-DD[ HH:MM[:SS]]" UTC, normalised to seconds. */
function utcTime(value: string): string {
  const parsed = Date.parse(`${value.replace(" ", "T")}Z`);
  if (!TIME.test(value) || Number.isNaN(parsed)) {
    throw new InvalidArgumentError(`expected a UTC time "YYYY-MM-DD[ HH:MM[:SS]]", got "${value}"`);
  }
  // Date.parse rolls an impossible day into the next month (2022-02-30 is 2 March): refuse it instead.
  if (new Date(parsed).toISOString().slice(0, 10) !== value.slice(0, 10)) throw new InvalidArgumentError(`${value.slice(0, 10)} is not a calendar date`);
  const [date, time = "00:00:00"] = value.split(" ");
  return `${date} ${time.length === 5 ? `${time}:00` : time}`;
}

/** The config restricted to some of its assets (`--assets WETH,WBTC`). */
function withAssets(loaded: LoadedBacktestConfig, symbols: string[] | undefined): LoadedBacktestConfig {
  if (!symbols) return loaded;
  const unknown = symbols.filter((s) => !loaded.config.assets.some((a) => a.symbol === s));
  if (unknown.length > 0) throw new InputError(`--assets: ${unknown.join(", ")} not in ${loaded.file} (it has ${loaded.config.assets.map((a) => a.symbol).join(", ")})`);
  return { ...loaded, config: { ...loaded.config, assets: loaded.config.assets.filter((a) => symbols.includes(a.symbol)) } };
}

const symbolList = (value: string): string[] => value.split(",").map((s) => s.trim()).filter((s) => s.length > 0);

/** `--seeds N`: a positive integer, at most 1,000. */
function seedCount(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isInteger(n) || n < 1 || n > 1_000) throw new InvalidArgumentError(`expected a whole number of seeds from 1 to 1000, got "${value}"`);
  return n;
}

const usd = (x: number) => `$${Math.round(x).toLocaleString("en-US")}`;

function metricsRow(m: BacktestRun["output"]["metrics"]) {
  return {
    "bad debt": usd(m.badDebt),
    liquidated: usd(m.liquidatedValue),
    "bonus paid": usd(m.bonusPaid),
    fees: usd(m.protocolFees),
    "rate-limited": m.blockedByRateLimit,
    "borrowing power used": `${(m.avgBorrowingPowerUsed * 100).toFixed(2)}%`,
    "solvent debt": usd(m.solventDebtUsdAvg),
    "bonus on insolvent": usd(m.bonusPaidInsolventUsd),
    "peak LT×(1+LB)": m.peakSpiralProduct.toFixed(4),
    "delay p50/p95 h": `${m.liquidationDelayHours.median.toFixed(1)}/${m.liquidationDelayHours.p95.toFixed(1)}`,
    "worst health": m.worstHealth.toFixed(3),
  };
}

interface BacktestOptions extends GapOptions, PlausibilityOptions {
  config: string;
  policy: PolicyName | "both";
  from?: string;
  to?: string;
  json?: boolean;
  html?: string;
  assets?: string[];
  progress: ProgressMode;
  seeds?: number;
}

/** The gap and plausibility flags of every candle file the run reads. */
const candleReading = (command: Command): Command => withPlausibilityOptions(withGapOptions(command));

/** A comparison of the two policies runs over 10 seeds unless told otherwise; a single policy over 1. */
export const COMPARISON_SEEDS = 10;

export function backtestCommand(): Command {
  return candleReading(new Command("backtest"))
    .description("replay a price window with a population of accounts under a parameter policy (static or calibrated)")
    .requiredOption("--config <file>", "backtest config (see config/backtest.sample.json)")
    .addOption(new Option("--policy <policy>", "parameter policy").choices(["static", "calibrated", "both"]).default("static"))
    .option("--from <time>", "first candle replayed, UTC (default: the config's window)", utcTime)
    .option("--to <time>", "last candle replayed, UTC", utcTime)
    .option("--json", "machine-readable output (one object; an array for --policy both)")
    .option("--html <file>", "write the HTML report (charts) to this file")
    .option("--assets <symbols>", "only these assets of the config, comma-separated", symbolList)
    .option("--seeds <n>", `population, liquidator and book seeds; metrics are the mean, seeds.worst the worst (default: ${COMPARISON_SEEDS} with --policy both, else 1)`, seedCount)
    .addOption(new Option("--progress <mode>", "progress bar on stderr for runs over a second").choices(["auto", "always", "never"]).default("auto"))
    .action((options: BacktestOptions) => {
      const seeds = options.seeds ?? (options.policy === "both" ? COMPARISON_SEEDS : 1);
      const loaded = withAssets(loadBacktestConfig(options.config), options.assets);
      const policies: PolicyName[] = options.policy === "both" ? ["static", "calibrated"] : [options.policy];
      const progress = progressReporter(options.progress);
      const runs = policies.map((policy) =>
        runBacktest(loaded, { policy, from: options.from, to: options.to, seeds, candles: candleLoadFromOptions(options), onProgress: (phase, done, total) => progress.update(`${policy} ${phase}`, done, total) }),
      );
      progress.stop();
      if (options.html) {
        mkdirSync(dirname(options.html), { recursive: true });
        writeFileSync(options.html, renderBacktestHtml({ title: `Bulwark backtest: ${runs.map((r) => r.output.policy).join(" vs ")}`, runs }));
      }
      if (options.json) {
        console.log(JSON.stringify(runs.length === 1 ? runs[0]!.output : runs.map((r) => r.output)));
        return;
      }
      const w = runs[0]!.window;
      console.log(`${runs[0]!.symbols.join(", ")} from ${w.from} to ${w.to} UTC: ${runs[0]!.output.steps} steps, ${runs[0]!.output.positions} positions`);
      if (seeds > 1) console.log(`mean over ${seeds} seeds; worst seed per figure:`);
      console.table(
        Object.fromEntries(
          runs.flatMap((r) => [
            [seeds > 1 ? `${r.output.policy} (mean)` : r.output.policy, metricsRow(r.output.metrics)],
            ...(seeds > 1 ? [[`${r.output.policy} (worst)`, metricsRow(r.output.seeds.worst)]] : []),
          ]),
        ),
      );
      for (const r of runs) {
        console.log(
          `${r.output.policy}: VaR ${r.var.exceptions}/${r.var.observations} exceptions at ${r.var.confidence}; Kupiec LR ${r.var.kupiecLR.toFixed(2)} (${r.var.kupiecPass ? "pass" : "fail"}), Christoffersen LR ${r.var.christoffersenLR.toFixed(2)} (${r.var.christoffersenPass ? "pass" : "fail"}); sim ${r.output.timings.simMs.toFixed(0)} ms, calibration ${r.calibrationMs.toFixed(0)} ms, ${r.result.parameterChanges.length} parameter updates`,
        );
      }
      if (options.html) console.log(`report: ${options.html}`);
    });
}

interface StressOptions extends GapOptions, PlausibilityOptions {
  config: string;
  policy: PolicyName | "both";
  json?: boolean;
  assets?: string[];
  progress: ProgressMode;
  seeds?: number;
}

const signedUsd = (x: number) => `${x > 0 ? "+" : x < 0 ? "−" : "±"}${usd(Math.abs(x))}`;
const signedPct = (x: number) => `${x > 0 ? "+" : x < 0 ? "−" : "±"}${Math.abs(x * 100).toFixed(1)}%`;

/** The comparison table of `stress --policy both`: each scenario's two outcomes and their difference. */
function comparisonRow(c: ScenarioComparison) {
  const s = c.static.seeds.mean;
  const k = c.calibrated.seeds.mean;
  return {
    kind: c.kind,
    "bad debt static": usd(s.badDebt),
    "bad debt calibrated": usd(k.badDebt),
    "Δ bad debt": signedUsd(c.difference.badDebtUsd),
    "solvent debt static": usd(s.solventDebtUsdAvg),
    "solvent debt calibrated": usd(k.solventDebtUsdAvg),
    "Δ lent": signedPct(c.difference.solventDebtRelative),
    "peak LT×(1+LB) s/c": `${s.peakSpiralProduct.toFixed(3)}/${k.peakSpiralProduct.toFixed(3)}`,
    verdict: `${c.losesNoMore ? "loses no more" : "LOSES MORE"}, ${c.lendsMore ? "lends more" : "lends less"}`,
  };
}

export function stressCommand(): Command {
  return candleReading(new Command("stress"))
    .description("run the historical crash windows and the config's hypothetical shocks under a policy, or both side by side")
    .requiredOption("--config <file>", "backtest config (see config/backtest.sample.json)")
    .addOption(new Option("--policy <policy>", "parameter policy; both prints the two side by side with the difference").choices(["static", "calibrated", "both"]).default("static"))
    .option("--json", "machine-readable output: one row per scenario (with --policy both, one comparison per scenario)")
    .option("--assets <symbols>", "only these assets of the config, comma-separated", symbolList)
    .option("--seeds <n>", `population, liquidator and book seeds; metrics are the mean, seeds.worst the worst (default: ${COMPARISON_SEEDS} with --policy both, else 1)`, seedCount)
    .addOption(new Option("--progress <mode>", "progress bar on stderr for runs over a second").choices(["auto", "always", "never"]).default("auto"))
    .action((options: StressOptions) => {
      const seeds = options.seeds ?? (options.policy === "both" ? COMPARISON_SEEDS : 1);
      const loaded = withAssets(loadBacktestConfig(options.config), options.assets);
      const progress = progressReporter(options.progress);
      const run = (policy: PolicyName): StressRow[] => runStress(loaded, policy, (done, total, name) => progress.update(`stress ${policy} ${name}`, done, total), seeds, undefined, candleLoadFromOptions(options));
      if (options.policy === "both") {
        const comparisons = compareScenarios(run("static"), run("calibrated"));
        progress.stop();
        if (options.json) {
          console.log(JSON.stringify(comparisons));
          return;
        }
        console.log(`static against calibrated, mean over ${seeds} seed${seeds > 1 ? "s" : ""}; Δ is calibrated minus static (a positive Δ bad debt is a larger loss)`);
        console.table(Object.fromEntries(comparisons.map((c) => [c.scenario, comparisonRow(c)])));
        const crashes = comparisons.filter((c) => c.kind === "historical");
        console.log(
          `historical crashes: calibrated loses no more in ${crashes.filter((c) => c.losesNoMore).length} of ${crashes.length} and lends more in ${crashes.filter((c) => c.lendsMore).length} of ${crashes.length}`,
        );
        return;
      }
      const rows = run(options.policy);
      progress.stop();
      if (options.json) {
        console.log(JSON.stringify(rows));
        return;
      }
      console.log(`policy: ${options.policy}`);
      console.table(Object.fromEntries(rows.map((r) => [r.scenario, { kind: r.kind, steps: r.steps, ...metricsRow(r.metrics) }])));
    });
}
