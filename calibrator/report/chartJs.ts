/** Chart.js's UMD bundle, to inline in self-contained HTML reports (they open offline). */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

export function chartJsSource(): string {
  // The UMD file is not in the package's exports map; it sits beside the resolved entry point.
  return readFileSync(join(dirname(createRequire(import.meta.url).resolve("chart.js")), "chart.umd.min.js"), "utf8");
}
