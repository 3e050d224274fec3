/** Deribit option-chain snapshots (see data/deribit_btc_eth_option_snapshots_2025_2026/SOURCE.md). */
import { columnIndex, positiveNumber, readCsv } from "./csvTable.js";
import { DataError } from "./errors.js";
import { parseTimestamp } from "./timestamps.js";

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

export function loadOptionSnapshot(file: string): OptionQuote[] {
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
    };
  });
}
