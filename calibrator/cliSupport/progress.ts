/**
 * A progress bar (cli-progress, on stderr) that appears only once a run has lasted a second, so quick
 * runs print nothing extra. "auto" shows it on a terminal only; "always" also off a terminal (logs, tests).
 */
import { SingleBar, Presets } from "cli-progress";

export type ProgressMode = "auto" | "always" | "never";

export interface ProgressReporter {
  update(label: string, done: number, total: number): void;
  stop(): void;
}

const SHOW_AFTER_MS = 1_000;

export function progressReporter(mode: ProgressMode, stream: NodeJS.WriteStream = process.stderr): ProgressReporter {
  const enabled = mode === "always" || (mode === "auto" && stream.isTTY === true);
  const started = performance.now();
  let bar: SingleBar | undefined;
  let current = "";
  return {
    update(label, done, total) {
      if (!enabled) return;
      if (!bar) {
        if (performance.now() - started < SHOW_AFTER_MS) return;
        bar = new SingleBar(
          { format: "{label} [{bar}] {percentage}% | {value}/{total} | {duration_formatted}", stream, noTTYOutput: mode === "always", notTTYSchedule: 500, hideCursor: true },
          Presets.shades_classic,
        );
        bar.start(total, done, { label });
        current = label;
        return;
      }
      if (label !== current) {
        bar.setTotal(total);
        current = label;
      }
      bar.update(done, { label });
    },
    stop() {
      bar?.stop();
    },
  };
}
