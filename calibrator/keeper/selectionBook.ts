/**
 * The live book a selection scores over, from the accounts the keeper reads on chain: per account
 * holding `asset`, the USD value of that collateral and the account's use of its borrow limit (debt ÷
 * Σ value × live LTV, with MarginEngine's rounding through engineMath). Pure: accounts and prices come
 * in as values.
 */
import { borrowLimit, collateralValue } from "../rules/engineMath.js";
import type { Address } from "../rules/types.js";
import { sortedBook } from "../select/book.js";
import type { SelectionBook } from "../select/evaluate.js";
import type { AccountExposure, MarketView } from "./impact.js";

const E12 = 10n ** 12n;

/** The book of `asset` at the live LTVs; an account already above its limit enters at its own use (> 1). */
export function liveSelectionBook(exposures: readonly AccountExposure[], market: MarketView, ltvBps: ReadonlyMap<Address, number>, asset: Address): SelectionBook {
  const key = asset.toLowerCase() as Address;
  const value: number[] = [];
  const use: number[] = [];
  for (const e of exposures) {
    if (e.debt === 0n) continue;
    const own = e.positions.find((p) => p.asset.toLowerCase() === key);
    if (!own || own.balance === 0n) continue;
    const balances: bigint[] = [];
    const prices: bigint[] = [];
    const decimals: number[] = [];
    const ltvs: number[] = [];
    for (const p of e.positions) {
      const k = p.asset.toLowerCase() as Address;
      const price = market.price18.get(k);
      const dec = market.decimals.get(k);
      const ltv = ltvBps.get(k);
      if (price === undefined || dec === undefined || ltv === undefined) throw new Error(`live book: no price, decimals or LTV for collateral ${p.asset} of ${e.account}`);
      balances.push(p.balance);
      prices.push(price);
      decimals.push(dec);
      ltvs.push(ltv);
    }
    const limit = borrowLimit(balances, prices, decimals, ltvs);
    if (limit === 0n) continue; // nothing lendable against it (a frozen asset): not this selection's risk
    // Micro-dollars first, so whole-dollar values stay exact in floating point.
    value.push(Number(collateralValue(own.balance, market.price18.get(key)!, market.decimals.get(key)!) / E12) / 1e6);
    use.push(Number(e.debt * market.debtScale) / Number(limit));
  }
  return sortedBook(value, use);
}
