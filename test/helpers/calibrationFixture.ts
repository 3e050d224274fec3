/**
 * The sample calibration config without its long history (`longRunHistory`), written to `dir` with
 * absolute paths. Its recent-window targets are the ones the keeper tests were built around (they
 * loosen the deployment's parameters, so each cycle has a risk-increasing step to land); the tests
 * that use it are about the keeper's machinery, not the policy's direction.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";

export function recentWindowCalibration(dir: string): string {
  const sample = JSON.parse(readFileSync("config/calibrate.sample.json", "utf8")) as { assets: Record<string, unknown>[] };
  for (const a of sample.assets) {
    a.candles = resolve("config", a.candles as string);
    a.pool = resolve("config", a.pool as string);
    const options = a.options as { snapshot: string } | undefined;
    if (options) options.snapshot = resolve("config", options.snapshot);
    delete a.longRunHistory;
  }
  const file = join(dir, "calibrate.recent-window.json");
  writeFileSync(file, JSON.stringify(sample));
  return file;
}
