/**
 * The backtest's HTML report: one self-contained page (Chart.js inlined) with the market and oracle
 * prices, the parameters over time, liquidations, bad debt, borrowing power used and the health
 * distribution, for one or two policies on the same path. Long runs are down-sampled to at most
 * MAX_POINTS per series (last value per bucket for levels, sums for counts), so the page stays light.
 * After drawing, the page sets `window.bulwarkCharts` (id and point count per chart) for the render test.
 */
import { chartJsSource } from "../report/chartJs.js";
import type { BacktestRun } from "./run.js";

const MAX_POINTS = 1_500;

interface Bucketed {
  labels: string[];
  level: (values: ArrayLike<number>) => number[];
  sum: (values: ArrayLike<number>) => number[];
}

function buckets(times: Float64Array): Bucketed {
  const n = times.length;
  const size = Math.max(1, Math.ceil(n / MAX_POINTS));
  const starts: number[] = [];
  for (let i = 0; i < n; i += size) starts.push(i);
  const label = (t: number) => new Date(t * 1000).toISOString().slice(0, 16).replace("T", " ");
  return {
    labels: starts.map((s) => label(times[Math.min(n - 1, s + size - 1)]!)),
    level: (values) => starts.map((s) => round(values[Math.min(n - 1, s + size - 1)]!)),
    sum: (values) =>
      starts.map((s) => {
        let total = 0;
        for (let i = s; i < Math.min(n, s + size); i++) total += values[i]!;
        return round(total);
      }),
  };
}

const round = (x: number) => Math.round(x * 1e6) / 1e6;

function histogram(values: Float64Array, edges: readonly number[]): number[] {
  const counts = new Array<number>(edges.length + 1).fill(0);
  for (const v of values) {
    let k = 0;
    while (k < edges.length && v >= edges[k]!) k++;
    counts[k]!++;
  }
  return counts;
}

export interface ReportInput {
  title: string;
  runs: BacktestRun[];
}

export function renderBacktestHtml(input: ReportInput): string {
  const first = input.runs[0]!;
  const b = buckets(first.path.times);
  const edges = [0.8, 0.9, 1, 1.05, 1.1, 1.2, 1.3, 1.5, 1.75, 2, 3];
  const data = {
    title: input.title,
    window: first.window,
    symbols: first.symbols,
    labels: b.labels,
    market: first.path.assets.map((a) => b.level(a.market)),
    runs: input.runs.map((run) => ({
      policy: run.output.policy,
      output: run.output,
      details: run.result.details,
      var: run.var,
      oracle: run.result.series.oraclePrice.map((s) => b.level(s)),
      ltv: run.result.series.ltvBps.map((s) => b.level(s)),
      threshold: run.result.series.effectiveThresholdBps.map((s) => b.level(s)),
      bonus: run.result.series.bonusBps.map((s) => b.level(s)),
      liquidations: b.sum(run.result.series.liquidations),
      liquidatedValue: b.sum(run.result.series.liquidatedValue),
      blocked: b.sum(run.result.series.blockedByRateLimit),
      badDebt: b.level(run.result.series.badDebtWrittenOff),
      borrowingPower: b.level(run.result.series.borrowingPowerUsed),
      health: healthHistograms(run, edges),
    })),
  };
  const json = JSON.stringify(data).replace(/</g, "\\u003c");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(input.title)}</title>
<style>body{font-family:system-ui,sans-serif;margin:1.5rem;max-width:1200px}canvas{max-height:320px}table{border-collapse:collapse;margin:.5rem 0}td,th{border:1px solid #ccc;padding:.25rem .6rem;text-align:right}th{background:#f4f4f4}h2{margin-top:2rem}</style>
<script>${chartJsSource()}</script></head>
<body>
<h1>${escapeHtml(input.title)}</h1>
<p id="window"></p>
<table id="summary"></table>
<h2>Market and oracle prices</h2><canvas id="prices"></canvas>
<h2>Parameters over time</h2><canvas id="parameters"></canvas>
<h2>Liquidations per period</h2><canvas id="liquidations"></canvas>
<h2>Bad debt written off (cumulative) and borrowing power used</h2><canvas id="badDebt"></canvas>
<h2>Health distribution (accounts with debt)</h2><canvas id="health"></canvas>
<script>
const D = ${json};
const colors = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b"];
const fmt = (x, d = 0) => Number(x).toLocaleString("en-US", { maximumFractionDigits: d, minimumFractionDigits: d });
document.getElementById("window").textContent = D.symbols.join(", ") + " from " + D.window.from + " to " + D.window.to + " UTC, " + D.labels.length + " points";
const rows = [["", ...D.runs.map((r) => r.policy)],
  ["bad debt (USD)", ...D.runs.map((r) => fmt(r.output.metrics.badDebt))],
  ["liquidated value (USD)", ...D.runs.map((r) => fmt(r.output.metrics.liquidatedValue))],
  ["bonus paid (USD)", ...D.runs.map((r) => fmt(r.output.metrics.bonusPaid))],
  ["protocol fees (USD)", ...D.runs.map((r) => fmt(r.output.metrics.protocolFees))],
  ["blocked by the rate limit", ...D.runs.map((r) => fmt(r.output.metrics.blockedByRateLimit))],
  ["avg borrowing power used", ...D.runs.map((r) => fmt(r.output.metrics.avgBorrowingPowerUsed * 100, 2) + "%")],
  ["worst health", ...D.runs.map((r) => fmt(r.output.metrics.worstHealth, 3))],
  ["VaR exceptions / blocks", ...D.runs.map((r) => r.var.exceptions + " / " + r.var.observations)],
  ["Kupiec LR (pass)", ...D.runs.map((r) => fmt(r.var.kupiecLR, 2) + (r.var.kupiecPass ? " (pass)" : " (fail)"))],
  ["Christoffersen LR (pass)", ...D.runs.map((r) => fmt(r.var.christoffersenLR, 2) + (r.var.christoffersenPass ? " (pass)" : " (fail)"))]];
document.getElementById("summary").innerHTML = rows.map((row, i) => "<tr>" + row.map((c) => (i === 0 ? "<th>" : "<td>") + c + (i === 0 ? "</th>" : "</td>")).join("") + "</tr>").join("");
const line = (label, data, color, extra = {}) => ({ label, data, borderColor: color, backgroundColor: color, pointRadius: 0, borderWidth: 1.5, ...extra });
const charts = [];
const base = { animation: false, responsive: true, interaction: { mode: "index", intersect: false } };
charts.push(new Chart(document.getElementById("prices"), { type: "line", data: { labels: D.labels, datasets: D.symbols.flatMap((s, i) => [
  line(s + " market", D.market[i], colors[i], { yAxisID: i === 0 ? "y" : "y1" }),
  line(s + " oracle", D.runs[0].oracle[i], colors[i], { borderDash: [4, 3], yAxisID: i === 0 ? "y" : "y1" })]) },
  options: { ...base, scales: { y: { position: "left" }, y1: { position: "right", grid: { drawOnChartArea: false } } } } }));
charts.push(new Chart(document.getElementById("parameters"), { type: "line", data: { labels: D.labels, datasets: D.runs.flatMap((r, k) => D.symbols.flatMap((s, i) => [
  line(r.policy + " " + s + " LTV %", r.ltv[i].map((x) => x / 100), colors[(2 * k + i) % colors.length], { borderDash: k ? [5, 3] : [] }),
  line(r.policy + " " + s + " threshold %", r.threshold[i].map((x) => x / 100), colors[(2 * k + i + 2) % colors.length], { borderDash: k ? [5, 3] : [] })])) },
  options: { ...base } }));
charts.push(new Chart(document.getElementById("liquidations"), { type: "bar", data: { labels: D.labels, datasets: D.runs.flatMap((r, k) => [
  { label: r.policy + " liquidated value (USD)", data: r.liquidatedValue, backgroundColor: colors[k], yAxisID: "y" },
  { label: r.policy + " blocked by the rate limit", data: r.blocked, backgroundColor: colors[k + 3], yAxisID: "y1" }]) },
  options: { ...base, scales: { y: { position: "left" }, y1: { position: "right", grid: { drawOnChartArea: false } } } } }));
charts.push(new Chart(document.getElementById("badDebt"), { type: "line", data: { labels: D.labels, datasets: D.runs.flatMap((r, k) => [
  line(r.policy + " bad debt written off (USD)", r.badDebt, colors[k], { yAxisID: "y" }),
  line(r.policy + " borrowing power used %", r.borrowingPower.map((x) => x * 100), colors[k + 2], { borderDash: [4, 3], yAxisID: "y1" })]) },
  options: { ...base, scales: { y: { position: "left" }, y1: { position: "right", grid: { drawOnChartArea: false } } } } }));
const bins = ["< " + D.runs[0].health.edges[0], ...D.runs[0].health.edges.map((e, i, a) => i + 1 < a.length ? e + "–" + a[i + 1] : "≥ " + e)];
charts.push(new Chart(document.getElementById("health"), { type: "bar", data: { labels: bins, datasets: D.runs.flatMap((r, k) => [
  { label: r.policy + " at the start", data: r.health.first, backgroundColor: colors[k] + "88" },
  { label: r.policy + " at the worst snapshot (step " + r.health.worstStep + ")", data: r.health.worst, backgroundColor: colors[k + 2] },
  { label: r.policy + " at the end", data: r.health.last, backgroundColor: colors[k + 4] }]) }, options: { animation: false } }));
window.bulwarkCharts = charts.map((ch) => ({ id: ch.canvas.id, points: ch.data.datasets.reduce((n, d) => n + d.data.length, 0), drawn: ch.canvas.width > 0 && ch.canvas.height > 0 }));
</script></body></html>
`;
}

/** Histograms of account health at the start, at the snapshot with the lowest health, and at the end. */
function healthHistograms(run: BacktestRun, edges: readonly number[]) {
  const snapshots = run.result.healthSnapshots;
  const worst = snapshots.reduce((w, s) => (s.health.length > 0 && min(s.health) < min(w.health) ? s : w));
  return {
    edges,
    first: histogram(snapshots[0]!.health, edges),
    worst: histogram(worst.health, edges),
    worstStep: worst.step,
    last: histogram(snapshots.at(-1)!.health, edges),
  };
}

function min(values: Float64Array): number {
  let m = Number.POSITIVE_INFINITY;
  for (const v of values) if (v < m) m = v;
  return m;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]!);
}
