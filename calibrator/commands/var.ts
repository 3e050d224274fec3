/** `bulwark var`: VaR and ES of a candle file's log returns over a horizon, by four methods. */
import { Command, Option } from "commander";
import { filteredHistoricalSimulation } from "../models/fhs.js";
import { fitGarch } from "../models/garch.js";
import { historicalVarEs, normalVarEs, studentTDofFromKurtosis, studentTVarEs } from "../models/tails.js";
import { sampleMoments } from "../models/volatility.js";
import { type CandleInputOptions, loadReturns, withCandleInput } from "../cliSupport/candleInput.js";
import { nonNegativeInteger, openUnitInterval, positiveInteger, positiveNumber } from "../cliSupport/options.js";

type Method = "historical" | "normal" | "student-t" | "fhs";

export interface VarResult {
  method: Method;
  confidence: number;
  horizonPeriods: number;
  var: number;
  es: number;
  n: number;
  nu?: number;
  paths?: number;
}

interface VarOptions extends CandleInputOptions {
  confidence: number;
  horizonPeriods: number;
  method: Method;
  nu?: number;
  paths: number;
  seed: number;
  json?: boolean;
}

/**
 * Normal and Student-t scale the one-period mean and deviation to H periods as i.i.d. returns
 * (μH, σ√H); FHS is the horizon-aware method (GARCH volatility clustering over the H periods).
 */
export function runVar(options: VarOptions): VarResult {
  const { returns } = loadReturns(options);
  const h = options.horizonPeriods;
  const base = { method: options.method, confidence: options.confidence, horizonPeriods: h, n: returns.length };
  const { mean, variance } = sampleMoments(returns);
  switch (options.method) {
    case "historical":
      return { ...base, ...historicalVarEs(returns, options.confidence, h) };
    case "normal":
      return { ...base, ...normalVarEs(mean * h, Math.sqrt(variance * h), options.confidence) };
    case "student-t": {
      const nu = options.nu ?? studentTDofFromKurtosis(returns);
      return { ...base, nu, ...studentTVarEs(mean * h, Math.sqrt(variance * h), nu, options.confidence) };
    }
    case "fhs": {
      const fit = fitGarch(returns);
      const sim = filteredHistoricalSimulation(returns, fit, { horizon: h, confidence: options.confidence, paths: options.paths, seed: options.seed });
      return { ...base, var: sim.var, es: sim.es, paths: sim.paths };
    }
  }
}

export function varCommand(): Command {
  return withCandleInput(new Command("var").description("value at risk and expected shortfall of log returns (losses as positive fractions)"))
    .requiredOption("--confidence <c>", "confidence level in (0, 1), e.g. 0.99", openUnitInterval)
    .option("--horizon-periods <h>", "horizon in candle periods", positiveInteger, 1)
    .addOption(new Option("--method <method>", "estimator").choices(["historical", "normal", "student-t", "fhs"]).default("historical"))
    .option("--nu <nu>", "Student-t degrees of freedom (default: from the sample kurtosis)", positiveNumber)
    .option("--paths <n>", "FHS simulated paths", positiveInteger, 10_000)
    .option("--seed <n>", "FHS random seed", nonNegativeInteger, 1)
    .option("--json", "machine-readable output")
    .action((options: VarOptions) => {
      const result = runVar(options);
      if (options.json) {
        console.log(JSON.stringify(result));
        return;
      }
      console.log(`${result.method} VaR/ES at ${result.confidence} over ${result.horizonPeriods} period(s), ${result.n} returns of ${options.input}`);
      console.table({ VaR: `${(result.var * 100).toFixed(3)}%`, ES: `${(result.es * 100).toFixed(3)}%`, ...(result.nu ? { nu: result.nu.toFixed(2) } : {}) });
    });
}
