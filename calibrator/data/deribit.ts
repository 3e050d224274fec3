/** Deribit option-chain snapshots (see data/deribit_btc_eth_option_snapshots_2025_2026/SOURCE.md). */
import { columnIndex, positiveNumber, readCsv } from "./csvTable.js";
import { DataError } from "./errors.js";
import { parseTimestamp } from "./timestamps.js";
import { DEFAULT_PLAUSIBILITY } from "./plausibility.js";

export interface OptionQuote {
  instrument: string;
  currency: string;
  isCall: boolean;
  strike: number;
  /** Expiry, unix seconds. */
  expiry: number;
  /** Snapshot time, unix seconds. */
  observedAt: number;
  /** The forward Deribit prices the option against (the `underlying` column), USD. */
  forward: number;
  /** Mark price in coin units (inverse option). */
  markPrice: number;
  /** Deribit's mark implied volatility (decimal). */
  markIv: number;
}

/** Plausibility bounds of a snapshot (the six shared snapshots: IV ≤ 2.17, forward/index within 0.997–1.049). */
export const OPTION_LIMITS = {
  /** An implied volatility above 500% a year is not a quote. */
  maxImpliedVol: 5,
  /** The forward (`underlying`) within this factor of the index price. */
  maxForwardToIndex: 1.5,
  /** Rows of one snapshot are taken within this many seconds of each other (the shared files: 0 s). */
  maxSnapshotSpreadSeconds: 60,
  /** Relative slack on the no-arbitrage bounds (call ≤ 1 coin, put ≤ K / F coin). */
  boundSlack: 0.01,
} as const;

const MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];

/** `BTC-25DEC26-100000-C` → its parts, or undefined when the name is not of that shape. */
export function parseInstrumentName(name: string): { currency: string; expiryDate: string; strike: number; isCall: boolean } | undefined {
  const m = /^([A-Z]+)-(\d{1,2})([A-Z]{3})(\d{2})-(\d+(?:d\d+)?)-([CP])$/.exec(name);
  if (!m) return undefined;
  const month = MONTHS.indexOf(m[3]!);
  if (month < 0) return undefined;
  const expiryDate = `20${m[4]}-${String(month + 1).padStart(2, "0")}-${m[2]!.padStart(2, "0")}`;
  return { currency: m[1]!, expiryDate, strike: Number(m[5]!.replace("d", ".")), isCall: m[6] === "C" };
}

export interface OptionLoadOptions {
  /** Refuse the file when it holds no row of this currency (a filter would silently give nothing). */
  currency?: string;
  /** The clock, unix seconds (default: now): a snapshot from the future is refused. */
  now?: number;
}

export function loadOptionSnapshot(file: string, options: OptionLoadOptions = {}): OptionQuote[] {
  const quotes = readOptionRows(file);
  checkSnapshot(file, quotes, options);
  return quotes;
}

/** Cross-row and cross-field checks: one time, unique names that agree with their fields, bounded values. */
function checkSnapshot(file: string, quotes: readonly (OptionQuote & { indexPrice: number })[], options: OptionLoadOptions): void {
  const now = options.now ?? Date.now() / 1_000;
  const seen = new Map<string, number>();
  quotes.forEach((q, i) => {
    const line = i + 2;
    const fail = (field: string, why: string) => {
      throw new DataError(file, line, field, why);
    };
    if (q.observedAt > now + DEFAULT_PLAUSIBILITY.futureToleranceSeconds) fail("timestamp", `${new Date(q.observedAt * 1_000).toISOString()} is in the future`);
    if (Math.abs(q.observedAt - quotes[0]!.observedAt) > OPTION_LIMITS.maxSnapshotSpreadSeconds) {
      fail("timestamp", `${(q.observedAt - quotes[0]!.observedAt).toFixed(0)} s from line 2's time: rows of two snapshots mixed in one file`);
    }
    const earlier = seen.get(q.instrument);
    if (earlier !== undefined) fail("instrument_name", `${q.instrument} again (first on line ${earlier})`);
    seen.set(q.instrument, line);
    const name = parseInstrumentName(q.instrument);
    if (!name) fail("instrument_name", `"${q.instrument}" is not CUR-DDMMMYY-STRIKE-C|P`);
    if (name!.currency !== q.currency) fail("currency", `${q.currency} disagrees with the instrument ${q.instrument}`);
    if (name!.strike !== q.strike) fail("strike", `${q.strike} disagrees with the instrument ${q.instrument}`);
    if (name!.isCall !== q.isCall) fail("option_type", `${q.isCall ? "call" : "put"} disagrees with the instrument ${q.instrument}`);
    if (new Date(q.expiry * 1_000).toISOString().slice(0, 10) !== name!.expiryDate) {
      fail("expiry_datetime", `${new Date(q.expiry * 1_000).toISOString()} disagrees with the instrument ${q.instrument}`);
    }
    if (q.markIv > OPTION_LIMITS.maxImpliedVol) fail("implied_volatility", `${q.markIv} (${(q.markIv * 100).toFixed(0)}%) is above ${OPTION_LIMITS.maxImpliedVol * 100}%`);
    const ratio = q.forward / q.indexPrice;
    if (ratio > OPTION_LIMITS.maxForwardToIndex || ratio < 1 / OPTION_LIMITS.maxForwardToIndex) {
      fail("underlying", `forward ${q.forward} is ${ratio.toFixed(2)}× the index ${q.indexPrice} (limit ${OPTION_LIMITS.maxForwardToIndex}×)`);
    }
    // An inverse option pays in coin: a call is worth at most one coin, a put at most K / F coins.
    const bound = (q.isCall ? 1 : q.strike / q.forward) * (1 + OPTION_LIMITS.boundSlack);
    if (q.markPrice > bound) fail("mark_price", `${q.markPrice} is above the no-arbitrage bound ${bound.toPrecision(4)} coin of a ${q.isCall ? "call" : "put"}`);
  });
  if (options.currency !== undefined && !quotes.some((q) => q.currency === options.currency)) {
    const present = [...new Set(quotes.map((q) => q.currency))].join(", ");
    throw new DataError(file, undefined, "currency", `no row for ${options.currency} (the file holds ${present})`);
  }
}

function readOptionRows(file: string): (OptionQuote & { indexPrice: number })[] {
  const table = readCsv(file);
  const col = {
    timestamp: columnIndex(table, "timestamp"),
    instrument: columnIndex(table, "instrument_name"),
    underlying: columnIndex(table, "underlying"),
    type: columnIndex(table, "option_type"),
    strike: columnIndex(table, "strike"),
    expiry: columnIndex(table, "expiry_datetime"),
    mark: columnIndex(table, "mark_price"),
    iv: columnIndex(table, "implied_volatility"),
    currency: columnIndex(table, "currency"),
    index: columnIndex(table, "index_price"),
  };
  return table.rows.map((row, i) => {
    const line = i + 2;
    const time = (c: number) => {
      const t = parseTimestamp(row[c] ?? "");
      if (t === undefined) throw new DataError(file, line, table.header[c], `not a timestamp: "${row[c]}"`);
      return t;
    };
    const type = row[col.type];
    if (type !== "call" && type !== "put") throw new DataError(file, line, "option_type", `expected call or put, got "${type}"`);
    const observedAt = time(col.timestamp);
    const expiry = time(col.expiry);
    if (expiry <= observedAt) throw new DataError(file, line, "expiry_datetime", "expired at snapshot time");
    const markRaw = row[col.mark] ?? "";
    const markPrice = Number(markRaw);
    if (markRaw === "" || !Number.isFinite(markPrice) || markPrice < 0) {
      throw new DataError(file, line, "mark_price", `not a non-negative number: "${markRaw}"`);
    }
    const ivRaw = row[col.iv] ?? "";
    const markIv = Number(ivRaw);
    if (ivRaw === "" || !Number.isFinite(markIv) || markIv < 0) {
      throw new DataError(file, line, "implied_volatility", `not a non-negative number: "${ivRaw}"`);
    }
    return {
      instrument: row[col.instrument] ?? "",
      currency: row[col.currency] ?? "",
      isCall: type === "call",
      strike: positiveNumber(table, i, col.strike),
      expiry,
      observedAt,
      forward: positiveNumber(table, i, col.underlying),
      markPrice,
      markIv,
      indexPrice: positiveNumber(table, i, col.index),
    };
  });
}
