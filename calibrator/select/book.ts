/**
 * The book a selection scores candidates over, one asset at a time: per account the USD value of its
 * collateral in that asset and its use of the borrow limit, sorted by use (evaluate.ts needs it so).
 * Either the accounts read on chain (the keeper) or a sample of the backtest's population distribution.
 * A multi-asset account enters each asset's book with that asset's share: a screening simplification
 * (its health in fact pools every asset), stated in docs/policy.md.
 */
import { drawCollateral, type PopulationSpec } from "../backtest/population.js";
import { Rng } from "../models/random.js";
import type { SelectionBook } from "./evaluate.js";

/** The book of `valueUsd` and `use`, sorted by use descending (accounts with no value or no use dropped). */
export function sortedBook(valueUsd: ArrayLike<number>, use: ArrayLike<number>): SelectionBook {
  if (valueUsd.length !== use.length) throw new RangeError(`book has ${valueUsd.length} values but ${use.length} uses`);
  const order: number[] = [];
  for (let i = 0; i < use.length; i++) {
    const v = valueUsd[i]!;
    const u = use[i]!;
    if (!(Number.isFinite(v) && Number.isFinite(u) && v >= 0 && u >= 0)) throw new RangeError(`book account ${i}: value ${v} and use ${u} must be finite and non-negative`);
    if (v > 0 && u > 0) order.push(i);
  }
  order.sort((a, b) => use[b]! - use[a]! || a - b);
  return { valueUsd: Float64Array.from(order, (i) => valueUsd[i]!), use: Float64Array.from(order, (i) => use[i]!) };
}

/**
 * `sample` accounts of the population distribution (population.ts, same draws), each standing for
 * spec.count / sample accounts, as asset `assetIndex`'s book of `assetCount` assets.
 */
export function bookFromPopulation(spec: PopulationSpec, assetIndex: number, assetCount: number, sample = spec.count): SelectionBook {
  if (!(Number.isInteger(sample) && sample > 0)) throw new RangeError(`book sample must be a positive integer, got ${sample}`);
  const rng = new Rng(spec.seed);
  // Six-decimal dollar units at a price of 1: drawCollateral then returns micro-dollars.
  const decimals = Array.from({ length: assetCount }, () => 6);
  const prices18 = Array.from({ length: assetCount }, () => 10n ** 18n);
  const weight = spec.count / sample;
  const value: number[] = [];
  const use: number[] = [];
  for (let p = 0; p < sample; p++) {
    const { collateral, limitUse } = drawCollateral(rng, spec, decimals, prices18);
    value.push((Number(collateral[assetIndex]!) / 1e6) * weight);
    use.push(limitUse);
  }
  return sortedBook(value, use);
}
