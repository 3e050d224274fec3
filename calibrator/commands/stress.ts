/** `bulwark stress`: the historical crash windows and the config's hypothetical shocks under a policy, or both. */
import { Command } from "commander";
import { compareScenarios } from "../backtest/compare.js";
import { type PolicyName, runStress, type StressRow } from "../backtest/run.js";
import { candleLoadFromOptions } from "../cliSupport/candleLoading.js";
import { resolveBacktestOptions, type SharedBacktestOptions, withBacktestOptions } from "../cliSupport/backtestOptions.js";
import { comparisonRow, crashVerdictLine, metricsRow } from "../cliSupport/backtestTables.js";
import { progressReporter } from "../cliSupport/progress.js";

export function stressCommand(): Command {
  return withBacktestOptions(
    new Command("stress"),
    "parameter policy; both prints the two side by side with the difference",
    "machine-readable output: one row per scenario (with --policy both, one comparison per scenario)",
  )
    .description("run the historical crash windows and the config's hypothetical shocks under a policy, or both side by side")
    .action((options: SharedBacktestOptions) => {
      const { loaded, seeds } = resolveBacktestOptions(options);
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
        console.log(crashVerdictLine(comparisons));
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
