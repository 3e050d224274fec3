/**
 * The TypeScript copy of MarginEngine's arithmetic, in bigint and with the contract's rounding:
 * interest accrual, collateral values, liquidation sizing (close factor, bonus, equity cap, balance cap,
 * dust rule, protocol fee), the write-off of unbacked debt, the liquidation rate-limit bucket, and the
 * freshness rule of the PriceOracle the engine reads its prices through. The engine tests compare the
 * chain against it, and the backtest simulator uses it so that simulated liquidations match the
 * contract to the wei.
 * Pure: no I/O, no clock.
 */
import type { EngineErrorName } from "./errorNames.js";
export const WAD = 10n ** 18n;
export const BPS = 10_000n;
export const SECONDS_PER_YEAR = 365n * 86_400n;

export interface RateModel {
  baseRateBps: number;
  slope1Bps: number;
  slope2Bps: number;
  optimalUtilizationBps: number;
  reserveFactorBps: number;
}

export interface LiquidationConfig {
  fullCloseHealthBps: number;
  rateLimitBypassHealthBps: number;
  protocolFeeBps: number;
  /** 18-decimal value. */
  minLeftoverValue: bigint;
}

const ceilDiv = (a: bigint, b: bigint): bigint => (a === 0n ? 0n : (a - 1n) / b + 1n);

// 10^d for token decimals 0–36, built once: the hot loops (health, sizing) would otherwise rebuild a
// BigInt power on every call.
const POW10: readonly bigint[] = Array.from({ length: 37 }, (_, d) => 10n ** BigInt(d));
const pow10 = (d: number): bigint => POW10[d] ?? 10n ** BigInt(d);
const BPS_TO_WAD = 10n ** 14n;

/** Borrowed share of cash + borrows, WAD (0 for an empty pool). */
export function utilization(cash: bigint, borrows: bigint): bigint {
  const total = cash + borrows;
  return total === 0n ? 0n : (borrows * WAD) / total;
}

/** Annual borrow rate (WAD) of the kinked model at a utilisation (WAD). */
export function annualBorrowRate(model: RateModel, utilizationWad: bigint): bigint {
  const bpsToWad = WAD / BPS;
  const optimal = BigInt(model.optimalUtilizationBps) * bpsToWad;
  const base = BigInt(model.baseRateBps) * bpsToWad;
  const slope1 = BigInt(model.slope1Bps) * bpsToWad;
  if (utilizationWad <= optimal) return base + (slope1 * utilizationWad) / optimal;
  const slope2 = BigInt(model.slope2Bps) * bpsToWad;
  return base + slope1 + (slope2 * (utilizationWad - optimal)) / (WAD - optimal);
}

export interface PoolState {
  /** Borrow index, WAD. */
  index: bigint;
  cash: bigint;
  totalScaledDebt: bigint;
  reserve: bigint;
}

/** The largest borrow index (112 bits): MarginEngine saturates there and stops accruing. */
export const MAX_INDEX = (1n << 112n) - 1n;

/** The pool after `elapsed` seconds of interest: the index grows linearly within one accrual, up to MAX_INDEX. */
export function accrue(pool: PoolState, model: RateModel, elapsed: bigint): PoolState & { interest: bigint } {
  if (elapsed === 0n || pool.totalScaledDebt === 0n) return { ...pool, interest: 0n };
  const borrows = (pool.totalScaledDebt * pool.index) / WAD;
  const rate = annualBorrowRate(model, utilization(pool.cash, borrows));
  const grown = pool.index + (pool.index * (rate * elapsed)) / (WAD * SECONDS_PER_YEAR);
  const index = grown > MAX_INDEX ? MAX_INDEX : grown;
  const interest = (pool.totalScaledDebt * index) / WAD - borrows;
  return { ...pool, index, interest, reserve: pool.reserve + (interest * BigInt(model.reserveFactorBps)) / BPS };
}

/** An account's debt from its scaled debt, rounded up. */
export const debtOf = (scaled: bigint, index: bigint): bigint => ceilDiv(scaled * index, WAD);

/** Scaled debt a borrow of `amount` adds (MarginEngine.borrow rounds it up). */
export const scaledDebtOfBorrow = (amount: bigint, index: bigint): bigint => ceilDiv(amount * WAD, index);

/** Scaled debt a repayment removes: all of it when the whole debt is repaid, else rounded down. */
export const scaledDebtRepaid = (repaid: bigint, debt: bigint, scaled: bigint, index: bigint): bigint =>
  repaid === debt ? scaled : (repaid * WAD) / index;

/**
 * MarginEngine._writeOffBadDebt: cancels `scaled` of an account's debt that its collateral no longer
 * backs. The loss is the fall of the pool's borrows; the reserve absorbs it first, the lenders the rest.
 */
export function writeOffBadDebt(
  totalScaled: bigint,
  scaled: bigint,
  reserve: bigint,
  index: bigint,
): { totalScaled: bigint; reserve: bigint; loss: bigint; coveredByReserve: bigint } {
  const after = totalScaled - scaled;
  const loss = (totalScaled * index) / WAD - (after * index) / WAD;
  const coveredByReserve = loss < reserve ? loss : reserve;
  return { totalScaled: after, reserve: reserve - coveredByReserve, loss, coveredByReserve };
}

/**
 * MarginEngine._backedScaledDebt: the scaled debt an account keeps when its collateral is worth
 * `value` (18 decimals, market prices): all of it while the collateral covers the debt; else the part
 * it backs, rounded down; nothing once the collateral is worth less than the minimum leftover value.
 * Whatever it does not keep, a liquidation or MarginEngine.writeOffBadDebt writes off (issue 16,
 * finding 2).
 */
export function backedScaledDebt(scaled: bigint, index: bigint, value: bigint, debtScale: bigint, minLeftover: bigint): bigint {
  if (debtOf(scaled, index) * debtScale <= value) return scaled;
  if (value < minLeftover) return 0n;
  return ((value / debtScale) * WAD) / index;
}

/**
 * MarginEngine's minimum-debt rule (issue 16, item 8): whether a borrow or a repayment that takes an
 * account's debt from `debtBefore` to `debtAfter` (debt-asset units) leaves a dust debt the engine
 * refuses with DebtBelowMinimum. Zero is always allowed; a borrow must leave at least the minimum; a
 * partial repayment may not take a debt at or above the minimum below it (one already below may shrink).
 */
export function leavesDustDebt(debtBefore: bigint, debtAfter: bigint, debtScale: bigint, minimum: bigint): boolean {
  if (debtAfter === 0n || debtAfter * debtScale >= minimum) return false;
  return debtAfter > debtBefore || debtBefore * debtScale >= minimum;
}

/** 18-decimal value of `amount` token units at an 18-decimal price, rounded down. */
export const collateralValue = (amount: bigint, price18: bigint, decimals: number): bigint =>
  (amount * price18) / pow10(decimals);

/** MarginEngine.healthFactor's value for an account without debt: type(uint256).max. */
export const MAX_UINT256 = 2n ** 256n - 1n;

/** Σ value × weight / BPS over an account's balances, floored per collateral, as MarginEngine._scan sums. */
function weightedCollateralValue(
  balances: readonly bigint[],
  prices18: readonly bigint[],
  decimals: readonly number[],
  weightsBps: readonly (number | bigint)[],
): bigint {
  let sum = 0n;
  for (let i = 0; i < balances.length; i++) {
    const balance = balances[i] ?? 0n;
    if (balance === 0n) continue;
    sum += (collateralValue(balance, prices18[i]!, decimals[i]!) * BigInt(weightsBps[i]!)) / BPS;
  }
  return sum;
}

/**
 * MarginEngine._scan's borrow limit (18 decimals): Σ value × LTV / BPS, floored per collateral. The
 * backtest's borrows replayed on chain (test/differential/backtest.ts) fail if the two drift.
 */
export function borrowLimit(balances: readonly bigint[], prices18: readonly bigint[], decimals: readonly number[], ltvBps: readonly number[]): bigint {
  return weightedCollateralValue(balances, prices18, decimals, ltvBps);
}

/** MarginEngine._scan's liquidation value (18 decimals): Σ value × effective threshold / BPS, floored per collateral. */
export function liquidationValue(
  balances: readonly bigint[],
  prices18: readonly bigint[],
  decimals: readonly number[],
  thresholdBps: readonly (number | bigint)[],
): bigint {
  return weightedCollateralValue(balances, prices18, decimals, thresholdBps);
}

/** MarginEngine.healthFactor (WAD): liquidation value / debt value, rounded down; max uint without debt. */
export function healthFactor(liquidationValue: bigint, debt: bigint, debtScale: bigint): bigint {
  return debt === 0n ? MAX_UINT256 : (liquidationValue * WAD) / (debt * debtScale);
}

export interface LiquidationInput {
  /** The borrower's debt (debt-asset units). */
  debt: bigint;
  /** 10^(18 − debt decimals). */
  debtScale: bigint;
  /** Health factor before, WAD. */
  healthFactor: bigint;
  /** The borrower's balance of the seized collateral. */
  collateralBalance: bigint;
  price18: bigint;
  collateralDecimals: number;
  closeFactorBps: number;
  liquidationBonusBps: number;
  config: LiquidationConfig;
  maxRepay: bigint;
  /** The seized collateral is the account's only one (the equity cap of finding 7 applies). */
  soleCollateral: boolean;
}

export type LiquidationSize =
  | { ok: true; repaid: bigint; seized: bigint; seizedValue: bigint; fee: bigint }
  | { ok: false; error: Extract<EngineErrorName, "LiquidationLeavesDust">; leftoverDebtValue: bigint; leftoverCollateralValue: bigint };

/**
 * The factors of MarginEngine._sizeLiquidation that depend only on the collateral, its price and the
 * parameters, not on the account: a caller sizing many accounts at one price (the simulator, within a
 * step) builds them once. The products are the contract's own, regrouped (integer multiplication is
 * associative), so sizing with them gives the same wei.
 */
export interface LiquidationTerms {
  debtScale: bigint;
  unit: bigint;
  price: bigint;
  closeFactorBps: bigint;
  fullCloseHealthWad: bigint;
  minLeftover: bigint;
  twiceMinLeftover: bigint;
  /** debtScale × (BPS + bonus) × unit: a repayment's seizure numerator (and a whole balance's repayment divisor). */
  seizeFactor: bigint;
  /** BPS × price: its denominator (and the balance's repayment numerator). */
  seizeDivisor: bigint;
  /** bonus × protocol fee: the fee numerator on a repayment (over BPS²). */
  feeFactor: bigint;
  /** The protocol fee: the fee on an equity-capped bonus is this share of the bonus paid. */
  protocolFeeBps: bigint;
}

export function liquidationTerms(
  config: LiquidationConfig,
  collateralDecimals: number,
  price18: bigint,
  closeFactorBps: number,
  liquidationBonusBps: number,
  debtScale: bigint,
): LiquidationTerms {
  const unit = pow10(collateralDecimals);
  const bonusBps = BigInt(liquidationBonusBps);
  const bonusFactor = BPS + bonusBps;
  return {
    debtScale,
    unit,
    price: price18,
    closeFactorBps: BigInt(closeFactorBps),
    fullCloseHealthWad: BigInt(config.fullCloseHealthBps) * BPS_TO_WAD,
    minLeftover: config.minLeftoverValue,
    twiceMinLeftover: 2n * config.minLeftoverValue,
    seizeFactor: debtScale * bonusFactor * unit,
    seizeDivisor: BPS * price18,
    feeFactor: bonusBps * BigInt(config.protocolFeeBps),
    protocolFeeBps: BigInt(config.protocolFeeBps),
  };
}

const BPS_SQUARED = BPS * BPS;

/** MarginEngine._sizeLiquidation: what one liquidation repays, seizes and pays as fee. */
export function sizeLiquidation(input: LiquidationInput): LiquidationSize {
  const terms = liquidationTerms(input.config, input.collateralDecimals, input.price18, input.closeFactorBps, input.liquidationBonusBps, input.debtScale);
  return sizeLiquidationWith(terms, input.debt, input.healthFactor, input.collateralBalance, input.maxRepay, input.soleCollateral);
}

/** sizeLiquidation with the account-independent factors built once (liquidationTerms). */
export function sizeLiquidationWith(
  terms: LiquidationTerms,
  debt: bigint,
  healthFactor: bigint,
  balance: bigint,
  maxRepay: bigint,
  soleCollateral: boolean,
): LiquidationSize {
  const { unit, price, debtScale, minLeftover } = terms;
  const debtValue = debt * debtScale;
  const targetValue = (balance * price) / unit;
  let allowed = debt;
  if (healthFactor >= terms.fullCloseHealthWad && debtValue >= terms.twiceMinLeftover && targetValue >= terms.twiceMinLeftover) {
    allowed = (debt * terms.closeFactorBps) / BPS;
  }
  let repaid = maxRepay < allowed ? maxRepay : allowed;
  let seized = (repaid * terms.seizeFactor) / terms.seizeDivisor;
  // The account's only collateral would all go at the full bonus, yet it covers the debt: the bonus is
  // capped at the equity, and the seizure keeps the collateral-to-debt ratio (issue 16, finding 7).
  const equityCapped = seized >= balance && soleCollateral && targetValue >= debtValue;
  if (equityCapped) {
    seized = (repaid * balance) / debt;
  } else if (seized > balance) {
    seized = balance;
    // Never above the first repayment: the balance is worth less than its seizure.
    repaid = ceilDiv(balance * terms.seizeDivisor, terms.seizeFactor);
  }
  const seizedValue = (seized * price) / unit;
  const leftoverDebt = debt - repaid;
  const leftoverCollateral = balance - seized;
  if (leftoverDebt !== 0n && leftoverCollateral !== 0n) {
    const leftoverDebtValue = leftoverDebt * debtScale;
    const leftoverCollateralValue = (leftoverCollateral * price) / unit;
    if (leftoverDebtValue < minLeftover || leftoverCollateralValue < minLeftover) {
      return { ok: false, error: "LiquidationLeavesDust", leftoverDebtValue, leftoverCollateralValue };
    }
  }
  let fee: bigint;
  if (equityCapped) {
    // The protocol's share of the bonus actually paid.
    const repaidValue = repaid * debtScale;
    const bonusValue = seizedValue > repaidValue ? seizedValue - repaidValue : 0n;
    fee = ceilDiv(bonusValue * terms.protocolFeeBps, BPS * debtScale);
  } else {
    fee = ceilDiv(repaid * terms.feeFactor, BPS_SQUARED);
  }
  return { ok: true, repaid, seized, seizedValue, fee };
}

/** The rate-limit bucket's content at `now`: it drains `cap` per `window` seconds. */
export function bucketUsedAt(used: bigint, lastUpdate: bigint, cap: bigint, window: bigint, now: bigint): bigint {
  if (used === 0n || window === 0n) return 0n;
  const drained = (cap * (now - lastUpdate)) / window;
  return drained >= used ? 0n : used - drained;
}

/**
 * PriceOracle.getPrice's freshness rule: an answer older than the feed's staleness allowance makes
 * every price-dependent action revert with StalePrice (an age equal to the allowance still passes).
 */
export function priceIsStale(updatedAt: number, now: number, stalenessAllowance: number): boolean {
  return now - updatedAt > stalenessAllowance;
}
