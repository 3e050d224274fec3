/**
 * What a simulation records each step: the per-asset series (oracle price, LTV, effective threshold,
 * bonus), liquidations, blocks and write-offs, the capital-efficiency figures (borrowing power used
 * and the debt of solvent accounts) and the health histograms.
 */
import type { SimState } from "./state.js";
import { E18F } from "./state.js";

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

export class StepRecorder {
  readonly series: StepSeries;
  readonly snapshots: HealthSnapshot[] = [];
  /** The largest effective liquidation threshold × (1 + bonus) of any asset at any step. */
  peakSpiral = 0;
  borrowingPowerSum = 0;
  solventDebtSum = 0;
  private readonly snapshotEvery: number;

  constructor(
    private readonly state: SimState,
    private readonly nSteps: number,
    healthSnapshots: number | undefined,
  ) {
    const n = state.nAssets;
    this.series = {
      oraclePrice: Array.from({ length: n }, () => new Float64Array(nSteps)),
      ltvBps: Array.from({ length: n }, () => new Float64Array(nSteps)),
      effectiveThresholdBps: Array.from({ length: n }, () => new Float64Array(nSteps)),
      bonusBps: Array.from({ length: n }, () => new Float64Array(nSteps)),
      liquidations: new Float64Array(nSteps),
      liquidatedValue: new Float64Array(nSteps),
      blockedByRateLimit: new Float64Array(nSteps),
      badDebtWrittenOff: new Float64Array(nSteps),
      borrowingPowerUsed: new Float64Array(nSteps),
    };
    const snapshotCount = Math.max(2, healthSnapshots ?? 12);
    this.snapshotEvery = Math.max(1, Math.floor((nSteps - 1) / (snapshotCount - 1)));
  }

  /**
   * Closes a step. Insolvent accounts (collateral at oracle prices below debt) are liquidatable, so all
   * of them are in `active`: their debt and collateral leave the capital-efficiency figures.
   */
  record(active: ReadonlySet<number>, step: { liquidations: number; liquidatedValue: number; blocked: number }): void {
    const { state, series } = this;
    const { accounts, ledger, nAssets, priceF, params, debtUnitF } = state;
    const s = state.step;
    series.liquidations[s] = step.liquidations;
    series.liquidatedValue[s] = step.liquidatedValue;
    // Scaled debt is in debt-asset units at index 1.
    const totalDebtF = (Number(ledger.pool.totalScaledDebt) * state.indexF) / debtUnitF;
    let collateralF = 0;
    let insolventDebtF = 0;
    let insolventCollateralF = 0;
    for (const id of active) {
      if (accounts.scaled[id] === 0n) continue;
      const d = state.debtUsdF(id);
      let c = 0;
      for (let i = 0; i < nAssets; i++) c += accounts.tokens[id * nAssets + i]! * priceF[i]!;
      if (c < d) {
        insolventDebtF += d;
        insolventCollateralF += c;
      }
    }
    for (let i = 0; i < nAssets; i++) {
      this.peakSpiral = Math.max(this.peakSpiral, (params[i]!.liquidationThresholdBps / 10_000) * (1 + params[i]!.liquidationBonusBps / 10_000));
      collateralF += state.totalTokens[i]! * priceF[i]!;
      series.oraclePrice[i]![s] = priceF[i]!;
      series.ltvBps[i]![s] = params[i]!.ltvBps;
      series.effectiveThresholdBps[i]![s] = params[i]!.liquidationThresholdBps;
      series.bonusBps[i]![s] = params[i]!.liquidationBonusBps;
    }
    const solventDebtF = Math.max(0, totalDebtF - insolventDebtF);
    const solventCollateralF = collateralF - insolventCollateralF;
    const usedPower = solventCollateralF > 0 ? solventDebtF / solventCollateralF : 0;
    series.borrowingPowerUsed[s] = usedPower;
    this.borrowingPowerSum += usedPower;
    this.solventDebtSum += solventDebtF;
    series.blockedByRateLimit[s] = step.blocked;
    series.badDebtWrittenOff[s] = Number(ledger.badDebtWrittenOff) / debtUnitF;
    if (s % this.snapshotEvery === 0 || s === this.nSteps - 1) this.snapshot();
  }

  /** The health of every account with debt at float precision (the histograms). */
  private snapshot(): void {
    const state = this.state;
    const { accounts } = state;
    const values: number[] = [];
    for (let id = 0; id < accounts.count; id++) if (accounts.scaled[id] !== 0n) values.push(state.liquidationValueF(id) / state.debtUsdF(id));
    this.snapshots.push({ step: this.state.step, health: Float64Array.from(values) });
  }
}
