/** JSON config files validated with a zod schema; every error names the file and the field path. */
import { readFileSync } from "node:fs";
import type { z } from "zod";
import { DataError } from "./errors.js";

/**
 * JSON.stringify's replacer for values holding bigints (token amounts, caps): each becomes its decimal
 * string, the form the deployment and config files use for integers past 2^53.
 */
export function bigintsAsStrings(_key: string, value: unknown): unknown {
  return typeof value === "bigint" ? value.toString() : value;
}

export function parseWithSchema<S extends z.ZodType>(schema: S, raw: unknown, file: string): z.output<S> {
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new DataError(file, undefined, issue.path.join(".") || "(root)", issue.message);
  }
  return parsed.data;
}

export function readJsonFile(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    throw new DataError(file, undefined, undefined, `not a readable JSON file: ${(error as Error).message}`);
  }
}

export function loadJsonFile<S extends z.ZodType>(schema: S, file: string): z.output<S> {
  return parseWithSchema(schema, readJsonFile(file), file);
}
