/**
 * Gas cost of one liquidation, USD, at each step: gas units × gas price × ETH price. The gas price is the
 * era's typical base price times a congestion surge that follows the hour's traded volume against its
 * 30-day hourly average (crashes congest the chain: 200–400 gwei on 12 March 2020 and 700–1,000 gwei on
 * 19 May 2021 against typical prices of about 10 and 50 gwei then; docs/backtests.md, "Gas").
 */
export interface GasModel {
  /** Gas of one liquidation call plus the swap that sells the seizure. */
  gasUnits: number;
  /** Typical gas price (gwei) by calendar year (UTC); the nearest year listed is used outside the table. */
  baseGweiByYear: Record<string, number>;
  /** surge = clamp(hourly volume / 30-day hourly mean, 1, maxSurge) ^ surgeExponent. */
  surgeExponent: number;
  maxSurge: number;
}

/** The documented defaults. */
export const DEFAULT_GAS: GasModel = {
  gasUnits: 300_000,
  baseGweiByYear: { "2020": 10, "2021": 50, "2022": 30, "2023": 25, "2024": 10, "2025": 3, "2026": 2 },
  surgeExponent: 1.5,
  maxSurge: 10,
};

export function baseGwei(model: GasModel, unixSeconds: number): number {
  const year = new Date(unixSeconds * 1000).getUTCFullYear();
  const years = Object.keys(model.baseGweiByYear).map(Number).sort((a, b) => a - b);
  if (years.length === 0) throw new RangeError("gas model: baseGweiByYear is empty");
  let best = years[0]!;
  for (const y of years) if (Math.abs(y - year) < Math.abs(best - year)) best = y;
  return model.baseGweiByYear[String(best)]!;
}

/** Congestion multiplier of the gas price from the hour's volume against its 30-day hourly mean. */
export function gasSurge(model: GasModel, hourVolume: number, meanHourVolume: number): number {
  if (!(meanHourVolume > 0) || !(hourVolume > 0)) return 1;
  const ratio = Math.min(model.maxSurge, Math.max(1, hourVolume / meanHourVolume));
  return ratio ** model.surgeExponent;
}

/**
 * Gas per liquidation in USD at each step of a window: `volume` and `close` are a candle series (the
 * ETH one: the chain's congestion and the gas token's price), `firstIndex` its row of the first step,
 * `times` the steps' times.
 */
export function gasCostUsd(model: GasModel, times: Float64Array, ethClose: Float64Array, volume: Float64Array | undefined, firstIndex: number): Float64Array {
  const n = times.length;
  const out = new Float64Array(n);
  // Prefix sums of volume make each step's 30-day mean O(1).
  const prefix = volume ? new Float64Array(volume.length + 1) : undefined;
  if (volume && prefix) for (let j = 0; j < volume.length; j++) prefix[j + 1] = prefix[j]! + volume[j]!;
  for (let k = 0; k < n; k++) {
    const row = firstIndex + k;
    let surge = 1;
    if (volume && prefix) {
      const from = Math.max(0, row - 720);
      const count = row - from;
      surge = gasSurge(model, volume[row]!, count > 0 ? (prefix[row]! - prefix[from]!) / count : 0);
    }
    out[k] = model.gasUnits * baseGwei(model, times[k]!) * surge * 1e-9 * ethClose[row]!;
  }
  return out;
}
