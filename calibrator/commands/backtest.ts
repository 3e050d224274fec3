/** `bulwark backtest`: a parameter policy (or both) replayed over a price window with a population of accounts. */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { Command } from "commander";
import { renderBacktestHtml } from "../backtest/report.js";
import { type PolicyName, runBacktest } from "../backtest/run.js";
import { candleLoadFromOptions } from "../cliSupport/candleLoading.js";
import { resolveBacktestOptions, type SharedBacktestOptions, utcTime, withBacktestOptions } from "../cliSupport/backtestOptions.js";
import { backtestRows, runSummaryLine } from "../cliSupport/backtestTables.js";
import { progressReporter } from "../cliSupport/progress.js";

interface BacktestOptions extends SharedBacktestOptions {
  from?: string;
  to?: string;
  html?: string;
}

export function backtestCommand(): Command {
  return withBacktestOptions(new Command("backtest"), "parameter policy", "machine-readable output (one object; an array for --policy both)")
    .description("replay a price window with a population of accounts under a parameter policy (static or calibrated)")
    .option("--from <time>", "first candle replayed, UTC (default: the config's window)", utcTime)
    .option("--to <time>", "last candle replayed, UTC", utcTime)
    .option("--html <file>", "write the HTML report (charts) to this file")
    .action((options: BacktestOptions) => {
      const { loaded, seeds } = resolveBacktestOptions(options);
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
      const first = runs[0]!;
      console.log(`${first.symbols.join(", ")} from ${first.window.from} to ${first.window.to} UTC: ${first.output.steps} steps, ${first.output.positions} positions`);
      if (seeds > 1) console.log(`mean over ${seeds} seeds; worst seed per figure:`);
      console.table(backtestRows(runs, seeds));
      for (const r of runs) console.log(runSummaryLine(r));
      if (options.html) console.log(`report: ${options.html}`);
    });
}
