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
 * per-asset price index crosses the level at which they could become liquidatable (sim/watchlist.ts),
 * so a step costs O(assets + accounts near liquidation), not O(accounts). Pure: no I/O, no clock.
 *
 * The parts of a step live in sim/: the shared state (state.ts, over a struct-of-arrays account store,
 * accounts.ts), the pool's accrual (ledger.ts), the policy's parameters (parameters.ts), the liquidators
 * (liquidation.ts), the living book (livingBook.ts) and the records (records.ts); simulate() is the loop.
 */
import type { AssetChainState, UpdaterGlobals } from "../rules/riskRules.js";
import { borrowLimit, debtOf, type LiquidationConfig, type PoolState, priceIsStale, type RateModel, scaledDebtOfBorrow, WAD } from "../rules/engineMath.js";
import type { Address } from "../rules/types.js";
import type { AssetMarket, ImpactConstants } from "./impact.js";
import type { LiquidatorAgent } from "./liquidators.js";
import type { OraclePath } from "./oracle.js";
import type { Position } from "./population.js";
import type { BookAction, BookSpec } from "./book.js";
import { LiquidationDesk, type LiquidationAction } from "./sim/liquidation.js";
import { PoolLedger } from "./sim/ledger.js";
import { LivingBook } from "./sim/livingBook.js";
import { ParameterFeed, type ParameterChange, type ScheduledTarget } from "./sim/parameters.js";
import { type HealthSnapshot, StepRecorder, type StepSeries } from "./sim/records.js";
import { E18F, SimState } from "./sim/state.js";
import { Watchlist } from "./sim/watchlist.js";

export type { HealthSnapshot, LiquidationAction, ParameterChange, ScheduledTarget, StepSeries };

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

export function simulate(input: SimInput): SimResult {
  const { assets, times, population } = input;
  const nSteps = times.length;
  const nAssets = assets.length;
  const decimals = assets.map((a) => a.decimals);
  const openingPrice18 = assets.map((a) => a.oracle.openingAnswer8 * 10n ** 10n);
  const ledger = new PoolLedger(input.rateModel, input.lenderDeposits, input.openingTime);
  const state = new SimState({ decimals, debtDecimals: input.debtDecimals, openingTime: input.openingTime, openingPrice18, capacity: population.length, ledger });
  const { accounts, debtScale, debtUnitF, unitsF } = state;
  const feed = new ParameterFeed(
    assets.map((a) => a.address),
    assets.map((a) => a.chain),
    input.schedule,
    input.updater,
    input.spiralMarginBps ?? 0,
  );
  const watch = new Watchlist(state, input.book, population.length);
  const book = new LivingBook(state, watch, input.book, nSteps, population.length, input.liquidation.minLeftoverValue);

  // The opening: the lenders' deposit is cash; each opening borrow adds scaled debt at index 1 (rounded up).
  const openingLtv = assets.map((a) => a.chain.stored!.ltvBps);
  const pool = ledger.pool;
  population.forEach((p, id) => {
    const limit = borrowLimit(p.collateral, openingPrice18, decimals, openingLtv);
    if (p.debt * debtScale > limit) throw new RangeError(`position ${id}: debt ${p.debt} exceeds its borrow limit at the opening`);
    const scaled = scaledDebtOfBorrow(p.debt, pool.index);
    pool.cash -= p.debt;
    pool.totalScaledDebt += scaled;
    accounts.add(p.collateral, scaled, p.limitUse ?? (limit > 0n ? Number(p.debt * debtScale) / Number(limit) : 0), book.drawAttentive());
  });
  if (pool.cash < 0n) throw new RangeError(`lender deposits (${input.lenderDeposits}) do not cover the population's debt`);
  for (let i = 0; i < nAssets; i++) {
    let total = 0;
    for (let id = 0; id < accounts.count; id++) total += Number(accounts.balance(id, i)) / unitsF[i]!;
    state.totalTokens[i] = total;
  }
  const initialDebt = Number(population.reduce((s, p) => s + p.debt, 0n)) / debtUnitF;
  const initialCollateralValue = assets.reduce((s, _, i) => s + state.totalTokens[i]! * (Number(openingPrice18[i]!) / E18F), 0);

  for (let i = 0; i < nAssets; i++) state.setParams(i, feed.effective(i, state.now));
  state.refreshIndexLevels();
  for (let id = 0; id < accounts.count; id++) {
    const health = state.healthOf(id);
    if (health < WAD) throw new RangeError(`position ${id} is liquidatable at the opening`);
    watch.file(id, health);
  }
  const desk = new LiquidationDesk(state, assets, input.liquidation, input.liquidators, input.maxCallsPerAccountPerStep, input.impact, input.openingTime);
  const records = new StepRecorder(state, nSteps, input.healthSnapshots);
  book.bookOpeningChecks();
  let staleOracleSteps = 0;
  let worstHealth = Number.POSITIVE_INFINITY;

  for (let step = 0; step < nSteps; step++) {
    const now = times[step]!;
    state.step = step;
    state.now = now;
    state.gasUsd = input.gasCostUsd[step] ?? 0;
    desk.beginStep(step, now);
    const blockedBeforeStep = desk.blocked;
    state.stale = false;
    for (let i = 0; i < nAssets; i++) {
      const a = assets[i]!;
      state.price18[i] = BigInt(a.oracle.answer8[step]!) * 10n ** 10n;
      state.priceF[i] = Number(state.price18[i]!) / E18F;
      state.staleAsset[i] = priceIsStale(a.oracle.updatedAt[step]!, now, a.stalenessAllowance) ? 1 : 0;
      if (state.staleAsset[i]) state.stale = true;
    }
    if (state.stale) staleOracleSteps++;

    // The policy: new targets from the schedule, then the keeper's bounded step where one is due.
    feed.advance(step, now, state.staleAsset);
    for (let i = 0; i < nAssets; i++) state.setParams(i, feed.effective(i, now));
    for (let i = 0; i < nAssets; i++) desk.updateSaturation(i);

    // The view index at this step (what healthFactor reads); a liquidation writes the same value.
    ledger.beginStep(now);
    state.refreshIndexLevels();

    // Accounts whose trigger the index levels crossed: liquidatable candidates, and repayments.
    watch.collectCrossed();
    book.repayFalling();
    book.step();
    watch.unpark(state.gasUsd);
    if (input.examineEveryAccount) for (let id = 0; id < accounts.count; id++) if (accounts.scaled[id] !== 0n) watch.active.add(id);
    for (const id of watch.active) {
      if (desk.stuck(id)) {
        desk.unprofitableSkips++;
        continue;
      }
      // A liquidatable account that must still wait (a stale feed, or the fastest bot's delay) needs no
      // exact health when the float one is certainly below 1, nor for the worst health unless it could
      // be a new low: most of the active set in a crash is waiting.
      if (accounts.scaled[id] !== 0n && (state.stale || accounts.liquidatableSince[id]! < 0 || now - accounts.liquidatableSince[id]! < desk.minDelay)) {
        const debtF = state.debtUsdF(id);
        const healthF = state.liquidationValueF(id) / debtF;
        const slack = state.healthSlack(debtF);
        if (healthF * (1 + slack) < 1) {
          if (accounts.liquidatableSince[id]! < 0) accounts.liquidatableSince[id] = now;
          if (state.stale || now - accounts.liquidatableSince[id]! < desk.minDelay) {
            if (healthF * (1 - slack) < worstHealth) worstHealth = Math.min(worstHealth, Number(state.healthOf(id)) / E18F);
            continue;
          }
        }
      }
      let health = state.healthOf(id);
      const debt = state.debtRead;
      if (accounts.scaled[id] !== 0n) worstHealth = Math.min(worstHealth, Number(health) / E18F);
      if (health < WAD && accounts.scaled[id] !== 0n) {
        if (accounts.liquidatableSince[id]! < 0) accounts.liquidatableSince[id] = now;
        if (state.stale || now - accounts.liquidatableSince[id]! < desk.minDelay) continue;
        const bound = desk.gasBound(id);
        if (bound * 1.01 < state.gasUsd) {
          // Too small to pay any bot's gas: parked until the gas price falls to within reach.
          desk.unprofitableSkips++;
          watch.park(id, bound * 1.5);
          continue;
        }
        health = desk.pass(id, health, debt);
        if (health < WAD && accounts.scaled[id] !== 0n) continue;
      }
      // Healthy again (or closed): back to waiting on its triggers.
      accounts.liquidatableSince[id] = -1;
      watch.active.delete(id);
      watch.file(id, health);
    }
    records.record(watch.active, { liquidations: desk.liquidationsThisStep, liquidatedValue: desk.liquidatedValueThisStep, blocked: desk.blocked - blockedBeforeStep });
    if (input.onProgress && (step % 512 === 0 || step === nSteps - 1)) input.onProgress(step + 1, nSteps);
  }

  // What is still owed above the collateral's market value at the end counts as bad debt too.
  let endShortfall = 0;
  const last = nSteps - 1;
  const endsInsolvent = new Uint8Array(accounts.count);
  for (const a of desk.actions) if (a.writtenOff > 0n) endsInsolvent[a.account] = 1;
  for (let id = 0; id < accounts.count; id++) {
    if (accounts.scaled[id] === 0n) continue;
    const debtUsd = Number(debtOf(accounts.scaled[id]!, ledger.index)) / debtUnitF;
    let valueUsd = 0;
    for (let i = 0; i < nAssets; i++) valueUsd += accounts.tokens[id * nAssets + i]! * assets[i]!.market[last]!;
    if (debtUsd > valueUsd) {
      endShortfall += debtUsd - valueUsd;
      endsInsolvent[id] = 1;
    }
  }
  let bonusPaidInsolventUsd = 0;
  for (let id = 0; id < accounts.count; id++) if (endsInsolvent[id]) bonusPaidInsolventUsd += accounts.bonusPaid[id]!;
  const writtenOffUsd = Number(ledger.badDebtWrittenOff) / debtUnitF;
  return {
    steps: nSteps,
    positions: accounts.count,
    metrics: {
      badDebt: writtenOffUsd + endShortfall,
      liquidatedValue: Number(desk.liquidatedValue) / E18F,
      bonusPaid: Number(desk.bonusPaid) / E18F,
      protocolFees: Number(desk.protocolFees) / E18F,
      blockedByRateLimit: desk.blocked,
      avgBorrowingPowerUsed: nSteps > 0 ? records.borrowingPowerSum / nSteps : 0,
      solventDebtUsdAvg: nSteps > 0 ? records.solventDebtSum / nSteps : 0,
      bonusPaidInsolventUsd,
      peakSpiralProduct: records.peakSpiral,
      liquidationDelayHours: { median: quantile(desk.delaysHours, 0.5), p95: quantile(desk.delaysHours, 0.95) },
      worstHealth: Number.isFinite(worstHealth) ? worstHealth : minSnapshotHealth(records.snapshots),
    },
    details: {
      liquidations: desk.actions.length,
      writtenOff: writtenOffUsd,
      coveredByReserve: Number(ledger.coveredByReserve) / debtUnitF,
      endShortfall,
      unprofitableSkips: desk.unprofitableSkips,
      dustSkips: desk.dustSkips,
      staleOracleSteps,
      reserveAtEnd: Number(pool.reserve) / debtUnitF,
      initialDebt,
      initialCollateralValue,
    },
    actions: desk.actions,
    parameterChanges: feed.changes,
    series: records.series,
    healthSnapshots: records.snapshots,
    pool: { ...pool, badDebtWrittenOff: ledger.badDebtWrittenOff, lastAccrual: ledger.lastAccrual },
    accounts: Array.from({ length: accounts.count }, (_, id) => ({ scaledDebt: accounts.scaled[id]!, collateral: accounts.balances(id) })),
    bookActions: book.actions,
  };
}

/** The q-quantile (nearest rank) of a sample; 0 for an empty one. */
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
