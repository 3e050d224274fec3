/**
 * The demo's HTML report: a self-contained page (Chart.js inlined, so it opens offline) with the
 * parameter glide path, the crash replay and the summary tables from reports/demo.json.
 */
import { chartJsSource } from "./chartJs.js";
import { bigintsAsStrings } from "../data/jsonFile.js";

export interface DemoParamsRow {
  asset: string;
  ltvBps: number;
  liquidationThresholdBps: number;
  effectiveThresholdBps: number;
  liquidationBonusBps: number;
  closeFactorBps: number;
  liquidationCapPerWindowUsd: number;
  liquidationWindow: number;
}

export interface DemoReport {
  generatedAt: string;
  window: { name: string; description: string; from: string; to: string };
  addresses: Record<string, string>;
  population: { lenders: number; borrowers: number; liquidityUsd: number; initialDebtUsd: number; initialCollateralUsd: number };
  targets: DemoParamsRow[];
  before: DemoParamsRow[];
  after: DemoParamsRow[];
  glide: { day: number; asset: string; ltvBps: number; liquidationThresholdBps: number; effectiveThresholdBps: number; liquidationBonusBps: number; gasUsed: number }[];
  keeper: { cycles: number; batchesLanded: number; reportsLanded: number; stepsByAsset: Record<string, number>; simulatedDays: number };
  crash: {
    hours: { time: string; prices: number[]; liquidations: number; blocked: number; badDebtUsd: number; reserveUsd: number; totalBorrowsUsd: number }[];
    symbols: string[];
    liquidations: number;
    blockedByRateLimit: number;
    liquidatedValueUsd: number;
    protocolFeesUsd: number;
    badDebtUsd: number;
    reserveUsd: number;
  };
  /** The same book through the same window under each policy (the static one from a snapshot at the opening). */
  comparison: { static: PolicyOutcome; calibrated: PolicyOutcome; verdict: string };
  timings: Record<string, number>;
}

export interface PolicyOutcome {
  params: DemoParamsRow[];
  /** Σ borrow limits of the book at the crash's opening (USD): what the policy lends against it. */
  borrowingPowerUsd: number;
  badDebtUsd: number;
  liquidations: number;
  blockedByRateLimit: number;
}

/** Which policy lost less and which lent more, in one sentence. */
export function comparisonVerdict(statics: Pick<PolicyOutcome, "badDebtUsd" | "borrowingPowerUsd">, calibrated: Pick<PolicyOutcome, "badDebtUsd" | "borrowingPowerUsd">): string {
  const loss =
    calibrated.badDebtUsd < statics.badDebtUsd
      ? `calibrated lost less (${usd(calibrated.badDebtUsd)} against ${usd(statics.badDebtUsd)})`
      : calibrated.badDebtUsd > statics.badDebtUsd
        ? `static lost less (${usd(statics.badDebtUsd)} against ${usd(calibrated.badDebtUsd)})`
        : `both lost the same (${usd(statics.badDebtUsd)})`;
  const change = statics.borrowingPowerUsd > 0 ? (calibrated.borrowingPowerUsd / statics.borrowingPowerUsd - 1) * 100 : 0;
  const lend =
    calibrated.borrowingPowerUsd > statics.borrowingPowerUsd
      ? `calibrated lent more (borrowing power ${usd(calibrated.borrowingPowerUsd)}, ${change.toFixed(1)}% above static's ${usd(statics.borrowingPowerUsd)})`
      : calibrated.borrowingPowerUsd < statics.borrowingPowerUsd
        ? `static lent more (borrowing power ${usd(statics.borrowingPowerUsd)}, calibrated ${usd(calibrated.borrowingPowerUsd)}, ${change.toFixed(1)}%)`
        : `both lent the same (${usd(statics.borrowingPowerUsd)})`;
  return `${loss}; ${lend}.`;
}

const esc = (s: string) => s.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]!);
const pct = (bps: number) => `${(bps / 100).toFixed(2)}%`;
const usd = (v: number) => `$${Math.round(v).toLocaleString("en-US")}`;

function comparisonTable(c: DemoReport["comparison"]): string {
  const row = (name: string, o: PolicyOutcome) =>
    `<tr><td>${esc(name)}</td><td>${o.params.map((p) => `${esc(p.asset)} ${pct(p.ltvBps)}/${pct(p.effectiveThresholdBps)}/${pct(p.liquidationBonusBps)}`).join(", ")}</td><td>${usd(o.borrowingPowerUsd)}</td><td>${usd(o.badDebtUsd)}</td><td>${o.liquidations}</td><td>${o.blockedByRateLimit}</td></tr>`;
  return `<table><tr><th>policy</th><th>LTV / effective threshold / bonus at the opening</th><th>borrowing power</th><th>bad debt</th><th>liquidations</th><th>blocked by the rate limit</th></tr>${row("static (Aave v3)", c.static)}${row("calibrated", c.calibrated)}</table><p>${esc(c.verdict)}</p>`;
}

function paramsTable(title: string, rows: readonly DemoParamsRow[]): string {
  const body = rows
    .map(
      (r) =>
        `<tr><td>${esc(r.asset)}</td><td>${pct(r.ltvBps)}</td><td>${pct(r.liquidationThresholdBps)}</td><td>${pct(r.effectiveThresholdBps)}</td><td>${pct(r.liquidationBonusBps)}</td><td>${pct(r.closeFactorBps)}</td><td>${usd(r.liquidationCapPerWindowUsd)} / ${r.liquidationWindow / 3600} h</td></tr>`,
    )
    .join("");
  return `<h3>${esc(title)}</h3><table><tr><th>asset</th><th>LTV</th><th>threshold</th><th>effective threshold</th><th>bonus</th><th>close factor</th><th>liq. cap / window</th></tr>${body}</table>`;
}

export function renderDemoHtml(report: DemoReport): string {
  // The UMD bundle is not in the package's exports map: locate it next to the CommonJS entry.
  const chartJs = chartJsSource();
  const c = report.crash;
  const summary = [
    ["population", `${report.population.lenders} lenders (${usd(report.population.liquidityUsd)}), ${report.population.borrowers} borrowers (${usd(report.population.initialCollateralUsd)} collateral, ${usd(report.population.initialDebtUsd)} debt)`],
    ["keeper", `${report.keeper.cycles} cycles over ${report.keeper.simulatedDays.toFixed(1)} simulated days, ${report.keeper.batchesLanded} batches, ${report.keeper.reportsLanded} reports landed`],
    ["crash window", `${report.window.name}: ${report.window.description} (${report.window.from} → ${report.window.to} UTC)`],
    ["liquidations", `${c.liquidations} (${c.blockedByRateLimit} blocked by the rate limit), ${usd(c.liquidatedValueUsd)} seized`],
    ["protocol fees", usd(c.protocolFeesUsd)],
    ["bad debt", usd(c.badDebtUsd)],
    ["reserve at the end", usd(c.reserveUsd)],
  ]
    .map(([k, v]) => `<tr><th>${esc(k!)}</th><td>${esc(v!)}</td></tr>`)
    .join("");
  const data = JSON.stringify({ glide: report.glide, crash: c }, bigintsAsStrings).replace(/</g, "\\u003c");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Bulwark demo — ${esc(report.window.name)}</title>
<style>body{font:14px system-ui,sans-serif;margin:2em auto;max-width:1100px;color:#222}table{border-collapse:collapse;margin:.5em 0 1.5em}td,th{border:1px solid #ccc;padding:4px 8px;text-align:left}canvas{max-height:320px;margin-bottom:2em}</style>
<script>${chartJs}</script></head>
<body>
<h1>Bulwark demo</h1>
<p>Generated ${esc(report.generatedAt)} on the in-process Hardhat network. Parameters reach the chain only through the bounded updater; prices replay Binance hourly closes through the mock Chainlink feeds.</p>
<h2>Summary</h2><table>${summary}</table>
<h2>Static against calibrated, same book, same window</h2>${comparisonTable(report.comparison)}
${paramsTable("Parameters before the keeper", report.before)}
${paramsTable("Calibrated targets (within governance bounds)", report.targets)}
${paramsTable("Parameters after the glide path", report.after)}
<h2>Glide path</h2><canvas id="glide"></canvas>
<h2>Crash replay</h2><canvas id="prices"></canvas><canvas id="liquidations"></canvas><canvas id="books"></canvas>
<script>
const D = ${data};
const charts = [];
const assets = [...new Set(D.glide.map((g) => g.asset))];
const colors = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728"];
charts.push(new Chart(document.getElementById("glide"), { type: "line", data: { datasets: assets.flatMap((a, i) => [
  { label: a + " threshold (stored)", data: D.glide.filter((g) => g.asset === a).map((g) => ({ x: g.day, y: g.liquidationThresholdBps / 100 })), borderColor: colors[i], stepped: true },
  { label: a + " LTV", data: D.glide.filter((g) => g.asset === a).map((g) => ({ x: g.day, y: g.ltvBps / 100 })), borderColor: colors[i], borderDash: [5, 5], stepped: true },
]) }, options: { animation: false, scales: { x: { type: "linear", title: { display: true, text: "day" } }, y: { title: { display: true, text: "%" } } } } }));
const labels = D.crash.hours.map((h) => h.time);
charts.push(new Chart(document.getElementById("prices"), { type: "line", data: { labels, datasets: D.crash.symbols.map((s, i) => ({ label: s + " (USD, oracle)", data: D.crash.hours.map((h) => h.prices[i]), borderColor: colors[i], yAxisID: i === 0 ? "y" : "y1" })) }, options: { animation: false, scales: { y: { position: "left" }, y1: { position: "right" } } } }));
charts.push(new Chart(document.getElementById("liquidations"), { type: "bar", data: { labels, datasets: [
  { label: "liquidations", data: D.crash.hours.map((h) => h.liquidations), backgroundColor: "#2ca02c" },
  { label: "blocked by the rate limit", data: D.crash.hours.map((h) => h.blocked), backgroundColor: "#d62728" },
] }, options: { animation: false } }));
charts.push(new Chart(document.getElementById("books"), { type: "line", data: { labels, datasets: [
  { label: "bad debt written off (USD)", data: D.crash.hours.map((h) => h.badDebtUsd), borderColor: "#d62728" },
  { label: "reserve (USD)", data: D.crash.hours.map((h) => h.reserveUsd), borderColor: "#2ca02c" },
] }, options: { animation: false } }));
window.bulwarkCharts = charts.map((ch) => ({ id: ch.canvas.id, points: ch.data.datasets.reduce((n, d) => n + d.data.length, 0) }));
</script>
</body></html>
`;
}
