/**
 * Impact check: how much borrower debt a set of parameter steps would make liquidatable at today's
 * prices, computed with MarginEngine's arithmetic (calibrator/rules/engineMath.ts). A threshold cut
 * ramps on-chain, so the check uses the step's final threshold: the debt that becomes liquidatable
 * by the end of the ramp if prices stay where they are. Pure: accounts and prices come in as values.
 */
import { liquidationValue as engineLiquidationValue } from "../rules/engineMath.js";
import type { Address } from "../rules/types.js";

export interface AccountPosition {
  asset: Address;
  /** Token units. */
  balance: bigint;
}

export interface AccountExposure {
  account: Address;
  /** Debt in the debt asset's units. */
  debt: bigint;
  positions: readonly AccountPosition[];
}

export interface MarketView {
  /** 18-decimal price per asset (PriceOracle.getPrice). */
  price18: ReadonlyMap<Address, bigint>;
  decimals: ReadonlyMap<Address, number>;
  /** 10^(18 − debt decimals): debt units → 18-decimal value. */
  debtScale: bigint;
}

/** Σ value × threshold / 10⁴, rounded per position as in MarginEngine._scan (engineMath.liquidationValue). */
export function liquidationValue(positions: readonly AccountPosition[], market: MarketView, thresholdBps: ReadonlyMap<Address, number>): bigint {
  const balances: bigint[] = [];
  const prices: bigint[] = [];
  const decimalsOf: number[] = [];
  const thresholds: number[] = [];
  for (const p of positions) {
    const key = p.asset.toLowerCase() as Address;
    const price = market.price18.get(key);
    const decimals = market.decimals.get(key);
    const threshold = thresholdBps.get(key);
    if (price === undefined || decimals === undefined || threshold === undefined) {
      throw new Error(`impact check: no price, decimals or threshold for collateral ${p.asset}`);
    }
    balances.push(p.balance);
    prices.push(price);
    decimalsOf.push(decimals);
    thresholds.push(threshold);
  }
  return engineLiquidationValue(balances, prices, decimalsOf, thresholds);
}

export interface ImpactResult {
  /** Debt (debt-asset units) of accounts healthy under `before` and liquidatable under `after`. */
  newlyLiquidatableDebt: bigint;
  newlyLiquidatableAccounts: number;
  /** Debt already liquidatable under `before`. */
  alreadyLiquidatableDebt: bigint;
  accountsChecked: number;
}

/** Health < 1 ⇔ liquidation value < debt value (MarginEngine.liquidate's test). */
export function liquidationImpact(
  accounts: readonly AccountExposure[],
  market: MarketView,
  before: ReadonlyMap<Address, number>,
  after: ReadonlyMap<Address, number>,
): ImpactResult {
  const result: ImpactResult = { newlyLiquidatableDebt: 0n, newlyLiquidatableAccounts: 0, alreadyLiquidatableDebt: 0n, accountsChecked: 0 };
  for (const a of accounts) {
    if (a.debt === 0n) continue;
    result.accountsChecked++;
    const debtValue = a.debt * market.debtScale;
    if (liquidationValue(a.positions, market, before) < debtValue) {
      result.alreadyLiquidatableDebt += a.debt;
    } else if (liquidationValue(a.positions, market, after) < debtValue) {
      result.newlyLiquidatableDebt += a.debt;
      result.newlyLiquidatableAccounts++;
    }
  }
  return result;
}
