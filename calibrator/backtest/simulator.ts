/**
 * The backtest simulator: a population of cross-margin accounts on one MarginEngine, replayed step by
 * step (one step per hourly candle) against a price path. Protocol physics:
 * - positions see the oracle (heartbeat and deviation, frozen spans), and a stale oracle blocks every
 *   liquidation, as PriceOracle.getPrice reverts;
 * - the registry's effective parameters: liquidation-threshold cuts ramp; parameter changes come from a
 *   policy's targets through the updater's bounds, steps and cooldowns (keeper/plan.ts);
 * - several liquidators (liquidators.ts), each acting once an account has been liquidatable for its own
 *   delay, seize the collateral worth most, within the close factor, the dust rule and the per-asset
 *   rate limit (deeply underwater accounts bypass it); each sizes its call where its marginal cost
 *   (market impact in the pool and the wider market, impact.ts, plus price risk) meets the bonus, within
 *   its capital, and sends it only when it pays for the repayment, the protocol fee and the hour's gas;
 * - interest accrues as in the engine (only when an action writes), and an account left with debt and
 *   no collateral is written off against the reserve, then the lenders.
 * Liquidation sizing, rounding, fees, write-offs and the rate-limit bucket are engineMath.ts, the copy
 * of the contract the differential test holds equal to the chain. Accounts are only re-examined when a
 * per-asset price index crosses the level at which they could become liquidatable (TriggerHeap), so a
 * step costs O(assets + accounts near liquidation), not O(accounts). Pure: no I/O, no clock.
 */
import { planStep, applyStep } from "../keeper/plan.js";
import { type AssetChainState, checkSteps, effectiveThresholdBps, type UpdaterGlobals } from "../rules/riskRules.js";
import {
  accrue,
  BPS,
  borrowLimit,
  bucketUsedAt,
  collateralValue,
  debtOf,
  type LiquidationConfig,
  type PoolState,
  priceIsStale,
  type RateModel,
  scaledDebtOfBorrow,
  scaledDebtRepaid,
  sizeLiquidation,
  WAD,
  writeOffBadDebt,
} from "../rules/engineMath.js";
import type { Address, RiskParams } from "../rules/types.js";
import { type AssetMarket, DEFAULT_IMPACT, ExecutionVenues, type ImpactConstants } from "./impact.js";
import { edgePerUsdSeized, type LiquidatorAgent, riskPremium } from "./liquidators.js";
import type { OraclePath } from "./oracle.js";
import type { Position } from "./population.js";
import { CheckCalendar } from "./checkCalendar.js";
import { TriggerHeap } from "./triggerHeap.js";
import type { BookAction, BookSpec } from "./book.js";
import { Rng } from "../models/random.js";

export interface SimAsset {
  symbol: string;
  /** Any stable identifier (the differential test passes the token address). */
  address: Address;
  decimals: number;
  /** Market (exchange) price at each step, USD. */
  market: Float64Array;
  oracle: OraclePath;
  /** PriceOracle's staleness allowance for the asset's feed (seconds). */
  stalenessAllowance: number;
  /** The registry and updater state at the opening (stored parameters, rules, ramp, nonce, …). */
  chain: AssetChainState;
  /** Where its seizures are sold: the pool and the wider market (impact.ts). */
  venue: AssetMarket;
}

/** A policy's target parameters per asset from a step on (recalibrations); applied through the updater. */
export interface ScheduledTarget {
  step: number;
  /** One per asset, in asset order; undefined keeps the asset's current target. */
  targets: (RiskParams | undefined)[];
  /** Per asset: the calibration called a crisis (the planner holds the threshold and the bonus). */
  crisis?: (boolean | undefined)[];
}

export interface SimInput {
  /** Step times (unix seconds), increasing; the opening is one step before the first. */
  times: Float64Array;
  openingTime: number;
  assets: SimAsset[];
  debtDecimals: number;
  rateModel: RateModel;
  liquidation: LiquidationConfig;
  /** Lenders' deposits, debt-asset units. */
  lenderDeposits: bigint;
  population: readonly Position[];
  /** The liquidator bots, fastest first (liquidators.ts). */
  liquidators: readonly LiquidatorAgent[];
  /** Gas per liquidation at each step, USD (gas.ts): a call that does not cover it is not sent. */
  gasCostUsd: Float64Array;
  /** Liquidation calls per account per step (a bot's loop bound). */
  maxCallsPerAccountPerStep: number;
  /** Market-impact constants; DEFAULT_IMPACT when absent. */
  impact?: ImpactConstants;
  /** The living book (book.ts): re-levering, arrivals and repayments; absent, the book is frozen after the opening. */
  book?: BookSpec;
  schedule: readonly ScheduledTarget[];
  updater: UpdaterGlobals;
  /** The policy's toxic-spiral margin (bps) that the planner keeps on effective values (0: the chain's rule only). */
  spiralMarginBps?: number;
  /** Examine every account at every step instead of only those whose trigger was crossed (tests). */
  examineEveryAccount?: boolean;
  /** Health histograms taken over the run (start and end included). */
  healthSnapshots?: number;
  onProgress?: (done: number, total: number) => void;
}

export interface LiquidationAction {
  step: number;
  account: number;
  asset: number;
  /** The liquidator's maxRepay argument (the full allowance when the rate limit did not bind). */
  maxRepay: bigint;
  repaid: bigint;
  seized: bigint;
  fee: bigint;
  /** 18-decimal value of the seizure at the oracle price. */
  seizedValue: bigint;
  healthBefore: bigint;
  /** Debt written off right after this liquidation (0 when the account kept collateral). */
  writtenOff: bigint;
  coveredByReserve: bigint;
}

export interface ParameterChange {
  step: number;
  asset: number;
  params: RiskParams;
  riskIncreasing: boolean;
}

export interface StepSeries {
  /** Per asset, per step. */
  oraclePrice: Float64Array[];
  ltvBps: Float64Array[];
  effectiveThresholdBps: Float64Array[];
  bonusBps: Float64Array[];
  liquidations: Float64Array;
  /** USD at the oracle price. */
  liquidatedValue: Float64Array;
  blockedByRateLimit: Float64Array;
  /** Cumulative debt written off, USD. */
  badDebtWrittenOff: Float64Array;
  borrowingPowerUsed: Float64Array;
}

export interface HealthSnapshot {
  step: number;
  /** Health factor of every account with debt (NaN-free). */
  health: Float64Array;
}

export interface SimMetrics {
  /** Debt written off plus the shortfall (debt above collateral at market) left at the end, USD. */
  badDebt: number;
  liquidatedValue: number;
  /** Seized value above the debt repaid, USD: what borrowers lost to liquidators. */
  bonusPaid: number;
  protocolFees: number;
  blockedByRateLimit: number;
  /** Time average of solvent accounts' debt / their collateral value at oracle prices (insolvent accounts left out). */
  avgBorrowingPowerUsed: number;
  /** Time average of the debt of solvent accounts (collateral at oracle prices ≥ debt), USD: capital efficiency. */
  solventDebtUsdAvg: number;
  /** Bonus paid (seized value above the debt repaid) on accounts that end insolvent, USD. */
  bonusPaidInsolventUsd: number;
  /** The largest effective liquidation threshold × (1 + bonus) of any asset at any step. */
  peakSpiralProduct: number;
  /** Hours from an account turning liquidatable to each liquidation of it: median and 95th percentile. */
  liquidationDelayHours: { median: number; p95: number };
  /** Lowest health factor an account reached when examined (every liquidatable account is examined each step). */
  worstHealth: number;
}

export interface SimDetails {
  liquidations: number;
  writtenOff: number;
  coveredByReserve: number;
  endShortfall: number;
  /** Liquidatable accounts skipped because no liquidator would pay for it (impact, price risk, gas, capital). */
  unprofitableSkips: number;
  /** Liquidations that would have left dust. */
  dustSkips: number;
  /** Steps at which some asset's oracle was stale. */
  staleOracleSteps: number;
  reserveAtEnd: number;
  initialDebt: number;
  initialCollateralValue: number;
}

export interface SimResult {
  steps: number;
  positions: number;
  metrics: SimMetrics;
  details: SimDetails;
  actions: LiquidationAction[];
  parameterChanges: ParameterChange[];
  series: StepSeries;
  healthSnapshots: HealthSnapshot[];
  /** Pool state at the end (the differential test compares it with the chain). */
  pool: PoolState & { badDebtWrittenOff: bigint; lastAccrual: bigint };
  /** Scaled debt and collateral balances per account at the end (arrivals after the opening population). */
  accounts: { scaledDebt: bigint; collateral: bigint[] }[];
  /** The borrowers' own actions (living book), in order; before each step's liquidations. */
  bookActions: BookAction[];
}

const E18F = 1e18;
/** The health of an account without debt (MarginEngine returns type(uint256).max). */
const MAX_UINT = 2n ** 256n - 1n;
// A position is re-examined once a price index falls within this relative margin of its trigger, so
// float rounding never hides a liquidatable account from the exact (bigint) check.
const TRIGGER_MARGIN = 1e-9;

interface AccountState {
  scaled: bigint;
  collateral: bigint[];
  /** `collateral` in whole tokens, as floats (kept in step with it for the float-only estimates). */
  tokens: Float64Array;
  version: number;
  /** Step time it was first seen liquidatable in its current episode; −1 when not. */
  liquidatableSince: number;
  /** Target share of the borrow limit (living book). */
  limitUse: number;
  /** Repays to its target once its health falls below the book's repayHealth. */
  attentive: boolean;
  /** Liquidatable but too small to pay gas: off the active set until gas falls (parkHeap). */
  parked: boolean;
}

/** Trigger ids at or above this are repay triggers of account id − REPAY_TRIGGER. */
const REPAY_TRIGGER = 1 << 28;
/** Borrowers do not top up for less than this (USD): the book creates no dust debts of its own. */
const MIN_BORROW_USD = 1_000;

export function simulate(input: SimInput): SimResult {
  const { assets, times, population } = input;
  const nSteps = times.length;
  const nAssets = assets.length;
  const debtScale = 10n ** BigInt(18 - input.debtDecimals);
  const debtUnitF = 10 ** input.debtDecimals;
  const units = assets.map((a) => 10n ** BigInt(a.decimals));
  const unitsF = assets.map((a) => 10 ** a.decimals);
  const config = input.liquidation;
  const fullCloseWad = BigInt(config.fullCloseHealthBps) * 10n ** 14n;
  const bypassWad = BigInt(config.rateLimitBypassHealthBps) * 10n ** 14n;

  // Registry/updater state per asset, and the policy's current target.
  const chain = assets.map((a) => a.chain);
  const targets: (RiskParams | undefined)[] = assets.map(() => undefined);
  const nextTryAt = assets.map(() => Number.POSITIVE_INFINITY);
  const crisisNow = assets.map(() => false);
  let scheduleCursor = 0;
  const parameterChanges: ParameterChange[] = [];
  const effective = (i: number, now: number) => {
    const stored = chain[i]!.stored!;
    return { ...stored, liquidationThresholdBps: effectiveThresholdBps(stored.liquidationThresholdBps, chain[i]!.ramp, BigInt(now)) };
  };

  // Pool: the lenders' deposit is cash; each opening borrow adds scaled debt at index 1 (rounded up).
  let pool: PoolState = { index: WAD, cash: input.lenderDeposits, totalScaledDebt: 0n, reserve: 0n };
  let lastAccrual = BigInt(input.openingTime);
  let badDebtWrittenOff = 0n;
  let coveredByReserveTotal = 0n;

  const openingPrice18 = assets.map((a) => a.oracle.openingAnswer8 * 10n ** 10n);
  const book = input.book;
  const bookRng = new Rng(book?.seed ?? 0);
  const decimals = assets.map((a) => a.decimals);
  const openingLtv = chain.map((c) => c.stored!.ltvBps);
  const accounts: AccountState[] = population.map((p, id) => {
    const limit = borrowLimit(p.collateral, openingPrice18, decimals, openingLtv);
    if (p.debt * debtScale > limit) throw new RangeError(`position ${id}: debt ${p.debt} exceeds its borrow limit at the opening`);
    const scaled = scaledDebtOfBorrow(p.debt, pool.index);
    pool.cash -= p.debt;
    pool.totalScaledDebt += scaled;
    return {
      scaled,
      collateral: assets.map((_, i) => p.collateral[i] ?? 0n),
      tokens: Float64Array.from(assets, (a, i) => Number(p.collateral[i] ?? 0n) / 10 ** a.decimals),
      version: 0,
      liquidatableSince: -1,
      limitUse: p.limitUse ?? (limit > 0n ? Number(p.debt * debtScale) / Number(limit) : 0),
      attentive: book ? bookRng.next() < book.attentiveShare : false,
      parked: false,
    };
  });
  if (pool.cash < 0n) throw new RangeError(`lender deposits (${input.lenderDeposits}) do not cover the population's debt`);

  const totalAmountF = assets.map((_, i) => accounts.reduce((s, a) => s + Number(a.collateral[i]!) / unitsF[i]!, 0));
  const initialDebt = Number(population.reduce((s, p) => s + p.debt, 0n)) / debtUnitF;
  const initialCollateralValue = assets.reduce((s, a, i) => s + totalAmountF[i]! * (Number(openingPrice18[i]!) / E18F), 0);

  const heaps = assets.map(() => new TriggerHeap(Math.max(64, accounts.length)));
  const active = new Set<number>();

  const series: StepSeries = {
    oraclePrice: assets.map(() => new Float64Array(nSteps)),
    ltvBps: assets.map(() => new Float64Array(nSteps)),
    effectiveThresholdBps: assets.map(() => new Float64Array(nSteps)),
    bonusBps: assets.map(() => new Float64Array(nSteps)),
    liquidations: new Float64Array(nSteps),
    liquidatedValue: new Float64Array(nSteps),
    blockedByRateLimit: new Float64Array(nSteps),
    badDebtWrittenOff: new Float64Array(nSteps),
    borrowingPowerUsed: new Float64Array(nSteps),
  };
  const actions: LiquidationAction[] = [];
  const buckets = assets.map(() => ({ used: 0n, lastUpdate: 0n }));
  const metrics = { liquidatedValue: 0n, bonusPaid: 0n, protocolFees: 0n, blocked: 0, worstHealth: Number.POSITIVE_INFINITY };
  let unprofitableSkips = 0;
  let dustSkips = 0;
  let staleOracleSteps = 0;
  let borrowingPowerSum = 0;

  // Per-step context shared by the helpers below.
  let now = input.openingTime;
  let index = WAD; // the pending (view) index at `now`
  const price18 = openingPrice18.slice();
  const priceF = price18.map((p) => Number(p) / E18F);
  const params: RiskParams[] = assets.map((_, i) => effective(i, now));
  /** The live LTV of each asset this step (the borrow check's). */
  const ltvNow = params.map((q) => q.ltvBps);
  const xIndex = new Float64Array(nAssets); // oracle price × effective threshold / borrow index

  const refreshIndexLevels = () => {
    const indexF = Number(index) / E18F;
    for (let i = 0; i < nAssets; i++) xIndex[i] = (priceF[i]! * params[i]!.liquidationThresholdBps) / indexF;
  };

  /** Each asset's effective threshold this step, as a bigint for the exact health. */
  const thresholdBig: bigint[] = params.map((q) => BigInt(q.liquidationThresholdBps));
  /** The debt that the last healthOf call read (returned beside the health without an allocation). */
  let debtRead = 0n;
  /** Exact health (WAD) as MarginEngine computes it; max uint when the account has no debt. */
  const healthOf = (acc: AccountState): bigint => {
    const debt = debtOf(acc.scaled, index);
    debtRead = debt;
    if (debt === 0n) return MAX_UINT;
    let liquidationValue = 0n;
    for (let i = 0; i < nAssets; i++) {
      const balance = acc.collateral[i]!;
      if (balance === 0n) continue;
      liquidationValue += (collateralValue(balance, price18[i]!, decimals[i]!) * thresholdBig[i]!) / BPS;
    }
    return (liquidationValue * WAD) / (debt * debtScale);
  };

  /** Files the account under each asset it holds at the index level where it could turn liquidatable. */
  const file = (id: number, health: bigint) => {
    const acc = accounts[id]!;
    acc.version++;
    if (acc.scaled === 0n) return;
    const h = Number(health) / E18F;
    const repayAt = book && acc.attentive && h > book.repayHealth ? book.repayHealth : 0;
    for (let i = 0; i < nAssets; i++) {
      if (acc.collateral[i] === 0n) continue;
      heaps[i]!.push((xIndex[i]! / h) * (1 + TRIGGER_MARGIN), id, acc.version);
      if (repayAt > 0) heaps[i]!.push(((xIndex[i]! * repayAt) / h) * (1 + TRIGGER_MARGIN), id + REPAY_TRIGGER, acc.version);
    }
  };

  refreshIndexLevels();
  for (let id = 0; id < accounts.length; id++) {
    const health = healthOf(accounts[id]!);
    if (health < WAD) throw new RangeError(`position ${id} is liquidatable at the opening`);
    file(id, health);
  }

  const healthSnapshots: HealthSnapshot[] = [];
  const snapshotCount = Math.max(2, input.healthSnapshots ?? 12);
  const snapshotEvery = Math.max(1, Math.floor((nSteps - 1) / (snapshotCount - 1)));
  const takeSnapshot = (step: number) => {
    const indexF = Number(index) / E18F;
    const values: number[] = [];
    for (const acc of accounts) {
      if (acc.scaled === 0n) continue;
      let lv = 0;
      for (let i = 0; i < nAssets; i++) lv += acc.tokens[i]! * priceF[i]! * (params[i]!.liquidationThresholdBps / 10_000);
      values.push(lv / ((Number(acc.scaled) * indexF) / debtUnitF));
    }
    healthSnapshots.push({ step, health: Float64Array.from(values) });
  };

  let accruedThisStep = false;
  const writeAccrual = () => {
    if (accruedThisStep) return;
    const elapsed = BigInt(now) - lastAccrual;
    const next = accrue(pool, input.rateModel, elapsed);
    pool = { index: next.index, cash: next.cash, totalScaledDebt: next.totalScaledDebt, reserve: next.reserve };
    lastAccrual = BigInt(now);
    accruedThisStep = true;
  };

  const impact = input.impact ?? DEFAULT_IMPACT;
  const venues = assets.map((a) => new ExecutionVenues(a.venue, impact, input.openingTime));
  const bots = input.liquidators;
  if (bots.length === 0) throw new RangeError("the simulator needs at least one liquidator");
  const minDelay = bots.reduce((m, b) => Math.min(m, b.delaySeconds), Number.POSITIVE_INFINITY);
  const capitalLeft = new Float64Array(bots.length);
  let gasUsd = 0;
  /** 1 where the asset's oracle answer is stale at this step (PriceOracle would revert). */
  const staleAsset = new Uint8Array(nAssets);
  // True once even a small further sale of the asset this step costs more in impact than the bonus nets
  // a liquidator (seizure = repayment × (1 + bonus), cost = repayment × (1 + bonus × fee share)).
  const saturatedNow = new Uint8Array(nAssets);
  // The lowest price-risk premium any bot would charge on the asset this hour: a lower bound on cost.
  const minPremium = new Float64Array(nAssets);
  const updateSaturation = (i: number): void => {
    const edge = edgePerUsdSeized(params[i]!.liquidationBonusBps, config.protocolFeeBps) - minPremium[i]!;
    saturatedNow[i] = edge <= 0 || venues[i]!.marginalNow() >= edge ? 1 : 0;
  };
  const saturated = (i: number): boolean => saturatedNow[i] === 1;
  /** A known-liquidatable account whose every collateral's depth is used up this step: nothing to do. */
  const stuck = (acc: AccountState): boolean => {
    if (acc.liquidatableSince < 0) return false;
    if (capitalLeft.every((c) => c <= gasUsd)) return true;
    for (let i = 0; i < nAssets; i++) if (acc.collateral[i] !== 0n && saturatedNow[i] === 0) return false;
    return true;
  };

  const bonusByAccount: number[] = accounts.map(() => 0);
  const delaysHours: number[] = [];
  let peakSpiral = 0;
  let solventDebtSum = 0;
  /**
   * True when even seizing against the whole debt could not pay the hour's gas: the edge on the
   * seizure (at the market price, before impact and price risk, which only lower it) is below the gas.
   * A cheap float bound that spares the exact sizing for accounts too small to liquidate.
   */
  const gasBound = (acc: AccountState): number => {
    if (gasUsd <= 0) return Number.POSITIVE_INFINITY;
    const debtF = (Number(acc.scaled) * (Number(index) / E18F)) / debtUnitF;
    let best = 0;
    for (let i = 0; i < nAssets; i++) {
      if (acc.collateral[i] === 0n) continue;
      const b = params[i]!.liquidationBonusBps / 10_000;
      const premiumToOracle = Math.max(1, assets[i]!.market[currentStep]! / priceF[i]!);
      best = Math.max(best, debtF * (1 + b) * edgePerUsdSeized(params[i]!.liquidationBonusBps, config.protocolFeeBps) * premiumToOracle);
    }
    return best;
  };
  // Parked accounts, keyed by 1.5 × their gas bound (headroom for interest and price), popped once the
  // hour's gas falls below the key.
  const parkHeap = new TriggerHeap(64);
  let currentStep = 0;
  const heldValue: bigint[] = assets.map(() => 0n);
  const heldAsset = new Int32Array(nAssets);
  /** A liquidator's pass over one liquidatable account; returns its health afterwards. */
  const liquidateAccount = (id: number, step: number, healthNow: bigint, debtNow: bigint): bigint => {
    const acc = accounts[id]!;
    let health = healthNow;
    let debt = debtNow;
    for (let call = 0; call < input.maxCallsPerAccountPerStep && health < WAD && debt > 0n; call++) {
      // Seize the collateral worth most (lowest asset index on a tie); another when that one would
      // leave dust; none when selling into the asset's DEX depth this step can no longer pay.
      // Insertion by value, descending (accounts hold a handful of assets).
      let heldCount = 0;
      for (let i = 0; i < nAssets; i++) {
        if (acc.collateral[i] === 0n) continue;
        const value = collateralValue(acc.collateral[i]!, price18[i]!, assets[i]!.decimals);
        let j = heldCount++;
        while (j > 0 && heldValue[j - 1]! < value) {
          heldValue[j] = heldValue[j - 1]!;
          heldAsset[j] = heldAsset[j - 1]!;
          j--;
        }
        heldValue[j] = value;
        heldAsset[j] = i;
      }
      if (heldCount === 0) break;
      const sizeFor = (target: number, maxRepay: bigint) =>
        sizeLiquidation({
          debt,
          debtScale,
          healthFactor: health,
          collateralBalance: acc.collateral[target]!,
          price18: price18[target]!,
          collateralDecimals: assets[target]!.decimals,
          closeFactorBps: params[target]!.closeFactorBps,
          liquidationBonusBps: params[target]!.liquidationBonusBps,
          config,
          maxRepay,
        });
      let target = -1;
      let size: ReturnType<typeof sizeLiquidation> | undefined;
      for (let h = 0; h < heldCount; h++) {
        const asset = heldAsset[h]!;
        if (saturated(asset)) continue;
        const s = sizeFor(asset, debt);
        if (s.ok) {
          [target, size] = [asset, s];
          break;
        }
        size = s;
      }
      if (target < 0 || !size || !size.ok) {
        if (size && !size.ok) dustSkips++;
        else unprofitableSkips++;
        break;
      }
      const p = params[target]!;
      const sizeWith = (maxRepay: bigint) => sizeFor(target, maxRepay);
      let maxRepay = debt;
      const bucket = buckets[target]!;
      const used = bucketUsedAt(bucket.used, bucket.lastUpdate, p.liquidationCapPerWindow, BigInt(p.liquidationWindow), BigInt(now));
      if (health >= bypassWad) {
        const available = used >= p.liquidationCapPerWindow ? 0n : p.liquidationCapPerWindow - used;
        if (size.seizedValue > available) {
          // Take what the bucket allows now, 0.1% under for rounding; too little to pay for gas is a block.
          const repay = (((available * BPS) / (BPS + BigInt(p.liquidationBonusBps)) / debtScale) * 999n) / 1_000n;
          const resized = repay > 0n ? sizeWith(repay) : undefined;
          if (!resized || !resized.ok || resized.seizedValue > available || Number(resized.repaid) / debtUnitF < gasUsd * 10) {
            metrics.blocked++;
            break;
          }
          maxRepay = repay;
          size = resized;
        }
      }
      // The first bot (fastest first) that has waited its delay, has capital and finds the call worth
      // its marginal cost takes it: the seizure is cut to where marginal impact plus the bot's price-risk
      // premium meets the bonus's edge, and to its capital.
      const price = assets[target]!.market[step]!;
      const fullSeizedUsd = (Number(size.seized) / unitsF[target]!) * price;
      const edge = edgePerUsdSeized(p.liquidationBonusBps, config.protocolFeeBps);
      // Repayment plus fee per USD seized: (1 + b·f)/(1 + b) = 1 − edge.
      const costPerSeized = 1 - edge;
      const sigma = assets[target]!.venue.dailySigma[step] ?? 0;
      const waited = now - acc.liquidatableSince;
      let sale: ReturnType<ExecutionVenues["quote"]> | undefined;
      let bot = -1;
      for (let l = 0; l < bots.length; l++) {
        const agent = bots[l]!;
        if (waited < agent.delaySeconds) break;
        if (capitalLeft[l]! <= gasUsd) continue;
        const premium = riskPremium(agent, sigma);
        if (edge <= premium) continue;
        const affordable = capitalLeft[l]! / costPerSeized;
        const usd = venues[target]!.sizeAtMarginal(edge - premium, Math.min(fullSeizedUsd, affordable));
        if (!(usd > 0)) continue;
        const partial = usd < fullSeizedUsd;
        const candidateRepay = partial ? (maxRepay * BigInt(Math.floor((usd / fullSeizedUsd) * 1e9))) / 1_000_000_000n : maxRepay;
        if (candidateRepay === 0n) continue;
        const candidate = partial ? sizeWith(candidateRepay) : size;
        if (!candidate.ok || candidate.seized === 0n) continue;
        const seizedUsdNow = (Number(candidate.seized) / unitsF[target]!) * price;
        const quote = venues[target]!.quote(seizedUsdNow);
        const outlay = Number(candidate.repaid + candidate.fee) / debtUnitF;
        if (outlay > capitalLeft[l]!) continue;
        const profit = seizedUsdNow - quote.costUsd - premium * seizedUsdNow - outlay - gasUsd;
        if (!(profit >= 0)) continue;
        [size, maxRepay, sale, bot] = [candidate, candidateRepay, quote, l];
        break;
      }
      if (!sale || bot < 0 || !size.ok) {
        unprofitableSkips++;
        break;
      }

      // Effects, in the engine's order.
      writeAccrual();
      const scaledRemoved = scaledDebtRepaid(size.repaid, debt, acc.scaled, index);
      acc.collateral[target] = acc.collateral[target]! - size.seized;
      acc.tokens[target] = Number(acc.collateral[target]!) / unitsF[target]!;
      totalAmountF[target] = totalAmountF[target]! - Number(size.seized) / unitsF[target]!;
      let totalScaled = pool.totalScaledDebt - scaledRemoved;
      let reserve = pool.reserve + size.fee;
      acc.scaled -= scaledRemoved;
      let writtenOff = 0n;
      let covered = 0n;
      if (acc.scaled !== 0n && acc.collateral.every((c) => c === 0n)) {
        const w = writeOffBadDebt(totalScaled, acc.scaled, reserve, index);
        [totalScaled, reserve, writtenOff, covered] = [w.totalScaled, w.reserve, w.loss, w.coveredByReserve];
        acc.scaled = 0n;
        badDebtWrittenOff += writtenOff;
        coveredByReserveTotal += covered;
      }
      pool.cash += size.repaid + size.fee;
      pool.totalScaledDebt = totalScaled;
      pool.reserve = reserve;
      bucket.used = used + size.seizedValue;
      bucket.lastUpdate = BigInt(now);
      venues[target]!.commit(sale);
      capitalLeft[bot] = capitalLeft[bot]! - Number(size.repaid + size.fee) / debtUnitF;
      updateSaturation(target);
      bonusByAccount[id] = bonusByAccount[id]! + Number(size.seizedValue - size.repaid * debtScale) / E18F;
      delaysHours.push((now - acc.liquidatableSince) / 3_600);
      metrics.liquidatedValue += size.seizedValue;
      metrics.bonusPaid += size.seizedValue - size.repaid * debtScale;
      metrics.protocolFees += size.fee * debtScale;
      series.liquidations[step]!++;
      series.liquidatedValue[step] = series.liquidatedValue[step]! + Number(size.seizedValue) / E18F;
      actions.push({
        step,
        account: id,
        asset: target,
        maxRepay,
        repaid: size.repaid,
        seized: size.seized,
        fee: size.fee,
        seizedValue: size.seizedValue,
        healthBefore: health,
        writtenOff,
        coveredByReserve: covered,
      });
      health = healthOf(acc);
      debt = debtRead;
    }
    return health;
  };

  const repayCandidates = new Set<number>();
  const bookActions: BookAction[] = [];
  const checks = new CheckCalendar(nSteps, accounts.length);
  let arrivalCursor = 0;
  /** Step of each account's last re-levering check (−1: the opening). */
  const lastCheck: number[] = [];
  /** The account repays its whole debt and withdraws all its collateral. */
  const leave = (id: number, step: number) => {
    const acc = accounts[id]!;
    if (acc.scaled !== 0n) {
      const debt = debtOf(acc.scaled, index);
      writeAccrual();
      pool.cash += debt;
      pool.totalScaledDebt -= acc.scaled;
      acc.scaled = 0n;
      bookActions.push({ step, account: id, kind: "repay", amount: debt });
    }
    bookActions.push({ step, account: id, kind: "withdraw", amount: 0n, collateral: acc.collateral.slice() });
    for (let i = 0; i < nAssets; i++) totalAmountF[i] = totalAmountF[i]! - acc.tokens[i]!;
    acc.collateral = acc.collateral.map(() => 0n);
    acc.tokens.fill(0);
    acc.version++; // its triggers lapse
  };
  const scheduleCheck = (id: number, step: number) => {
    if (!book) return;
    lastCheck[id] = step;
    const hours = Math.max(1, Math.round(-Math.log(1 - bookRng.next()) * book.releverEveryDays * 24));
    const at = step + hours;
    if (at >= nSteps) return;
    checks.book(id, at);
  };
  /**
   * Moves an account's debt toward its target use of the live borrow limit: "borrow" tops it up when
   * that adds at least the book's band (the engine's borrow check: fresh prices, live LTV, pool cash);
   * "repay" pays the excess down. Returns whether it acted.
   */
  const rebalance = (id: number, step: number, direction: "borrow" | "repay"): boolean => {
    const acc = accounts[id]!;
    if (direction === "borrow" && acc.scaled !== 0n) {
      // Float pre-check (most checks find nothing to do): skip unless the top-up clears the band with room.
      let limitF = 0;
      for (let i = 0; i < nAssets; i++) limitF += acc.tokens[i]! * priceF[i]! * (params[i]!.ltvBps / 10_000);
      const wantF = limitF * acc.limitUse;
      const debtF = (Number(acc.scaled) * (Number(index) / E18F)) / debtUnitF;
      if (wantF - debtF < (book?.releverBand ?? 0) * wantF * 0.999) return false;
    }
    // MarginEngine prices every collateral of the account: a stale feed makes borrow revert.
    if (direction === "borrow") for (let i = 0; i < nAssets; i++) if (acc.collateral[i] !== 0n && staleAsset[i]) return false;
    const limit = borrowLimit(acc.collateral, price18, decimals, ltvNow);
    const debt = debtOf(acc.scaled, index);
    const want = (limit * BigInt(Math.floor(acc.limitUse * 1_000_000))) / 1_000_000n / debtScale;
    if (direction === "borrow") {
      if (want <= debt || Number(want - debt) < Math.max((book?.releverBand ?? 0) * Number(want), MIN_BORROW_USD * debtUnitF)) return false;
      const amount = want - debt > pool.cash ? pool.cash : want - debt;
      if (amount === 0n) return false;
      const added = scaledDebtOfBorrow(amount, index);
      if (debtOf(acc.scaled + added, index) * debtScale > limit) return false; // rounding at the limit: skip
      writeAccrual();
      acc.scaled += added;
      pool.cash -= amount;
      pool.totalScaledDebt += added;
      bookActions.push({ step, account: id, kind: "borrow", amount });
      return true;
    }
    if (debt <= want) return false;
    const repaid = debt - want;
    writeAccrual();
    const removed = scaledDebtRepaid(repaid, debt, acc.scaled, index);
    acc.scaled -= removed;
    pool.cash += repaid;
    pool.totalScaledDebt -= removed;
    bookActions.push({ step, account: id, kind: "repay", amount: repaid });
    return true;
  };
  if (book) for (let id = 0; id < accounts.length; id++) scheduleCheck(id, -1);

  for (let step = 0; step < nSteps; step++) {
    now = times[step]!;
    currentStep = step;
    accruedThisStep = false;
    gasUsd = input.gasCostUsd[step] ?? 0;
    for (let l = 0; l < bots.length; l++) capitalLeft[l] = bots[l]!.capitalUsd;
    for (let i = 0; i < nAssets; i++) {
      venues[i]!.advance(step, now);
      const sigma = assets[i]!.venue.dailySigma[step] ?? 0;
      minPremium[i] = bots.reduce((m, bot) => Math.min(m, riskPremium(bot, sigma)), Number.POSITIVE_INFINITY);
    }
    const blockedBeforeStep = metrics.blocked;
    let stale = false;
    for (let i = 0; i < nAssets; i++) {
      const a = assets[i]!;
      price18[i] = BigInt(a.oracle.answer8[step]!) * 10n ** 10n;
      priceF[i] = Number(price18[i]!) / E18F;
      staleAsset[i] = priceIsStale(a.oracle.updatedAt[step]!, now, a.stalenessAllowance) ? 1 : 0;
      if (staleAsset[i]) stale = true;
    }
    if (stale) staleOracleSteps++;

    // The policy: new targets from the schedule, then the keeper's bounded step where one is due.
    while (scheduleCursor < input.schedule.length && input.schedule[scheduleCursor]!.step <= step) {
      const entry = input.schedule[scheduleCursor]!;
      entry.targets.forEach((t, i) => {
        if (t === undefined) return;
        targets[i] = t;
        crisisNow[i] = entry.crisis?.[i] ?? false;
        nextTryAt[i] = now;
      });
      scheduleCursor++;
    }
    for (let i = 0; i < nAssets; i++) {
      const target = targets[i];
      // The updater refuses reports while the asset's feed is stale.
      if (target === undefined || now < nextTryAt[i]! || staleAsset[i]) continue;
      const outcome = planStep(assets[i]!.address, target, chain[i]!, input.updater, BigInt(now), BigInt(now), { spiralMarginBps: input.spiralMarginBps ?? 0, crisis: crisisNow[i]! });
      if (outcome.kind === "atTarget") nextTryAt[i] = Number.POSITIVE_INFINITY;
      else if (outcome.kind === "blocked") {
        const readyAt = outcome.violation.error === "CooldownActive" ? Number(outcome.violation.args[1]) : Number.POSITIVE_INFINITY;
        nextTryAt[i] = readyAt > now ? readyAt : Number.POSITIVE_INFINITY;
      } else {
        const { riskIncreasing } = checkSteps(assets[i]!.address, chain[i]!.rules, chain[i]!.stored!, outcome.step.params);
        chain[i] = applyStep(chain[i]!, outcome.step.params, BigInt(now));
        parameterChanges.push({ step, asset: i, params: outcome.step.params, riskIncreasing });
        nextTryAt[i] = now + Math.min(chain[i]!.rules.riskReducingCooldown, chain[i]!.rules.riskIncreasingCooldown);
      }
    }
    for (let i = 0; i < nAssets; i++) {
      params[i] = effective(i, now);
      ltvNow[i] = params[i]!.ltvBps;
      thresholdBig[i] = BigInt(params[i]!.liquidationThresholdBps);
    }
    for (let i = 0; i < nAssets; i++) updateSaturation(i);

    // The view index at this step (what healthFactor reads); a liquidation writes the same value.
    index = accrue(pool, input.rateModel, BigInt(now) - lastAccrual).index;
    refreshIndexLevels();

    // Accounts whose trigger the index levels crossed join the liquidatable candidates.
    for (let i = 0; i < nAssets; i++) {
      const heap = heaps[i]!;
      while (heap.size > 0 && heap.peekKey() > xIndex[i]!) {
        const { id, version } = heap.pop();
        if (id >= REPAY_TRIGGER) {
          if (accounts[id - REPAY_TRIGGER]!.version === version) repayCandidates.add(id - REPAY_TRIGGER);
        } else if (accounts[id]!.version === version) active.add(id);
      }
    }
    // Attentive borrowers whose health fell below the repay level pay down to their target use.
    for (const id of repayCandidates) {
      const acc = accounts[id]!;
      if (active.has(id) || acc.parked || acc.scaled === 0n) continue;
      const health = healthOf(acc);
      file(id, book && Number(health) / E18F < book.repayHealth && rebalance(id, step, "repay") ? healthOf(acc) : health);
    }
    repayCandidates.clear();
    if (book) {
      // Arrivals, then the scheduled re-levering checks.
      while (arrivalCursor < book.arrivals.length && book.arrivals[arrivalCursor]!.step <= step) {
        const arrival = book.arrivals[arrivalCursor++]!;
        const id = accounts.length;
        accounts.push({
          scaled: 0n,
          collateral: assets.map((_, i) => arrival.collateral[i] ?? 0n),
          tokens: Float64Array.from(assets, (_, i) => Number(arrival.collateral[i] ?? 0n) / unitsF[i]!),
          version: 0, liquidatableSince: -1, limitUse: arrival.limitUse, attentive: bookRng.next() < book.attentiveShare, parked: false });
        bonusByAccount.push(0);
        for (let i = 0; i < nAssets; i++) totalAmountF[i] = totalAmountF[i]! + accounts[id]!.tokens[i]!;
        bookActions.push({ step, account: id, kind: "open", amount: 0n, collateral: accounts[id]!.collateral.slice() });
        rebalance(id, step, "borrow");
        file(id, healthOf(accounts[id]!));
        scheduleCheck(id, step);
      }
      checks.drain(step, (id) => {
        const acc = accounts[id]!;
        if (holdsNothing(acc)) return; // closed: no more checks
        if (active.has(id) || acc.parked) {
          scheduleCheck(id, step);
          return;
        }
        const sinceDays = (step - (lastCheck[id] ?? -1)) / 24;
        if (bookRng.next() < 1 - Math.exp(-book.leavePerDay * sinceDays)) {
          leave(id, step);
          return;
        }
        if (rebalance(id, step, "borrow")) file(id, healthOf(acc));
        scheduleCheck(id, step);
      });
    }
    while (parkHeap.size > 0 && parkHeap.peekKey() > gasUsd) {
      const { id, version } = parkHeap.pop();
      const acc = accounts[id]!;
      if (acc.parked && acc.version === version) {
        acc.parked = false;
        active.add(id);
      }
    }
    if (input.examineEveryAccount) accounts.forEach((acc, id) => acc.scaled !== 0n && active.add(id));
    for (const id of active) {
      const acc = accounts[id]!;
      if (stuck(acc)) {
        unprofitableSkips++;
        continue;
      }
      let health = healthOf(acc);
      const debt = debtRead;
      if (acc.scaled !== 0n) metrics.worstHealth = Math.min(metrics.worstHealth, Number(health) / E18F);
      if (health < WAD && acc.scaled !== 0n) {
        if (acc.liquidatableSince < 0) acc.liquidatableSince = now;
        if (stale || now - acc.liquidatableSince < minDelay) continue;
        const bound = gasBound(acc);
        if (bound * 1.01 < gasUsd) {
          // Too small to pay any bot's gas: parked until the gas price falls to within reach.
          unprofitableSkips++;
          active.delete(id);
          acc.parked = true;
          parkHeap.push(bound * 1.5, id, acc.version);
          continue;
        }
        health = liquidateAccount(id, step, health, debt);
        if (health < WAD && acc.scaled !== 0n) continue;
      }
      // Healthy again (or closed): back to waiting on its triggers.
      acc.liquidatableSince = -1;
      active.delete(id);
      file(id, health);
    }

    // Step records.
    // Scaled debt is in debt-asset units at index 1.
    const totalDebtF = (Number(pool.totalScaledDebt) * (Number(index) / E18F)) / debtUnitF;
    let collateralF = 0;
    // Insolvent accounts (collateral at oracle prices below debt) are liquidatable, so all of them are
    // in the active set: their debt and collateral leave the capital-efficiency figures.
    let insolventDebtF = 0;
    let insolventCollateralF = 0;
    const indexF = Number(index) / E18F;
    for (const id of active) {
      const acc = accounts[id]!;
      if (acc.scaled === 0n) continue;
      const d = (Number(acc.scaled) * indexF) / debtUnitF;
      let c = 0;
      for (let i = 0; i < nAssets; i++) c += acc.tokens[i]! * priceF[i]!;
      if (c < d) {
        insolventDebtF += d;
        insolventCollateralF += c;
      }
    }
    for (let i = 0; i < nAssets; i++) {
      peakSpiral = Math.max(peakSpiral, (params[i]!.liquidationThresholdBps / 10_000) * (1 + params[i]!.liquidationBonusBps / 10_000));
      collateralF += totalAmountF[i]! * priceF[i]!;
      series.oraclePrice[i]![step] = priceF[i]!;
      series.ltvBps[i]![step] = params[i]!.ltvBps;
      series.effectiveThresholdBps[i]![step] = params[i]!.liquidationThresholdBps;
      series.bonusBps[i]![step] = params[i]!.liquidationBonusBps;
    }
    const solventDebtF = Math.max(0, totalDebtF - insolventDebtF);
    const solventCollateralF = collateralF - insolventCollateralF;
    const usedPower = solventCollateralF > 0 ? solventDebtF / solventCollateralF : 0;
    series.borrowingPowerUsed[step] = usedPower;
    borrowingPowerSum += usedPower;
    solventDebtSum += solventDebtF;
    series.blockedByRateLimit[step] = metrics.blocked - blockedBeforeStep;
    series.badDebtWrittenOff[step] = Number(badDebtWrittenOff) / debtUnitF;
    if (step % snapshotEvery === 0 || step === nSteps - 1) takeSnapshot(step);
    if (input.onProgress && (step % 512 === 0 || step === nSteps - 1)) input.onProgress(step + 1, nSteps);
  }

  // What is still owed above the collateral's market value at the end counts as bad debt too.
  let endShortfall = 0;
  const last = nSteps - 1;
  const endsInsolvent = new Uint8Array(accounts.length);
  for (const a of actions) if (a.writtenOff > 0n) endsInsolvent[a.account] = 1;
  for (const [id, acc] of accounts.entries()) {
    if (acc.scaled === 0n) continue;
    const debtUsd = Number(debtOf(acc.scaled, index)) / debtUnitF;
    let valueUsd = 0;
    for (let i = 0; i < nAssets; i++) valueUsd += acc.tokens[i]! * assets[i]!.market[last]!;
    if (debtUsd > valueUsd) {
      endShortfall += debtUsd - valueUsd;
      endsInsolvent[id] = 1;
    }
  }
  let bonusPaidInsolventUsd = 0;
  for (let id = 0; id < accounts.length; id++) if (endsInsolvent[id]) bonusPaidInsolventUsd += bonusByAccount[id]!;
  const writtenOffUsd = Number(badDebtWrittenOff) / debtUnitF;
  return {
    steps: nSteps,
    positions: accounts.length,
    metrics: {
      badDebt: writtenOffUsd + endShortfall,
      liquidatedValue: Number(metrics.liquidatedValue) / E18F,
      bonusPaid: Number(metrics.bonusPaid) / E18F,
      protocolFees: Number(metrics.protocolFees) / E18F,
      blockedByRateLimit: metrics.blocked,
      avgBorrowingPowerUsed: nSteps > 0 ? borrowingPowerSum / nSteps : 0,
      solventDebtUsdAvg: nSteps > 0 ? solventDebtSum / nSteps : 0,
      bonusPaidInsolventUsd,
      peakSpiralProduct: peakSpiral,
      liquidationDelayHours: { median: quantile(delaysHours, 0.5), p95: quantile(delaysHours, 0.95) },
      worstHealth: Number.isFinite(metrics.worstHealth) ? metrics.worstHealth : minSnapshotHealth(healthSnapshots),
    },
    details: {
      liquidations: actions.length,
      writtenOff: writtenOffUsd,
      coveredByReserve: Number(coveredByReserveTotal) / debtUnitF,
      endShortfall,
      unprofitableSkips,
      dustSkips,
      staleOracleSteps,
      reserveAtEnd: Number(pool.reserve) / debtUnitF,
      initialDebt,
      initialCollateralValue,
    },
    actions,
    parameterChanges,
    series,
    healthSnapshots,
    pool: { ...pool, badDebtWrittenOff, lastAccrual },
    accounts: accounts.map((a) => ({ scaledDebt: a.scaled, collateral: a.collateral.slice() })),
    bookActions,
  };
}

/** The q-quantile (nearest rank) of a sample; 0 for an empty one. */
/** True once the account has withdrawn (or lost) every collateral. */
function holdsNothing(acc: AccountState): boolean {
  for (let i = 0; i < acc.tokens.length; i++) if (acc.tokens[i] !== 0) return false;
  return true;
}

function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

function minSnapshotHealth(snapshots: readonly HealthSnapshot[]): number {
  let min = Number.POSITIVE_INFINITY;
  for (const s of snapshots) for (const h of s.health) if (h < min) min = h;
  return Number.isFinite(min) ? min : 0;
}
