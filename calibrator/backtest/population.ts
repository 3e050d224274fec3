/**
 * The borrowers a backtest starts with. Drawn (seeded) from a documented distribution:
 * - collateral size: log-uniform between `minUsd` and `maxUsd` at the opening oracle prices;
 * - collateral mix: uniformly one of "each asset alone" or "an equal split across all assets";
 * - debt: a use of the borrow limit (Σ value × LTV at the opening's live LTV) uniform in
 *   [minLimitUse, maxLimitUse] ⊂ (0, 1], so no position opens above what the engine's borrow check allows;
 *   the use is also the account's target when it re-levers (the living book, simulator.ts).
 * Or loaded from a file of token amounts and debts. Amounts use the engine's units and rounding, so
 * the same population can be opened on the MarginEngine (the differential test does).
 */
import { z } from "zod";
import { loadJsonFile } from "../data/jsonFile.js";
import { DataError } from "../data/errors.js";
import { Rng } from "../models/random.js";
import { toUnits } from "../data/units.js";
import { borrowLimit } from "../rules/engineMath.js";

export interface Position {
  /** Token units per collateral asset, in asset order (0n where not held). */
  collateral: bigint[];
  /** Debt-asset units borrowed at the opening. */
  debt: bigint;
  /** The share of its borrow limit the borrower aims at (re-levering); default: what it opened at. */
  limitUse?: number;
}

/** The fields of a population distribution in a config file (the backtest's population, the selection's book). */
export const populationSpecShape = {
  count: z.number().int().positive().max(1_000_000),
  seed: z.number().int().nonnegative(),
  minUsd: z.number().positive(),
  maxUsd: z.number().positive(),
  /** The share of its borrow limit each account opens at (and re-levers to), uniform in [min, max]. */
  minLimitUse: z.number().gt(0).lte(1),
  maxLimitUse: z.number().gt(0).lte(1),
};

export interface PopulationSpec {
  count: number;
  seed: number;
  minUsd: number;
  maxUsd: number;
  minLimitUse: number;
  maxLimitUse: number;
}

export interface OpeningAsset {
  decimals: number;
  /** 18-decimal opening oracle price. */
  price18: bigint;
  ltvBps: number;
  /** Effective liquidation threshold at the opening. */
  liquidationThresholdBps: number;
}


/**
 * One borrower's collateral (log-uniform USD size, one asset alone or an equal split, at the given
 * 18-decimal prices) and its target use of the borrow limit. The opening population and the living
 * book's arrivals both draw through this, in this order of random numbers.
 */
export function drawCollateral(
  rng: Rng,
  spec: Pick<PopulationSpec, "minUsd" | "maxUsd" | "minLimitUse" | "maxLimitUse">,
  decimals: readonly number[],
  prices18: readonly bigint[],
): { collateral: bigint[]; limitUse: number } {
  const usd = Math.exp(Math.log(spec.minUsd) + rng.next() * (Math.log(spec.maxUsd) - Math.log(spec.minUsd)));
  const mixes = decimals.length > 1 ? decimals.length + 1 : 1;
  const mix = rng.int(0, mixes - 1); // < decimals.length: that asset alone; otherwise an equal split
  const collateral = decimals.map((d, i) => {
    const share = mix === decimals.length ? 1 / decimals.length : mix === i ? 1 : 0;
    if (share === 0) return 0n;
    return (BigInt(Math.round(usd * share * 1e6)) * 10n ** BigInt(d) * 10n ** 18n) / (prices18[i]! * 1_000_000n);
  });
  const limitUse = spec.minLimitUse + rng.next() * (spec.maxLimitUse - spec.minLimitUse);
  return { collateral, limitUse };
}

/** The seeded population: see the module comment for the distribution. */
export function drawPopulation(spec: PopulationSpec, assets: readonly OpeningAsset[], debtDecimals: number): Position[] {
  if (!(spec.minUsd > 0 && spec.maxUsd >= spec.minUsd)) throw new RangeError("population needs 0 < minUsd <= maxUsd");
  if (!(spec.minLimitUse > 0 && spec.maxLimitUse >= spec.minLimitUse && spec.maxLimitUse <= 1)) throw new RangeError("population needs 0 < minLimitUse <= maxLimitUse <= 1");
  const rng = new Rng(spec.seed);
  const debtScale = 10n ** BigInt(18 - debtDecimals);
  const positions: Position[] = [];
  const prices18 = assets.map((a) => a.price18);
  const decimals = assets.map((a) => a.decimals);
  const ltv = assets.map((a) => a.ltvBps);
  for (let p = 0; p < spec.count; p++) {
    const { collateral, limitUse } = drawCollateral(rng, spec, decimals, prices18);
    const limit = borrowLimit(collateral, prices18, decimals, ltv);
    const debt18 = (limit * BigInt(Math.floor(limitUse * 1_000_000))) / 1_000_000n;
    positions.push({ collateral, debt: debt18 / debtScale, limitUse });
  }
  return positions;
}

const decimalAmount = z.union([z.number().nonnegative(), z.string().regex(/^\d+(\.\d+)?$/, "a non-negative decimal")]);
const populationFileSchema = z.object({
  positions: z
    .array(z.object({ collateral: z.record(z.string(), decimalAmount), debt: decimalAmount }))
    .min(1),
});

/** A population file: `{"positions":[{"collateral":{"WETH":"10.5"},"debt":"12000"}]}` in whole tokens. */
export function loadPopulation(file: string, symbols: readonly string[], decimals: readonly number[], debtDecimals: number): Position[] {
  const parsed = loadJsonFile(populationFileSchema, file);
  return parsed.positions.map((row, index) => {
    for (const symbol of Object.keys(row.collateral)) {
      if (!symbols.includes(symbol)) {
        throw new DataError(file, index + 1, `positions[${index}].collateral.${symbol}`, `unknown asset; the backtest has ${symbols.join(", ")}`);
      }
    }
    const collateral = symbols.map((symbol, i) => {
      const amount = row.collateral[symbol];
      return amount === undefined ? 0n : toUnits(Number(amount), decimals[i]!);
    });
    if (collateral.every((c) => c === 0n)) throw new DataError(file, index + 1, `positions[${index}].collateral`, "a position needs some collateral");
    return { collateral, debt: toUnits(Number(row.debt), debtDecimals) };
  });
}
