/**
 * The living book's borrower actions inside a simulation (book.ts draws the arrivals and documents the
 * rates): scheduled re-levering checks, repayments as health falls, departures and arrivals. Every
 * borrow passes the engine's borrow check (fresh prices, live LTV, pool cash), so each policy lends
 * what its own LTV allows. The random draws come from one seeded stream in a fixed order (the opening
 * population's attentiveness, then the checks as booked), so they are part of the result.
 */
import { borrowLimit, debtOf, leavesDustDebt, scaledDebtOfBorrow, scaledDebtRepaid } from "../../rules/engineMath.js";
import { Rng } from "../../models/random.js";
import type { BookAction, BookSpec } from "../book.js";
import { CheckCalendar } from "../checkCalendar.js";
import { E18F, type SimState } from "./state.js";
import type { Watchlist } from "./watchlist.js";

/** Borrowers do not top up for less than this (USD): the book creates no dust debts of its own. */
const MIN_BORROW_USD = 1_000;

export class LivingBook {
  readonly actions: BookAction[] = [];
  private readonly rng: Rng;
  private readonly checks: CheckCalendar;
  /** Step of each account's last re-levering check (−1: the opening). */
  private readonly lastCheck: number[] = [];
  private arrivalCursor = 0;

  constructor(
    private readonly state: SimState,
    private readonly watch: Watchlist,
    private readonly spec: BookSpec | undefined,
    private readonly nSteps: number,
    openingAccounts: number,
    /** The engine's minimum debt (`minLeftoverValue`, 18 decimals): no borrow or repayment leaves less. */
    private readonly minDebtValue: bigint,
  ) {
    this.rng = new Rng(spec?.seed ?? 0);
    this.checks = new CheckCalendar(nSteps, openingAccounts);
  }

  /** Whether a new account repays as its health falls (a seeded draw; never without a book). */
  drawAttentive(): boolean {
    return this.spec ? this.rng.next() < this.spec.attentiveShare : false;
  }

  /** Books every opening account's first re-levering check. */
  bookOpeningChecks(): void {
    if (!this.spec) return;
    for (let id = 0; id < this.state.accounts.count; id++) this.scheduleCheck(id, -1);
  }

  /** Attentive borrowers whose repay trigger was crossed pay down to their target use, then are re-filed. */
  repayFalling(): void {
    const { state, watch, spec } = this;
    const { accounts } = state;
    for (const id of watch.repayCandidates) {
      if (watch.active.has(id) || accounts.parked[id] === 1 || accounts.scaled[id] === 0n) continue;
      const health = state.healthOf(id);
      watch.file(id, spec && Number(health) / E18F < spec.repayHealth && this.rebalance(id, "repay") ? state.healthOf(id) : health);
    }
    watch.repayCandidates.clear();
  }

  /** This step's arrivals, then its scheduled re-levering checks (departures among them). */
  step(): void {
    const spec = this.spec;
    if (!spec) return;
    const { state, watch } = this;
    const { accounts } = state;
    const step = state.step;
    while (this.arrivalCursor < spec.arrivals.length && spec.arrivals[this.arrivalCursor]!.step <= step) {
      const arrival = spec.arrivals[this.arrivalCursor++]!;
      const id = accounts.add(arrival.collateral, 0n, arrival.limitUse, this.drawAttentive());
      for (let i = 0; i < state.nAssets; i++) state.totalTokens[i] = state.totalTokens[i]! + accounts.tokens[id * state.nAssets + i]!;
      this.actions.push({ step, account: id, kind: "open", amount: 0n, collateral: accounts.balances(id) });
      this.rebalance(id, "borrow");
      watch.file(id, state.healthOf(id));
      this.scheduleCheck(id, step);
    }
    this.checks.drain(step, this.visitCheck);
  }

  /** One scheduled re-levering check at this step (bound once: the calendar calls it per account). */
  private readonly visitCheck = (id: number): void => {
    const { state, watch } = this;
    const spec = this.spec!;
    const { accounts } = state;
    const step = state.step;
    if (accounts.held[id] === 0) return; // closed: no more checks
    if (watch.active.has(id) || accounts.parked[id] === 1) {
      this.scheduleCheck(id, step);
      return;
    }
    const sinceDays = (step - (this.lastCheck[id] ?? -1)) / 24;
    if (this.rng.next() < 1 - Math.exp(-spec.leavePerDay * sinceDays)) {
      this.leave(id);
      return;
    }
    if (this.rebalance(id, "borrow")) watch.file(id, state.healthOf(id));
    this.scheduleCheck(id, step);
  };

  private scheduleCheck(id: number, step: number): void {
    const spec = this.spec!;
    this.lastCheck[id] = step;
    const hours = Math.max(1, Math.round(-Math.log(1 - this.rng.next()) * spec.releverEveryDays * 24));
    const at = step + hours;
    if (at >= this.nSteps) return;
    this.checks.book(id, at);
  }

  /** The account repays its whole debt and withdraws all its collateral. */
  private leave(id: number): void {
    const { state } = this;
    const { accounts, ledger } = state;
    const step = state.step;
    if (accounts.scaled[id] !== 0n) {
      const debt = debtOf(accounts.scaled[id]!, ledger.index);
      ledger.write();
      ledger.pool.cash += debt;
      ledger.pool.totalScaledDebt -= accounts.scaled[id]!;
      accounts.setScaled(id, 0n);
      this.actions.push({ step, account: id, kind: "repay", amount: debt });
    }
    this.actions.push({ step, account: id, kind: "withdraw", amount: 0n, collateral: accounts.balances(id) });
    for (let i = 0; i < state.nAssets; i++) state.totalTokens[i] = state.totalTokens[i]! - accounts.tokens[id * state.nAssets + i]!;
    accounts.clear(id);
    accounts.version[id]!++; // its triggers lapse
  }

  /**
   * Moves an account's debt toward its target use of the live borrow limit: "borrow" tops it up when
   * that adds at least the book's band (the engine's borrow check: fresh prices, live LTV, pool cash);
   * "repay" pays the excess down. Returns whether it acted.
   */
  private rebalance(id: number, direction: "borrow" | "repay"): boolean {
    const { state } = this;
    const { accounts, ledger, nAssets, debtScale, debtUnitF } = state;
    const band = this.spec?.releverBand ?? 0;
    const step = state.step;
    if (direction === "borrow") {
      // Float pre-check (most checks find nothing to do, among them accounts without debt whose
      // collateral backs less than the minimum borrow): skip unless the top-up clears the band and the
      // minimum borrow with room. The exact `want` below is at most the float one plus 1e-6 of it (the
      // target use is truncated to 6 digits; float rounding is far smaller), so the margins never skip
      // a top-up the exact check would make.
      let limitF = 0;
      for (let i = 0; i < nAssets; i++) limitF += accounts.tokens[id * nAssets + i]! * state.priceF[i]! * (state.params[i]!.ltvBps / 10_000);
      const wantF = limitF * accounts.limitUse[id]!;
      const topUpF = wantF - state.debtUsdF(id);
      if (topUpF < band * wantF * 0.999 || topUpF < MIN_BORROW_USD * 0.999 - 1e-6 * wantF) return false;
    }
    // MarginEngine prices every collateral of the account: a stale feed makes borrow revert.
    if (direction === "borrow") for (let i = 0; i < nAssets; i++) if (accounts.balance(id, i) !== 0n && state.staleAsset[i]) return false;
    const limit = borrowLimit(state.balancesOf(id), state.price18, state.decimals, state.ltvNow);
    const debt = debtOf(accounts.scaled[id]!, ledger.index);
    const want = (limit * BigInt(Math.floor(accounts.limitUse[id]! * 1_000_000))) / 1_000_000n / debtScale;
    const pool = ledger.pool;
    if (direction === "borrow") {
      if (want <= debt || Number(want - debt) < Math.max(band * Number(want), MIN_BORROW_USD * debtUnitF)) return false;
      const amount = want - debt > pool.cash ? pool.cash : want - debt;
      if (amount === 0n) return false;
      const added = scaledDebtOfBorrow(amount, ledger.index);
      const debtAfter = debtOf(accounts.scaled[id]! + added, ledger.index);
      if (debtAfter * debtScale > limit) return false; // rounding at the limit: skip
      if (leavesDustDebt(debt, debtAfter, debtScale, this.minDebtValue)) return false; // DebtBelowMinimum
      ledger.write();
      accounts.setScaled(id, accounts.scaled[id]! + added);
      pool.cash -= amount;
      pool.totalScaledDebt += added;
      this.actions.push({ step, account: id, kind: "borrow", amount });
      return true;
    }
    if (debt <= want) return false;
    // The engine refuses a partial repayment that leaves a dust debt (DebtBelowMinimum): such a
    // borrower repays everything instead.
    const repaid = leavesDustDebt(debt, want, debtScale, this.minDebtValue) ? debt : debt - want;
    ledger.write();
    const removed = scaledDebtRepaid(repaid, debt, accounts.scaled[id]!, ledger.index);
    accounts.setScaled(id, accounts.scaled[id]! - removed);
    pool.cash += repaid;
    pool.totalScaledDebt -= removed;
    this.actions.push({ step, account: id, kind: "repay", amount: repaid });
    return true;
  }
}
