/**
 * The borrowers a backtest starts with. Drawn (seeded) from a documented distribution:
 * - collateral size: log-uniform between `minUsd` and `maxUsd` at the opening oracle prices;
 * - collateral mix: uniformly one of "each asset alone" or "an equal split across all assets";
 * - initial health: uniform in [minHealth, maxHealth] at the opening effective liquidation thresholds,
 *   with the debt capped at the borrow limit (Σ value × LTV), as the engine's borrow check enforces.
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
}

export interface PopulationSpec {
  count: number;
  seed: number;
  minUsd: number;
  maxUsd: number;
  minHealth: number;
  maxHealth: number;
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
  if (!(spec.minHealth > 1 && spec.maxHealth >= spec.minHealth)) throw new RangeError("population needs 1 < minHealth <= maxHealth");
  const rng = new Rng(spec.seed);
  const debtScale = 10n ** BigInt(18 - debtDecimals);
  const positions: Position[] = [];
  const mixes = assets.length > 1 ? assets.length + 1 : 1;
  for (let p = 0; p < spec.count; p++) {
    const usd = Math.exp(Math.log(spec.minUsd) + rng.next() * (Math.log(spec.maxUsd) - Math.log(spec.minUsd)));
    const mix = rng.int(0, mixes - 1); // < assets.length: that asset alone; otherwise an equal split
    const collateral = assets.map(() => 0n);
    let limit = 0n;
    let liquidationValue = 0n;
    assets.forEach((a, i) => {
      const share = mix === assets.length ? 1 / assets.length : mix === i ? 1 : 0;
      if (share === 0) return;
      const amount = (BigInt(Math.round(usd * share * 1e6)) * 10n ** BigInt(a.decimals) * 10n ** 18n) / (a.price18 * 1_000_000n);
      collateral[i] = amount;
      const value = collateralValue(amount, a.price18, a.decimals);
      limit += (value * BigInt(a.ltvBps)) / BPS;
      liquidationValue += (value * BigInt(a.liquidationThresholdBps)) / BPS;
    });
    const health = spec.minHealth + rng.next() * (spec.maxHealth - spec.minHealth);
    let debt18 = (liquidationValue * 1_000_000n) / BigInt(Math.round(health * 1_000_000));
    if (debt18 > limit) debt18 = limit;
    positions.push({ collateral, debt: debt18 / debtScale });
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
