/**
 * The simulator's accounts as a struct of arrays: one array per field, indexed by account id.
 * A pass over tens of thousands of accounts (the living book's checks, the step records) then reads
 * contiguous memory and allocates nothing, where an object per account cost a pointer chase per field
 * and most of the run's garbage collection.
 * - Balances and scaled debt stay bigint: they are the engine's exact state.
 * - `tokens` keeps each balance in whole tokens as a float, in step with it, for the float-only
 *   estimates (pre-checks, records, snapshots).
 * Ids are dense and never reused: an account that leaves keeps its id with zero balances.
 */
export class AccountStore {
  /** Accounts so far (the opening population, then arrivals). */
  count = 0;
  /** Scaled debt (debt-asset units at index 1). Written only through setScaled, which keeps `scaledF` in step. */
  readonly scaled: readonly bigint[] = [];
  /** `scaled` as floats (Number of each value, taken when it is written), for the float estimates. */
  scaledF: Float64Array;
  /** Token units, account-major: `collateral[id * assets + i]`. */
  readonly collateral: bigint[] = [];
  /** `collateral` in whole tokens, same layout. */
  tokens: Float64Array;
  /** Moves on whenever the account is re-filed, so older trigger-heap entries lapse. */
  version: Int32Array;
  /** Step time it was first seen liquidatable in its current episode; −1 when not. */
  liquidatableSince: Float64Array;
  /** Target share of the borrow limit (living book). */
  limitUse: Float64Array;
  /** 1: repays to its target once its health falls below the book's repay level. */
  attentive: Uint8Array;
  /** 1: liquidatable but too small to pay gas, off the active set until gas falls. */
  parked: Uint8Array;
  /** How many collaterals it holds a non-zero balance of. */
  held: Uint8Array;
  /** Bonus it has paid to liquidators (seized value above the debt repaid), USD. */
  bonusPaid: Float64Array;
  private capacity: number;

  constructor(
    readonly assets: number,
    private readonly unitsF: readonly number[],
    capacity: number,
  ) {
    this.capacity = Math.max(16, capacity);
    this.tokens = new Float64Array(this.capacity * assets);
    this.scaledF = new Float64Array(this.capacity);
    this.version = new Int32Array(this.capacity);
    this.liquidatableSince = new Float64Array(this.capacity);
    this.limitUse = new Float64Array(this.capacity);
    this.attentive = new Uint8Array(this.capacity);
    this.parked = new Uint8Array(this.capacity);
    this.held = new Uint8Array(this.capacity);
    this.bonusPaid = new Float64Array(this.capacity);
  }

  /** Opens an account holding `collateral` (token units per asset, absent = 0); returns its id. */
  add(collateral: readonly (bigint | undefined)[], scaled: bigint, limitUse: number, attentive: boolean): number {
    if (this.count === this.capacity) this.grow();
    const id = this.count++;
    (this.scaled as bigint[]).push(scaled);
    this.scaledF[id] = Number(scaled);
    for (let i = 0; i < this.assets; i++) {
      const balance = collateral[i] ?? 0n;
      this.collateral.push(balance);
      this.tokens[id * this.assets + i] = Number(balance) / this.unitsF[i]!;
      if (balance !== 0n) this.held[id]!++;
    }
    this.liquidatableSince[id] = -1;
    this.limitUse[id] = limitUse;
    this.attentive[id] = attentive ? 1 : 0;
    return id;
  }

  /** Sets the account's scaled debt, keeping `scaledF` in step. */
  setScaled(id: number, scaled: bigint): void {
    (this.scaled as bigint[])[id] = scaled;
    this.scaledF[id] = Number(scaled);
  }

  balance(id: number, asset: number): bigint {
    return this.collateral[id * this.assets + asset]!;
  }

  /** Sets one balance, keeping `tokens` and `held` in step. */
  setBalance(id: number, asset: number, amount: bigint): void {
    const k = id * this.assets + asset;
    const before = this.collateral[k]!;
    this.collateral[k] = amount;
    this.tokens[k] = Number(amount) / this.unitsF[asset]!;
    if (before === 0n && amount !== 0n) this.held[id]!++;
    else if (before !== 0n && amount === 0n) this.held[id]!--;
  }

  /** Every balance to zero (the account withdrew everything). */
  clear(id: number): void {
    for (let i = 0; i < this.assets; i++) {
      this.collateral[id * this.assets + i] = 0n;
      this.tokens[id * this.assets + i] = 0;
    }
    this.held[id] = 0;
  }

  /** The account's balances written into `out` (a reused buffer of length `assets`). */
  balancesInto(id: number, out: bigint[]): bigint[] {
    for (let i = 0; i < this.assets; i++) out[i] = this.collateral[id * this.assets + i]!;
    return out;
  }

  /** A copy of the account's balances. */
  balances(id: number): bigint[] {
    return this.collateral.slice(id * this.assets, (id + 1) * this.assets);
  }

  private grow(): void {
    const n = this.capacity * 2;
    const widen = <T extends Float64Array | Int32Array | Uint8Array>(from: T, make: (n: number) => T, width = 1): T => {
      const to = make(n * width);
      to.set(from);
      return to;
    };
    this.tokens = widen(this.tokens, (k) => new Float64Array(k), this.assets);
    this.scaledF = widen(this.scaledF, (k) => new Float64Array(k));
    this.version = widen(this.version, (k) => new Int32Array(k));
    this.liquidatableSince = widen(this.liquidatableSince, (k) => new Float64Array(k));
    this.limitUse = widen(this.limitUse, (k) => new Float64Array(k));
    this.attentive = widen(this.attentive, (k) => new Uint8Array(k));
    this.parked = widen(this.parked, (k) => new Uint8Array(k));
    this.held = widen(this.held, (k) => new Uint8Array(k));
    this.bonusPaid = widen(this.bonusPaid, (k) => new Float64Array(k));
    this.capacity = n;
  }
}
