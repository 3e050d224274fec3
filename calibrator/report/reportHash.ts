/** The content hash a report is known by on-chain (`reportHash`): keccak256 of its canonical JSON. */
import { keccak256, stringToBytes } from "viem";

/** JSON with object keys sorted at every level, so equal content always hashes equally. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (typeof v === "bigint") return v.toString();
    if (v && typeof v === "object" && !Array.isArray(v)) {
      return Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    }
    return v;
  });
}

export function reportHash(report: unknown): `0x${string}` {
  return keccak256(stringToBytes(canonicalJson(report)));
}
