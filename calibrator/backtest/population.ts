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
import { toUnits } from "../commands/slippage.js";
import { collateralValue } from "../rules/engineMath.js";

export interface Position {
  /** Token units per collateral asset, in asset order (0n where not held). */
  collateral: bigint[];
  /** Debt-asset units borrowed at the opening. */
  debt: bigint;
  /** The share of its borrow limit the borrower aims at (re-levering); default: what it opened at. */
  limitUse?: number;
}

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

const BPS = 10_000n;

/** The seeded population: see the module comment for the distribution. */
export function drawPopulation(spec: PopulationSpec, assets: readonly OpeningAsset[], debtDecimals: number): Position[] {
  if (!(spec.minUsd > 0 && spec.maxUsd >= spec.minUsd)) throw new RangeError("population needs 0 < minUsd <= maxUsd");
  if (!(spec.minLimitUse > 0 && spec.maxLimitUse >= spec.minLimitUse && spec.maxLimitUse <= 1)) throw new RangeError("population needs 0 < minLimitUse <= maxLimitUse <= 1");
  const rng = new Rng(spec.seed);
  const debtScale = 10n ** BigInt(18 - debtDecimals);
  const positions: Position[] = [];
  const mixes = assets.length > 1 ? assets.length + 1 : 1;
  for (let p = 0; p < spec.count; p++) {
    const usd = Math.exp(Math.log(spec.minUsd) + rng.next() * (Math.log(spec.maxUsd) - Math.log(spec.minUsd)));
    const mix = rng.int(0, mixes - 1); // < assets.length: that asset alone; otherwise an equal split
    const collateral = assets.map(() => 0n);
    let limit = 0n;
    assets.forEach((a, i) => {
      const share = mix === assets.length ? 1 / assets.length : mix === i ? 1 : 0;
      if (share === 0) return;
      const amount = (BigInt(Math.round(usd * share * 1e6)) * 10n ** BigInt(a.decimals) * 10n ** 18n) / (a.price18 * 1_000_000n);
      collateral[i] = amount;
      const value = collateralValue(amount, a.price18, a.decimals);
      limit += (value * BigInt(a.ltvBps)) / BPS;
    });
    const limitUse = spec.minLimitUse + rng.next() * (spec.maxLimitUse - spec.minLimitUse);
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
