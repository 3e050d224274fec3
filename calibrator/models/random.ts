/** A small seeded PRNG (mulberry32): simulations and randomised tests are reproducible from their seed. */
export class Rng {
  private state: number;
  constructor(readonly seed: number) {
    this.state = seed >>> 0;
  }
  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  /** Integer in [lo, hi]. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  /** BigInt in [lo, hi]. */
  big(lo: bigint, hi: bigint): bigint {
    const span = hi - lo + 1n;
    const r = (BigInt(Math.floor(this.next() * 2 ** 32)) << 32n) | BigInt(Math.floor(this.next() * 2 ** 32));
    return lo + (r % span);
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
}

/** The seed: BULWARK_SEED from the environment, else a fixed default (so CI is reproducible). */
export function testSeed(fallback: number): number {
  const fromEnv = process.env.BULWARK_SEED;
  return fromEnv !== undefined ? Number(fromEnv) : fallback;
}
