/**
 * A max-heap of (trigger level, position, version) in typed arrays. The simulator files each position
 * under every collateral asset it holds, keyed by the level of that asset's price index below which
 * the position could become liquidatable; a step pops only the positions whose trigger was crossed.
 * Entries go stale when a position is re-filed (its version moves on); the caller skips them.
 */
export class TriggerHeap {
  private keys: Float64Array;
  private ids: Int32Array;
  private versions: Int32Array;
  private count = 0;

  constructor(capacity = 1024) {
    this.keys = new Float64Array(capacity);
    this.ids = new Int32Array(capacity);
    this.versions = new Int32Array(capacity);
  }

  get size(): number {
    return this.count;
  }

  /** The largest trigger level, or −∞ when empty. */
  peekKey(): number {
    return this.count === 0 ? Number.NEGATIVE_INFINITY : this.keys[0]!;
  }

  push(key: number, id: number, version: number): void {
    if (Number.isNaN(key)) throw new RangeError(`trigger level of position ${id} is NaN`);
    if (this.count === this.keys.length) this.grow();
    let i = this.count++;
    // Sift up.
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (this.keys[parent]! >= key) break;
      this.move(parent, i);
      i = parent;
    }
    this.keys[i] = key;
    this.ids[i] = id;
    this.versions[i] = version;
  }

  /** The version of the entry the last pop() removed. */
  poppedVersion = 0;

  /** Removes the top entry and returns its id; its version is then `poppedVersion` (the caller checked it is not empty). */
  pop(): number {
    const top = this.ids[0]!;
    this.poppedVersion = this.versions[0]!;
    const last = --this.count;
    if (last > 0) {
      const key = this.keys[last]!;
      const id = this.ids[last]!;
      const version = this.versions[last]!;
      let i = 0;
      // Sift down.
      for (;;) {
        const left = 2 * i + 1;
        if (left >= last) break;
        const right = left + 1;
        const child = right < last && this.keys[right]! > this.keys[left]! ? right : left;
        if (this.keys[child]! <= key) break;
        this.move(child, i);
        i = child;
      }
      this.keys[i] = key;
      this.ids[i] = id;
      this.versions[i] = version;
    }
    return top;
  }

  private move(from: number, to: number): void {
    this.keys[to] = this.keys[from]!;
    this.ids[to] = this.ids[from]!;
    this.versions[to] = this.versions[from]!;
  }

  private grow(): void {
    const n = this.keys.length * 2;
    const keys = new Float64Array(n);
    const ids = new Int32Array(n);
    const versions = new Int32Array(n);
    keys.set(this.keys);
    ids.set(this.ids);
    versions.set(this.versions);
    this.keys = keys;
    this.ids = ids;
    this.versions = versions;
  }
}
