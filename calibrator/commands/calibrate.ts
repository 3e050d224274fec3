/** `bulwark calibrate`: market data → risk parameters per asset, with a hashed report. */
import { Command } from "commander";
import { calibrate } from "../calibrate/pipeline.js";
import { canonicalJson } from "../report/reportHash.js";

export function calibrateCommand(): Command {
  return new Command("calibrate")
    .description("calibrate risk parameters from market data (prices, options, DEX depth) with a hashed report")
    .requiredOption("--config <file>", "calibration config (see config/calibrate.sample.json)")
    .option("--json", "machine-readable output")
    .action((options: { config: string; json?: boolean }) => {
      const result = calibrate(options.config);
      if (options.json) {
        console.log(canonicalJson(result));
        return;
      }
      console.table(
        Object.fromEntries(
          result.map((r) => [
            r.symbol,
            {
              LTV: `${(r.params.ltvBps / 100).toFixed(2)}%`,
              threshold: `${(r.params.liquidationThresholdBps / 100).toFixed(2)}%`,
              bonus: `${(r.params.liquidationBonusBps / 100).toFixed(2)}%`,
              "close factor": `${(r.params.closeFactorBps / 100).toFixed(0)}%`,
              "cap / window": `$${(Number(BigInt(r.params.liquidationCapPerWindow) / 10n ** 18n) / 1e6).toFixed(2)}M / ${r.params.liquidationWindow / 3_600} h`,
              reportHash: `${r.report.reportHash.slice(0, 18)}…`,
            },
          ]),
        ),
      );
    });
}
