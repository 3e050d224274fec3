/** Conversions between whole-token amounts (numbers) and token units (bigints). */

/** A whole-token amount in the token's smallest units (exact for the digits the number carries). */
export function toUnits(amount: number, decimals: number): bigint {
  const [whole = "0", fraction = ""] = amount.toFixed(Math.min(decimals, 18)).split(".");
  return BigInt(whole) * 10n ** BigInt(decimals) + BigInt((fraction + "0".repeat(decimals)).slice(0, decimals) || "0");
}
