/**
 * Exact Uniswap v3 swap arithmetic on a tick snapshot, in BigInt: the price at a tick, the swap step
 * with the pool fee, and the walk across initialized ticks (liquidityNet added when a tick is crossed
 * upward, subtracted downward). Rounding follows the pool: amounts in round up, amounts out round down.
 * Pure: the loader (calibrator/data/uniswapPool.ts) supplies the ticks.
 */

export const Q96 = 1n << 96n;
export const MIN_TICK = -887272;
export const MAX_TICK = 887272;
const FEE_DENOMINATOR = 1_000_000n;

export interface InitializedTick {
  tick: number;
  liquidityNet: bigint;
}

export interface PoolState {
  sqrtPriceX96: bigint;
  tick: number;
  liquidity: bigint;
  /** Fee in hundredths of a bip (500 = 0.05%). */
  fee: number;
  /** Initialized ticks, ascending. */
  ticks: readonly InitializedTick[];
}

export interface SwapResult {
  amountIn: bigint;
  amountOut: bigint;
  feePaid: bigint;
  sqrtPriceX96After: bigint;
  tickAfter: number;
  ticksCrossed: number;
  /** False when the pool ran out of liquidity before the input was spent. */
  filled: boolean;
}

/** floor(sqrt(n)) for n ≥ 0 (Newton's method on BigInt). */
export function isqrt(n: bigint): bigint {
  if (n < 0n) throw new RangeError("isqrt of a negative number");
  if (n < 2n) return n;
  let x = 1n << BigInt(Math.ceil(n.toString(2).length / 2));
  for (;;) {
    const y = (x + n / x) >> 1n;
    if (y >= x) return x;
    x = y;
  }
}

const FRACTION_BITS = 256n;
const ONE = 1n << FRACTION_BITS;
// 1.0001 in fixed point with 256 fraction bits (exact to the last bit: 10001/10000 rounded down).
const BASE = (10001n << FRACTION_BITS) / 10000n;

const sqrtCache = new Map<number, bigint>();

/**
 * floor(sqrt(1.0001^tick) · 2^96), from 1.0001^|tick| by square-and-multiply with 256 fraction bits
 * (relative error about 2^-250) and an integer square root. The pool's TickMath uses a shorter
 * fixed-point table: the two agree to a relative 1e-19 (at MIN/MAX_TICK: 3e-20), which moves a
 * swap's output by far less than one unit of the output token for any realistic size.
 */
export function sqrtPriceX96AtTick(tick: number): bigint {
  if (!Number.isInteger(tick) || tick < MIN_TICK || tick > MAX_TICK) throw new RangeError(`tick out of range: ${tick}`);
  const cached = sqrtCache.get(tick);
  if (cached !== undefined) return cached;
  let result = ONE;
  let base = BASE;
  for (let e = Math.abs(tick); e > 0; e >>= 1) {
    if (e & 1) result = (result * base) >> FRACTION_BITS;
    base = (base * base) >> FRACTION_BITS;
  }
  // P·2^256 in hand: floor(√P · 2^96) = floor(√(P·2^256 · 2^192)) >> 128, keeping every bit until the end.
  const priceQ256 = tick >= 0 ? result : (ONE * ONE) / result;
  const value = isqrt(priceQ256 << 192n) >> 128n;
  sqrtCache.set(tick, value);
  return value;
}

function mulDivUp(a: bigint, b: bigint, d: bigint): bigint {
  const p = a * b;
  return p / d + (p % d === 0n ? 0n : 1n);
}

/** Token1 amount between two sqrt prices: L · (√b − √a) / 2^96. */
function amount1Delta(sqrtA: bigint, sqrtB: bigint, liquidity: bigint, roundUp: boolean): bigint {
  const [lo, hi] = sqrtA < sqrtB ? [sqrtA, sqrtB] : [sqrtB, sqrtA];
  return roundUp ? mulDivUp(liquidity, hi - lo, Q96) : (liquidity * (hi - lo)) / Q96;
}

/** Token0 amount between two sqrt prices: L · 2^96 · (√b − √a) / (√b · √a). */
function amount0Delta(sqrtA: bigint, sqrtB: bigint, liquidity: bigint, roundUp: boolean): bigint {
  const [lo, hi] = sqrtA < sqrtB ? [sqrtA, sqrtB] : [sqrtB, sqrtA];
  const numerator = (liquidity << 96n) * (hi - lo);
  return roundUp ? mulDivUp(mulDivUp(liquidity << 96n, hi - lo, hi), 1n, lo) : numerator / hi / lo;
}

interface Step {
  sqrtNext: bigint;
  amountIn: bigint;
  amountOut: bigint;
  fee: bigint;
}

/** One exact-input swap step toward `sqrtTarget` within constant liquidity (SwapMath.computeSwapStep). */
function swapStep(sqrtCurrent: bigint, sqrtTarget: bigint, liquidity: bigint, remaining: bigint, fee: bigint, zeroForOne: boolean): Step {
  const lessFee = (remaining * (FEE_DENOMINATOR - fee)) / FEE_DENOMINATOR;
  const toTarget = zeroForOne
    ? amount0Delta(sqrtTarget, sqrtCurrent, liquidity, true)
    : amount1Delta(sqrtCurrent, sqrtTarget, liquidity, true);
  let sqrtNext: bigint;
  if (lessFee >= toTarget) sqrtNext = sqrtTarget;
  else if (zeroForOne) {
    // √P' = L·√P / (L + x·√P / 2^96), rounded up.
    const product = lessFee * sqrtCurrent;
    sqrtNext = mulDivUp(liquidity << 96n, sqrtCurrent, (liquidity << 96n) + product);
  } else {
    // √P' = √P + y · 2^96 / L, rounded down.
    sqrtNext = sqrtCurrent + (lessFee << 96n) / liquidity;
  }
  const reached = sqrtNext === sqrtTarget;
  const amountIn = zeroForOne
    ? amount0Delta(sqrtNext, sqrtCurrent, liquidity, true)
    : amount1Delta(sqrtCurrent, sqrtNext, liquidity, true);
  const amountOut = zeroForOne
    ? amount1Delta(sqrtNext, sqrtCurrent, liquidity, false)
    : amount0Delta(sqrtCurrent, sqrtNext, liquidity, false);
  const feeAmount = reached ? mulDivUp(amountIn, fee, FEE_DENOMINATOR - fee) : remaining - amountIn;
  return { sqrtNext, amountIn, amountOut, fee: feeAmount };
}

/**
 * Sells `amountIn` of token0 (zeroForOne) or token1 into the pool, exact input, walking the
 * initialized ticks. Stops early (filled = false) at the end of the initialized range.
 */
export function simulateExactInput(pool: PoolState, amountIn: bigint, zeroForOne: boolean): SwapResult {
  if (amountIn <= 0n) throw new RangeError("amountIn must be positive");
  const fee = BigInt(pool.fee);
  let sqrtPrice = pool.sqrtPriceX96;
  let tick = pool.tick;
  let liquidity = pool.liquidity;
  let remaining = amountIn;
  let out = 0n;
  let feePaid = 0n;
  let crossed = 0;
  // Index of the next initialized tick in the direction of the swap.
  let i = zeroForOne ? lastIndexAtOrBelow(pool.ticks, tick) : firstIndexAbove(pool.ticks, tick);
  while (remaining > 0n) {
    const next = pool.ticks[i];
    if (!next) break;
    const sqrtTarget = sqrtPriceX96AtTick(next.tick);
    if (liquidity > 0n) {
      const step = swapStep(sqrtPrice, sqrtTarget, liquidity, remaining, fee, zeroForOne);
      remaining -= step.amountIn + step.fee;
      out += step.amountOut;
      feePaid += step.fee;
      sqrtPrice = step.sqrtNext;
      if (sqrtPrice !== sqrtTarget) break; // the input ran out inside this range
    } else {
      sqrtPrice = sqrtTarget; // no liquidity: the price jumps to the next initialized tick
    }
    // Cross the tick: moving up adds its liquidityNet, moving down removes it.
    liquidity = zeroForOne ? liquidity - next.liquidityNet : liquidity + next.liquidityNet;
    tick = zeroForOne ? next.tick - 1 : next.tick;
    crossed++;
    i += zeroForOne ? -1 : 1;
  }
  return {
    amountIn: amountIn - remaining,
    amountOut: out,
    feePaid,
    sqrtPriceX96After: sqrtPrice,
    tickAfter: tick,
    ticksCrossed: crossed,
    filled: remaining === 0n,
  };
}

function firstIndexAbove(ticks: readonly InitializedTick[], tick: number): number {
  let lo = 0;
  let hi = ticks.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (ticks[mid]!.tick > tick) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

function lastIndexAtOrBelow(ticks: readonly InitializedTick[], tick: number): number {
  return firstIndexAbove(ticks, tick) - 1;
}

/** Human-unit price of the volatile token in the stable one, from the pool's sqrt price. */
export function spotPrice(pool: PoolState & { token0: { decimals: number }; token1: { decimals: number } }, sellToken0: boolean): number {
  const raw = (Number(pool.sqrtPriceX96) / 2 ** 96) ** 2; // token1 units per token0 unit
  const decimalsShift = 10 ** (pool.token0.decimals - pool.token1.decimals);
  // Price of token0 in token1 is raw·10^(d0−d1); of token1 in token0, its inverse.
  return sellToken0 ? raw * decimalsShift : 1 / (raw * decimalsShift);
}

/**
 * The largest exact-input sell (in input-token units) whose slippage against `spot` stays within
 * `budget` (a fraction, fee included), by bisection on the monotone slippage curve.
 */
export function maxSellWithinSlippage(
  pool: PoolState,
  zeroForOne: boolean,
  budget: number,
  slippageOf: (amountIn: bigint, amountOut: bigint) => number,
  upperBound: bigint,
): bigint {
  let lo = 0n;
  let hi = upperBound;
  const ok = (x: bigint) => {
    const r = simulateExactInput(pool, x, zeroForOne);
    return r.filled && slippageOf(x, r.amountOut) <= budget;
  };
  if (ok(hi)) return hi;
  while (hi - lo > 1n && hi - lo > hi / 1_000_000n) {
    const mid = (lo + hi) / 2n;
    if (mid > 0n && ok(mid)) lo = mid;
    else hi = mid;
  }
  return lo;
}
