/**
 * The pool's books in the simulator, accrued as MarginEngine accrues them: interest is written only
 * when an action writes (the first write of a step accrues to the step's time), while views read the
 * pending index. Write-offs go against the reserve first, then the lenders (engineMath.writeOffBadDebt).
 */
import { accrue, type PoolState, type RateModel, WAD, writeOffBadDebt } from "../../rules/engineMath.js";

export class PoolLedger {
  readonly pool: PoolState;
  lastAccrual: bigint;
  /** The pending (view) index at the step's time: what healthFactor reads. */
  index = WAD;
  badDebtWrittenOff = 0n;
  coveredByReserve = 0n;
  private now: bigint;
  private accruedThisStep = false;

  constructor(
    private readonly rateModel: RateModel,
    lenderDeposits: bigint,
    openingTime: number,
  ) {
    this.pool = { index: WAD, cash: lenderDeposits, totalScaledDebt: 0n, reserve: 0n };
    this.lastAccrual = BigInt(openingTime);
    this.now = this.lastAccrual;
  }

  /** A new step at `now`: the view index moves on; nothing is written yet. */
  beginStep(now: number): void {
    this.now = BigInt(now);
    this.accruedThisStep = false;
    this.index = accrue(this.pool, this.rateModel, this.now - this.lastAccrual).index;
  }

  /** Accrues to the step's time, once per step (the first writing action of the step). */
  write(): void {
    if (this.accruedThisStep) return;
    const next = accrue(this.pool, this.rateModel, this.now - this.lastAccrual);
    this.pool.index = next.index;
    this.pool.cash = next.cash;
    this.pool.totalScaledDebt = next.totalScaledDebt;
    this.pool.reserve = next.reserve;
    this.lastAccrual = this.now;
    this.accruedThisStep = true;
  }

  /**
   * Writes off an account's remaining scaled debt (it holds no collateral): the reserve covers what it
   * can, the lenders the rest. Returns the loss and the part the reserve covered.
   */
  writeOff(scaled: bigint): { loss: bigint; coveredByReserve: bigint } {
    const w = writeOffBadDebt(this.pool.totalScaledDebt, scaled, this.pool.reserve, this.index);
    this.pool.totalScaledDebt = w.totalScaled;
    this.pool.reserve = w.reserve;
    this.badDebtWrittenOff += w.loss;
    this.coveredByReserve += w.coveredByReserve;
    return { loss: w.loss, coveredByReserve: w.coveredByReserve };
  }
}
