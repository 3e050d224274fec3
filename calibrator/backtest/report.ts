/**
 * The backtest's HTML report: one self-contained page (Chart.js inlined) with the market and oracle
 * prices, the parameters over time, liquidations, bad debt, borrowing power used and the health
 * distribution, for one or two policies on the same path. Long runs are down-sampled to at most
 * MAX_POINTS per series (last value per bucket for levels), so the page stays light; liquidations are
 * summed per hour, 6 hours or day by the window's length, so each bar can be read.
 * After drawing, the page sets `window.bulwarkCharts` (id and point count per chart) for the render test.
 */
import type { SelectionSummary } from "../select/select.js";
import { chartJsSource } from "../report/chartJs.js";
import type { BacktestRun } from "./run.js";

const MAX_POINTS = 1_500;

interface Bucketed {
  labels: string[];
  level: (values: ArrayLike<number>) => number[];
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

/**
 * The period over which liquidations are summed: bars a reader can tell apart. Hourly up to 3 days
 * (72 bars), 6-hourly up to 14 days (56 bars), daily beyond (a 61-day window gives 61 bars, not 1,464).
 */
export function liquidationPeriodSeconds(spanSeconds: number): number {
  if (spanSeconds <= 3 * 86_400) return 3_600;
  if (spanSeconds <= 14 * 86_400) return 6 * 3_600;
  return 86_400;
}

/** Sums per calendar period (UTC): the labels are the periods' starts. */
export function sumByPeriod(times: Float64Array, periodSeconds: number): { labels: string[]; sum: (values: ArrayLike<number>) => number[] } {
  const index: number[] = [];
  const labels: string[] = [];
  let current = Number.NaN;
  for (const t of times) {
    const start = Math.floor(t / periodSeconds) * periodSeconds;
    if (start !== current) {
      current = start;
      labels.push(new Date(start * 1000).toISOString().slice(0, periodSeconds >= 86_400 ? 10 : 16).replace("T", " "));
    }
    index.push(labels.length - 1);
  }
  return {
    labels,
    sum: (values) => {
      const out = new Array<number>(labels.length).fill(0);
      for (let i = 0; i < index.length; i++) out[index[i]!]! += values[i]!;
      return out.map(round);
    },
  };
}

/**
 * Colours: one palette per policy (static in blues, calibrated in reds and oranges), one shade per
 * asset within it, so no two series of different policies share a colour; LTV is dashed and the
 * threshold solid in the asset's shade. Prices get their own asset colours, the oracle a lighter tone.
 */
export const POLICY_PALETTES: Readonly<Record<string, readonly string[]>> = {
  static: ["#1f4e9c", "#17a2b8", "#5b6f95"],
  calibrated: ["#c0392b", "#e67e22", "#8e44ad"],
};
export const ASSET_PRICE_COLORS: readonly (readonly [market: string, oracle: string])[] = [
  ["#222222", "#e6a700"],
  ["#2e7d32", "#b455d6"],
];

export function renderBacktestHtml(input: ReportInput): string {
  const first = input.runs[0]!;
  const b = buckets(first.path.times);
  const times = first.path.times;
  const period = liquidationPeriodSeconds(times.length > 1 ? times[times.length - 1]! - times[0]! + 3_600 : 3_600);
  const perPeriod = sumByPeriod(times, period);
  const edges = [0.8, 0.9, 1, 1.05, 1.1, 1.2, 1.3, 1.5, 1.75, 2, 3];
  // Oracle minus market, % of market: zero everywhere when the heartbeat is the step (an hourly replay of
  // a 1-hour heartbeat feed), and then the oracle line would hide under the market's.
  const deviation = first.result.series.oraclePrice.map((series, i) => {
    const market = first.path.assets[i]!.market;
    return b.level(Float64Array.from(series, (o, k) => ((o - market[k]!) / market[k]!) * 100));
  });
  const varSame = input.runs.every((r) => JSON.stringify(r.var) === JSON.stringify(first.var));
  const data = {
    title: input.title,
    window: first.window,
    symbols: first.symbols,
    labels: b.labels,
    periodLabels: perPeriod.labels,
    periodName: period === 3_600 ? "hour" : period === 86_400 ? "day" : "6 hours",
    market: first.path.assets.map((a) => b.level(a.market)),
    // The oracle path follows the market path only (heartbeat and deviation): no policy moves it.
    oracle: first.result.series.oraclePrice.map((s) => b.level(s)),
    oracleDeviation: deviation,
    oracleMoves: deviation.some((d) => d.some((x) => x !== 0)),
    palettes: POLICY_PALETTES,
    priceColors: ASSET_PRICE_COLORS,
    varSame,
    varAsset: first.symbols[0],
    runs: input.runs.map((run) => ({
      policy: run.output.policy,
      output: run.output,
      details: run.result.details,
      var: run.var,
      ltv: run.result.series.ltvBps.map((s) => b.level(s)),
      threshold: run.result.series.effectiveThresholdBps.map((s) => b.level(s)),
      bonus: run.result.series.bonusBps.map((s) => b.level(s)),
      liquidations: perPeriod.sum(run.result.series.liquidations),
      liquidatedValue: perPeriod.sum(run.result.series.liquidatedValue),
      blocked: perPeriod.sum(run.result.series.blockedByRateLimit),
      badDebt: b.level(run.result.series.badDebtWrittenOff),
      borrowingPower: b.level(run.result.series.borrowingPowerUsed),
      health: healthHistograms(run, edges),
    })),
  };
  // The first selection of each asset along the calibrated run (the opening one when it selected).
  const selections = input.runs.flatMap((run) =>
    run.symbols.flatMap((symbol, i) => {
      const found = run.calibrations.find((c) => c.selection?.[i] !== undefined)?.selection[i];
      return found ? [{ symbol, step: run.calibrations.find((c) => c.selection?.[i] !== undefined)!.step, ...frontierPoints(found) }] : [];
    }),
  );
  const json = JSON.stringify({ ...data, selections }).replace(/</g, "\\u003c");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(input.title)}</title>
<style>body{font-family:system-ui,sans-serif;margin:1.5rem;max-width:1200px}canvas{max-height:340px}table{border-collapse:collapse;margin:.5rem 0}td,th{border:1px solid #ccc;padding:.25rem .6rem;text-align:right}th{background:#f4f4f4}h2{margin-top:2rem}.note{color:#555;max-width:75ch}</style>
<script>${chartJsSource()}</script></head>
<body>
<h1>${escapeHtml(input.title)}</h1>
<p id="window"></p>
<table id="summary"></table>
<p id="var" class="note"></p>
<h2>Market and oracle prices</h2><p id="oracleNote" class="note"></p><canvas id="prices"></canvas>
<div id="oracleSection" hidden><h2>Oracle deviation from the market (%)</h2><p class="note">What the engine priced against, minus the market: the lag of the heartbeat and the deviation threshold.</p><canvas id="oracleDeviation"></canvas></div>
<h2>LTV and liquidation threshold over time</h2><p class="note">Solid: effective liquidation threshold; dashed: LTV. Blues: static; reds and oranges: calibrated; one shade per asset.</p><canvas id="parameters"></canvas>
<h2>Liquidation bonus over time (%)</h2><canvas id="bonus"></canvas>
<h2 id="liquidationsTitle">Liquidations</h2><canvas id="liquidations"></canvas>
<h2>Bad debt written off (cumulative) and borrowing power used</h2><canvas id="badDebt"></canvas>
<h2>Health distribution (accounts with debt)</h2><canvas id="health"></canvas>
<div id="selectionSection" hidden><h2>Selection by simulation: the frontier</h2><p class="note">Each calibrated asset's first selection: candidates no other beats on both the 99% ES of bad debt and lending (the efficient frontier), the chosen set and the formula's point. The chosen set is the most lending within the ES budget.</p><canvas id="frontier"></canvas></div>
<script>
const D = ${json};
const fmt = (x, d = 0) => Number(x).toLocaleString("en-US", { maximumFractionDigits: d, minimumFractionDigits: d });
const shade = (policy, i) => { const p = D.palettes[policy] || D.palettes.static; return p[i % p.length]; };
document.getElementById("window").textContent = D.symbols.join(", ") + " from " + D.window.from + " to " + D.window.to + " UTC, " + D.labels.length + " points";
const rows = [["", ...D.runs.map((r) => r.policy)],
  ["bad debt (USD)", ...D.runs.map((r) => fmt(r.output.metrics.badDebt))],
  ["solvent debt, time average (USD)", ...D.runs.map((r) => fmt(r.output.metrics.solventDebtUsdAvg))],
  ["liquidated value (USD)", ...D.runs.map((r) => fmt(r.output.metrics.liquidatedValue))],
  ["bonus paid (USD)", ...D.runs.map((r) => fmt(r.output.metrics.bonusPaid))],
  ["bonus paid on accounts that end insolvent (USD)", ...D.runs.map((r) => fmt(r.output.metrics.bonusPaidInsolventUsd))],
  ["protocol fees (USD)", ...D.runs.map((r) => fmt(r.output.metrics.protocolFees))],
  ["blocked by the rate limit", ...D.runs.map((r) => fmt(r.output.metrics.blockedByRateLimit))],
  ["avg borrowing power used", ...D.runs.map((r) => fmt(r.output.metrics.avgBorrowingPowerUsed * 100, 2) + "%")],
  ["peak LT × (1 + bonus)", ...D.runs.map((r) => fmt(r.output.metrics.peakSpiralProduct, 4))],
  ["worst health", ...D.runs.map((r) => fmt(r.output.metrics.worstHealth, 3))]];
document.getElementById("summary").innerHTML = rows.map((row, i) => "<tr>" + row.map((c) => (i === 0 ? "<th>" : "<td>") + c + (i === 0 ? "</th>" : "</td>")).join("") + "</tr>").join("");
const varText = (v) => v.exceptions + " exceptions in " + v.observations + " blocks at " + v.confidence + "; Kupiec LR " + fmt(v.kupiecLR, 2) + (v.kupiecPass ? " (pass)" : " (fail)") + ", Christoffersen LR " + fmt(v.christoffersenLR, 2) + (v.christoffersenPass ? " (pass)" : " (fail)");
document.getElementById("var").textContent = D.varSame
  ? "VaR backtest of the calibrator's " + D.varAsset + " forecasts against the realised prices: " + varText(D.runs[0].var) + ". It is the same under every policy: it tests the forecasts, and no parameter moves the price path."
  : "VaR backtest of the calibrator's " + D.varAsset + " forecasts: " + D.runs.map((r) => r.policy + ": " + varText(r.var)).join("; ") + ".";
const line = (label, data, color, extra = {}) => ({ label, data, borderColor: color, backgroundColor: color, pointRadius: 0, borderWidth: 1.5, ...extra });
const charts = [];
const base = { animation: false, responsive: true, interaction: { mode: "index", intersect: false } };
const twoAxes = (left, right) => ({ y: { position: "left", title: { display: true, text: left } }, y1: { position: "right", grid: { drawOnChartArea: false }, title: { display: true, text: right } } });
document.getElementById("oracleNote").textContent = D.oracleMoves
  ? "Solid: the market; stepped: the oracle the engine priced against (its lag is charted below)."
  : "The oracle equals the market at every step of this replay (the feed's heartbeat is no longer than the step), so only the market is drawn.";
charts.push(new Chart(document.getElementById("prices"), { type: "line", data: { labels: D.labels, datasets: D.symbols.flatMap((s, i) => [
  line(s + " market", D.market[i], D.priceColors[i % D.priceColors.length][0], { yAxisID: i === 0 ? "y" : "y1", borderWidth: 1.2 }),
  ...(D.oracleMoves ? [line(s + " oracle (what the engine saw)", D.oracle[i], D.priceColors[i % D.priceColors.length][1], { yAxisID: i === 0 ? "y" : "y1", stepped: true, borderWidth: 2 })] : [])]) },
  options: { ...base, scales: D.symbols.length > 1 ? twoAxes(D.symbols[0] + " (USD)", D.symbols[1] + " (USD)") : { y: { title: { display: true, text: D.symbols[0] + " (USD)" } } } } }));
if (D.oracleMoves) {
  document.getElementById("oracleSection").hidden = false;
  charts.push(new Chart(document.getElementById("oracleDeviation"), { type: "line", data: { labels: D.labels, datasets: D.symbols.map((s, i) =>
    line(s + " oracle − market (%)", D.oracleDeviation[i], D.priceColors[i % D.priceColors.length][1], { borderWidth: 1.2 })) },
    options: { ...base, scales: { y: { title: { display: true, text: "% of the market price" } } } } }));
}
charts.push(new Chart(document.getElementById("parameters"), { type: "line", data: { labels: D.labels, datasets: D.runs.flatMap((r) => D.symbols.flatMap((s, i) => [
  line(r.policy + " " + s + " threshold %", r.threshold[i].map((x) => x / 100), shade(r.policy, i)),
  line(r.policy + " " + s + " LTV %", r.ltv[i].map((x) => x / 100), shade(r.policy, i), { borderDash: [6, 3] })])) },
  options: { ...base, scales: { y: { title: { display: true, text: "% of collateral value" } } } } }));
charts.push(new Chart(document.getElementById("bonus"), { type: "line", data: { labels: D.labels, datasets: D.runs.flatMap((r) => D.symbols.map((s, i) =>
  line(r.policy + " " + s + " bonus %", r.bonus[i].map((x) => x / 100), shade(r.policy, i), { stepped: true }))) },
  options: { ...base, scales: { y: { title: { display: true, text: "% of the repaid debt" } } } } }));
const anyBlocked = D.runs.some((r) => r.blocked.some((x) => x > 0));
document.getElementById("liquidationsTitle").textContent = "Liquidations per " + D.periodName;
charts.push(new Chart(document.getElementById("liquidations"), { type: "bar", data: { labels: D.periodLabels, datasets: D.runs.flatMap((r) => [
  { label: r.policy + " liquidated value (USD)", data: r.liquidatedValue, backgroundColor: shade(r.policy, 0), yAxisID: "y" },
  ...(anyBlocked ? [{ type: "line", label: r.policy + " liquidations blocked by the rate limit", data: r.blocked, borderColor: shade(r.policy, 1), backgroundColor: shade(r.policy, 1), pointRadius: 2, yAxisID: "y1" }] : [])]) },
  options: { ...base, plugins: { subtitle: { display: !anyBlocked, text: "No liquidation was blocked by the rate limit in this window." } },
    scales: anyBlocked ? twoAxes("liquidated value (USD)", "blocked liquidations") : { y: { title: { display: true, text: "liquidated value (USD)" } } } } }));
charts.push(new Chart(document.getElementById("badDebt"), { type: "line", data: { labels: D.labels, datasets: D.runs.flatMap((r) => [
  line(r.policy + " bad debt written off (USD)", r.badDebt, shade(r.policy, 0), { yAxisID: "y" }),
  line(r.policy + " borrowing power used %", r.borrowingPower.map((x) => x * 100), shade(r.policy, 1), { borderDash: [4, 3], yAxisID: "y1" })]) },
  options: { ...base, scales: twoAxes("bad debt (USD)", "borrowing power used (%)") } }));
const bins = ["< " + D.runs[0].health.edges[0], ...D.runs[0].health.edges.map((e, i, a) => i + 1 < a.length ? e + "–" + a[i + 1] : "≥ " + e)];
charts.push(new Chart(document.getElementById("health"), { type: "bar", data: { labels: bins, datasets: D.runs.flatMap((r) => [
  { label: r.policy + " at the start", data: r.health.first, backgroundColor: shade(r.policy, 0) + "55" },
  { label: r.policy + " at the worst snapshot (step " + r.health.worstStep + ")", data: r.health.worst, backgroundColor: shade(r.policy, 0) },
  { label: r.policy + " at the end", data: r.health.last, backgroundColor: shade(r.policy, 1) }]) }, options: { animation: false } }));
if (D.selections.length > 0) {
  document.getElementById("selectionSection").hidden = false;
  const marks = ["#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd"];
  charts.push(new Chart(document.getElementById("frontier"), { type: "scatter", data: { datasets: D.selections.flatMap((s, i) => [
    { label: s.symbol + " frontier", data: s.frontier, borderColor: marks[i % 4], backgroundColor: marks[i % 4] + "55", showLine: true },
    { label: s.symbol + " chosen", data: [s.chosen], backgroundColor: "#d62728", pointRadius: 7, pointStyle: "star" },
    ...(s.formula ? [{ label: s.symbol + " formula", data: [s.formula], backgroundColor: "#555", pointRadius: 6, pointStyle: "triangle" }] : []),
  ]) }, options: { animation: false, scales: { x: { title: { display: true, text: "99% ES of bad debt (USD)" } }, y: { title: { display: true, text: "lending (USD)" } } } } }));
}
window.bulwarkCharts = charts.map((ch) => ({ id: ch.canvas.id, points: ch.data.datasets.reduce((n, d) => n + d.data.length, 0), drawn: ch.canvas.width > 0 && ch.canvas.height > 0 }));
</script></body></html>
`;
}

/** A selection's frontier, chosen and formula points as chart points (x: ES of bad debt, y: lending, USD). */
export function frontierPoints(selection: SelectionSummary): { frontier: { x: number; y: number }[]; chosen: { x: number; y: number }; formula: { x: number; y: number } | null } {
  const point = (p: { esBadDebtUsd: number; lendingUsd: number }) => ({ x: p.esBadDebtUsd, y: p.lendingUsd });
  return { frontier: selection.frontier.map(point), chosen: point(selection.chosen), formula: selection.formula ? point(selection.formula) : null };
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
