/**
 * The liquidators of a simulation. On each liquidatable account a pass seizes the collateral worth
 * most (another when that one would leave dust), within the close factor, the dust rule and the
 * asset's rate limit (deeply underwater accounts bypass it). The first bot, fastest first, that has
 * waited its delay and has the capital sizes its call where its marginal cost (market impact in the
 * pool and the wider market, impact.ts, plus its price-risk premium) meets the bonus's edge, and sends
 * it only when it pays for the repayment, the protocol fee and the hour's gas. The effects follow the
 * engine's order; sizing, rounding, fees, write-offs and the bucket are engineMath.ts.
 */
import {
  backedScaledDebt,
  BPS,
  bucketUsedAt,
  collateralValue,
  type LiquidationConfig,
  type LiquidationSize,
  type LiquidationTerms,
  liquidationTerms,
  scaledDebtRepaid,
  sizeLiquidationWith,
  WAD,
} from "../../rules/engineMath.js";
import { DEFAULT_IMPACT, ExecutionVenues, type ImpactConstants, type SaleQuote } from "../impact.js";
import { edgePerUsdSeized, type LiquidatorAgent, riskPremium } from "../liquidators.js";
import type { SimAsset } from "../simulator.js";
import { E18F, type SimState } from "./state.js";

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
  /** Debt written off right after this liquidation (0 while the collateral left backs the rest). */
  writtenOff: bigint;
  coveredByReserve: bigint;
}

type OkSize = Extract<LiquidationSize, { ok: true }>;

export class LiquidationDesk {
  readonly actions: LiquidationAction[] = [];
  /** Hours from an account turning liquidatable to each liquidation of it. */
  readonly delaysHours: number[] = [];
  liquidatedValue = 0n;
  bonusPaid = 0n;
  protocolFees = 0n;
  /** Calls refused by the rate limit (cumulative). */
  blocked = 0;
  /** Liquidatable accounts skipped because no liquidator would pay for it (impact, price risk, gas, capital). */
  unprofitableSkips = 0;
  /** Liquidations that would have left dust. */
  dustSkips = 0;
  /** This step's liquidations and their value (USD at the oracle price). */
  liquidationsThisStep = 0;
  liquidatedValueThisStep = 0;
  /** The fastest bot's delay (seconds): nothing is liquidated sooner. */
  readonly minDelay: number;

  private readonly venues: ExecutionVenues[];
  private readonly buckets: { used: bigint; lastUpdate: bigint }[];
  private readonly capitalLeft: Float64Array;
  // 1 once even a small further sale of the asset this step costs more in impact than the bonus nets a
  // liquidator (seizure = repayment × (1 + bonus), cost = repayment × (1 + bonus × fee share)).
  private readonly saturatedNow: Uint8Array;
  // The lowest price-risk premium any bot would charge on the asset this hour: a lower bound on cost.
  private readonly minPremium: Float64Array;
  private readonly bypassWad: bigint;
  private readonly heldValue: bigint[];
  private readonly heldAsset: Int32Array;
  // Each asset's sizing factors at this step's price and parameters, built on first use in the step.
  private readonly terms: LiquidationTerms[] = [];
  private readonly termsStep: Int32Array;

  constructor(
    private readonly state: SimState,
    private readonly assets: readonly SimAsset[],
    private readonly config: LiquidationConfig,
    private readonly bots: readonly LiquidatorAgent[],
    private readonly maxCallsPerAccountPerStep: number,
    impact: ImpactConstants | undefined,
    openingTime: number,
  ) {
    if (bots.length === 0) throw new RangeError("the simulator needs at least one liquidator");
    this.minDelay = bots.reduce((m, b) => Math.min(m, b.delaySeconds), Number.POSITIVE_INFINITY);
    this.venues = assets.map((a) => new ExecutionVenues(a.venue, impact ?? DEFAULT_IMPACT, openingTime));
    this.buckets = assets.map(() => ({ used: 0n, lastUpdate: 0n }));
    this.capitalLeft = new Float64Array(bots.length);
    this.saturatedNow = new Uint8Array(assets.length);
    this.minPremium = new Float64Array(assets.length);
    this.bypassWad = BigInt(config.rateLimitBypassHealthBps) * 10n ** 14n;
    this.heldValue = assets.map(() => 0n);
    this.heldAsset = new Int32Array(assets.length);
    this.termsStep = new Int32Array(assets.length).fill(-1);
  }

  /** Asset `i`'s sizing factors at this step's oracle price and effective parameters. */
  private termsOf(i: number): LiquidationTerms {
    const state = this.state;
    if (this.termsStep[i] !== state.step) {
      const p = state.params[i]!;
      this.terms[i] = liquidationTerms(this.config, this.assets[i]!.decimals, state.price18[i]!, p.closeFactorBps, p.liquidationBonusBps, state.debtScale);
      this.termsStep[i] = state.step;
    }
    return this.terms[i]!;
  }

  /** A new hour: every bot's capital is back, the venues relax toward the market, premiums follow σ. */
  beginStep(step: number, now: number): void {
    this.liquidationsThisStep = 0;
    this.liquidatedValueThisStep = 0;
    for (let l = 0; l < this.bots.length; l++) this.capitalLeft[l] = this.bots[l]!.capitalUsd;
    for (let i = 0; i < this.assets.length; i++) {
      this.venues[i]!.advance(step, now);
      const sigma = this.assets[i]!.venue.dailySigma[step] ?? 0;
      this.minPremium[i] = this.bots.reduce((m, bot) => Math.min(m, riskPremium(bot, sigma)), Number.POSITIVE_INFINITY);
    }
  }

  /** Re-derives whether asset `i`'s depth this step can still pay any liquidator (after parameters or a sale change). */
  updateSaturation(i: number): void {
    const edge = edgePerUsdSeized(this.state.params[i]!.liquidationBonusBps, this.config.protocolFeeBps) - this.minPremium[i]!;
    this.saturatedNow[i] = edge <= 0 || this.venues[i]!.marginalNow() >= edge ? 1 : 0;
  }

  /** A known-liquidatable account whose every collateral's depth is used up this step: nothing to do. */
  stuck(id: number): boolean {
    const { accounts, gasUsd } = this.state;
    if (accounts.liquidatableSince[id]! < 0) return false;
    let anyCapital = false;
    for (let l = 0; l < this.capitalLeft.length; l++) if (this.capitalLeft[l]! > gasUsd) anyCapital = true;
    if (!anyCapital) return true;
    for (let i = 0; i < this.assets.length; i++) if (accounts.balance(id, i) !== 0n && this.saturatedNow[i] === 0) return false;
    return true;
  }

  /**
   * An upper bound on what liquidating the account could earn this hour: the edge on seizing against
   * its whole debt at the market price (before impact and price risk, which only lower it). Below the
   * hour's gas, no bot would send the call: a cheap float bound that spares the exact sizing.
   */
  gasBound(id: number): number {
    const { accounts, params, priceF, gasUsd } = this.state;
    if (gasUsd <= 0) return Number.POSITIVE_INFINITY;
    const debtF = this.state.debtUsdF(id);
    let best = 0;
    for (let i = 0; i < this.assets.length; i++) {
      if (accounts.balance(id, i) === 0n) continue;
      const b = params[i]!.liquidationBonusBps / 10_000;
      const premiumToOracle = Math.max(1, this.assets[i]!.market[this.state.step]! / priceF[i]!);
      best = Math.max(best, debtF * (1 + b) * edgePerUsdSeized(params[i]!.liquidationBonusBps, this.config.protocolFeeBps) * premiumToOracle);
    }
    return best;
  }

  /** The engine's sizing of a call on `target` against the account's debt and health now (a method, not a closure: this is the hot path). */
  private sizeOn(id: number, target: number, debt: bigint, health: bigint, maxRepay: bigint): LiquidationSize {
    const accounts = this.state.accounts;
    return sizeLiquidationWith(this.termsOf(target), debt, health, accounts.balance(id, target), maxRepay, accounts.held[id] === 1);
  }

  /** One account's liquidation calls this step (up to the bots' loop bound); returns its health afterwards. */
  pass(id: number, healthNow: bigint, debtNow: bigint): bigint {
    const state = this.state;
    const { accounts, params, price18, debtScale, debtUnitF, unitsF, ledger } = state;
    const { assets, bots } = this;
    const step = state.step;
    const now = state.now;
    let health = healthNow;
    let debt = debtNow;
    for (let call = 0; call < this.maxCallsPerAccountPerStep && health < WAD && debt > 0n; call++) {
      // Seize the collateral worth most (lowest asset index on a tie); another when that one would
      // leave dust; none when selling into the asset's depth this step can no longer pay.
      // Insertion by value, descending (accounts hold a handful of assets).
      let heldCount = 0;
      for (let i = 0; i < assets.length; i++) {
        const balance = accounts.balance(id, i);
        if (balance === 0n) continue;
        const value = collateralValue(balance, price18[i]!, assets[i]!.decimals);
        let j = heldCount++;
        while (j > 0 && this.heldValue[j - 1]! < value) {
          this.heldValue[j] = this.heldValue[j - 1]!;
          this.heldAsset[j] = this.heldAsset[j - 1]!;
          j--;
        }
        this.heldValue[j] = value;
        this.heldAsset[j] = i;
      }
      if (heldCount === 0) break;
      let target = -1;
      let size: LiquidationSize | undefined;
      for (let h = 0; h < heldCount; h++) {
        const asset = this.heldAsset[h]!;
        if (this.saturatedNow[asset] === 1) continue;
        const s = this.sizeOn(id, asset, debt, health, debt);
        size = s;
        if (s.ok) {
          target = asset;
          break;
        }
      }
      if (target < 0 || !size || !size.ok) {
        if (size && !size.ok) this.dustSkips++;
        else this.unprofitableSkips++;
        break;
      }
      let ok: OkSize = size;
      const p = params[target]!;
      let maxRepay = debt;
      const bucket = this.buckets[target]!;
      const used = bucketUsedAt(bucket.used, bucket.lastUpdate, p.liquidationCapPerWindow, BigInt(p.liquidationWindow), BigInt(now));
      if (health >= this.bypassWad) {
        const available = used >= p.liquidationCapPerWindow ? 0n : p.liquidationCapPerWindow - used;
        if (ok.seizedValue > available) {
          // Take what the bucket allows now, 0.1% under for rounding; too little to pay for gas is a block.
          const repay = (((available * BPS) / (BPS + BigInt(p.liquidationBonusBps)) / debtScale) * 999n) / 1_000n;
          const resized = repay > 0n ? this.sizeOn(id, target, debt, health, repay) : undefined;
          if (!resized || !resized.ok || resized.seizedValue > available || Number(resized.repaid) / debtUnitF < state.gasUsd * 10) {
            this.blocked++;
            break;
          }
          maxRepay = repay;
          ok = resized;
        }
      }
      const chosen = this.chooseBot(target, id, ok, maxRepay, debt, health);
      if (!chosen) {
        this.unprofitableSkips++;
        break;
      }
      ok = chosen.size;
      maxRepay = chosen.maxRepay;

      // Effects, in the engine's order.
      ledger.write();
      const pool = ledger.pool;
      const scaledRemoved = scaledDebtRepaid(ok.repaid, debt, accounts.scaled[id]!, ledger.index);
      accounts.setBalance(id, target, accounts.balance(id, target) - ok.seized);
      state.totalTokens[target] = state.totalTokens[target]! - Number(ok.seized) / unitsF[target]!;
      pool.totalScaledDebt -= scaledRemoved;
      pool.reserve += ok.fee;
      accounts.setScaled(id, accounts.scaled[id]! - scaledRemoved);
      let writtenOff = 0n;
      let covered = 0n;
      if (accounts.scaled[id] !== 0n) {
        // The engine writes off at once whatever the collateral left no longer backs (issue 16, finding 2).
        // As MarginEngine.liquidate values it: the scan's other collateral plus what is left of the target.
        const scaledLeft = accounts.scaled[id]!;
        let valueLeft = collateralValue(accounts.balance(id, target), price18[target]!, assets[target]!.decimals);
        for (let h = 0; h < heldCount; h++) if (this.heldAsset[h] !== target) valueLeft += this.heldValue[h]!;
        const kept = backedScaledDebt(scaledLeft, ledger.index, valueLeft, debtScale, this.config.minLeftoverValue);
        if (kept !== scaledLeft) {
          ({ loss: writtenOff, coveredByReserve: covered } = ledger.writeOff(scaledLeft - kept));
          accounts.setScaled(id, kept);
        }
      }
      pool.cash += ok.repaid + ok.fee;
      bucket.used = used + ok.seizedValue;
      bucket.lastUpdate = BigInt(now);
      this.venues[target]!.commit(chosen.sale);
      this.capitalLeft[chosen.bot] = this.capitalLeft[chosen.bot]! - Number(ok.repaid + ok.fee) / debtUnitF;
      this.updateSaturation(target);
      accounts.bonusPaid[id] = accounts.bonusPaid[id]! + Number(ok.seizedValue - ok.repaid * debtScale) / E18F;
      this.delaysHours.push((now - accounts.liquidatableSince[id]!) / 3_600);
      this.liquidatedValue += ok.seizedValue;
      this.bonusPaid += ok.seizedValue - ok.repaid * debtScale;
      this.protocolFees += ok.fee * debtScale;
      this.liquidationsThisStep++;
      this.liquidatedValueThisStep = this.liquidatedValueThisStep + Number(ok.seizedValue) / E18F;
      this.actions.push({
        step,
        account: id,
        asset: target,
        maxRepay,
        repaid: ok.repaid,
        seized: ok.seized,
        fee: ok.fee,
        seizedValue: ok.seizedValue,
        healthBefore: health,
        writtenOff,
        coveredByReserve: covered,
      });
      health = state.healthOf(id);
      debt = state.debtRead;
    }
    return health;
  }

  /**
   * The first bot (fastest first) that has waited its delay, has capital and finds the call worth its
   * marginal cost takes it: the seizure is cut to where marginal impact plus the bot's price-risk
   * premium meets the bonus's edge, and to its capital. Undefined when none would.
   */
  private chooseBot(
    target: number,
    id: number,
    size: OkSize,
    maxRepay: bigint,
    debt: bigint,
    health: bigint,
  ): { size: OkSize; maxRepay: bigint; sale: SaleQuote; bot: number } | undefined {
    const { state, bots, assets } = this;
    const { unitsF, debtUnitF, gasUsd } = state;
    const price = assets[target]!.market[state.step]!;
    const fullSeizedUsd = (Number(size.seized) / unitsF[target]!) * price;
    const edge = edgePerUsdSeized(state.params[target]!.liquidationBonusBps, this.config.protocolFeeBps);
    // Repayment plus fee per USD seized: (1 + b·f)/(1 + b) = 1 − edge.
    const costPerSeized = 1 - edge;
    const sigma = assets[target]!.venue.dailySigma[state.step] ?? 0;
    const waited = state.now - state.accounts.liquidatableSince[id]!;
    const venue = this.venues[target]!;
    // Market USD per oracle USD of the seizure: the outlay is priced at the oracle, the sale at market.
    const marketToOracle = price / state.priceF[target]!;
    for (let l = 0; l < bots.length; l++) {
      const agent = bots[l]!;
      if (waited < agent.delaySeconds) break;
      if (this.capitalLeft[l]! <= gasUsd) continue;
      const premium = riskPremium(agent, sigma);
      if (edge <= premium) continue;
      const affordable = this.capitalLeft[l]! / costPerSeized;
      // A float upper bound on the profit below, before the bisection, the exact sizing and the quote:
      // impact costs nothing and the seizure is worth its whole cap at market. When even that cannot
      // pay the hour's gas (by more than rounding), no sizing can, and skipping changes no outcome;
      // most calls in a crash are such small accounts (profitBound).
      const maxUsd = Math.min(fullSeizedUsd, affordable);
      const profitPerUsd = 1 - premium - costPerSeized / marketToOracle;
      if (profitBound(maxUsd, profitPerUsd, gasUsd) < 0) continue;
      const usd = venue.sizeAtMarginal(edge - premium, maxUsd);
      if (!(usd > 0)) continue;
      if (profitBound(usd, profitPerUsd, gasUsd) < 0) continue;
      const partial = usd < fullSeizedUsd;
      const candidateRepay = partial ? (maxRepay * BigInt(Math.floor((usd / fullSeizedUsd) * 1e9))) / 1_000_000_000n : maxRepay;
      if (candidateRepay === 0n) continue;
      const candidate = partial ? this.sizeOn(id, target, debt, health, candidateRepay) : size;
      if (!candidate.ok || candidate.seized === 0n) continue;
      const seizedUsdNow = (Number(candidate.seized) / unitsF[target]!) * price;
      const quote = venue.quote(seizedUsdNow);
      const outlay = Number(candidate.repaid + candidate.fee) / debtUnitF;
      if (outlay > this.capitalLeft[l]!) continue;
      const profit = seizedUsdNow - quote.costUsd - premium * seizedUsdNow - outlay - gasUsd;
      if (!(profit >= 0)) continue;
      return { size: candidate, maxRepay: candidateRepay, sale: quote, bot: l };
    }
    return undefined;
  }
}

/**
 * An upper bound on a bot's profit (USD) from seizing at most `maxSeizedUsd` at market: the seizure less
 * the outlay and the price-risk premium (`profitPerUsd` per market USD, impact taken as free), less gas,
 * plus a millionth of the size and of a dollar for the exact sizing's rounding. Negative: no call of
 * that size or smaller pays.
 */
export function profitBound(maxSeizedUsd: number, profitPerUsd: number, gasUsd: number): number {
  return maxSeizedUsd * Math.max(0, profitPerUsd) + 1e-6 * (maxSeizedUsd + 1) - gasUsd;
}
