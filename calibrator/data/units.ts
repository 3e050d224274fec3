/** Conversions between whole-token amounts (numbers) and token units (bigints). */

/** A whole-token amount in the token's smallest units (exact for the digits the number carries). */
export function toUnits(amount: number, decimals: number): bigint {
  // toFixed switches to exponent notation from 1e21: refuse what it cannot write out digit by digit.
  if (!(Number.isFinite(amount) && amount >= 0 && amount < 1e21)) throw new RangeError(`an amount must be finite, non-negative and below 1e21 whole tokens, got ${amount}`);
  const [whole = "0", fraction = ""] = amount.toFixed(Math.min(decimals, 18)).split(".");
  return BigInt(whole) * 10n ** BigInt(decimals) + BigInt((fraction + "0".repeat(decimals)).slice(0, decimals) || "0");
}
