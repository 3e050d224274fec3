/**
 * OHLC candle CSVs in every layout of the shared data: `timestamp` (naive UTC), `open_time_utc`
 * (CryptoDataDownload), `open_time` with a `+03:00` offset (LINK/SOL), and the Bitstamp daily file's
 * unusual column order. Bad input is rejected with a DataError naming file, row and field.
 */
import { type CsvTable, columnIndex, firstColumn, positiveNumber, readCsv } from "./csvTable.js";
import { DataError } from "./errors.js";
import { isoUtc, parseTimestamp } from "./timestamps.js";
import { checkPriceSeries, type PlausibilityLimits, plausibilityLimits } from "./plausibility.js";
import { logReturns } from "../models/returns.js";

export interface CandleSeries {
  file: string;
  /** Candle open times, unix seconds, strictly increasing. */
  time: Float64Array;
  open: Float64Array;
  high: Float64Array;
  low: Float64Array;
  close: Float64Array;
  /**
   * Traded volume in the base asset per candle (`volume` or `volume_base`), or undefined when the file
   * has no volume column (the Bitstamp daily file). The backtest's market-impact model reads it.
   */
  volume?: Float64Array;
  /** The candle interval in seconds: the most common spacing between consecutive rows. */
  intervalSeconds: number;
  /** Missing candles: `missing` intervals absent just before row `index` (0-based). */
  gaps: readonly { index: number; missing: number }[];
}

export interface CandleLoadOptions {
  /** Longest run of missing candles accepted (default 3: a few hours of exchange outage). */
  maxMissingCandles?: number;
  /**
   * Accept longer gaps too (the documented repair). The series keeps them in `gaps`, and
   * `candleLogReturns` drops every return that spans more than `maxMissingCandles` missing candles.
   */
  allowGaps?: boolean;
  /** The plausibility layer's limits (default: `plausibilityLimits()`, the clock read at load). */
  plausibility?: PlausibilityLimits;
}

export const DEFAULT_MAX_MISSING_CANDLES = 3;
const TIME_COLUMNS = ["timestamp", "open_time_utc", "open_time"] as const;
const VOLUME_COLUMNS = ["volume", "volume_base"] as const;

export function loadCandles(file: string, options: CandleLoadOptions = {}): CandleSeries {
  return candlesFromTable(readCsv(file), options);
}

export function candlesFromTable(table: CsvTable, options: CandleLoadOptions = {}): CandleSeries {
  const timeColumn = firstColumn(table, TIME_COLUMNS);
  if (!timeColumn) {
    throw new DataError(table.file, 1, TIME_COLUMNS.join("|"), `missing time column (header: ${table.header.join(",")})`);
  }
  const cols = {
    open: columnIndex(table, "open"),
    high: columnIndex(table, "high"),
    low: columnIndex(table, "low"),
    close: columnIndex(table, "close"),
  };
  const n = table.rows.length;
  const series = {
    time: new Float64Array(n),
    open: new Float64Array(n),
    high: new Float64Array(n),
    low: new Float64Array(n),
    close: new Float64Array(n),
  };
  const volumeColumn = firstColumn(table, VOLUME_COLUMNS);
  const volume = volumeColumn ? new Float64Array(n) : undefined;
  for (let i = 0; i < n; i++) {
    const line = i + 2;
    const rawTime = table.rows[i]![timeColumn.index] ?? "";
    const t = parseTimestamp(rawTime);
    if (t === undefined) throw new DataError(table.file, line, timeColumn.name, `not a timestamp: "${rawTime}"`);
    const o = positiveNumber(table, i, cols.open);
    const h = positiveNumber(table, i, cols.high);
    const l = positiveNumber(table, i, cols.low);
    const c = positiveNumber(table, i, cols.close);
    if (h < Math.max(o, c, l)) throw new DataError(table.file, line, "high", `high ${h} is below open/close/low (${o}/${c}/${l})`);
    if (l > Math.min(o, c)) throw new DataError(table.file, line, "low", `low ${l} is above open/close (${o}/${c})`);
    if (i > 0) {
      const prev = series.time[i - 1]!;
      if (t === prev) throw new DataError(table.file, line, timeColumn.name, `duplicate timestamp ${isoUtc(t)} (same as line ${line - 1})`);
      if (t < prev) {
        throw new DataError(table.file, line, timeColumn.name, `out of order: ${isoUtc(t)} is before ${isoUtc(prev)} on line ${line - 1}`);
      }
    }
    series.time[i] = t;
    series.open[i] = o;
    series.high[i] = h;
    series.low[i] = l;
    series.close[i] = c;
    if (volume && volumeColumn) {
      const raw = table.rows[i]![volumeColumn.index] ?? "";
      const v = /^\d+(\.\d+)?([eE][+-]?\d+)?$/.test(raw) ? Number(raw) : Number.NaN;
      if (!Number.isFinite(v)) throw new DataError(table.file, line, volumeColumn.name, `not a non-negative decimal volume: "${raw}"`);
      volume[i] = v;
    }
  }
  const intervalSeconds = mostCommonSpacing(series.time);
  const maxMissing = options.maxMissingCandles ?? DEFAULT_MAX_MISSING_CANDLES;
  const gaps: { index: number; missing: number }[] = [];
  for (let i = 1; i < n; i++) {
    const spacing = series.time[i]! - series.time[i - 1]!;
    if (spacing === intervalSeconds) continue;
    const line = i + 2;
    if (spacing % intervalSeconds !== 0) {
      throw new DataError(table.file, line, timeColumn.name, `${isoUtc(series.time[i]!)} is off the ${intervalSeconds} s grid of the file`);
    }
    const missing = spacing / intervalSeconds - 1;
    if (missing > maxMissing && !options.allowGaps) {
      throw new DataError(
        table.file,
        line,
        timeColumn.name,
        `gap of ${missing} missing candles after ${isoUtc(series.time[i - 1]!)} (tolerance ${maxMissing}; allow with --allow-gaps or raise --max-gap)`,
      );
    }
    gaps.push({ index: i, missing });
  }
  // A price that never moves is a frozen or synthetic feed, not a market: no volatility model can fit it.
  const closeColumn = columnIndex(table, "close");
  if (n > 1 && series.close.every((c) => c === series.close[0])) {
    throw new DataError(table.file, 2, table.header[closeColumn] ?? "close", `every one of the ${n} closes is ${series.close[0]}: a constant series (a frozen feed?), not a market`);
  }
  checkPriceSeries(
    { file: table.file, timeField: timeColumn.name, valueField: table.header[closeColumn] ?? "close", time: series.time, value: series.close, row: (i) => i + 2 },
    options.plausibility ?? plausibilityLimits(),
  );
  return { file: table.file, ...series, ...(volume ? { volume } : {}), intervalSeconds, gaps };
}

/** The mode of the positive spacings (the grid); the first 2,000 spacings suffice. */
function mostCommonSpacing(time: Float64Array): number {
  if (time.length < 2) return 0;
  const counts = new Map<number, number>();
  for (let i = 1; i < Math.min(time.length, 2_001); i++) {
    const d = time[i]! - time[i - 1]!;
    counts.set(d, (counts.get(d) ?? 0) + 1);
  }
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0]![0];
}

/**
 * Close-to-close log returns of consecutive candles. A return across a tolerated gap spans the gap;
 * one across a longer gap (loaded with `allowGaps`) is dropped.
 */
export function candleLogReturns(series: CandleSeries, maxMissingCandles = DEFAULT_MAX_MISSING_CANDLES): Float64Array {
  const breaks = new Set(series.gaps.filter((g) => g.missing > maxMissingCandles).map((g) => g.index));
  return logReturns(series.close, breaks);
}
