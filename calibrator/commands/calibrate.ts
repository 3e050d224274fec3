/** `bulwark calibrate`: market data → risk parameters per asset, with the reasoning and a hashed report. */
import { Command } from "commander";
import { InputError } from "../data/errors.js";
import { explainCalibration } from "../calibrate/explain.js";
import { calibrateOnPool } from "../calibrate/pipeline.js";
import { loadDeploymentSpec } from "../ops/deploymentSpec.js";
import { canonicalJson } from "../report/reportHash.js";
import { type PlausibilityOptions, plausibilityFromOptions, withPlausibilityOptions } from "../cliSupport/candleLoading.js";

interface CalibrateOptions extends PlausibilityOptions {
  config: string;
  deployment?: string;
  json?: boolean;
}

export function calibrateCommand(): Command {
  return withPlausibilityOptions(new Command("calibrate"))
    .description("calibrate risk parameters from market data (prices, options, DEX depth): the estimates behind each, and a hashed report")
    .requiredOption("--config <file>", "calibration config (see config/calibrate.sample.json)")
    .option("--deployment <file>", "deployment file whose governance bounds the targets are checked against (e.g. deploy/local.json): says what the chain will clamp")
    .option("--json", "machine-readable output: the full report of each asset, with its reasoning and its clamp")
    .action(async (options: CalibrateOptions) => {
      const spec = options.deployment ? loadDeploymentSpec(options.deployment) : undefined;
      const result = await calibrateOnPool(options.config, { plausibility: plausibilityFromOptions(options) });
      const rulesOf = (symbol: string) => {
        if (!spec) return undefined;
        const asset = spec.assets.find((a) => a.symbol === symbol);
        if (!asset) throw new InputError(`--deployment ${options.deployment} has no asset ${symbol} (it has ${spec.assets.map((a) => a.symbol).join(", ")})`);
        return asset.rules;
      };
      const explained = result.map((r) => explainCalibration(r, rulesOf(r.symbol)));
      if (options.json) {
        console.log(canonicalJson(result.map((r, i) => ({ ...r, warnings: explained[i]!.warnings, ...(explained[i]!.clamped ? { clamped: explained[i]!.clamped } : {}) }))));
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
      for (const e of explained) {
        console.log(`\n${e.symbol}: why`);
        for (const line of e.lines) console.log(`  ${line}`);
        for (const w of e.warnings) console.log(`  warning: ${w}`);
        const s = result.find((r) => r.symbol === e.symbol)!.selection;
        if (s) {
          const usd = (x: number) => `$${(x / 1e6).toFixed(2)}M`;
          console.log(
            `  selection by simulation: ${s.candidates} candidates on ${s.scenarios.count} paths (${s.scenarios.crashBlocks} historical crash blocks);` +
              ` chosen lends ${usd(s.chosen.lendingUsd)} at a ${(s.confidence * 100).toFixed(0)}% ES of bad debt of ${usd(s.chosen.esBadDebtUsd)}` +
              ` (budget ${usd(s.chosen.budgetUsd)}${s.withinBudget ? "" : ", none within it: the least ES"})` +
              (s.formula ? `; the formula's point lends ${usd(s.formula.lendingUsd)} at ${usd(s.formula.esBadDebtUsd)}` : ""),
          );
        }
      }
      if (!spec) console.log("\n(targets not checked against governance bounds: give --deployment to see what the chain would clamp)");
    });
}
