/** `bulwark vol`: volatility of a candle file's log returns (historical, EWMA or GARCH(1,1)). */
import { performance } from "node:perf_hooks";
import { InputError } from "../data/errors.js";
import { Command, Option } from "commander";
import { fitGarch } from "../models/garch.js";
import { annualize, ewma, historicalVolatility } from "../models/volatility.js";
import { type CandleInputOptions, loadReturns, withCandleInput } from "../cliSupport/candleInput.js";
import { openUnitInterval, positiveNumber } from "../cliSupport/options.js";

export interface VolResult {
  model: "hist" | "ewma" | "garch";
  n: number;
  params: Record<string, number>;
  /** GARCH: the full log-likelihood including constants (Gaussian, or Student-t with --dist student-t). */
  logLikelihood?: number;
  sigmaNext: number;
  annualizedVol: number;
  periodsPerYear: number;
  timings: { fitMs: number };
}

interface VolOptions extends CandleInputOptions {
  model: "hist" | "ewma" | "garch";
  lambda: number;
  periodsPerYear?: number;
  varianceTargeting?: boolean;
  dist: "normal" | "student-t";
  json?: boolean;
}

export function runVol(options: VolOptions): VolResult {
  const { candles, returns } = loadReturns(options);
  // Crypto trades around the clock: a year holds 365 days of candles.
  const periodsPerYear = options.periodsPerYear ?? (365 * 86_400) / candles.intervalSeconds;
  const t0 = performance.now();
  let result: Omit<VolResult, "timings" | "annualizedVol" | "periodsPerYear">;
  if (options.model === "garch") {
    const fit = fitGarch(returns, { varianceTargeting: options.varianceTargeting === true, distribution: options.dist });
    result = { model: "garch", n: returns.length, params: { ...fit.params }, logLikelihood: fit.logLikelihood, sigmaNext: Math.sqrt(fit.sigma2Next) };
  } else if (options.model === "ewma") {
    const fit = ewma(returns, options.lambda);
    result = { model: "ewma", n: returns.length, params: { lambda: options.lambda }, sigmaNext: Math.sqrt(fit.sigma2Next) };
  } else {
    result = { model: "hist", n: returns.length, params: {}, sigmaNext: historicalVolatility(returns) };
  }
  const fitMs = performance.now() - t0;
  return { ...result, annualizedVol: annualize(result.sigmaNext, periodsPerYear), periodsPerYear, timings: { fitMs } };
}

export function volCommand(): Command {
  return withCandleInput(new Command("vol").description("volatility of a candle CSV's close-to-close log returns"))
    .addOption(new Option("--model <model>", "estimator").choices(["hist", "ewma", "garch"]).default("garch"))
    .option("--lambda <lambda>", "EWMA decay (RiskMetrics 0.94)", openUnitInterval, 0.94)
    .option("--periods-per-year <n>", "annualisation (default: from the candle interval, 365 days a year)", positiveNumber)
    .option("--variance-targeting", "GARCH: omega = s^2 (1 - alpha - beta)")
    .addOption(new Option("--dist <distribution>", "GARCH innovations").choices(["normal", "student-t"]).default("normal"))
    .option("--json", "machine-readable output")
    .action((options: VolOptions, command: Command) => {
      // An option of another model would be silently ignored: refuse it instead.
      const given = (name: string) => command.getOptionValueSource(name) === "cli";
      if (given("lambda") && options.model !== "ewma") throw new InputError(`--lambda is the EWMA decay; it does nothing with --model ${options.model}`);
      for (const name of ["varianceTargeting", "dist"] as const) {
        if (given(name) && options.model !== "garch") throw new InputError(`--${name === "dist" ? "dist" : "variance-targeting"} applies to --model garch only, not ${options.model}`);
      }
      const result = runVol(options);
      if (options.json) {
        console.log(JSON.stringify(result));
        return;
      }
      console.log(`${result.model} volatility of ${result.n} returns from ${options.input}`);
      console.table({
        ...Object.fromEntries(Object.entries(result.params).map(([k, v]) => [k, v.toPrecision(6)])),
        ...(result.logLikelihood !== undefined ? { logLikelihood: result.logLikelihood.toFixed(3) } : {}),
        "sigma next (per period)": `${(result.sigmaNext * 100).toFixed(4)}%`,
        "annualized": `${(result.annualizedVol * 100).toFixed(2)}% (N = ${result.periodsPerYear})`,
        "fit time": `${result.timings.fitMs.toFixed(1)} ms`,
      });
    });
}
