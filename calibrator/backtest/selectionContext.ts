/**
 * What selection by simulation sees along a backtest path: a sample of the backtest's own population
 * distribution as the book, the deployment's bounds, the engine's liquidation config, and the pool's
 * liquidity scaled to the era by the 30-day volume closed by each calibration (no look-ahead), and the
 * static policy's parameters as the reference whose tail risk per dollar the budget never falls below.
 */
import type { CalibrationPlan } from "./calibrations.js";
import { type LoadedBacktestConfig, staticParams } from "./config.js";
import { averageDailyVolumeUsd, DEFAULT_IMPACT, eraPoolScale, REFERENCE_DAILY_VOLUME_USD } from "./impact.js";
import type { MarketPath } from "./market.js";
import { spiralMarginBps } from "../policy/riskPolicy.js";
import { bookFromPopulation } from "../select/book.js";
import { candidateOf, limitsFromRules } from "../select/candidates.js";
import type { SelectionBook } from "../select/evaluate.js";

/** The plan's selection along `path`, or undefined when the calibration config asks for none. */
export function backtestSelection(loaded: LoadedBacktestConfig, path: MarketPath, seedOffset = 0): CalibrationPlan["selector"] {
  const { config, deployment } = loaded;
  if (!loaded.calibration.selection) return undefined;
  const { everyHours, bookSample } = config.policies.calibrated.selection;
  const specs = config.assets.map((a) => deployment.assets.find((d) => d.symbol === a.symbol)!);
  const margin = spiralMarginBps(loaded.calibration.policy);
  const limits = specs.map((s) => limitsFromRules(s.rules, margin));
  const population = config.population;
  const books: (SelectionBook | undefined)[] = config.assets.map(() => undefined);
  const bookOf = (i: number): SelectionBook | undefined => {
    // A population file has no distribution to sample: the calibration config's own selection.book stands in.
    if (!("count" in population)) return undefined;
    return (books[i] ??= bookFromPopulation({ ...population, seed: population.seed + seedOffset }, i, config.assets.length, Math.min(bookSample, population.count)));
  };
  const { fullCloseHealthBps, rateLimitBypassHealthBps, protocolFeeBps } = deployment.engine.liquidationConfig;
  // The hand-set baseline the selection must not out-risk per dollar lent: the backtest's static policy.
  const references = config.assets.map((a) => candidateOf(staticParams(loaded, a.symbol)));
  return {
    everyHours,
    limits: (i) => limits[i]!,
    context: (i, end) => {
      const book = bookOf(i);
      if (!book) return undefined;
      const candles = path.assets[i]!.candles;
      const adv30 = averageDailyVolumeUsd(candles.close, candles.volume, end);
      return {
        book,
        limits: limits[i]!,
        engine: { fullCloseHealthBps, rateLimitBypassHealthBps, protocolFeeBps },
        poolScale: eraPoolScale(adv30, REFERENCE_DAILY_VOLUME_USD[config.assets[i]!.crashSeries]),
        impact: config.impact ?? DEFAULT_IMPACT,
        ...(loaded.calibration.selection!.budgetFloorFromReference || loaded.calibration.selection!.dominateReferenceInCrashBlocks ? { reference: references[i]! } : {}),
      };
    },
  };
}
