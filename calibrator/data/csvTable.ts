/** Reads a CSV file with a header row into column-addressable records (csv-parse does the parsing). */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { parse } from "csv-parse/sync";
import { DataError } from "./errors.js";

export interface CsvTable {
  file: string;
  header: readonly string[];
  /** Data rows; row i sits on file line i + 2 (line 1 is the header). */
  rows: readonly (readonly string[])[];
}

export function readCsv(file: string): CsvTable {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (error) {
    // Name the absolute path too: a relative one resolves against the caller's directory, which the user may not expect.
    const code = (error as { code?: unknown }).code;
    const why = typeof code === "string" ? (code === "ENOENT" ? "no such file" : code) : (error as Error).message;
    throw new DataError(file, undefined, undefined, `cannot read file (${resolve(file)}): ${why}`);
  }
  const text = bytes.toString("utf8");
  const bad = text.indexOf("\uFFFD");
  if (bad >= 0) throw invalidUtf8(file, text, bad);
  let records: string[][];
  try {
    records = parse(text, { skip_empty_lines: true, trim: true, relax_column_count: false }) as string[][];
  } catch (error) {
    const e = error as { lines?: number; message: string };
    throw new DataError(file, e.lines, undefined, `malformed CSV: ${e.message}`);
  }
  const [header, ...rows] = records;
  if (!header) throw new DataError(file, undefined, undefined, "empty file (no header)");
  if (rows.length === 0) throw new DataError(file, undefined, undefined, "no data rows");
  const seen = new Set<string>();
  for (const name of header) {
    // A second column of the same name would silently shadow the first (indexOf finds only one).
    if (seen.has(name)) throw new DataError(file, 1, name, "duplicated column name");
    seen.add(name);
  }
  return { file, header, rows };
}

/** The line and the column of the first byte that is not UTF-8 (the decoder made it U+FFFD). */
function invalidUtf8(file: string, text: string, at: number): DataError {
  const before = text.slice(0, at);
  const line = before.split("\n").length;
  const lineStart = before.lastIndexOf("\n") + 1;
  const header = text.slice(0, Math.max(0, text.indexOf("\n"))).split(",").map((h) => h.trim().replace(/^"|"$/g, ""));
  const column = text.slice(lineStart, at).split(",").length - 1;
  return new DataError(file, line, header[column], "not valid UTF-8 (a byte no text encoding of a number contains)");
}

/** A plain decimal: digits, an optional fraction and exponent; no hex, no "Infinity", no spaces inside. */
export const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** Index of a required column, or a DataError naming the missing column. */
export function columnIndex(table: CsvTable, name: string): number {
  const index = table.header.indexOf(name);
  if (index < 0) throw new DataError(table.file, 1, name, `missing column (header: ${table.header.join(",")})`);
  return index;
}

/** The first present column among `names`, or undefined. */
export function firstColumn(table: CsvTable, names: readonly string[]): { name: string; index: number } | undefined {
  for (const name of names) {
    const index = table.header.indexOf(name);
    if (index >= 0) return { name, index };
  }
  return undefined;
}

/** A strictly positive, finite number from a cell, or a DataError naming the cell. */
export function positiveNumber(table: CsvTable, rowIndex: number, column: number): number {
  const raw = table.rows[rowIndex]![column] ?? "";
  const field = table.header[column]!;
  if (raw === "") throw new DataError(table.file, rowIndex + 2, field, "empty value");
  const value = DECIMAL.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isFinite(value)) throw new DataError(table.file, rowIndex + 2, field, `not a number (a plain decimal is expected): "${raw}"`);
  if (value <= 0) throw new DataError(table.file, rowIndex + 2, field, `must be positive, got ${raw}`);
  return value;
}
