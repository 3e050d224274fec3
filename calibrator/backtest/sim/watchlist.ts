/**
 * Which accounts a step examines. Each account is filed under every collateral it holds at the level
 * of that asset's price index (oracle price × threshold / borrow index) below which it could turn
 * liquidatable, and, when it is an attentive borrower, where it would want to repay (TriggerHeap).
 * A step pops only the triggers its index levels crossed, so it costs O(assets + accounts near
 * liquidation), not O(accounts).
 * - `active`: liquidatable candidates, examined every step until healthy again or closed;
 * - `repayCandidates`: attentive borrowers whose repay trigger was crossed this step;
 * - the park heap: liquidatable accounts too small to pay the hour's gas, back once gas falls.
 */
import type { BookSpec } from "../book.js";
import { E18F, type SimState } from "./state.js";
import { TriggerHeap } from "../triggerHeap.js";

// A position is re-examined once a price index falls within this relative margin of its trigger, so
// float rounding never hides a liquidatable account from the exact (bigint) check.
const TRIGGER_MARGIN = 1e-9;
/** Trigger ids at or above this are repay triggers of account id − REPAY_TRIGGER. */
const REPAY_TRIGGER = 1 << 28;

export class Watchlist {
  readonly active = new Set<number>();
  readonly repayCandidates = new Set<number>();
  private readonly heaps: TriggerHeap[];
  private readonly parkHeap = new TriggerHeap(64);

  constructor(
    private readonly state: SimState,
    private readonly book: Pick<BookSpec, "repayHealth"> | undefined,
    capacity: number,
  ) {
    this.heaps = Array.from({ length: state.nAssets }, () => new TriggerHeap(Math.max(64, capacity)));
  }

  /** Files the account at the index levels where it could turn liquidatable (and where it would repay). */
  file(id: number, health: bigint): void {
    const { accounts, xIndex, nAssets } = this.state;
    const version = ++accounts.version[id]!;
    if (accounts.scaled[id] === 0n) return;
    const h = Number(health) / E18F;
    const book = this.book;
    const repayAt = book && accounts.attentive[id] === 1 && h > book.repayHealth ? book.repayHealth : 0;
    for (let i = 0; i < nAssets; i++) {
      if (accounts.balance(id, i) === 0n) continue;
      this.heaps[i]!.push((xIndex[i]! / h) * (1 + TRIGGER_MARGIN), id, version);
      if (repayAt > 0) this.heaps[i]!.push(((xIndex[i]! * repayAt) / h) * (1 + TRIGGER_MARGIN), id + REPAY_TRIGGER, version);
    }
  }

  /** Moves the accounts whose triggers this step's index levels crossed into `active` or `repayCandidates`. */
  collectCrossed(): void {
    const { accounts, xIndex } = this.state;
    for (let i = 0; i < this.heaps.length; i++) {
      const heap = this.heaps[i]!;
      while (heap.size > 0 && heap.peekKey() > xIndex[i]!) {
        const id = heap.pop();
        const version = heap.poppedVersion;
        if (id >= REPAY_TRIGGER) {
          if (accounts.version[id - REPAY_TRIGGER] === version) this.repayCandidates.add(id - REPAY_TRIGGER);
        } else if (accounts.version[id] === version) this.active.add(id);
      }
    }
  }

  /** Takes a liquidatable account too small to pay gas off the active set until gas falls below `gasKey`. */
  park(id: number, gasKey: number): void {
    this.active.delete(id);
    this.state.accounts.parked[id] = 1;
    this.parkHeap.push(gasKey, id, this.state.accounts.version[id]!);
  }

  /** Brings back the parked accounts whose key the hour's gas fell below. */
  unpark(gasUsd: number): void {
    const { accounts } = this.state;
    while (this.parkHeap.size > 0 && this.parkHeap.peekKey() > gasUsd) {
      const id = this.parkHeap.pop();
      if (accounts.parked[id] === 1 && accounts.version[id] === this.parkHeap.poppedVersion) {
        accounts.parked[id] = 0;
        this.active.add(id);
      }
    }
  }
}
