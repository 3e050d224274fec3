/**
 * The sample calibration config without its through-the-cycle parts (the long history `longRunHistory`
 * and the stress buffer), written to `dir` with absolute paths. Its recent-window targets are the ones the keeper tests were built around (they
 * loosen the deployment's parameters, so each cycle has a risk-increasing step to land); the tests
 * that use it are about the keeper's machinery, not the policy's direction.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { loadConfig, withPathsResolved } from "../../calibrator/calibrate/config.js";

export function recentWindowCalibration(dir: string): string {
  const sample = withPathsResolved(loadConfig("config/calibrate.sample.json"), "config");
  const file = join(dir, "calibrate.recent-window.json");
  writeFileSync(file, JSON.stringify({ ...sample, policy: { ...sample.policy, stressBuffer: 0 }, assets: sample.assets.map(({ longRunHistory: _dropped, ...a }) => a) }));
  return file;
}
