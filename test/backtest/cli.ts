/// <reference lib="dom" />
import { expect } from "chai";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join, resolve } from "node:path";
import { loadConfig, withPathsResolved } from "../../calibrator/calibrate/config.js";
import type { Browser, Page } from "playwright-core";
import { chromiumExecutable, launchChromium } from "../helpers/browser.js";
import { compareScenarios, type ScenarioComparison } from "../../calibrator/backtest/compare.js";
import type { StressRow } from "../../calibrator/backtest/run.js";

const CONFIG = "test/fixtures/backtest.test.json";
/**
 * A screenshot of a chart, decoded in the page: the share of painted pixels and how many saturated
 * colours (series, not grid or text) it holds. More than a blank canvas means several colours.
 */
async function paintedPixels(page: Page, id: string): Promise<{ share: number; colours: number }> {
  const png = (await page.locator(`#${id}`).screenshot()).toString("base64");
  return page.evaluate(async (b64) => {
    const img = new Image();
    img.src = `data:image/png;base64,${b64}`;
    await img.decode();
    const canvas = document.createElement("canvas");
    [canvas.width, canvas.height] = [img.width, img.height];
    const ctx = canvas.getContext("2d")!;
    ctx.drawImage(img, 0, 0);
    const data = ctx.getImageData(0, 0, img.width, img.height).data;
    let painted = 0;
    const colours = new Set<number>();
    for (let i = 0; i < data.length; i += 4) {
      const [r, g, b] = [data[i]!, data[i + 1]!, data[i + 2]!];
      if (r < 245 || g < 245 || b < 245) painted++;
      // Saturated pixels only (series, not grid or text), quantised to 32 levels per channel.
      if (Math.max(r, g, b) - Math.min(r, g, b) > 60) colours.add(((r >> 3) << 10) | ((g >> 3) << 5) | (b >> 3));
    }
    return { share: painted / (data.length / 4), colours: colours.size };
  }, png);
}

/** Opens a report in a new page and waits for its charts: the page, its script errors and the charts it drew. */
async function openReport(browser: Browser, html: string) {
  const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(e.message));
  await page.goto(`file://${html}`);
  await page.waitForFunction(() => (window as unknown as { bulwarkCharts?: unknown }).bulwarkCharts !== undefined, undefined, { timeout: 20_000 });
  const charts = await page.evaluate(() => (window as unknown as { bulwarkCharts: { id: string; points: number; drawn: boolean }[] }).bulwarkCharts);
  return { page, errors, charts };
}

const bulwark = (...args: string[]) => spawnSync(process.execPath, ["--import", "tsx", "calibrator/cli.ts", ...args], { encoding: "utf8" });
const METRICS = [
  "avgBorrowingPowerUsed",
  "badDebt",
  "blockedByRateLimit",
  "bonusPaid",
  "bonusPaidInsolventUsd",
  "liquidatedValue",
  "liquidationDelayHours",
  "peakSpiralProduct",
  "protocolFees",
  "solventDebtUsdAvg",
  "worstHealth",
];

interface BacktestJson {
  policy: string;
  steps: number;
  positions: number;
  metrics: Record<string, number>;
  varBacktest: Record<string, number | boolean>;
  timings: { simMs: number };
}

describe("bulwark backtest and stress", function () {
  this.timeout(240_000);
  const dir = mkdtempSync(join(tmpdir(), "bulwark-backtest-cli-"));

  it("backtest --json prints the issue's shape for each policy, from real ETH/BTC hours", function () {
    for (const policy of ["static", "calibrated"]) {
      const run = bulwark("backtest", "--config", CONFIG, "--policy", policy, "--json", "--progress", "never");
      expect(run.status, run.stderr).to.equal(0);
      const out = JSON.parse(run.stdout) as BacktestJson;
      expect(Object.keys(out).sort()).to.deep.equal(["metrics", "policy", "positions", "seeds", "steps", "timings", "varBacktest"]);
      expect(out.policy).to.equal(policy);
      expect(out.steps).to.equal(72); // 8–10 November 2022, hourly
      // 300 at the opening, plus the living book's arrivals over the 72 hours (0.3% a day, Poisson).
      expect(out.positions).to.be.within(300, 320);
      expect(Object.keys(out.metrics).sort()).to.deep.equal(METRICS);
      for (const key of METRICS.filter((k) => k !== "liquidationDelayHours")) expect(Number.isFinite(out.metrics[key]), key).to.equal(true);
      expect(out.metrics.liquidatedValue).to.be.above(0); // FTX week: ETH −20% in a day
      expect(out.metrics.avgBorrowingPowerUsed).to.be.within(0.3, 0.95);
      expect(Object.keys(out.varBacktest).sort()).to.deep.equal(["christoffersenLR", "christoffersenPass", "kupiecLR", "kupiecPass"]);
      expect(out.timings.simMs).to.be.above(0);
    }
  });

  it("--seeds N runs N population, liquidator and book seeds: metrics are their mean, seeds.worst the worst; both policies default to 10; --seeds 0 is refused", function () {
    const run = bulwark("backtest", "--config", CONFIG, "--from", "2022-11-09", "--to", "2022-11-09 23:00", "--seeds", "3", "--json", "--progress", "never");
    expect(run.status, run.stderr).to.equal(0);
    const out = JSON.parse(run.stdout) as BacktestJson & { seeds: { count: number; mean: Record<string, number>; worst: Record<string, number> } };
    expect(out.seeds.count).to.equal(3);
    expect(out.seeds.mean).to.deep.equal(out.metrics);
    expect(out.seeds.worst.badDebt).to.be.at.least(out.metrics.badDebt);
    expect(out.seeds.worst.solventDebtUsdAvg).to.be.at.most(out.metrics.solventDebtUsdAvg);
    const one = JSON.parse(bulwark("backtest", "--config", CONFIG, "--from", "2022-11-09", "--to", "2022-11-09 23:00", "--json", "--progress", "never").stdout) as BacktestJson;
    // Different seeds draw different books: the mean of three is not the first seed's figure.
    expect(out.metrics.solventDebtUsdAvg).to.not.equal(one.metrics.solventDebtUsdAvg);
    // A comparison of both policies defaults to 10 seeds.
    const both = bulwark("backtest", "--config", CONFIG, "--policy", "both", "--from", "2022-11-09", "--to", "2022-11-09 05:00", "--json", "--progress", "never");
    expect(both.status, both.stderr).to.equal(0);
    expect((JSON.parse(both.stdout) as { seeds: { count: number } }[]).map((r) => r.seeds.count)).to.deep.equal([10, 10]);
    const zero = bulwark("backtest", "--config", CONFIG, "--seeds", "0");
    expect(zero.status).to.not.equal(0);
    expect(zero.stderr).to.match(/--seeds.*whole number of seeds/);
  });

  it("--from/--to pick the window; a malformed time or an unknown policy is refused", function () {
    const run = bulwark("backtest", "--config", CONFIG, "--from", "2022-11-09", "--to", "2022-11-09 11:00", "--json", "--progress", "never");
    expect(run.status, run.stderr).to.equal(0);
    expect((JSON.parse(run.stdout) as BacktestJson).steps).to.equal(12);
    const bad = bulwark("backtest", "--config", CONFIG, "--from", "9 Nov 2022");
    expect(bad.status).to.not.equal(0);
    expect(bad.stderr).to.match(/--from.*expected a UTC time/);
    const policy = bulwark("backtest", "--config", CONFIG, "--policy", "yolo");
    expect(policy.status).to.not.equal(0);
    expect(policy.stderr).to.match(/Allowed choices are static, calibrated, both/);
    const early = bulwark("backtest", "--config", CONFIG, "--policy", "calibrated", "--from", "2022-01-02", "--to", "2022-01-03");
    expect(early.status).to.equal(2);
    expect(early.stderr).to.match(/needs 200 candles before the window/);
  });

  it("backtest and stress read exchange files with maintenance gaps under --allow-gaps or a wider --max-gap, and refuse them otherwise naming file, row and field (issue 16)", function () {
    // The real ETH and BTC hours with 4 hours cut out of the backtest window and of the stress base, as
    // an exchange outage leaves them (the ETHUSDT 2017–2021 file has one such gap on 2021-08-13).
    const root = process.cwd();
    const cut = (file: string) => {
      const lines = readFileSync(join(root, file), "utf8").split("\n");
      const kept = lines.filter((l) => !/^2022-11-09 0[3-6]:|^2024-03-04 1[0-3]:/.test(l));
      expect(lines.length - kept.length).to.equal(8);
      const out = join(dir, basename(file));
      writeFileSync(out, kept.join("\n"));
      return out;
    };
    const config = JSON.parse(readFileSync(CONFIG, "utf8")) as { deployment: string; calibration: string; repositoryRoot: string; assets: { candles: string; pool: string }[] };
    config.deployment = join(root, "deploy/local.json");
    config.calibration = join(root, "config/calibrate.sample.json");
    config.repositoryRoot = root;
    config.assets = config.assets.map((a, i) => ({ ...a, candles: cut(`data/binance_spot_eth_btc_2022_2025/${i === 0 ? "ETH" : "BTC"}USDT_1h_2022_2025.csv`), pool: join(root, "data/uniswap_v3_usdc_weth_005_ticks") }));
    const gapped = join(dir, "gapped.json");
    writeFileSync(gapped, JSON.stringify(config));
    for (const command of ["backtest", "stress"]) {
      const refused = bulwark(command, "--config", gapped, "--json", "--progress", "never");
      expect(refused.status, command).to.equal(2);
      expect(refused.stderr).to.match(/USDT_1h_2022_2025\.csv:\d+ \[timestamp\]: gap of 4 missing candles after 2022-11-09T02:00:00Z \(tolerance 3; allow with --allow-gaps or raise --max-gap\)/);
      expect(refused.stderr).to.not.match(/\n\s+at /);
      expect(refused.stdout).to.equal("");
    }
    const run = bulwark("backtest", "--config", gapped, "--allow-gaps", "--json", "--progress", "never");
    expect(run.status, run.stderr).to.equal(0);
    expect((JSON.parse(run.stdout) as BacktestJson).steps).to.equal(72 - 4);
    const wider = bulwark("backtest", "--config", gapped, "--max-gap", "4", "--json", "--progress", "never");
    expect(wider.status, wider.stderr).to.equal(0);
    expect((JSON.parse(wider.stdout) as BacktestJson).steps).to.equal(72 - 4);
    const stress = bulwark("stress", "--config", gapped, "--allow-gaps", "--json", "--progress", "never");
    expect(stress.status, stress.stderr).to.equal(0);
    const rows = JSON.parse(stress.stdout) as StressRow[];
    // The shocks replay the gapped stress base: 48 hours less the 4 cut out.
    expect(rows.filter((r) => r.kind === "hypothetical").map((r) => r.steps)).to.deep.equal([44, 44]);
  });

  it("stress --json runs the six historical windows and the config's shocks, one row each with the same metrics", function () {
    const run = bulwark("stress", "--config", CONFIG, "--policy", "calibrated", "--json", "--progress", "always");
    expect(run.status, run.stderr).to.equal(0);
    const rows = JSON.parse(run.stdout) as { scenario: string; kind: string; steps: number; metrics: Record<string, number> }[];
    expect(rows.map((r) => r.scenario)).to.deep.equal(["2020-03-12", "2021-05-19", "2022-05", "2022-11", "2023-03", "2024-08-05", "drop-40pct-6h", "drop-40pct-6h-oracle-frozen-4h"]);
    for (const row of rows) expect(Object.keys(row.metrics).sort()).to.deep.equal(METRICS);
    const byName = new Map(rows.map((r) => [r.scenario, r]));
    // Black Thursday is worse than the calm SVB weekend for the same book.
    expect(byName.get("2020-03-12")!.metrics.liquidatedValue).to.be.above(byName.get("2023-03")!.metrics.liquidatedValue);
    // Freezing the oracle through the fall delays liquidations: more bad debt, a worse low.
    const frozen = byName.get("drop-40pct-6h-oracle-frozen-4h")!.metrics;
    const live = byName.get("drop-40pct-6h")!.metrics;
    expect(frozen.worstHealth).to.be.below(live.worstHealth);
    expect(frozen.badDebt).to.be.at.least(live.badDebt);
    // The run lasts more than a second: the progress bar was drawn on stderr.
    expect(run.stderr).to.match(/stress .*\[[█░]+\] \d+%/);
  });

  it("stress --policy both runs both policies on the same scenarios and prints each difference and verdict (issue 17 item 8)", function () {
    const both = bulwark("stress", "--config", CONFIG, "--policy", "both", "--seeds", "1", "--json", "--progress", "never");
    expect(both.status, both.stderr).to.equal(0);
    const comparisons = JSON.parse(both.stdout) as ScenarioComparison[];
    const alone = JSON.parse(bulwark("stress", "--config", CONFIG, "--policy", "static", "--json", "--progress", "never").stdout) as { scenario: string; metrics: Record<string, number> }[];
    expect(comparisons.map((c) => c.scenario)).to.deep.equal(alone.map((r) => r.scenario));
    for (const [i, c] of comparisons.entries()) {
      // The static side is the same run as `--policy static` (same seeds, same scenario).
      expect(c.static.metrics.badDebt, c.scenario).to.equal(alone[i]!.metrics.badDebt);
      expect(c.difference.badDebtUsd).to.equal(c.calibrated.seeds.mean.badDebt - c.static.seeds.mean.badDebt);
      expect(c.lendsMore).to.equal(c.calibrated.seeds.mean.solventDebtUsdAvg > c.static.seeds.mean.solventDebtUsdAvg);
      expect(c.losesNoMore).to.equal(c.difference.badDebtUsd <= 1);
    }
    const table = bulwark("stress", "--config", CONFIG, "--policy", "both", "--seeds", "1", "--progress", "never");
    expect(table.status, table.stderr).to.equal(0);
    expect(table.stdout).to.match(/bad debt static[\s\S]*bad debt calibrated[\s\S]*Δ bad debt/);
    const crashes = comparisons.filter((c) => c.kind === "historical");
    expect(table.stdout).to.include(`historical crashes: calibrated loses no more in ${crashes.filter((c) => c.losesNoMore).length} of 6 and lends more in ${crashes.filter((c) => c.lendsMore).length} of 6`);
  });

  it("compareScenarios refuses rows that do not pair the same scenario, static against calibrated", function () {
    const row = (scenario: string, policy: "static" | "calibrated") => ({ scenario, policy }) as unknown as StressRow;
    expect(() => compareScenarios([row("a", "static")], [row("b", "calibrated")])).to.throw(RangeError, /pairs static a with calibrated b/);
    expect(() => compareScenarios([row("a", "calibrated")], [row("a", "static")])).to.throw(RangeError, /pairs calibrated a/);
    expect(() => compareScenarios([row("a", "static")], [])).to.throw(RangeError, /1 static rows against 0/);
  });

  it("the HTML report renders in headless Chromium and every chart draws", async function () {
    const html = join(dir, "backtest.html");
    const run = bulwark("backtest", "--config", CONFIG, "--policy", "both", "--html", html, "--progress", "never");
    expect(run.status, run.stderr).to.equal(0);
    expect(run.stdout).to.match(/static[\s\S]*calibrated/);
    const { source, path } = await chromiumExecutable();
    console.log(`      Chromium: ${source === "debian" ? "Debian's" : "the npm package @sparticuz/chromium's"} (${path})`);
    const browser = await launchChromium();
    try {
      const { page, errors, charts } = await openReport(browser, html);
      expect(errors).to.deep.equal([]);
      expect(charts.map((c) => c.id)).to.deep.equal(["prices", "parameters", "bonus", "liquidations", "badDebt", "health"]);
      for (const c of charts) {
        expect(c.drawn, c.id).to.equal(true);
        expect(c.points, c.id).to.be.above(0);
      }
      // A screenshot of each chart, decoded in the page: more than a blank canvas means a real share of
      // painted pixels in several colours (axes alone are grey).
      for (const c of charts) {
        const pixels = await paintedPixels(page, c.id);
        expect(pixels.share, `${c.id}: painted share of the screenshot`).to.be.above(0.03);
        expect(pixels.colours, `${c.id}: saturated colours in the screenshot`).to.be.above(3);
      }
      // Each policy has its own palette: no colour is shared by a static and a calibrated series.
      const palettes = await page.evaluate(() => {
        const chart = (window as unknown as { Chart: { getChart: (id: string) => { data: { datasets: { label: string; borderColor: string }[] } } } }).Chart.getChart("parameters");
        // (No named helper here: tsx would wrap it in __name, which the page does not have.)
        const colours = { static: new Set<string>(), calibrated: new Set<string>() };
        for (const d of chart.data.datasets) colours[d.label.startsWith("static ") ? "static" : "calibrated"].add(d.borderColor);
        return { static: [...colours.static], calibrated: [...colours.calibrated] };
      });
      expect(palettes.static).to.not.be.empty;
      expect(palettes.calibrated.filter((c) => palettes.static.includes(c))).to.deep.equal([]);
      // The VaR backtest is stated once, with why it is the same for both policies.
      expect(await page.locator("#var").textContent()).to.match(/same under every policy/);
      // A 3-day window: hourly bars; no liquidation was blocked, and the chart says so rather than drawing an empty axis.
      expect(await page.locator("#liquidationsTitle").textContent()).to.equal("Liquidations per hour");
      expect(await page.locator("#oracleNote").textContent()).to.match(/oracle equals the market at every step/);
      mkdirSync("reports", { recursive: true });
      await page.screenshot({ path: "reports/backtest-report.png", fullPage: true });
      expect(await page.locator("#summary td").count()).to.be.above(10);
    } finally {
      await browser.close();
    }
  });

  it("with the selection on, the HTML report plots each asset's frontier with the chosen and the formula's points", async function () {
    // The fixture's backtest with a selection block in its calibration config (300 paths a selection).
    const fixture = JSON.parse(readFileSync(CONFIG, "utf8")) as Record<string, unknown> & { assets: Record<string, unknown>[] };
    const at = (p: string) => resolve("test/fixtures", p);
    const calibration = withPathsResolved(loadConfig(at(fixture.calibration as string)), resolve(at(fixture.calibration as string), ".."));
    const calibrationFile = join(dir, "calibrate.select.json");
    writeFileSync(calibrationFile, JSON.stringify({ ...calibration, selection: { scenarios: { count: 300 } } }));
    const configFile = join(dir, "backtest.select.json");
    writeFileSync(
      configFile,
      JSON.stringify({ ...fixture, deployment: at(fixture.deployment as string), calibration: calibrationFile, repositoryRoot: at(fixture.repositoryRoot as string), assets: fixture.assets.map((a) => ({ ...a, candles: at(a.candles as string), pool: at(a.pool as string) })) }),
    );
    const html = join(dir, "backtest.select.html");
    const run = bulwark("backtest", "--config", configFile, "--policy", "calibrated", "--html", html, "--progress", "never");
    expect(run.status, run.stderr).to.equal(0);
    const browser = await launchChromium();
    try {
      const { page, errors, charts } = await openReport(browser, html);
      expect(errors).to.deep.equal([]);
      const frontier = charts.find((c) => c.id === "frontier");
      expect(frontier, "a frontier chart").to.not.equal(undefined);
      expect(frontier!.drawn).to.equal(true);
      const labels = await page.evaluate(() => (window as unknown as { Chart: { getChart: (id: string) => { data: { datasets: { label: string; data: unknown[] }[] } } } }).Chart.getChart("frontier").data.datasets.map((d) => `${d.label}:${d.data.length}`));
      for (const symbol of ["WETH", "WBTC"]) {
        expect(labels.some((l) => l.startsWith(`${symbol} frontier:`) && Number(l.split(":")[1]) >= 2), `${symbol} frontier in ${labels.join(", ")}`).to.equal(true);
        expect(labels).to.include(`${symbol} chosen:1`);
      }
      const pixels = await paintedPixels(page, "frontier");
      expect(pixels.share).to.be.above(0.03);
      expect(pixels.colours).to.be.above(3);
    } finally {
      await browser.close();
    }
  });
});
