/** Timestamp parsing for the shared data formats: naive UTC strings, ISO with an offset, unix seconds. */

const PATTERN = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/;

/**
 * Unix seconds of `text`: `YYYY-MM-DD[ HH:MM[:SS[.fff]]]` read as UTC unless it carries `Z` or an
 * offset such as `+03:00` (the LINK/SOL files). Returns undefined when it is not a valid time.
 */
export function parseTimestamp(text: string): number | undefined {
  const m = PATTERN.exec(text.trim());
  if (!m) return undefined;
  const [, y, mo, d, h = "0", mi = "0", s = "0", zone] = m;
  const ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
  const check = new Date(ms);
  // Date.UTC rolls 2021-02-30 over into March: a round trip rejects impossible dates.
  if (check.getUTCFullYear() !== Number(y) || check.getUTCMonth() !== Number(mo) - 1 || check.getUTCDate() !== Number(d)) {
    return undefined;
  }
  if (Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) return undefined;
  let offsetSeconds = 0;
  if (zone && zone !== "Z") {
    const sign = zone.startsWith("-") ? -1 : 1;
    const digits = zone.slice(1).replace(":", "");
    offsetSeconds = sign * (Number(digits.slice(0, 2)) * 3_600 + Number(digits.slice(2, 4)) * 60);
  }
  return ms / 1_000 - offsetSeconds;
}

export function isoUtc(unixSeconds: number): string {
  return new Date(unixSeconds * 1_000).toISOString().replace(".000Z", "Z");
}
