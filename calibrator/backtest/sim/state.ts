/**
 * What every part of a simulation step reads: the accounts, the pool, and this step's time, oracle
 * prices, feed staleness, effective parameters and gas. The step's parts (parameters.ts,
 * watchlist.ts, liquidation.ts, livingBook.ts, records.ts) share one instance; simulate() moves it on.
 */
import { debtOf, healthFactor, liquidationValue, MAX_UINT256 } from "../../rules/engineMath.js";
import type { RiskParams } from "../../rules/types.js";
import { AccountStore } from "./accounts.js";
import { PoolLedger } from "./ledger.js";

export const E18F = 1e18;

export class SimState {
  readonly nAssets: number;
  readonly decimals: number[];
  /** 10^decimals per asset, as floats. */
  readonly unitsF: number[];
  /** 10^(18 − debt decimals): debt-asset units to 18-decimal value. */
  readonly debtScale: bigint;
  readonly debtUnitF: number;
  readonly accounts: AccountStore;
  readonly ledger: PoolLedger;

  step = 0;
  now: number;
  /** Oracle prices (18 decimals) and the same as floats. */
  readonly price18: bigint[];
  readonly priceF: number[];
  /** 1 where the asset's oracle answer is stale at this step (PriceOracle would revert). */
  readonly staleAsset: Uint8Array;
  /** Some asset's feed is stale this step. */
  stale = false;
  /** Effective parameters per asset this step (the ramped threshold). */
  readonly params: RiskParams[] = [];
  /** The live LTV of each asset (the borrow check's). */
  readonly ltvNow: number[] = [];
  /** Each effective threshold as a bigint, for the exact health. */
  readonly thresholdBig: bigint[] = [];
  /** Oracle price × effective threshold / borrow index, per asset: the trigger heaps' levels. */
  readonly xIndex: Float64Array;
  /** The view index as a float (refreshIndexLevels; the index is constant within a step). */
  indexF = 1;
  /** Gas per liquidation this step, USD. */
  gasUsd = 0;
  /** Whole tokens of each asset held over all accounts. */
  readonly totalTokens: Float64Array;
  /** The debt that the last healthOf call read (returned beside the health without an allocation). */
  debtRead = 0n;
  private readonly balanceBuffer: bigint[];

  constructor(options: { decimals: number[]; debtDecimals: number; openingTime: number; openingPrice18: bigint[]; capacity: number; ledger: PoolLedger }) {
    this.decimals = options.decimals;
    this.nAssets = options.decimals.length;
    this.unitsF = options.decimals.map((d) => 10 ** d);
    this.debtScale = 10n ** BigInt(18 - options.debtDecimals);
    this.debtUnitF = 10 ** options.debtDecimals;
    this.accounts = new AccountStore(this.nAssets, this.unitsF, options.capacity);
    this.ledger = options.ledger;
    this.now = options.openingTime;
    this.price18 = options.openingPrice18.slice();
    this.priceF = this.price18.map((p) => Number(p) / E18F);
    this.staleAsset = new Uint8Array(this.nAssets);
    this.xIndex = new Float64Array(this.nAssets);
    this.totalTokens = new Float64Array(this.nAssets);
    this.balanceBuffer = options.decimals.map(() => 0n);
  }

  /** Sets the effective parameters of asset `i` for this step. */
  setParams(i: number, params: RiskParams): void {
    this.params[i] = params;
    this.ltvNow[i] = params.ltvBps;
    this.thresholdBig[i] = BigInt(params.liquidationThresholdBps);
  }

  /** Recomputes the trigger levels from the prices, the thresholds and the view index. */
  refreshIndexLevels(): void {
    const indexF = Number(this.ledger.index) / E18F;
    this.indexF = indexF;
    for (let i = 0; i < this.nAssets; i++) this.xIndex[i] = (this.priceF[i]! * this.params[i]!.liquidationThresholdBps) / indexF;
  }

  /** The account's balances in a buffer reused by the next call. */
  balancesOf(id: number): bigint[] {
    return this.accounts.balancesInto(id, this.balanceBuffer);
  }

  /** Exact health (WAD) as MarginEngine computes it; max uint when the account has no debt. Sets debtRead. */
  healthOf(id: number): bigint {
    const debt = debtOf(this.accounts.scaled[id]!, this.ledger.index);
    this.debtRead = debt;
    if (debt === 0n) return MAX_UINT256;
    return healthFactor(liquidationValue(this.balancesOf(id), this.price18, this.decimals, this.thresholdBig), debt, this.debtScale);
  }

  /** The account's liquidation value in USD as a float (Σ tokens × oracle price × effective threshold). */
  liquidationValueF(id: number): number {
    const n = this.nAssets;
    let value = 0;
    for (let i = 0; i < n; i++) value += this.accounts.tokens[id * n + i]! * this.priceF[i]! * (this.params[i]!.liquidationThresholdBps / 10_000);
    return value;
  }

  /**
   * A bound on |float health − exact health| / exact health for an account owing `debtUsd`: float
   * rounding (tens of ulps, about 1e-14) plus the exact formula's own rounding: one unit of debt (its
   * ceiling) and a few wei of value (the floors), far under 1e-9 of any account the book can hold.
   */
  healthSlack(debtUsd: number): number {
    return 1e-9 + 2 / (debtUsd * this.debtUnitF);
  }

  /** The account's debt in USD as a float (for estimates only). */
  debtUsdF(id: number): number {
    return (this.accounts.scaledF[id]! * this.indexF) / this.debtUnitF;
  }
}
