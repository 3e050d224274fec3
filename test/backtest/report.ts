import { expect } from "chai";
import { loadBacktestConfig } from "../../calibrator/backtest/config.js";
import { liquidationPeriodSeconds, POLICY_PALETTES, renderBacktestHtml, sumByPeriod } from "../../calibrator/backtest/report.js";
import { runBacktest } from "../../calibrator/backtest/run.js";

const HOUR = 3_600;
const embedded = (html: string) => JSON.parse(html.match(/const D = (\{.*\});\n/)![1]!) as { periodLabels: string[]; periodName: string; oracleMoves: boolean; varSame: boolean };

describe("backtest HTML report: charts a risk team reads at a glance (issue 17 item 9)", function () {
  this.timeout(60_000);

  it("liquidations are summed per hour up to 3 days, per 6 hours up to 14, per day beyond", function () {
    expect(liquidationPeriodSeconds(3 * 86_400)).to.equal(HOUR);
    expect(liquidationPeriodSeconds(3 * 86_400 + 1)).to.equal(6 * HOUR);
    expect(liquidationPeriodSeconds(14 * 86_400)).to.equal(6 * HOUR);
    expect(liquidationPeriodSeconds(61 * 86_400)).to.equal(86_400);
  });

  it("sumByPeriod keeps every count: a 61-day hourly series becomes 61 daily bars with the same total", function () {
    const start = Date.UTC(2022, 4, 1) / 1000;
    const times = Float64Array.from({ length: 61 * 24 }, (_, i) => start + i * HOUR);
    const counts = Float64Array.from(times, (_, i) => (i * 7) % 5);
    const daily = sumByPeriod(times, 86_400);
    expect(daily.labels).to.have.length(61);
    expect(daily.labels[0]).to.equal("2022-05-01");
    expect(daily.labels.at(-1)).to.equal("2022-06-30");
    const sums = daily.sum(counts);
    expect(sums.reduce((a, b) => a + b, 0)).to.equal(counts.reduce((a, b) => a + b, 0));
    expect(sums[0]).to.equal(counts.slice(0, 24).reduce((a, b) => a + b, 0));
    // A window that starts mid-day: the first bar holds only that day's hours.
    const late = sumByPeriod(times.subarray(20), 86_400);
    expect(late.labels[0]).to.equal("2022-05-01");
    expect(late.sum(counts.subarray(20))[0]).to.equal(counts.slice(20, 24).reduce((a, b) => a + b, 0));
  });

  it("the two policies' palettes share no colour", function () {
    expect(POLICY_PALETTES.static!.filter((c) => POLICY_PALETTES.calibrated!.includes(c))).to.deep.equal([]);
  });

  it("the oracle line and its deviation chart appear only when the oracle differs from the market", function () {
    const loaded = loadBacktestConfig("test/fixtures/backtest.test.json");
    const run = runBacktest(loaded, { policy: "static" });
    const flat = embedded(renderBacktestHtml({ title: "t", runs: [run] }));
    expect(flat.oracleMoves).to.equal(false);
    expect(flat.periodName).to.equal("hour");
    expect(flat.varSame).to.equal(true);
    // Freeze the oracle for the first asset's last 10 steps: now it lags, and the report shows it.
    const oracle = run.result.series.oraclePrice[0]!;
    const frozen = oracle.slice();
    frozen.fill(oracle[oracle.length - 11]!, oracle.length - 10);
    const lagging = { ...run, result: { ...run.result, series: { ...run.result.series, oraclePrice: [frozen, ...run.result.series.oraclePrice.slice(1)] } } };
    expect(embedded(renderBacktestHtml({ title: "t", runs: [lagging] })).oracleMoves).to.equal(true);
  });
});
