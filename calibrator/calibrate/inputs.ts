/**
 * The calibration's inputs as files: their versions (so a value derived from a file is computed once
 * per version), their hashes for the report, and the code's version.
 */
import { execSync } from "node:child_process";
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { DataError } from "../data/errors.js";
import { loadPoolSnapshot } from "../data/uniswapPool.js";

/** A file's version (mtime and size); a directory's is that of every entry, recursively. */
export function fileVersion(path: string): string {
  const stat = statSync(path);
  if (!stat.isDirectory()) return `${stat.mtimeMs}:${stat.size}`;
  return readdirSync(path)
    .sort()
    .map((name) => `${name}=${fileVersion(join(path, name))}`)
    .join("|");
}

/** One key for a set of inputs: changes when any of them (or any file inside a directory) changes. */
export function inputsVersion(paths: readonly string[]): string {
  return paths.map((p) => `${p}@${fileVersion(p)}`).join("|");
}

/**
 * A value derived from a file (or a directory of files) computed once per version: backtests calibrate
 * hundreds of times on the same pool snapshot, and the keeper re-reads a file only after it changed.
 */
export function perFileVersion<T>(compute: (file: string) => T): (file: string) => T {
  const cache = new Map<string, { version: string; value: T }>();
  return (file) => {
    let version: string;
    try {
      version = fileVersion(file);
    } catch (error) {
      throw new DataError(file, undefined, undefined, `cannot read it: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    }
    const hit = cache.get(file);
    if (hit?.version === version) return hit.value;
    const value = compute(file);
    cache.set(file, { version, value });
    return value;
  };
}

/** SHA-256 (hex) of a file's bytes. */
export const sha256 = perFileVersion((file) => createHash("sha256").update(readFileSync(file)).digest("hex"));
/** A pool snapshot directory, parsed once per version. */
export const poolSnapshot = perFileVersion(loadPoolSnapshot);

let version: string | undefined;
/** The git commit of the code, read once per process ("unknown" outside a git checkout). */
export function codeVersion(): string {
  if (version === undefined) {
    try {
      version = execSync("git rev-parse HEAD", { stdio: ["ignore", "pipe", "ignore"] }).toString().trim();
    } catch {
      version = "unknown";
    }
  }
  return version;
}
